import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { RecordedS3Request } from '../audit/request-record.js';
import type { AuthenticationResult, AuthFacts, RawRequest } from '../auth/types.js';
import type { ServiceError } from '../errors/service-error.js';
import type { Caller } from '../identity/caller.js';
import type { MatchedStatement, RequestPrincipal } from '../policy/authorization-types.js';

/**
 * One authorization check an operation needs. Most operations need one; CopyObject and UploadPartCopy
 * need two (read the source, write the target). Operations declare checks as data, and the pipeline,
 * not the handler, authorizes them before the handler runs.
 */
export interface AuthzCheck {
  /** `s3:GetObject`, `iam:CreateUser` ... */
  readonly action: string;
  /** Resource ARN: `arn:aws:s3:::bucket/key`, `arn:aws:iam::123456789012:user/alice`, or `*`. */
  readonly resource: string;
  /** Account that owns the resource (bucket owner, IAM account); undefined when the resource does not exist yet or is `*`. */
  readonly resourceAccount: string | undefined;
  /** Operation-specific condition keys (s3:prefix, s3:x-amz-acl, aws:RequestTag/..., iam:PolicyARN ...). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** Bucket whose policy / ACL applies (S3 only). */
  readonly bucket?: string;
  /**
   * The resource's own policy, when the operation knows it: a role's trust policy for
   * sts:AssumeRole*. `id` names one immutable version of it (compiled policies are cached by id).
   */
  readonly resourcePolicy?: ResourcePolicyRef;
  /**
   * The principal to evaluate, when the operation established it from verified input of its own
   * rather than from the request's signature (AssumeRoleWithWebIdentity: the identity provider that
   * signed the web identity token). Otherwise the authenticated caller.
   */
  readonly principal?: RequestPrincipal;
  /**
   * S3 ACLs: who the bucket or object ACL the action consults gives the permission it needs (after
   * Block Public Access's IgnorePublicAcls). Absent when ACLs play no part (disabled, or an action no
   * ACL permission covers).
   */
  readonly acl?: AclAccess;
}

export interface AclAccess {
  /** The AllUsers group holds the permission: anyone, signed or not. */
  readonly allUsers: boolean;
  /** The AuthenticatedUsers group holds it: any signed AWS principal. */
  readonly authenticatedUsers: boolean;
  /** Canonical user ids holding it; an account's covers its root, users and roles. */
  readonly canonicalUsers: readonly string[];
}

export interface ResourcePolicyRef {
  /** `KeyPolicy`: a KMS key policy (IAM's resource-policy grammar; must allow even within the account). */
  readonly type: 'Trust' | 'Resource' | 'KeyPolicy';
  readonly id: string;
  /** Validated when it was stored. */
  readonly document: string;
  /**
   * Block Public Access's RestrictPublicBuckets on a public bucket policy: for principals outside the
   * resource's account (and anonymous ones) only the policy's Deny statements count.
   */
  readonly restrictPublic?: boolean;
}

