/**
 * The S3 REST/XML protocol adapter. `route` parses the request (target, query, operation), loads the
 * addressed bucket (a missing bucket is NoSuchBucket here, before authorization, as S3 answers 404),
 * and lets the operation declare its authorization checks; the pipeline authorizes them, evaluates the
 * advisory checks, then calls `execute` with their decisions, which runs the handler and renders its
 * answer. Handlers never authorize.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { Decision, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, PublicAccessBlock, S3Storage } from '../storage/ports.js';
import type { MfaVerifier } from './mfa-delete.js';
import { effectivePublicAccessBlock, NO_PUBLIC_ACCESS_BLOCK } from './resource-side.js';
import { prepareCreateBucket, prepareDeleteBucket, prepareGetBucketLocation, prepareHeadBucket, prepareListBuckets } from './bucket-ops.js';
import {
  prepareDeleteBucketPolicy,
  prepareGetBucketPolicy,
  prepareGetBucketPolicyStatus,
  preparePutBucketPolicy,
} from './bucket-policy.js';
import type { OperationHandler, S3Context, S3Deps, S3Response } from './context.js';
import { prepareDeleteBucketEncryption, prepareGetBucketEncryption, preparePutBucketEncryption } from './bucket-encryption.js';
import { prepareCopyObject } from './copy.js';
import { prepareGetBucketAcl, prepareGetObjectAcl, preparePutBucketAcl, preparePutObjectAcl } from './acl.js';
import { prepareDeleteBucketOwnershipControls, prepareGetBucketOwnershipControls, preparePutBucketOwnershipControls } from './ownership.js';
import { actualRequestCorsHeaders, prepareDeleteBucketCors, prepareGetBucketCors, prepareOptionsObject, preparePutBucketCors } from './cors.js';
import { prepareDeleteObject, prepareDeleteObjects } from './delete-objects.js';
import { s3Error } from './errors.js';
import { prepareListObjects, prepareListObjectsV2 } from './list-objects.js';
import { prepareNotImplemented } from './not-implemented.js';
import { prepareCompleteMultipartUpload } from './multipart-complete.js';
import { prepareListMultipartUploads, prepareListParts } from './multipart-list.js';
import { prepareAbortMultipartUpload, prepareCreateMultipartUpload, prepareUploadPart, prepareUploadPartCopy } from './multipart.js';
import { assertValidPathKey } from './names.js';
import { prepareGetObject, prepareHeadObject } from './object-get.js';
import { preparePutObject } from './object-put.js';
import { preparePostObject, type PostPolicyVerifier } from './post-object.js';
import { prepareDeletePublicAccessBlock, prepareGetPublicAccessBlock, preparePutPublicAccessBlock } from './public-access-block.js';
import {
  prepareDeleteBucketLifecycle,
  prepareGetBucketLifecycleConfiguration,
  preparePutBucketLifecycleConfiguration,
} from '../lifecycle/lifecycle-ops.js';
import { LifecycleDays } from '../lifecycle/lifecycle-days.js';
import { writeError, writeResponse } from './render.js';
import type { S3Encryption } from './object-encryption.js';
import { SseKeyRing } from '../sse/sse-key-ring.js';
import { randomBytes } from 'node:crypto';
import { isImplemented, isUnimplemented, matchOperation, parseQuery, parseTarget, type PathShape, type S3OperationName } from './router.js';
import { prepareDeleteObjectTagging, prepareGetObjectTagging, preparePutObjectTagging } from './tagging.js';
import { prepareGetBucketVersioning, preparePutBucketVersioning } from './versioning.js';
import { prepareListObjectVersions } from './list-object-versions.js';
import { prepareGetObjectAttributes } from './object-attributes.js';
import { prepareGetObjectLockConfiguration, preparePutObjectLockConfiguration } from './object-lock-config.js';
import { prepareGetObjectLegalHold, prepareGetObjectRetention, preparePutObjectLegalHold, preparePutObjectRetention } from './object-lock.js';

export interface S3ProtocolOptions {
  readonly storage: S3Storage;
  /** Writes and deletes of object versions (shared with lifecycle); one over `storage` when absent. */
  readonly objects?: ObjectsService;
  /** The region this server serves (LocationConstraint, x-amz-bucket-region). */
  readonly region: string;
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

