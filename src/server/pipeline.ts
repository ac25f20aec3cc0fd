import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { ServiceError, isServiceError } from '../errors/service-error.js';
import type { Caller } from '../identity/caller.js';
import type { Authorizer, AuthzOutcome, AuthzTrace, Decision, ProtocolAdapter, RequestInfo } from './protocol.js';
import { normalizePeer, type ClientAddressResolver } from './client-address.js';
import { newRequestId } from './request-id.js';
import { detectService } from './service-detect.js';
import { originForm } from './origin-form.js';

export interface PipelineDeps {
  /** SigV4 (or anonymous) authentication of the raw request; the body is verified as it streams. */
  readonly authenticate: (raw: RawRequest, body: Readable, now: Date) => Promise<AuthenticationResult>;
  readonly authorizer: Authorizer;
  /** The S3 protocol serves every request whose credential scope is not another service's. */
  readonly s3: ProtocolAdapter;
  /** The other services by SigV4 service name (`iam`, `sts`: Query protocol; `organizations`: JSON). */
  readonly services: ReadonlyMap<string, ProtocolAdapter>;
  readonly region: string;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * Runs first for every request. A worker process polls its shared stores here, so the request sees
   * every write other processes acknowledged before it started (server/workers.ts).
   */
  readonly beforeRequest?: () => void;
  /** aws:SourceIp from a trusted proxy's forwarding header (client-address.ts); else the socket's peer. */
  readonly clientAddress?: ClientAddressResolver;
  /**
   * Seals a denial's details into an encoded authorization message (sts:DecodeAuthorizationMessage
   * decodes it), written to the request's log line: the client gets AWS's plain AccessDenied text.
   */
  readonly encodeDenial?: (caller: Caller, outcome: AuthzOutcome, trace: AuthzTrace) => Promise<string>;
}

/**
 * The request path, the same for every protocol (DESIGN.md):
 * parse → authenticate → route → authorize (before the handler, never inside it) → execute → render,
 * then one log line. Protocols own parsing and rendering; this file owns the order.
 */
