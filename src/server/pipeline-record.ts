/**
 * The request record (audit/request-record.ts) as the pipeline hands it out: a view over what the
 * pipeline learnt about the request, with prototype getters, so a field nobody reads (most of them,
 * for most requests: only the audit trail reads parameters and resources) costs no allocation.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AuthFacts, AuthType } from '../auth/types.js';
import { resourcesOf } from '../audit/recorded-resources.js';
import type { AuthenticationType, RecordedDecision, RecordedResource, RecordedS3Request, RequestRecord } from '../audit/request-record.js';
import type { Caller } from '../identity/caller.js';
import type { AnswerAudit, AuthzCheck, OperationAudit, RequestInfo } from './protocol.js';

/** What the pipeline learns about a request as it goes; the record is read from it. */
export interface RequestState {
  readonly service: string;
  readonly started: bigint;
  status: number;
  operation?: string;
  caller?: Caller;
  authType?: AuthType;
  /** `AWS` for SigV2 (`--allow-sigv2`): the record's `SigV2`. */
  signatureVersion?: AuthFacts['signatureVersion'];
  decision?: RecordedDecision;
  decidedBy?: string;
  /** The operation's gating checks (what it acts on; if allowed, the actions it used). */
  checks?: readonly AuthzCheck[];
  /** What the operation said of the request when it was routed (requestParameters may be computed on read). */
  requestAudit?: OperationAudit;
  /** What the answer added (responseElements, the version written, the object's size). */
  answerAudit?: AnswerAudit;
  errorCode?: string;
  errorMessage?: string;
  /** The response body's length, when known before it is sent. */
  bodyBytes?: number;
  denial?: unknown;
  encodedDenial?: string;
}

export interface RecordFacts {
  readonly totalTimeMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly completed: boolean;
}

const AUTHENTICATION_TYPES: Readonly<Record<AuthType, AuthenticationType>> = {
  'REST-HEADER': 'AuthHeader',
  'REST-QUERY-STRING': 'QueryString',
  POST: 'Post',
  None: 'Anonymous',
};

export class PipelineRecord implements RequestRecord {
  readonly requestId: string;
  readonly eventTime: Date;
  readonly service: string;
  readonly region: string;
  readonly operation: string | undefined;
  readonly caller: Caller | undefined;
  readonly authenticationType: AuthenticationType;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly decision: RecordedDecision | undefined;
  readonly decidedBy: string | undefined;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly totalTimeMs: number;
  readonly completed: boolean;

  constructor(private readonly state: RequestState, private readonly req: IncomingMessage, info: RequestInfo, facts: RecordFacts) {
    this.requestId = info.requestId;
    this.eventTime = info.receivedAt;
    this.service = state.service;
    this.region = info.region;
    this.operation = state.operation;
    this.caller = state.caller;
    this.authenticationType = state.authType === undefined ? 'Anonymous' : AUTHENTICATION_TYPES[state.authType];
    this.sourceIp = info.sourceIp;
    this.userAgent = info.userAgent;
    this.referer = info.referer;
    this.status = state.status;
    this.errorCode = state.errorCode;
    this.errorMessage = state.errorMessage;
    this.decision = state.decision;
    this.decidedBy = state.decidedBy;
    this.bytesIn = facts.bytesIn;
    this.bytesOut = facts.bytesOut;
    this.totalTimeMs = facts.totalTimeMs;
    this.completed = facts.completed;
  }

  get accessKeyId(): string | undefined {
    const caller = this.caller;
    return caller !== undefined && caller.kind !== 'Anonymous' ? caller.accessKeyId : undefined;
  }

  get signatureVersion(): 'SigV4' | 'SigV2' | undefined {
    if (this.authenticationType === 'Anonymous') return undefined;
    return this.state.signatureVersion === 'AWS' ? 'SigV2' : 'SigV4';
  }

  get host(): string | undefined {
    const v = this.req.headers.host;
    return Array.isArray(v) ? v.join(',') : v;
  }

  get tls(): RequestRecord['tls'] {
    const socket = this.req.socket as Partial<TLSSocket>;
    if (socket.encrypted !== true) return undefined;
    const tls = socket as TLSSocket;
    return { version: tls.getProtocol() ?? 'unknown', cipherSuite: tls.getCipher()?.name ?? 'unknown' };
  }

  get http(): RequestRecord['http'] {
    return { method: this.req.method ?? 'GET', uri: this.req.url ?? '/', version: `HTTP/${this.req.httpVersion}` };
  }

  get requestParameters(): Readonly<Record<string, unknown>> | undefined {
    return this.state.requestAudit?.requestParameters;
  }

  get responseElements(): Readonly<Record<string, unknown>> | undefined {
    return this.state.answerAudit?.responseElements;
  }

  get resources(): readonly RecordedResource[] | undefined {
    return this.state.checks === undefined ? undefined : resourcesOf(this.state.checks);
  }

  get authorizedActions(): readonly string[] | undefined {
    return this.decision === 'Allow' ? this.state.checks?.map((c) => c.action) : undefined;
  }

  /** The request's S3 facts with the answer's over them (the version written replaces the one addressed). */
  get s3(): RecordedS3Request | undefined {
    const asked = this.state.requestAudit?.s3;
    const answered = this.state.answerAudit?.s3;
    if (answered === undefined) return asked;
    // A literal of one shape, not a spread of two objects (which costs microseconds per request).
    return (this.mergedS3 ??= {
      bucket: asked?.bucket,
      bucketOwnerAccountId: asked?.bucketOwnerAccountId,
      bucketOwnerCanonicalId: asked?.bucketOwnerCanonicalId,
      key: asked?.key,
      versionId: answered.versionId ?? asked?.versionId,
      objectSize: answered.objectSize ?? asked?.objectSize,
      hostId: asked?.hostId,
      aclRequired: answered.aclRequired ?? asked?.aclRequired,
      accessPointArn: asked?.accessPointArn,
      logging: asked?.logging,
    });
  }

  private mergedS3: RecordedS3Request | undefined;

  /** A plain copy with every field read (for logging or keeping past the request). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of RECORD_FIELDS) out[k] = (this as unknown as Record<string, unknown>)[k];
    return out;
  }
}

const RECORD_FIELDS = [
  'requestId', 'eventTime', 'service', 'region', 'operation', 'caller', 'accessKeyId', 'authenticationType',
  'signatureVersion', 'sourceIp', 'userAgent', 'referer', 'host', 'tls', 'http', 'requestParameters',
  'responseElements', 'resources', 'status', 'errorCode', 'errorMessage', 'decision', 'decidedBy',
  'authorizedActions', 'bytesIn', 'bytesOut', 'totalTimeMs', 'completed', 's3',
] as const;