/** Every implemented operation and its handler; the type makes a missing one a compile error. */
export const OPERATIONS: Readonly<Record<S3OperationName, OperationHandler>> = {
  ListBuckets: prepareListBuckets,
  CreateBucket: prepareCreateBucket,
  HeadBucket: prepareHeadBucket,
  GetBucketLocation: prepareGetBucketLocation,
  DeleteBucket: prepareDeleteBucket,
  ListObjects: prepareListObjects,
  ListObjectsV2: prepareListObjectsV2,
  PutObject: preparePutObject,
  GetObject: prepareGetObject,
  HeadObject: prepareHeadObject,
  DeleteObject: prepareDeleteObject,
  DeleteObjects: prepareDeleteObjects,
  CopyObject: prepareCopyObject,
  CreateMultipartUpload: prepareCreateMultipartUpload,
  UploadPart: prepareUploadPart,
  UploadPartCopy: prepareUploadPartCopy,
  CompleteMultipartUpload: prepareCompleteMultipartUpload,
  AbortMultipartUpload: prepareAbortMultipartUpload,
  ListParts: prepareListParts,
  ListMultipartUploads: prepareListMultipartUploads,
  PutObjectTagging: preparePutObjectTagging,
  GetObjectTagging: prepareGetObjectTagging,
  DeleteObjectTagging: prepareDeleteObjectTagging,
  PutBucketCors: preparePutBucketCors,
  GetBucketCors: prepareGetBucketCors,
  DeleteBucketCors: prepareDeleteBucketCors,
  GetBucketAcl: prepareGetBucketAcl,
  PutBucketAcl: preparePutBucketAcl,
  GetObjectAcl: prepareGetObjectAcl,
  PutObjectAcl: preparePutObjectAcl,
  GetBucketOwnershipControls: prepareGetBucketOwnershipControls,
  PutBucketOwnershipControls: preparePutBucketOwnershipControls,
  DeleteBucketOwnershipControls: prepareDeleteBucketOwnershipControls,
  PutBucketPolicy: preparePutBucketPolicy,
  GetBucketPolicy: prepareGetBucketPolicy,
  DeleteBucketPolicy: prepareDeleteBucketPolicy,
  GetBucketPolicyStatus: prepareGetBucketPolicyStatus,
  PutPublicAccessBlock: preparePutPublicAccessBlock,
  GetPublicAccessBlock: prepareGetPublicAccessBlock,
  DeletePublicAccessBlock: prepareDeletePublicAccessBlock,
  PutBucketLifecycleConfiguration: preparePutBucketLifecycleConfiguration,
  GetBucketLifecycleConfiguration: prepareGetBucketLifecycleConfiguration,
  DeleteBucketLifecycle: prepareDeleteBucketLifecycle,
  PutBucketVersioning: preparePutBucketVersioning,
  GetBucketVersioning: prepareGetBucketVersioning,
  ListObjectVersions: prepareListObjectVersions,
  GetObjectAttributes: prepareGetObjectAttributes,
  PutBucketEncryption: preparePutBucketEncryption,
  GetBucketEncryption: prepareGetBucketEncryption,
  DeleteBucketEncryption: prepareDeleteBucketEncryption,
  PutObjectLockConfiguration: preparePutObjectLockConfiguration,
  GetObjectLockConfiguration: prepareGetObjectLockConfiguration,
  PutObjectRetention: preparePutObjectRetention,
  GetObjectRetention: prepareGetObjectRetention,
  PutObjectLegalHold: preparePutObjectLegalHold,
  GetObjectLegalHold: prepareGetObjectLegalHold,
  PostObject: preparePostObject,
  OptionsObject: prepareOptionsObject,
};

const RESOURCE_TYPE: Record<PathShape, string> = { service: 'SERVICE', bucket: 'BUCKET', object: 'OBJECT' };

export function createS3Protocol(options: S3ProtocolOptions): ProtocolAdapter {
  const deps: S3Deps = {
    storage: options.storage,
    objects: options.objects ?? new ObjectsService(options.storage),
    verifyMfa: options.verifyMfa ?? (async () => 'invalid'),
    region: options.region,
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
    renderError(err: unknown, res: ServerResponse, info: RequestInfo, raw: RawRequest): void {
      writeError(err, res, { requestId: info.requestId, method: raw.method });
    },
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
  const name = matchOperation({ method: raw.method, shape, query, hasHeader: (h) => raw.headers[h] !== undefined });
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
  const prep = await (isImplemented(name) ? OPERATIONS[name] : prepareNotImplemented(name))(ctx);
  return {
    name,
    checks: prep.checks,
    advisoryChecks: prep.advisoryChecks,
    caller: prep.caller,
    facts: prep.facts,
    async execute(res: ServerResponse, advice: readonly Decision[]): Promise<void> {
      const cors = name === 'OptionsObject' ? {} : actualRequestCorsHeaders(ctx);
      let response: S3Response;
      try {
        response = await prep.run(advice);
      } catch (e) {
        // An error response of a CORS-allowed request still carries the CORS headers.
        for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
        throw e;
      }
      await writeResponse(res, { ...response, headers: { ...cors, ...response.headers } }, { requestId: info.requestId, method: raw.method });
    },
  };
}
