/**
 * The S3 REST/XML protocol adapter. `route` parses the request (target, query, operation), loads the
 * addressed bucket (a missing bucket is NoSuchBucket here, before authorization, as S3 answers 404),
 * and lets the operation declare its authorization checks; the pipeline authorizes them, evaluates the
 * advisory checks, then calls `execute` with their decisions, which runs the handler and renders its
 * answer. Handlers never authorize.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { Decision, OperationResult, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, PublicAccessBlock, S3Storage } from '../storage/ports.js';
import type { MfaVerifier } from './mfa-delete.js';
import { effectivePublicAccessBlock, NO_PUBLIC_ACCESS_BLOCK } from './resource-side.js';
import type { S3Context, S3Deps, S3Response } from './context.js';
import { s3Error } from './errors.js';
import { assertValidPathKey } from './names.js';
import { LifecycleDays } from '../lifecycle/lifecycle-days.js';
import { hostId, s3ErrorResponse } from './render.js';
import { s3RequestAudit, s3ResultAudit } from './s3-audit.js';
import { isServiceError, withHeaders } from '../errors/service-error.js';
import type { S3Encryption } from './object-encryption.js';
import { SseKeyRing } from '../sse/sse-key-ring.js';
import { randomBytes } from 'node:crypto';
import { isUnimplemented, matchOperation, parseQuery, parseTarget, type PathShape } from './router.js';
import { handlerOf, isImplemented, ROUTES } from './operations.js';
import { prepareNotImplemented } from './not-implemented.js';
import { wrongRegionError } from './bucket-region.js';
import { actualRequestCorsHeaders } from './cors.js';
import type { PostPolicyVerifier } from './post-object.js';

export interface S3ProtocolOptions {
  readonly storage: S3Storage;
  /** Writes and deletes of object versions (shared with lifecycle); one over `storage` when absent. */
  readonly objects?: ObjectsService;
  /** The server's default region. */
  readonly region: string;
  /** Every region the server serves (a new bucket's LocationConstraint); default: `[region]`. */
  readonly regions?: readonly string[];
  /** Virtual-hosted style: a Host of `<bucket>.<baseDomain>[:port]` addresses the bucket. */
  readonly baseDomain?: string;
  readonly now?: () => Date;
  /** Checks a browser POST upload's signed policy and names its caller (SigV4 POST, src/auth). */
  readonly verifyPostPolicy?: PostPolicyVerifier;
  /** Account-level Block Public Access (S3 Control); none when absent. */
  readonly accountPublicAccessBlock?: (accountId: string) => Promise<PublicAccessBlock | undefined>;
  /** The account of an ACL grantee's canonical user id (IAM store); absent: no account beyond those a request names. */
  readonly canonicalUserAccount?: (canonicalUserId: string) => Promise<string | undefined>;
  /** Whether a principal a bucket policy names exists (IAM store); absent: every principal does. */
  readonly principalExists?: (arn: string) => Promise<boolean>;
  /** MFA Delete's `x-amz-mfa` check (src/iam/mfa); absent: no code is ever valid. */
  readonly verifyMfa?: MfaVerifier;
  /** The length of a lifecycle day; AWS's 24 hours when absent. */
  readonly lifecycleDays?: LifecycleDays;
  /** Server-side encryption keys and KMS; absent: a key made for this process alone (tests). */
  readonly sse?: S3Encryption;
}

const RESOURCE_TYPE: Record<PathShape, string> = { service: 'SERVICE', bucket: 'BUCKET', object: 'OBJECT' };

export function createS3Protocol(options: S3ProtocolOptions): ProtocolAdapter {
  const deps: S3Deps = {
    storage: options.storage,
    objects: options.objects ?? new ObjectsService(options.storage),
    verifyMfa: options.verifyMfa ?? (async () => 'invalid'),
    region: options.region,
    regions: options.regions ?? [options.region],
    baseDomain: options.baseDomain,
    now: options.now ?? (() => new Date()),
    verifyPostPolicy: options.verifyPostPolicy,
    accountPublicAccessBlock: options.accountPublicAccessBlock ?? (async () => undefined),
    canonicalUserAccount: options.canonicalUserAccount ?? (async () => undefined),
    principalExists: options.principalExists ?? (async () => true),
    lifecycleDays: options.lifecycleDays ?? new LifecycleDays(),
    sse: options.sse ?? { keys: new SseKeyRing([randomBytes(32)]) },
  };
  return {
    service: 's3',
    route: (raw, req, auth, info) => route(deps, raw, req, auth, info),
    errorResponse: (err, info, raw) => s3ErrorResponse(err, { requestId: info.requestId, method: raw.method }),
  };
}

