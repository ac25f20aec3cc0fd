/**
 * Server-side encryption of new S3 objects: which encryption a new object gets (the request's
 * headers, else the bucket's default: SSE-S3 since 2023), the data key that encrypts it, and what
 * responses say about it. What needs authorization (SSE-KMS: kms:GenerateDataKey on the key, by the
 * key policy) is decided when the operation is routed and declared as checks; keys are made by the
 * handler, after authorization. Reading encrypted objects: object-decryption.ts.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
 */
import { randomBytes } from 'node:crypto';
import type { AuthzCheck } from '../server/protocol.js';
import type { BucketRecord, MultipartUpload, ObjectEncryption } from '../storage/ports.js';
import { payloadEncryption, type PayloadEncryption } from '../sse/payload-encryption.js';
import { DEFAULT_CHUNK_SIZE } from '../sse/segment-format.js';
import type { SseKeyRing } from '../sse/sse-key-ring.js';
import type { SseEncryptionContext, SseKms, SseKmsKey } from '../sse/sse-kms.js';
import { bucketArn, objectArn, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import { callerAccount, dataKeyOf, kmsDecryptCheck, kmsKeyOf, requireKms } from './object-decryption.js';
import {
  SSE_BUCKET_KEY_HEADER,
  SSE_CONTEXT_HEADER,
  SSE_C_PREFIX,
  SSE_HEADER,
  SSE_KMS_KEY_HEADER,
  parseCustomerKey,
  parseWriteEncryption,
  rejectEncryptionMethodHeaders,
  type CustomerKey,
  type WriteEncryption,
} from './sse-headers.js';

export { openObjectKey, planObjectRead, type ObjectKey, type ObjectReadPlan } from './object-decryption.js';

/** S3's encryption dependencies (S3Deps.sse), built by the composition root. */
export interface S3Encryption {
  readonly keys: SseKeyRing;
  /** SSE-KMS; absent: `aws:kms` writes and reads answer NotImplemented. */
  readonly kms?: SseKms;
  /** Plaintext bytes per chunk of new objects (DEFAULT_CHUNK_SIZE), and of large ones (LARGE_CHUNK_SIZE). */
  readonly chunkSize?: number;
  readonly largeChunkSize?: number;
}

/**
 * Large objects (and multipart uploads) are encrypted in larger chunks: each chunk costs a cipher
 * set-up and a tag, which at 64 KiB is a third of the cost of encrypting a gigabyte; a ranged read of
 * such an object decrypts up to 1 MiB more than it sends (~1 ms).
 */
export const LARGE_CHUNK_SIZE = 1024 * 1024;
const LARGE_OBJECT_BYTES = 16 * 1024 * 1024;

function chunkSizeFor(ctx: S3Context, bytes: number | undefined): number {
  const large = ctx.operation === 'CreateMultipartUpload' || (bytes ?? ctx.auth.decodedContentLength ?? 0) >= LARGE_OBJECT_BYTES;
  return large ? (ctx.deps.sse.largeChunkSize ?? LARGE_CHUNK_SIZE) : (ctx.deps.sse.chunkSize ?? DEFAULT_CHUNK_SIZE);
}

interface KmsChoice {
  readonly key: SseKmsKey;
  readonly algorithm: 'aws:kms' | 'aws:kms:dsse';
  readonly context: SseEncryptionContext;
  /** The request's context header, echoed on write responses. */
  readonly contextHeader?: string;
  readonly bucketKeyEnabled: boolean;
}

/** How a new object will be encrypted, decided when the operation is routed. */
export interface NewObjectEncryptionPlan {
  readonly kind: 'SSE-S3' | 'SSE-KMS' | 'SSE-C';
  readonly customer?: CustomerKey;
  readonly kms?: KmsChoice;
  /** SSE-KMS: kms:GenerateDataKey on the key, to be authorized with the operation's own checks. */
  readonly checks: readonly AuthzCheck[];
}

type Target = { readonly bucket: BucketRecord; readonly key: string };

/** The encryption of the object a write request addresses, from its headers (PutObject & co.). */
export function planWriteEncryption(ctx: S3Context, target: Target): Promise<NewObjectEncryptionPlan> {
  const request: WriteEncryption = ctx.hasHeaderPrefix(SSE_HEADER)
    ? parseWriteEncryption((n) => ctx.header(n), { secure: ctx.info.secureTransport })
    : { kind: 'Default' };
  return planNewObjectEncryption(ctx, target, request);
}

/**
 * The encryption of a new object. Without encryption headers the bucket's default applies ("If a PUT
 * Object request doesn't specify any server-side encryption, this default encryption will be
 * applied"), SSE-S3 when none is configured. A key id in a request is read in the caller's account
 * (aliases "resolve the key within the requester's account"), one in the bucket's default in the
 * bucket owner's; no key id: the `aws/s3` key. The encryption context is the object's ARN, or the
 * bucket's with an S3 Bucket Key, plus the request's own (UsingKMSEncryption.html).
 */
export async function planNewObjectEncryption(
  ctx: S3Context,
  target: Target,
  request: WriteEncryption,
): Promise<NewObjectEncryptionPlan> {
  const { bucket } = target;
  if (request.kind === 'SSE-C') return { kind: 'SSE-C', customer: request.customer, checks: [] };
  const fallback = bucket.encryption;
  const kmsRequest = request.kind === 'SSE-KMS' ? request : undefined;
  const kmsDefault = request.kind === 'Default' && fallback?.sseAlgorithm !== 'AES256' ? fallback : undefined;
  if (kmsRequest === undefined && kmsDefault === undefined) return { kind: 'SSE-S3', checks: [] };
  const kms = requireKms(ctx);
  const caller = callerAccount(ctx, bucket);
  const key = await kms.resolveKey(
    kmsRequest !== undefined
      ? { keyId: kmsRequest.keyId, accountId: caller }
      : { keyId: kmsDefault?.kmsMasterKeyId, accountId: bucket.ownerAccountId },
  );
  const bucketKeyEnabled = request.bucketKeyEnabled ?? fallback?.bucketKeyEnabled ?? false;
  const arn = bucketKeyEnabled ? bucketArn(bucket.name) : objectArn(bucket.name, target.key);
  const context = { ...kmsRequest?.context, 'aws:s3:arn': arn };
  const algorithm = kmsRequest?.algorithm ?? (kmsDefault?.sseAlgorithm as 'aws:kms' | 'aws:kms:dsse');
  const choice: KmsChoice = { key, algorithm, context, contextHeader: kmsRequest?.contextHeader, bucketKeyEnabled };
  const generate = { action: 'kms:GenerateDataKey', callerAccount: caller, encryptionContext: context } as const;
  const checks = [kms.s3Check(key, generate)];
  // "the requester must have permission to the kms:Decrypt and kms:GenerateDataKey actions on the key.
  // These permissions are required because Amazon S3 must decrypt and read data from the encrypted file
  // parts before it completes the multipart upload" (CreateMultipartUpload).
  if (ctx.operation === 'CreateMultipartUpload') checks.push(kms.s3Check(key, { ...generate, action: 'kms:Decrypt' }));
  return { kind: 'SSE-KMS', kms: choice, checks };
}

/** What encrypts a new object: its record's `encryption` and the writer's cipher. */
export interface ObjectCipher {
  readonly encryption: ObjectEncryption;
  readonly payload: PayloadEncryption;
}

/**
 * The data key of a new object (or multipart upload), after authorization. SSE-C is refused on a
 * bucket that blocks it: "any PutObject, CopyObject, PostObject, or Multipart Upload ... requests that
 * specify SSE-C encryption will be rejected with an HTTP 403 AccessDenied error"
 * (blocking-unblocking-s3-c-encryption-gpb.html).
 * Deviation from AWS: with an S3 Bucket Key (`bucketKeyEnabled`) the object reports it and its data
 * key is bound to the bucket's ARN, but each object still gets its own data key from the KMS: there is
 * no bucket-level key to save KMS calls. DSSE-KMS (`aws:kms:dsse`) is one layer of encryption, as SSE-KMS.
 */
export async function newObjectCipher(
  ctx: S3Context,
  bucket: BucketRecord,
  plan: NewObjectEncryptionPlan,
  options: { readonly bytes?: number } = {},
): Promise<ObjectCipher> {
  // `bytes`: the body's size when the request does not declare it (a copy's source).
  const chunkSize = chunkSizeFor(ctx, options.bytes);
  const keys = ctx.deps.sse.keys;
  const random = (n: number) => keys.random(n);
  // A fresh data key for one body (not a multipart upload's, shared by its parts) is that segment's own.
  const singleSegment = ctx.operation !== 'CreateMultipartUpload';
  if (plan.kind === 'SSE-C') {
    const customer = plan.customer as CustomerKey;
    assertSseCAllowed(ctx, bucket);
    const customerKey = { keyMd5: customer.keyMd5, keyHmac: keys.customerKeyHmac(customer.key) };
    const encryption: ObjectEncryption = { algorithm: 'AES256', customerKey, chunkSize };
    return { encryption, payload: payloadEncryption(customer.key, chunkSize, { random }) };
  }
  if (plan.kind === 'SSE-S3') {
    const { dataKey, wrapped } = keys.newDataKey();
    const encryption: ObjectEncryption = { algorithm: 'AES256', wrappedDataKey: wrapped, chunkSize };
    return { encryption, payload: payloadEncryption(dataKey, chunkSize, { random, singleSegment }) };
  }
  const choice = plan.kms as KmsChoice;
  const { key, context } = choice;
  const made = await requireKms(ctx).generateDataKey({ keyId: key.arn, accountId: key.accountId, context });
  const encryption: ObjectEncryption = {
    algorithm: choice.algorithm,
    wrappedDataKey: made.ciphertextBlob,
    kmsKeyArn: made.keyArn,
    kmsEncryptionContext: choice.context,
    bucketKeyEnabled: choice.bucketKeyEnabled,
    chunkSize,
  };
  return { encryption, payload: payloadEncryption(made.plaintext, chunkSize, { random, singleSegment }) };
}

/** 403 for an SSE-C write to a bucket that blocks SSE-C, with the message S3 gives (troubleshoot-403-errors.html). */
function assertSseCAllowed(ctx: S3Context, bucket: BucketRecord): void {
  if (!(bucket.encryption?.blockedEncryptionTypes ?? []).includes('SSE-C')) return;
  const caller = ctx.auth.caller;
  const who = caller.kind === 'Anonymous' ? 'anonymous' : caller.arn;
  const action = ctx.operation === 'CopyObject' ? 's3:CopyObject' : 's3:PutObject';
  const resource = ctx.target.key === undefined ? bucketArn(bucket.name) : objectArn(bucket.name, ctx.target.key);
  throw s3Error('AccessDenied', {
    message:
      `User: ${who} is not authorized to perform: ${action} on resource: "${resource}" because this bucket has ` +
      'blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). ' +
      'Please specify a different server-side encryption type',
  });
}

/**
 * The cipher of a part of `upload`, whose encryption CreateMultipartUpload fixed: every part is
 * encrypted under the upload's data key (so CompleteMultipartUpload keeps the part blobs as they are).
 * SSE-C uploads need the same key on every part: "you must provide identical encryption information
 * in each part upload" (UploadPart). An upload made before encryption existed stays plaintext.
 */
export async function uploadPartCipher(
  ctx: S3Context,
  bucket: BucketRecord,
  upload: MultipartUpload,
): Promise<PayloadEncryption | undefined> {
  rejectEncryptionMethodHeaders((n) => ctx.header(n));
  const customer = parseCustomerKey((n) => ctx.header(n), { secure: ctx.info.secureTransport });
  const enc = upload.template.encryption;
  const random = (n: number) => ctx.deps.sse.keys.random(n);
  if (enc?.customerKey === undefined) {
    if (customer !== undefined) throw partsMismatch();
    if (enc === undefined) return undefined;
    return payloadEncryption(await dataKeyOf(ctx, enc), enc.chunkSize, { random });
  }
  if (customer === undefined) throw partsMismatch();
  if (!ctx.deps.sse.keys.customerKeyMatches(customer.key, enc.customerKey.keyHmac)) {
    throw s3Error('InvalidRequest', { message: 'The provided encryption parameters did not match the ones used originally.' });
  }
  assertSseCAllowed(ctx, bucket);
  return payloadEncryption(customer.key, enc.chunkSize, { random });
}

function partsMismatch() {
  return s3Error('InvalidRequest', {
    message:
      'The multipart upload initiate requested encryption. ' +
      'Subsequent part requests must include the appropriate encryption parameters.',
  });
}

/** UploadPart and UploadPartCopy of an SSE-KMS upload: kms:Decrypt on its key (its data key encrypts the part). */
export async function uploadPartChecks(ctx: S3Context, bucket: BucketRecord): Promise<readonly AuthzCheck[]> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = await ctx.deps.storage.multipart.getUpload(bucket.name, ctx.target.key ?? '', uploadId);
  const enc = upload?.template.encryption;
  if (enc?.kmsKeyArn === undefined) return [];
  return [kmsDecryptCheck(ctx, await kmsKeyOf(ctx, { ...enc, kmsKeyArn: enc.kmsKeyArn }), enc)];
}

