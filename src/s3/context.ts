/**
 * What every S3 operation sees: the parsed request (target, query, headers), the injected dependencies,
 * and — for bucket and object requests — the bucket record loaded at route time. Operations are
 * `prepare(ctx) → { checks, advisoryChecks?, run }`: the checks are data the pipeline authorizes
 * before `run`; advisory checks shape the answer instead of gating it (404 vs 403 for a missing key,
 * per-key AccessDenied in DeleteObjects), and `run(advice)` receives their decisions in order. `run`
 * returns data (status, headers, body) that render.ts writes. Handlers never touch the socket and never
 * authorize: they only read decisions the pipeline made.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthenticationResult, AuthFacts, RawRequest } from '../auth/types.js';
import type { ServiceError } from '../errors/service-error.js';
import type { Caller } from '../identity/caller.js';
import type { LifecycleDays } from '../lifecycle/lifecycle-days.js';
import type { AuthzCheck, Decision, RequestInfo } from '../server/protocol.js';
import type { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, ObjectRecord, PublicAccessBlock, S3Storage } from '../storage/ports.js';
import type { MfaVerifier } from './mfa-delete.js';
import { s3Error } from './errors.js';
import { resourceSide } from './resource-side.js';
import { withBucketResourceTags } from './bucket-abac.js';
import type { PostPolicyVerifier } from './post-object.js';
import type { S3Encryption } from './object-encryption.js';
import type { Target, UnimplementedOperationName } from './router.js';
import type { S3OperationName } from './operations.js';

export interface S3Deps {
  readonly storage: S3Storage;
  /** Every write and delete of object versions goes through it (write → commit → reclaim). */
  readonly objects: ObjectsService;
  /** Checks `x-amz-mfa` (MFA Delete) against the bucket owner root's MFA device (IAM store). */
  readonly verifyMfa: MfaVerifier;
  /** The server's default region. */
  readonly region: string;
  /** Every region the server serves (issue #17). */
  readonly regions: readonly string[];
  readonly baseDomain: string | undefined;
  readonly now: () => Date;
  /** Verifies a browser POST upload's signed policy (src/auth); absent: only anonymous POSTs. */
  readonly verifyPostPolicy: PostPolicyVerifier | undefined;
  /** The account-level Block Public Access of an account (S3 Control), cached by its provider. */
  readonly accountPublicAccessBlock: (accountId: string) => Promise<PublicAccessBlock | undefined>;
  /** The account whose canonical user id this is (ACL grantees), undefined when no account has it. */
  readonly canonicalUserAccount: (canonicalUserId: string) => Promise<string | undefined>;
  /** PutBucketPolicy: whether a principal a policy names (account id, root, user or role ARN) exists here. */
  readonly principalExists: (arn: string) => Promise<boolean>;
  /** The length of a lifecycle day (`x-amz-expiration` dates; `--lifecycle-day-seconds`). */
  readonly lifecycleDays: LifecycleDays;
  /** Server-side encryption: the server's SSE keys and, for SSE-KMS, the KMS (object-encryption.ts). */
  readonly sse: S3Encryption;
}

export interface S3Context {
  readonly deps: S3Deps;
  /** The AWS operation name; an unimplemented one is routed too, to be authorized before NotImplemented. */
  readonly operation: S3OperationName | UnimplementedOperationName;
  readonly raw: RawRequest;
  readonly req: IncomingMessage;
  readonly auth: AuthenticationResult;
  readonly info: RequestInfo;
  readonly target: Target;
  readonly query: ReadonlyMap<string, string>;
  /** The addressed bucket, loaded at route time (undefined for ListBuckets and CreateBucket). */
  readonly bucket: BucketRecord | undefined;
  /** Block Public Access in force for the bucket: the account's and the bucket's settings together. */
  readonly publicAccess: PublicAccessBlock;
  /** A request header (lower-case name); repeated headers joined with ','. */
  header(name: string): string | undefined;
  /**
   * Whether any request header's name starts with `prefix` (lower-case): one pass over the few headers
   * a request has, so the families most requests lack (`x-amz-server-side-encryption*`,
   * `x-amz-object-lock-*`) are parsed only when present.
   */
  hasHeaderPrefix(prefix: string): boolean;
}

export type HeaderValue = string | number | readonly string[];

/** A handler's answer. `body` is a complete XML document, bytes, or a stream of object bytes. */
export interface S3Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, HeaderValue | undefined>>;
  readonly body?: string | Buffer | Readable;
}

/** The pipeline's decisions on an operation's advisory checks, in the order they were declared. */
export type Advice = readonly Decision[];

