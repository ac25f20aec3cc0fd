/**
 * The HTTP layer's bounds and refusals, for one listener (issue #17, hardening):
 * - Idle connections: a socket that is neither read from nor written to for `idleTimeoutMs` is closed,
 *   as S3 closes idle sockets after about 20 s. When the client stalled a request (its header section,
 *   or the body it announced, stopped arriving), the request is first answered `400 RequestTimeout`.
 *   Node's socket timeouts are per socket, re-armed by every read and write: no timer per request.
 * - The header section must arrive within `headersTimeoutMs` in all (a slow trickle of header bytes).
 * - At most `maxConnections` open connections (node's `server.maxConnections`).
 * - Every error Node's parser reports (`clientError`) is answered with S3's error for it
 *   (http-layer-errors.ts) instead of Node's bare 400/431 without a body.
 * The answers come from `HttpRefusals` (the pipeline): one renderer, one log line per refusal.
 *
 * Deviation from AWS: a connection beyond `maxConnections` is closed as it arrives, with no answer
 * (no request has been read to answer); S3 has no documented connection bound.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { ServiceError } from '../errors/service-error.js';
import { httpLayerError, parserRefusal, rawHttpResponse } from './http-layer-errors.js';
import type { HttpResponse } from './protocol.js';

/** The HTTP layer's bounds (flags and variables in config.ts). */
export interface HttpLimits {
  /** A connection with no traffic either way for this long is closed (a stalled request: RequestTimeout). */
  readonly idleTimeoutMs: number;
  /** A request's whole header section must arrive within this. */
  readonly headersTimeoutMs: number;
  /** Open connections per listener and process; more are closed as they arrive. */
  readonly maxConnections: number;
  /** S3 requests with a body in progress per process; more are answered 503 SlowDown (upload-slots.ts). */
  readonly maxUploads: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  idleTimeoutMs: 20_000,
  headersTimeoutMs: 60_000,
  maxConnections: 4096,
  maxUploads: 512,
};

/** Who answers the HTTP layer's refusals: the request pipeline renders and logs them like any answer. */
export interface HttpRefusals {
  /**
   * No request object exists (the request line or headers never parsed, or stalled): the answer to
   * write on the socket before closing it. `reason`: what the HTTP layer saw, for the log.
   */
  refuseConnection(error: ServiceError, socket: Socket, reason: string): HttpResponse;
  /** A request whose headers were read: answer `error` and close the connection (cut it if the answer began). */
  refuseRequest(req: IncomingMessage, res: ServerResponse, error: ServiceError): void;
}

/**
 * What the guard keeps per socket, in a WeakMap rather than as properties on node's sockets: a
 * property added to every socket (or response) changes its hidden class, which made node's own HTTP
 * code polymorphic and cost the request path far more than the lookups do.
 */
interface SocketState {
  active: ServerResponse | undefined;
  readMark: number;
  closing: boolean;
}

export class ConnectionGuard {
  private readonly sockets = new WeakMap<Socket, SocketState>();

  constructor(private readonly o: { readonly limits: HttpLimits; readonly refusals: HttpRefusals | undefined }) {}