/**
 * The encryption headers of a response about an object (PutObject, GetObject, HeadObject, CopyObject,
 * the multipart operations): `x-amz-server-side-encryption` (AES256 for SSE-S3; AWS reports it on
 * every object encrypted at rest), the KMS key and S3 Bucket Key for SSE-KMS, the SSE-C algorithm and
 * key MD5 (not on CompleteMultipartUpload: `customer: false`). Objects stored before encryption
 * existed (`encryption` undefined) report none, as AWS's unencrypted objects from before 2023.
 */
export function encryptionResponseHeaders(
  enc: ObjectEncryption | undefined,
  options: { readonly customer?: boolean; readonly contextHeader?: string } = {},
): Record<string, string> {
  if (enc === undefined) return {};
  if (enc.customerKey !== undefined) {
    if (options.customer === false) return {};
    return { [`${SSE_C_PREFIX}algorithm`]: 'AES256', [`${SSE_C_PREFIX}key-md5`]: enc.customerKey.keyMd5 };
  }
  if (enc.kmsKeyArn === undefined) return { [SSE_HEADER]: 'AES256' };
  const out: Record<string, string> = { [SSE_HEADER]: enc.algorithm, [SSE_KMS_KEY_HEADER]: enc.kmsKeyArn };
  if (enc.bucketKeyEnabled === true) out[SSE_BUCKET_KEY_HEADER] = 'true';
  if (options.contextHeader !== undefined) out[SSE_CONTEXT_HEADER] = options.contextHeader;
  return out;
}

/**
 * The ETag of a new single-part object or part: the MD5 of its bytes, except under SSE-C and SSE-KMS,
 * whose objects "have ETags that are not an MD5 digest of their object data" (API Object, ETag): an
 * MD5 would tell anyone who may list the bucket whether an object holds bytes they can guess.
 */
export function newObjectEtag(md5: Buffer, enc: ObjectEncryption | undefined): string {
  const opaque = enc !== undefined && (enc.customerKey !== undefined || enc.kmsKeyArn !== undefined);
  if (!opaque) return md5.toString('hex');
  return randomBytes(16).toString('hex');
}