export interface PreparedOperation {
  readonly checks: readonly AuthzCheck[];
  /** Checks whose decisions `run` receives instead of being refused by them (see RoutedOperation). */
  readonly advisoryChecks?: readonly AuthzCheck[];
  /** PostObject: the caller established by the signed POST policy. */
  readonly caller?: Caller;
  /** With `caller`: the facts of that authentication (s3:authType POST, s3:signatureAge). */
  readonly facts?: AuthFacts;
  run(advice: Advice): Promise<S3Response>;
}

export interface PreparedExtras {
  readonly advisoryChecks?: readonly AuthzCheck[];
  readonly caller?: Caller;
  readonly facts?: AuthFacts;
}

export type OperationHandler = (ctx: S3Context) => Promise<PreparedOperation>;

export function requireBucket(ctx: S3Context): BucketRecord {
  if (!ctx.bucket) throw s3Error('InternalError', { message: `operation ${ctx.operation} routed without a bucket` });
  return ctx.bucket;
}

export function requireKey(ctx: S3Context): string {
  const key = ctx.target.key;
  if (key === undefined) throw s3Error('InternalError', { message: `operation ${ctx.operation} routed without a key` });
  return key;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

type ConditionContext = Record<string, string | readonly string[]>;

/**
 * The check of a bucket-level action on the addressed bucket, with the bucket's policy and ACL, and its
 * tags as aws:ResourceTag keys while its ABAC is Enabled (bucket-abac.ts; objectCheck alike).
 */
export function bucketCheck(ctx: S3Context, action: string, context: ConditionContext = {}): AuthzCheck {
  const bucket = requireBucket(ctx);
  const keys = withBucketResourceTags(bucket, context);
  return { action, resource: bucketArn(bucket.name), context: keys, bucket: bucket.name, ...resourceSide(bucket, action, ctx.publicAccess) };
}

/** An object an action is about: another bucket's (a copy source) brings its own Block Public Access. */
export interface ObjectTarget {
  readonly bucket: BucketRecord;
  readonly key: string;
  /** The existing object, when the operation looked it up (its ACL and owner decide object reads). */
  readonly object?: ObjectRecord;
  /** Block Public Access of `bucket` when it is not the addressed one. */
  readonly publicAccess?: PublicAccessBlock;
}

/**
 * The check of an object-level action on `bucket/key` (the addressed object by default), with the
 * bucket's policy and the ACL the action consults (`object`: the existing object, when looked up).
 */
export function objectCheck(
  ctx: S3Context,
  action: string,
  context: ConditionContext = {},
  target: ObjectTarget = { bucket: requireBucket(ctx), key: requireKey(ctx) },
): AuthzCheck {
  const bpa = target.publicAccess ?? ctx.publicAccess;
  return {
    action,
    resource: objectArn(target.bucket.name, target.key),
    context: withBucketResourceTags(target.bucket, context),
    bucket: target.bucket.name,
    ...resourceSide(target.bucket, action, bpa, target.object),
  };
}

/** `s3:ExistingObjectTag/<key>` for every tag of an existing object. */
export function existingTagContext(tags: readonly (readonly [string, string])[] | undefined): ConditionContext {
  const out: ConditionContext = {};
  for (const [k, v] of tags ?? []) out[`s3:ExistingObjectTag/${k}`] = v;
  return out;
}

/** A prepared operation: its gating checks, its handler and, optionally, advisory checks / its own caller. */
export function prepared(checks: readonly AuthzCheck[], run: (advice: Advice) => Promise<S3Response>, extras: PreparedExtras = {}): PreparedOperation {
  return { checks, run, ...extras };
}

/** Whether the advisory check at `index` was allowed (a missing decision counts as denied). */
export function advisedAllow(advice: Advice, index: number): boolean {
  return advice[index] === 'Allow';
}

/**
 * The s3:ListBucket check that decides how a read of a missing key fails: with it allowed S3 answers
 * 404 NoSuchKey, without it 403 AccessDenied, so callers who may not list cannot probe for keys
 * (GetObject / HeadObject "Permissions"). Declared only when the key does not exist.
 */
export function missingKeyListCheck(ctx: S3Context): AuthzCheck {
  return bucketCheck(ctx, 's3:ListBucket');
}

/** NoSuchKey when the caller may list the bucket (advice[index]), else AccessDenied. */
export function missingKeyError(advice: Advice, index: number, key: string): ServiceError {
  return advisedAllow(advice, index) ? s3Error('NoSuchKey', { fields: { Key: key } }) : s3Error('AccessDenied');
}