  /** The timeouts as node's server options (requestTimeout 0: a 5 GB upload may take long; idleness ends it). */
  serverOptions(): ServerOptions {
    const { idleTimeoutMs, headersTimeoutMs } = this.o.limits;
    return {
      keepAliveTimeout: idleTimeoutMs,
      headersTimeout: headersTimeoutMs,
      requestTimeout: 0,
      // How often node checks header sections against headersTimeout (its default: every 30 s).
      connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeoutMs / 2))),
      // A request without Host is refused here, with S3's error, not with node's bare 400.
      requireHostHeader: false,
    };
  }

  install(server: Server | HttpsServer): void {
    server.maxConnections = this.o.limits.maxConnections;
    server.setTimeout(this.o.limits.idleTimeoutMs);
    server.on('timeout', (socket: Socket) => this.onIdle(socket));
    server.on('clientError', (err: Error, socket: Socket) => this.onClientError(err, socket));
  }

  requestStarted(socket: Socket, res: ServerResponse): void {
    const state = this.sockets.get(socket);
    if (state === undefined) this.sockets.set(socket, { active: res, readMark: 0, closing: false });
    else state.active = res;
  }

  requestEnded(socket: Socket, res: ServerResponse): void {
    const state = this.sockets.get(socket);
    if (state === undefined || state.active !== res) return;
    state.active = undefined;
    state.readMark = socket.bytesRead;
  }

  private stateOf(socket: Socket): SocketState {
    let state = this.sockets.get(socket);
    if (state === undefined) this.sockets.set(socket, (state = { active: undefined, readMark: 0, closing: false }));
    return state;
  }

  /** HTTP/1.1 requires Host (RFC 9112 §3.2); the check node would make, answered with S3's error. */
  refuseWithoutHost(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.headers.host !== undefined || req.httpVersionMajor !== 1 || req.httpVersionMinor !== 1) return false;
    this.refuseRequest(req, res, httpLayerError('BadRequest'));
    return true;
  }

  private onIdle(socket: Socket): void {
    const state = this.stateOf(socket);
    if (state.closing) {
      socket.destroy();
      return;
    }
    const res = state.active;
    if (res === undefined) {
      // Between requests: nothing since the last answer is an idle keep-alive connection, closed
      // silently; part of a header section is a stalled request.
      const stalled = socket.bytesRead > state.readMark;
      if (stalled) this.refuseConnection(socket, httpLayerError('RequestTimeout'), 'idle');
      else socket.destroy();
      return;
    }
    if (res.headersSent) {
      // Bytes waiting to be sent: the client stopped reading the answer. None: the server is still
      // producing it (watch again).
      if (socket.writableLength > 0) socket.destroy();
      else socket.setTimeout(this.o.limits.idleTimeoutMs);
      return;
    }
    const req = res.req;
    if (req.complete || req.readableLength > 0) {
      // The request arrived (or its bytes wait for the server to read them): the server is the one
      // working, not the client stalling.
      socket.setTimeout(this.o.limits.idleTimeoutMs);
      return;
    }
    this.refuseRequest(req, res, httpLayerError('RequestTimeout'));
  }

  private onClientError(err: Error & { code?: string }, socket: Socket): void {
    const state = this.stateOf(socket);
    if (state.closing || !socket.writable) {
      socket.destroy();
      return;
    }
    const res = state.active;
    const midBody = res !== undefined && !res.req.complete;
    const refusal = parserRefusal(err, { midBody });
    if (refusal === undefined) {
      socket.destroy(); // a socket error: nobody left to answer
      return;
    }
    if (res === undefined) {
      this.refuseConnection(socket, refusal, err.code ?? 'clientError');
      return;
    }
    if (midBody) {
      this.refuseRequest(res.req, res, refusal);
      return;
    }
    // The error is in what follows a complete request (a pipelined one): answer that request, then close.
    state.closing = true;
    if (res.headersSent) res.once('finish', () => socket.end());
    else res.shouldKeepAlive = false;
  }

  private refuseRequest(req: IncomingMessage, res: ServerResponse, error: ServiceError): void {
    if (this.o.refusals === undefined || res.headersSent) {
      req.socket.destroy();
      return;
    }
    this.o.refusals.refuseRequest(req, res, error);
  }

  private refuseConnection(socket: Socket, error: ServiceError, reason: string): void {
    this.stateOf(socket).closing = true;
    if (this.o.refusals === undefined) {
      socket.destroy();
      return;
    }
    const bytes = rawHttpResponse(this.o.refusals.refuseConnection(error, socket, reason));
    // Closed once the answer is flushed; a client that does not read it meets the idle timeout (closing).
    socket.end(bytes, () => socket.destroy());
  }
}