/** Request-wide facts that become global condition keys (aws:SourceIp, aws:SecureTransport, ...). */
export interface RequestInfo {
  readonly requestId: string;
  readonly receivedAt: Date;
  readonly sourceIp: string;
  readonly secureTransport: boolean;
  /** On a TLS listener, the protocol version node reports (`TLSv1.3`): s3:TlsVersion. */
  readonly tlsVersion?: string | undefined;
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  /** The region this server serves. */
  readonly region: string;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface AuthzOutcome {
  readonly decision: Decision;
  /** The check that was denied (for the AccessDenied message). */
  readonly deniedCheck?: AuthzCheck;
  /** AWS's current AccessDenied message, e.g. "User: arn:... is not authorized to perform: s3:GetObject on resource: ... because no identity-based policy allows the s3:GetObject action". */
  readonly message?: string;
  /** Full decision trace for the log (and the encoded authorization message), never for the client. */
  readonly trace?: AuthzTrace;
}

/** Why a check was denied, in full: every matched statement and the request's condition keys. */
export interface AuthzTrace {
  readonly action: string;
  readonly resource: string;
  readonly decidedBy: string | undefined;
  readonly byType: Readonly<Record<string, string>>;
  readonly statements: readonly MatchedStatement[];
  readonly missingContextKeys: readonly string[];
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Gathers the policies that apply (identity, groups, boundary, session, SCPs, bucket policy, ACL)
 * and asks the pure policy engine. Implementations do the I/O; the engine does none.
 */
export interface Authorizer {
  authorize(caller: Caller, checks: readonly AuthzCheck[], request: RequestInfo, auth: AuthenticationResult): Promise<AuthzOutcome>;
}

/** An operation after routing and parsing: its checks are known, its handler not yet run. */
export interface RoutedOperation {
  /** Exact AWS operation name: `PutObject`, `CreateUser`. */
  readonly name: string;
  /** What must be allowed before `execute` may run. Empty only for operations AWS lets anyone call (e.g. sts:GetCallerIdentity). */
  readonly checks: readonly AuthzCheck[];
  /**
   * Set when the operation authenticates itself instead of through headers (S3 browser POST upload:
   * the signed POST policy in the form establishes the caller). The pipeline then authorizes this caller.
   */
  readonly caller?: Caller;
  /** With `caller`: the facts of that self-established authentication (s3:authType POST, signature age). */
  readonly facts?: AuthFacts;
  /**
   * Checks that shape the answer instead of gating the request. The pipeline evaluates each one after
   * `checks` allowed (never throwing for a denial) and hands the decisions to `execute`, in order.
   * S3: s3:ListBucket decides 404 vs 403 for a missing key; DeleteObjects authorizes s3:DeleteObject
   * per key and reports AccessDenied per key.
   */
  readonly advisoryChecks?: readonly AuthzCheck[];
  /** What the audit record says about the request itself, known once it is routed (CloudTrail requestParameters). */
  readonly audit?: OperationAudit;
  /**
   * Runs the handler and renders its answer as a response the pipeline writes. Throws ServiceError
   * on failure (the protocol's `errorResponse` renders it); never touches the socket.
   */
  execute(advice: readonly Decision[]): Promise<OperationResult>;
}

/**
 * An HTTP response as a value: what a protocol renders and the pipeline writes (server/http-response.ts).
 * `body` is text or bytes, or a stream of object bytes (a blob file may write itself: SendableBody).
 */
export interface HttpResponse {
  readonly status: number;
  /**
   * Headers every response of the protocol sends first, flat (`[name, value, ...]`): no merged copy per
   * request. The writer appends the others to this array (the protocol makes one per response).
   */
  readonly leadingHeaders?: string[];
  readonly headers: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  readonly body?: string | Uint8Array | Readable;
}

/** What an operation tells the request's audit record about itself (audit/request-record.ts). */
export interface OperationAudit {
  /**
   * CloudTrail's requestParameters: the API's input members, lowerCamelCase; secrets are redacted
   * later. May be a getter: only the audit trail reads it, so it can be built when read.
   */
  readonly requestParameters?: Readonly<Record<string, unknown>>;
  readonly s3?: RecordedS3Request;
}

/** Facts only the answer knows, over the operation's. */
export interface AnswerAudit {
  /** CloudTrail's responseElements of a call that changed something (read-only calls record none). */
  readonly responseElements?: Readonly<Record<string, unknown>>;
  /** The version written or read, the object's size: over the request's S3 facts. */
  readonly s3?: RecordedS3Request;
}

export interface OperationResult {
  readonly response: HttpResponse;
  readonly audit?: AnswerAudit;
}

/**
 * A wire protocol (S3 REST/XML, IAM/STS Query, JSON). The pipeline authenticates once, then asks the
 * protocol to route; the protocol owns parsing and rendering (results and errors become HttpResponse
 * values); the pipeline writes every response, so it sees every outcome.
 */
export interface ProtocolAdapter {
  readonly service: string;
  /** Maps an authentication failure (thrown in S3's terms) to this protocol's error, if it differs. */
  readonly authError?: (e: ServiceError) => ServiceError;
  route(raw: RawRequest, req: IncomingMessage, auth: AuthenticationResult, info: RequestInfo): Promise<RoutedOperation>;
  /** Renders any failure in this protocol's terms; anything that is not a ServiceError is an internal error. */
  errorResponse(err: unknown, info: RequestInfo, raw: RawRequest): HttpResponse;
}
