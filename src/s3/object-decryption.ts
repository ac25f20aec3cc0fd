/**
 * Opening encrypted objects (GetObject, HeadObject, the source of CopyObject and UploadPartCopy):
 * the SSE-C key a request sends, checked against the object; for SSE-KMS, the kms:Decrypt check on
 * the object's key that the operation declares when it is routed; after authorization, the data key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
import type { AuthzCheck } from '../server/protocol.js';
import type { BucketRecord, ObjectEncryption, ObjectRecord } from '../storage/ports.js';
import type { SseKms, SseKmsKey } from '../sse/sse-kms.js';
import type { S3Context } from './context.js';
import { s3Error } from './errors.js';
import {
  COPY_SOURCE_SSE_C_PREFIX,
  SSE_HEADER,
  SSE_C_PREFIX,
  parseCustomerKey,
  rejectEncryptionMethodHeaders,
  type CustomerKey,
} from './sse-headers.js';

const NOT_APPLICABLE = 'The encryption parameters are not applicable to this object.';
const KEY_REQUIRED =
  'The object was stored using a form of Server Side Encryption. ' +
  'The correct parameters must be provided to retrieve the object.';
const WRONG_KEY =
  'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.';

/** The KMS, or NotImplemented on a server without one. */
export function requireKms(ctx: S3Context): SseKms {
  const kms = ctx.deps.sse.kms;
  if (kms !== undefined) return kms;
  throw s3Error('NotImplemented', { message: 'Server-side encryption with AWS KMS is not available on this server' });
}

/** The account a request acts for: its caller's, the bucket owner's for an anonymous caller. */
export function callerAccount(ctx: S3Context, bucket: Pick<BucketRecord, 'ownerAccountId'>): string {
  const caller = ctx.auth.caller;
  return caller.kind === 'Anonymous' ? bucket.ownerAccountId : caller.accountId;
}

/** The KMS key an object (or upload) was encrypted under, by its ARN: the key's own account reads it. */
export function kmsKeyOf(ctx: S3Context, enc: ObjectEncryption & { readonly kmsKeyArn: string }): Promise<SseKmsKey> {
  return requireKms(ctx).resolveKey({ keyId: enc.kmsKeyArn, accountId: enc.kmsKeyArn.split(':')[4] ?? '' });
}

/** kms:Decrypt on `key` for the data key of `enc`. */
export function kmsDecryptCheck(ctx: S3Context, key: SseKmsKey, enc: ObjectEncryption): AuthzCheck {
  return requireKms(ctx).s3Check(key, {
    action: 'kms:Decrypt',
    callerAccount: callerAccount(ctx, { ownerAccountId: key.accountId }),
    encryptionContext: enc.kmsEncryptionContext ?? {},
  });
}

/** The data key of an SSE-S3 or SSE-KMS object or upload (not SSE-C: only its customer has that key). */
export async function dataKeyOf(ctx: S3Context, enc: ObjectEncryption): Promise<Buffer> {
  const wrapped = enc.wrappedDataKey as string;
  if (enc.kmsKeyArn === undefined) return ctx.deps.sse.keys.unwrapDataKey(wrapped);
  // The object's key ARN too: a blob made under any other key (the one authorized) is refused.
  return requireKms(ctx).decryptDataKey({ ciphertextBlob: wrapped, context: enc.kmsEncryptionContext ?? {}, keyArn: enc.kmsKeyArn });
}

/** What a read of an object needs, decided when the operation is routed. */
export interface ObjectReadPlan {
  readonly customer: CustomerKey | undefined;
  /** SSE-KMS: the key whose kms:Decrypt `checks` ask for. */
  readonly kmsKey: SseKmsKey | undefined;
  readonly checks: readonly AuthzCheck[];
}

/**
 * The encryption side of reading `obj`: the SSE-C key sent for it (`x-amz-copy-source-…` for a copy's
 * source) and, when the read decrypts an SSE-KMS object, kms:Decrypt on its key. HeadObject decrypts
 * nothing; with `x-amz-checksum-mode` "you must have permission to use the kms:Decrypt action to
 * retrieve the checksum" (HeadObject), so it asks for `decrypts` then.
 */
export async function planObjectRead(
  ctx: S3Context,
  obj: ObjectRecord | undefined,
  options: { readonly decrypts: boolean; readonly copySource?: boolean },
): Promise<ObjectReadPlan> {
  const header = (n: string) => ctx.header(n);
  const prefix = options.copySource === true ? COPY_SOURCE_SSE_C_PREFIX : SSE_C_PREFIX;
  // Most reads send no encryption header at all: one pass over the header names says so.
  const sent = ctx.hasHeaderPrefix(options.copySource === true ? prefix : SSE_HEADER);
  if (sent && options.copySource !== true) rejectEncryptionMethodHeaders(header);
  const customer = sent ? parseCustomerKey(header, { secure: ctx.info.secureTransport, prefix }) : undefined;
  const enc = obj?.encryption;
  if (enc?.kmsKeyArn === undefined || !options.decrypts) return { customer, kmsKey: undefined, checks: [] };
  const kmsKey = await kmsKeyOf(ctx, { ...enc, kmsKeyArn: enc.kmsKeyArn });
  return { customer, kmsKey, checks: [kmsDecryptCheck(ctx, kmsKey, enc)] };
}

/** The key that opens an encrypted object. */
export interface ObjectKey {
  readonly dataKey: Buffer;
  readonly chunkSize: number;
}

/**
 * Checks the request's SSE-C parameters against `obj` and, with `decrypt`, returns the key that opens
 * it (undefined: a plaintext object, written before encryption). Errors are S3's: parameters for an
 * object that has none (400 InvalidRequest), an SSE-C object without them (400 InvalidRequest), the
 * wrong key (403 AccessDenied).
 */
export async function openObjectKey(
  ctx: S3Context,
  obj: ObjectRecord,
  plan: ObjectReadPlan,
  options: { readonly decrypt: boolean },
): Promise<ObjectKey | undefined> {
  const enc = obj.encryption;
  if (enc?.customerKey === undefined) {
    if (plan.customer !== undefined) throw s3Error('InvalidRequest', { message: NOT_APPLICABLE });
    if (enc === undefined || !options.decrypt) return undefined;
    // The object may have changed since routing: never decrypt under a KMS key that was not authorized.
    if (enc.kmsKeyArn !== undefined && enc.kmsKeyArn !== plan.kmsKey?.arn) throw s3Error('AccessDenied');
    return { dataKey: await dataKeyOf(ctx, enc), chunkSize: enc.chunkSize };
  }
  if (plan.customer === undefined) throw s3Error('InvalidRequest', { message: KEY_REQUIRED });
  if (!ctx.deps.sse.keys.customerKeyMatches(plan.customer.key, enc.customerKey.keyHmac)) {
    throw s3Error('AccessDenied', { message: WRONG_KEY });
  }
  return { dataKey: plan.customer.key, chunkSize: enc.chunkSize };
}
