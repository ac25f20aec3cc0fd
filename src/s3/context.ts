/**
 * What every S3 operation sees: the parsed request (target, query, headers), the injected dependencies,
 * and — for bucket and object requests — the bucket record loaded at route time. Operations are
 * `prepare(ctx) → { checks, run }`: the checks are data the pipeline authorizes; `run` returns data
 * (status, headers, body) that render.ts writes. Handlers never touch the socket and never authorize.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import type { BucketRecord, S3Storage } from '../storage/ports.js';
import { s3Error } from './errors.js';
import type { PostPolicyVerifier } from './post-object.js';
import type { S3OperationName, Target } from './router.js';

export interface S3Deps {
  readonly storage: S3Storage;
  readonly region: string;
  readonly baseDomain: string | undefined;
  readonly now: () => Date;
  /** Verifies a browser POST upload's signed policy (src/auth); absent: only anonymous POSTs. */
  readonly verifyPostPolicy: PostPolicyVerifier | undefined;
}

export interface S3Context {
  readonly deps: S3Deps;
  readonly operation: S3OperationName;
  readonly raw: RawRequest;
  readonly req: IncomingMessage;
  readonly auth: AuthenticationResult;
  readonly info: RequestInfo;
  readonly target: Target;
  readonly query: ReadonlyMap<string, string>;
  /** The addressed bucket, loaded at route time (undefined for ListBuckets and CreateBucket). */
  readonly bucket: BucketRecord | undefined;
  /** A request header (lower-case name); repeated headers joined with ','. */
  header(name: string): string | undefined;
}

export type HeaderValue = string | number | readonly string[];

/** A handler's answer. `body` is a complete XML document, bytes, or a stream of object bytes. */
export interface S3Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, HeaderValue | undefined>>;
  readonly body?: string | Buffer | Readable;
}

export interface PreparedOperation {
  readonly checks: readonly AuthzCheck[];
  /** PostObject: the caller established by the signed POST policy. */
  readonly caller?: Caller;
  run(): Promise<S3Response>;
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

/** The check of a bucket-level action on the addressed bucket. */
export function bucketCheck(ctx: S3Context, action: string, context: ConditionContext = {}): AuthzCheck {
  const bucket = requireBucket(ctx);
  return { action, resource: bucketArn(bucket.name), resourceAccount: bucket.ownerAccountId, context, bucket: bucket.name };
}

/** The check of an object-level action on `bucket/key` (the addressed object by default). */
export function objectCheck(
  ctx: S3Context,
  action: string,
  context: ConditionContext = {},
  target: { bucket: BucketRecord; key: string } = { bucket: requireBucket(ctx), key: requireKey(ctx) },
): AuthzCheck {
  return {
    action,
    resource: objectArn(target.bucket.name, target.key),
    resourceAccount: target.bucket.ownerAccountId,
    context,
    bucket: target.bucket.name,
  };
}

/** `s3:ExistingObjectTag/<key>` for every tag of an existing object. */
export function existingTagContext(tags: readonly (readonly [string, string])[] | undefined): ConditionContext {
  const out: ConditionContext = {};
  for (const [k, v] of tags ?? []) out[`s3:ExistingObjectTag/${k}`] = v;
  return out;
}

/** A prepared operation with one check. */
export function prepared(checks: readonly AuthzCheck[], run: () => Promise<S3Response>): PreparedOperation {
  return { checks, run };
}