export class RequestPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    this.deps.beforeRequest?.();
    const socket = req.socket;
    const readAtStart = socket.bytesRead;
    const writtenAtStart = socket.bytesWritten;
    const receivedAt = this.deps.now();
    const { info, peer } = requestInfoOf(req, { requestId: newRequestId(), receivedAt, region: this.deps.region, clientAddress: this.deps.clientAddress });
    const raw = toRawRequest(req);
    const trace: RequestTrace = { operation: '-', caller: undefined, decision: undefined };
    res.once('close', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      this.deps.logger.info({
        requestId: info.requestId,
        sourceIp: info.sourceIp,
        ...(peer !== info.sourceIp ? { peer } : {}),
        method: raw.method,
        operation: trace.operation,
        caller: trace.caller,
        decision: trace.decision,
        status: res.statusCode,
        bytesIn: socket.bytesRead - readAtStart,
        bytesOut: socket.bytesWritten - writtenAtStart,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
        completed: res.writableFinished,
        ...(trace.encodedDenial !== undefined ? { encodedAuthorizationMessage: trace.encodedDenial } : {}),
      });
      if (trace.denial !== undefined) this.deps.logger.debug({ requestId: info.requestId, authorization: trace.denial }, 'access denied');
    });
    void this.run(req, res, raw, info, trace);
  };

  private async run(req: IncomingMessage, res: ServerResponse, raw: RawRequest, info: RequestInfo, trace: RequestTrace): Promise<void> {
    const service = detectService(raw);
    const other = this.deps.services.get(service);
    const adapter = other ?? this.deps.s3;
    const expectsContinue = header(req, 'expect')?.toLowerCase() === '100-continue';
    try {
      // A Query or JSON protocol body is part of what is signed, and a browser POST upload carries its
      // credentials in the form: both bodies must arrive before authentication.
      const bodyAuthenticates = other !== undefined || /^multipart\/form-data/i.test(header(req, 'content-type') ?? '');
      if (expectsContinue && bodyAuthenticates) res.writeContinue();
      let auth: AuthenticationResult;
      try {
        auth = await this.deps.authenticate(raw, req, info.receivedAt);
      } catch (e) {
        // Each protocol reports authentication failures with its own codes (IAM says
        // InvalidClientTokenId where S3 says InvalidAccessKeyId).
        throw isServiceError(e) && adapter.authError ? adapter.authError(e) : e;
      }
      const op = await adapter.route(raw, req, auth, info);
      trace.operation = op.name;
      const caller: Caller = op.caller ?? auth.caller;
      const authForChecks = op.facts ? { ...auth, facts: op.facts } : auth;
      trace.caller = caller.kind === 'Anonymous' ? 'anonymous' : caller.arn;
      if (op.checks.length > 0) {
        const outcome = await this.deps.authorizer.authorize(caller, op.checks, info, authForChecks);
        trace.decision = outcome.decision;
        if (outcome.decision !== 'Allow') {
          trace.denial = outcome.trace ?? outcome.message;
          if (outcome.trace && this.deps.encodeDenial) trace.encodedDenial = await this.deps.encodeDenial(caller, outcome, outcome.trace);
          throw accessDenied(outcome);
        }
      }
      const advice: Decision[] = [];
      for (const check of op.advisoryChecks ?? []) {
        advice.push((await this.deps.authorizer.authorize(caller, [check], info, authForChecks)).decision);
      }
      if (expectsContinue && !bodyAuthenticates) res.writeContinue();
      await op.execute(res, advice);
    } catch (e) {
      if (!isServiceError(e)) this.deps.logger.error({ requestId: info.requestId, err: e }, 'internal error');
      this.fail(e, req, res, raw, info, adapter);
    }
  }

  private fail(e: unknown, req: IncomingMessage, res: ServerResponse, raw: RawRequest, info: RequestInfo, adapter: ProtocolAdapter): void {
    if (res.headersSent) {
      // The status line is gone: the only honest signal left is to cut the connection.
      res.destroy(e instanceof Error ? e : undefined);
      return;
    }
    if (!req.readableEnded) {
      // Do not read (possibly gigabytes of) a body we are refusing: answer, then close the connection.
      res.shouldKeepAlive = false;
      res.once('finish', () => req.destroy());
    }
    adapter.renderError(e, res, info, raw);
  }
}

interface RequestTrace {
  operation: string;
  caller: string | undefined;
  decision: string | undefined;
  denial?: unknown;
  encodedDenial?: string;
}

function accessDenied(outcome: AuthzOutcome): ServiceError {
  return new ServiceError('AccessDenied', outcome.message ?? 'Access Denied', 403);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/**
 * The facts of a request that come from the connection: the client address (behind trusted proxies:
 * client-address.ts), and whether it came over TLS to us — only a TLS socket is secure transport.
 */
export function requestInfoOf(
  req: IncomingMessage,
  o: { readonly requestId: string; readonly receivedAt: Date; readonly region: string; readonly clientAddress?: ClientAddressResolver },
): { info: RequestInfo; peer: string } {
  const socket = req.socket;
  const peer = normalizePeer(socket.remoteAddress ?? '');
  const tls = (socket as Partial<TLSSocket>).encrypted === true ? (socket as TLSSocket) : undefined;
  const info: RequestInfo = {
    requestId: o.requestId,
    receivedAt: o.receivedAt,
    sourceIp: o.clientAddress ? o.clientAddress.resolve(peer, req.headers) : peer,
    secureTransport: tls !== undefined,
    tlsVersion: tls?.getProtocol() ?? undefined,
    userAgent: header(req, 'user-agent'),
    referer: header(req, 'referer'),
    region: o.region,
  };
  return { info, peer };
}

export function toRawRequest(req: IncomingMessage): RawRequest {
  const url = originForm(req.url ?? '/');
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
  };
}
