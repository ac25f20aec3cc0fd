import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { ServiceError, isServiceError } from '../errors/service-error.js';
import type { Caller } from '../identity/caller.js';
import { decidedByName, type RequestRecord } from '../audit/request-record.js';
import { PipelineRecord, type RecordFacts, type RequestState } from './pipeline-record.js';
import type { Authorizer, AuthzOutcome, AuthzTrace, Decision, HttpResponse, ProtocolAdapter, RequestInfo } from './protocol.js';
import { fixedBodyLength, writeHttpResponse } from './http-response.js';
import type { RequestObserver } from './request-observer.js';
import { logLineOf } from './request-log.js';
import { normalizePeer, type ClientAddressResolver } from './client-address.js';
import { newRequestId } from './request-id.js';
import { detectService } from './service-detect.js';
import { originForm } from './origin-form.js';
import type { HttpRefusals } from './connection-guard.js';
import { httpLayerError } from './http-layer-errors.js';
import { isUpload, type UploadSlots } from './upload-slots.js';

export interface PipelineDeps {
  /** SigV4 (or anonymous) authentication of the raw request; the body is verified as it streams. */
  readonly authenticate: (raw: RawRequest, body: Readable, now: Date) => Promise<AuthenticationResult>;
  readonly authorizer: Authorizer;
  /** The S3 protocol serves every request whose credential scope is not another service's. */
  readonly s3: ProtocolAdapter;
  /** The other services by SigV4 service name (`iam`, `sts`: Query protocol; `organizations`: JSON). */
  readonly services: ReadonlyMap<string, ProtocolAdapter>;
  /** A pipeline that serves one service only (the website endpoint, `s3`) names it: no detection. */
  readonly service?: string;
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
  /** Who reads each request's record (audit trail, access logs, metrics, access advisor). */
  readonly observers?: readonly RequestObserver[];
  /** The bound on S3 uploads in progress (beyond it: 503 SlowDown); none: unbounded. */
  readonly uploads?: UploadSlots;
}

/**
 * The request path, the same for every protocol (DESIGN.md):
 * parse → authenticate → route → authorize (before the handler, never inside it) → execute → render
 * → write, then one record of the request (audit/request-record.ts) for the observers and the log
 * line. Protocols own parsing and rendering (as HttpResponse values); this file owns the order and is
 * the only writer of responses, so it sees every outcome.
 */
export class RequestPipeline implements HttpRefusals {
  /**
   * The responses the pipeline is running, and how the HTTP layer refuses each one's request
   * (refuseRequest). A WeakMap, not a property on node's response: that would change its hidden class.
   * Each entry is removed when its response closes: node keeps a response alive well after its answer,
   * and an entry left behind (its closure holds the request's whole state) made every request's
   * objects outlive the young generation: promoted, then collected by mark-compacts (GC went from 2 %
   * to 9 % of the 4 KiB GET's time).
   */
  private readonly refusers = new WeakMap<ServerResponse, (error: ServiceError) => void>();
  private readonly writeAhead: readonly RequestObserver[];
  private readonly afterResponse: readonly NonNullable<RequestObserver['afterResponse']>[];