function headerOf(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

async function route(deps: S3Deps, raw: RawRequest, req: IncomingMessage, auth: AuthenticationResult, info: RequestInfo): Promise<RoutedOperation> {
  const target = parseTarget(raw.rawPath, headerOf(raw, 'host'), deps.baseDomain);
  const query = parseQuery(raw.rawQuery);
  const shape: PathShape = target.key !== undefined ? 'object' : target.bucket !== undefined ? 'bucket' : 'service';
  const name = matchOperation(ROUTES, { method: raw.method, shape, query, hasHeader: (h) => raw.headers[h] !== undefined });
  if (name === undefined) {
    throw s3Error('MethodNotAllowed', { fields: { Method: raw.method, ResourceType: RESOURCE_TYPE[shape] } });
  }
  if (!(isImplemented(name) || isUnimplemented(name))) {
    throw s3Error('InternalError', { message: `no handler for ${name}` });
  }
  if (target.key !== undefined) assertValidPathKey(target.key);
  let bucket: BucketRecord | undefined;
  if (target.bucket !== undefined && name !== 'CreateBucket') {
    bucket = await deps.storage.buckets.getBucket(target.bucket);
    // A preflight for a missing bucket is its own 403 (cors.ts), never an authorization question.
    if (bucket === undefined && name !== 'OptionsObject') throw s3Error('NoSuchBucket', { fields: { BucketName: target.bucket } });
    const wrongRegion = bucket === undefined ? undefined
      : wrongRegionError({ auth, bucket: bucket.name, bucketRegion: bucket.region, operation: name, host: headerOf(raw, 'host') });
    if (wrongRegion !== undefined) throw wrongRegion;
  }
  const publicAccess = bucket
    ? effectivePublicAccessBlock(await deps.accountPublicAccessBlock(bucket.ownerAccountId), bucket.publicAccessBlock)
    : NO_PUBLIC_ACCESS_BLOCK;
  const ctx: S3Context = {
    deps,
    operation: name,
    raw,
    req,
    auth,
    info,
    target,
    query,
    bucket,
    publicAccess,
    header: (n) => headerOf(raw, n),
    hasHeaderPrefix: (prefix) => {
      for (const name in raw.headers) if (name.startsWith(prefix)) return true;
      return false;
    },
  };
  // Every recognised operation, implemented or not, is authorized before it answers (not-implemented.ts).
  const prep = await (isImplemented(name) ? handlerOf(name) : prepareNotImplemented(name))(ctx);
  const host = hostId(info.requestId);
  return {
    name,
    checks: prep.checks,
    advisoryChecks: prep.advisoryChecks,
    caller: prep.caller,
    facts: prep.facts,
    audit: s3RequestAudit(ctx, host),
    async execute(advice: readonly Decision[]): Promise<OperationResult> {
      const cors = name === 'OptionsObject' ? undefined : actualRequestCorsHeaders(ctx);
      let response: S3Response;
      try {
        response = await prep.run(advice);
      } catch (e) {
        // An error response of a CORS-allowed request still carries the CORS headers.
        throw cors !== undefined && isServiceError(e) && Object.keys(cors).length > 0 ? withHeaders(e, cors) : e;
      }
      const leadingHeaders = ['x-amz-request-id', info.requestId, 'x-amz-id-2', host];
      if (cors !== undefined) for (const name in cors) leadingHeaders.push(name, cors[name]!);
      return { response: { status: response.status, leadingHeaders, headers: response.headers, body: response.body }, audit: s3ResultAudit(ctx, response) };
    },
  };
}