  constructor(private readonly deps: PipelineDeps) {
    const observers = deps.observers ?? [];
    this.writeAhead = observers.filter((o) => o.beforeResponse !== undefined);
    this.afterResponse = observers.flatMap((o) => (o.afterResponse ? [o.afterResponse] : []));
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => this.start(req, res, undefined);

  /**
   * HttpRefusals (connection-guard.ts): the HTTP layer refuses a request whose headers were read (its
   * client stalled, its body cannot be parsed, it has no Host). Answered, logged and recorded like any
   * request, by the protocol the request was for.
   */
  readonly refuseRequest = (req: IncomingMessage, res: ServerResponse, error: ServiceError): void => {
    const refuse = this.refusers.get(res);
    if (refuse !== undefined) refuse(error);
    else this.start(req, res, error);
  };

  /** HttpRefusals: a refusal with no request to attach it to (S3's error document; the log line says why). */
  readonly refuseConnection = (error: ServiceError, socket: Socket, reason: string): HttpResponse => {
    const requestId = newRequestId();
    const sourceIp = normalizePeer(socket.remoteAddress ?? '');
    const logged = { requestId, sourceIp, status: error.status, errorCode: error.code, reason };
    this.deps.logger.info(logged, 'request refused by the HTTP layer');
    const info: RequestInfo = {
      requestId,
      receivedAt: this.deps.now(),
      sourceIp,
      secureTransport: false,
      userAgent: undefined,
      referer: undefined,
      region: this.deps.region,
    };
    const raw: RawRequest = { method: 'GET', rawPath: '/', rawQuery: '', headers: {}, rawHeaders: [] };
    return this.deps.s3.errorResponse(error, info, raw);
  };

  /** One request: run, or (`refusal`) answered with that error at once. */
  private start(req: IncomingMessage, res: ServerResponse, refusal: ServiceError | undefined): void {
    const started = process.hrtime.bigint();
    this.deps.beforeRequest?.();
    const socket = req.socket;
    const readAtStart = socket.bytesRead;
    const writtenAtStart = socket.bytesWritten;
    const receivedAt = this.deps.now();
    const { info, peer } = requestInfoOf(req, { requestId: newRequestId(), receivedAt, region: this.deps.region, clientAddress: this.deps.clientAddress });
    const raw = toRawRequest(req);
    const state: RequestState = { service: this.deps.service ?? detectService(raw), started, status: 0 };
    // An S3 upload holds a slot until its answer is done; with none free it is answered SlowDown.
    const wantsSlot =
      refusal === undefined && this.deps.uploads !== undefined && state.service === 's3' && isUpload(req);
    const holdsSlot = wantsSlot && this.deps.uploads!.tryAcquire();
    if (wantsSlot && !holdsSlot) refusal = httpLayerError('SlowDown');
    res.once('close', () => {
      this.refusers.delete(res);
      if (holdsSlot) this.deps.uploads?.release();
      const record = recordOf(state, req, info, {
        totalTimeMs: elapsedMs(started),
        // The request's headers (and a small body) were read before this handler ran: the body's
        // declared length is the measure, the socket's count only for a body sent without one.
        bytesIn: bodyBytesIn(req, socket.bytesRead - readAtStart),
        bytesOut: res.writableFinished && state.bodyBytes !== undefined ? state.bodyBytes : socket.bytesWritten - writtenAtStart,
        completed: res.writableFinished,
      });
      if (this.deps.logger.isLevelEnabled('info')) this.deps.logger.info(logLineOf(record, peer, state.encodedDenial));
      if (state.denial !== undefined) this.deps.logger.debug({ requestId: info.requestId, authorization: state.denial }, 'access denied');
      for (const observe of this.afterResponse) {
        try {
          observe(record);
        } catch (e) {
          this.deps.logger.error({ requestId: info.requestId, err: e }, 'request observer failed');
        }
      }
    });
    if (refusal !== undefined) {
      void this.fail(refusal, req, res, raw, info, this.adapterOf(state), state);
      return;
    }
    this.refusers.set(res, (error) => void this.refuse(req, res, raw, info, state, error));
    void this.run(req, res, raw, info, state);
  }

  private adapterOf(state: RequestState): ProtocolAdapter {
    return this.deps.services.get(state.service) ?? this.deps.s3;
  }

  /**
   * The HTTP layer's refusal of a request in progress: answered now (the connection then closes); the
   * operation's failure that follows is its echo.
   */
  private async refuse(
    req: IncomingMessage,
    res: ServerResponse,
    raw: RawRequest,
    info: RequestInfo,
    state: RequestState,
    error: ServiceError,
  ): Promise<void> {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const logged = { requestId: info.requestId, operation: state.operation, errorCode: error.code };
    this.deps.logger.info(logged, 'request refused by the HTTP layer');
    await this.fail(error, req, res, raw, info, this.adapterOf(state), state);
  }

  private async run(req: IncomingMessage, res: ServerResponse, raw: RawRequest, info: RequestInfo, state: RequestState): Promise<void> {
    const other = this.deps.services.get(state.service);
    const adapter = other ?? this.deps.s3;
    // `Expect: 100-continue`: the client sends its body once told to. The answer goes out when the
    // server first needs the body — after authorization, or earlier for an operation that reads it to
    // know what it authorizes (DeleteObjects' keys) — so a refused upload is answered before its body.
    const sendContinue = header(req, 'expect')?.toLowerCase() === '100-continue' ? once(() => res.writeContinue()) : undefined;
    try {
      // A Query or JSON protocol body is part of what is signed, and a browser POST upload carries its
      // credentials in the form: both bodies must arrive before authentication.
      const bodyAuthenticates = other !== undefined || /^multipart\/form-data/i.test(header(req, 'content-type') ?? '');
      if (sendContinue && bodyAuthenticates) sendContinue();
      let auth: AuthenticationResult;
      try {
        auth = await this.deps.authenticate(raw, req, info.receivedAt);
      } catch (e) {
        // Each protocol reports authentication failures with its own codes (IAM says
        // InvalidClientTokenId where S3 says InvalidAccessKeyId).
        throw isServiceError(e) && adapter.authError ? adapter.authError(e) : e;
      }
      state.caller = auth.caller;
      state.authType = auth.facts.authType;
      state.signatureVersion = auth.facts.signatureVersion;
      if (sendContinue) onFirstRead(auth.body, sendContinue);
      const op = await adapter.route(raw, req, auth, info);
      state.operation = op.name;
      state.requestAudit = op.audit;
      state.checks = op.checks;
      const caller: Caller = op.caller ?? auth.caller;
      const authForChecks = op.facts ? { ...auth, facts: op.facts } : auth;
      state.caller = caller;
      if (op.facts) state.authType = op.facts.authType;
      if (op.facts) state.signatureVersion = op.facts.signatureVersion;
      if (op.checks.length > 0) {
        const outcome = await this.deps.authorizer.authorize(caller, op.checks, info, authForChecks);
        state.decision = outcome.decision;
        if (outcome.decision !== 'Allow') {
          state.decidedBy = decidedByName(outcome.trace?.decidedBy);
          state.denial = outcome.trace ?? outcome.message;
          if (outcome.trace && this.deps.encodeDenial) state.encodedDenial = await this.deps.encodeDenial(caller, outcome, outcome.trace);
          throw accessDenied(outcome);
        }
      }
      const advice: Decision[] = [];
      for (const check of op.advisoryChecks ?? []) {
        advice.push((await this.deps.authorizer.authorize(caller, [check], info, authForChecks)).decision);
      }
      sendContinue?.();
      const result = await op.execute(advice);
      if (state.errorCode !== undefined) return discard(result.response); // refused by the HTTP layer meanwhile
      state.answerAudit = result.audit;
      await this.respond(req, res, info, state, result.response);
    } catch (e) {
      // An error code already set: the HTTP layer refused the request meanwhile (refuse) and answered it.
      if (state.errorCode !== undefined) return;
      if (clientGone(res)) {
        const logged = { requestId: info.requestId, operation: state.operation };
        this.deps.logger.info(logged, 'client closed the connection before the answer');
      } else if (!isServiceError(e)) this.deps.logger.error({ requestId: info.requestId, err: e }, 'internal error');
      await this.fail(e, req, res, raw, info, adapter, state);
    }
  }

  /** Write-ahead to the observers that keep the record, then the response. */
  private async respond(req: IncomingMessage, res: ServerResponse, info: RequestInfo, state: RequestState, response: HttpResponse): Promise<void> {
    state.status = response.status;
    state.bodyBytes = fixedBodyLength(response) ?? contentLengthOf(response);
    let record: RequestRecord | undefined;
    for (const keeper of this.writeAhead) {
      if (keeper.keeps !== undefined && !keeper.keeps(state.service, state.operation)) continue;
      record ??= recordOf(state, req, info, { totalTimeMs: elapsedMs(state.started), bytesIn: 0, bytesOut: state.bodyBytes ?? 0, completed: false });
      const wait = keeper.beforeResponse!(record);
      // A failed audit write cannot undo the operation that already happened: the answer is sent
      // anyway and the failure is logged.
      if (wait !== undefined) await wait.catch((err: unknown) => this.deps.logger.error({ requestId: info.requestId, err }, 'audit write-ahead failed'));
    }
    await writeHttpResponse(res, response, req.method ?? 'GET');
  }

  private async fail(e: unknown, req: IncomingMessage, res: ServerResponse, raw: RawRequest, info: RequestInfo, adapter: ProtocolAdapter, state: RequestState): Promise<void> {
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
    const response = adapter.errorResponse(e, info, raw);
    state.errorCode = isServiceError(e) ? e.code : 'InternalError';
    state.errorMessage = isServiceError(e) ? e.message : undefined;
    try {
      await this.respond(req, res, info, state, response);
    } catch (err) {
      res.destroy(err instanceof Error ? err : undefined);
    }
  }
}

function recordOf(state: RequestState, req: IncomingMessage, info: RequestInfo, facts: RecordFacts): RequestRecord {
  return new PipelineRecord(state, req, info, facts);
}

function bodyBytesIn(req: IncomingMessage, socketBytes: number): number {
  const declared = req.headers['content-length'];
  return declared !== undefined ? Number(declared) || 0 : req.headers['transfer-encoding'] !== undefined ? socketBytes : 0;
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function contentLengthOf(response: HttpResponse): number | undefined {
  const v = response.headers['content-length'];
  return v === undefined ? undefined : Number(v);
}


/** An answer that will not be sent: a stream body (an open file) is closed. */
function discard(response: HttpResponse): void {
  const body = response.body;
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) body.destroy();
}

/** The connection closed before the answer was sent: the client hung up (or its socket failed). */
function clientGone(res: ServerResponse): boolean {
  return res.destroyed && !res.writableEnded;
}

function accessDenied(outcome: AuthzOutcome): ServiceError {
  return new ServiceError('AccessDenied', outcome.message ?? 'Access Denied', 403);
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

/** `f` when a consumer first attaches to `body` (a 'data' or 'readable' listener: pipe, iterator, on). */
function onFirstRead(body: Readable, f: () => void): void {
  const watch = (event: string | symbol): void => {
    if (event !== 'data' && event !== 'readable') return;
    body.off('newListener', watch);
    f();
  };
  body.on('newListener', watch);
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
