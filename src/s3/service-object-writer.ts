/**
 * How an AWS service writes an object into a customer's bucket (CloudTrail's log and digest files,
 * S3 server access logs): not a request, so no caller, no authorization here (the service checks the
 * bucket policy for its service principal first) and no request headers; otherwise the object is
 * written as a PutObject by the bucket owner would be:
 * - the bucket's default encryption applies (SSE-S3, or SSE-KMS under the bucket owner's key), or the
 *   KMS key the service is configured with (a trail's KmsKeyId);
 * - the bucket owner owns it with full control: services deliver with `bucket-owner-full-control`
 *   ("the bucket owner gets FULL_CONTROL", create-s3-bucket-policy-for-cloudtrail.html);
 * - versioning as the bucket has it (the store assigns the version id) and the bucket's default Object
 *   Lock retention;
 * - through the ObjectsService, so the bytes an overwrite replaces are reclaimed as for any write.
 * Deviation from AWS: in a bucket whose Object Ownership is ObjectWriter, AWS's delivered object is owned
 * by the service's account and grants the bucket owner FULL_CONTROL; here the bucket owner owns it,
 * which gives the bucket owner the same access.
 */
import { Readable } from 'node:stream';
import type { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, NewObjectVersion, ObjectEncryption, S3Storage } from '../storage/ports.js';
import { payloadEncryption, type PayloadEncryption } from '../sse/payload-encryption.js';
import { DEFAULT_CHUNK_SIZE } from '../sse/segment-format.js';
import { bucketArn, objectArn } from './context.js';
import { s3Error } from './errors.js';
import { truncateToSeconds } from './headers.js';
import { newObjectEtag, type S3Encryption } from './object-encryption.js';
import { newObjectLock } from './object-lock.js';
import { MAX_PUT_BYTES, receiveObjectBody, storedBytes } from './upload.js';

export interface ServiceObjectPut {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly contentEncoding?: string;
  /** S3 user metadata without `x-amz-meta-` (CloudTrail's digest signature). */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * SSE-KMS under this key instead of the bucket's default (a trail's KmsKeyId), read in `accountId`.
   * Deviation from AWS: the key policy is not checked for the service principal.
   */
  readonly kmsKey?: { readonly keyId: string; readonly accountId: string };
}

export interface ServiceObjectWriter {
  /**
   * Writes the object; rejects with S3's `NoSuchBucket` when the bucket is gone, with the KMS's S3
   * error when the key cannot be used (the codes a service reports, as GetTrailStatus' LatestDeliveryError).
   */
  put(input: ServiceObjectPut): Promise<void>;
}

export interface ServiceObjectWriterDeps {
  readonly storage: S3Storage;
  readonly objects: ObjectsService;
  readonly sse: S3Encryption;
  readonly now: () => Date;
}

export function createServiceObjectWriter(deps: ServiceObjectWriterDeps): ServiceObjectWriter {
  return {
    async put(input) {
      const bucket = await deps.storage.buckets.getBucket(input.bucket);
      if (bucket === undefined) throw s3Error('NoSuchBucket', { fields: { BucketName: input.bucket } });
      const now = deps.now();
      const cipher = await serviceObjectCipher(deps.sse, bucket, input);
      const received = await receiveObjectBody({
        source: Readable.from([input.body]),
        blobs: deps.storage.blobs,
        maxInlineBytes: deps.storage.objects.maxInlineBytes,
        maxBytes: MAX_PUT_BYTES,
        expectedBytes: input.body.length,
        contentMd5: undefined,
        checksum: { algorithm: undefined, value: undefined, inTrailer: false },
        // S3 gives every new object a checksum, CRC-64/NVME when the writer sends none.
        defaultAlgorithm: 'CRC64NVME',
        trailers: () => ({}),
        encryption: cipher.payload,
      });
      const record: NewObjectVersion = {
        bucket: bucket.name,
        key: input.key,
        size: received.size,
        etag: newObjectEtag(received.md5, cipher.encryption),
        lastModified: truncateToSeconds(now),
        contentType: input.contentType,
        contentEncoding: input.contentEncoding,
        contentDisposition: undefined,
        contentLanguage: undefined,
        cacheControl: undefined,
        expires: undefined,
        userMetadata: lowerCaseNames(input.metadata ?? {}),
        tags: [],
        checksum: received.checksum
          && { algorithm: received.checksum.algorithm, value: received.checksum.value, type: 'FULL_OBJECT' },
        partsCount: undefined,
        ...storedBytes(received),
        storageClass: 'STANDARD',
        ownerAccountId: bucket.ownerAccountId,
        encryption: cipher.encryption,
        objectLock: newObjectLock(bucket, {}, now),
      };
      const outcome = await deps.objects.put(record);
      if (outcome.outcome === 'NoSuchBucket') throw s3Error('NoSuchBucket', { fields: { BucketName: input.bucket } });
      if (outcome.outcome !== 'Written') throw new Error(`unconditional service write refused: ${outcome.outcome}`);
    },
  };
}

interface ServiceObjectCipher {
  readonly encryption: ObjectEncryption;
  readonly payload: PayloadEncryption;
}

/**
 * The encryption of a delivered object: the service's KMS key, else the bucket's default (SSE-KMS under
 * the bucket owner's key, with its S3 Bucket Key setting), else SSE-S3 — what a PutObject without
 * encryption headers gets (object-encryption.ts planNewObjectEncryption).
 */
async function serviceObjectCipher(
  sse: S3Encryption,
  bucket: BucketRecord,
  input: ServiceObjectPut,
): Promise<ServiceObjectCipher> {
  const chunkSize = sse.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const random = (n: number) => sse.keys.random(n);
  const fallback = bucket.encryption;
  const kmsDefault = fallback !== undefined && fallback.sseAlgorithm !== 'AES256' ? fallback : undefined;
  if (input.kmsKey === undefined && kmsDefault === undefined) {
    const { dataKey, wrapped } = sse.keys.newDataKey();
    return {
      encryption: { algorithm: 'AES256', wrappedDataKey: wrapped, chunkSize },
      payload: payloadEncryption(dataKey, chunkSize, { random, singleSegment: true }),
    };
  }
  const kms = sse.kms;
  if (kms === undefined) {
    throw s3Error('NotImplemented', { message: 'Server-side encryption with AWS KMS is not available on this server' });
  }
  const key = await kms.resolveKey(
    input.kmsKey ?? { keyId: kmsDefault?.kmsMasterKeyId, accountId: bucket.ownerAccountId },
  );
  const bucketKeyEnabled = input.kmsKey === undefined && (kmsDefault?.bucketKeyEnabled ?? false);
  const context = { 'aws:s3:arn': bucketKeyEnabled ? bucketArn(bucket.name) : objectArn(bucket.name, input.key) };
  const made = await kms.generateDataKey({ keyId: key.arn, accountId: key.accountId, context });
  const algorithm = input.kmsKey === undefined ? (kmsDefault?.sseAlgorithm as 'aws:kms' | 'aws:kms:dsse') : 'aws:kms';
  const encryption: ObjectEncryption = {
    algorithm,
    wrappedDataKey: made.ciphertextBlob,
    kmsKeyArn: made.keyArn,
    kmsEncryptionContext: context,
    bucketKeyEnabled,
    chunkSize,
  };
  return { encryption, payload: payloadEncryption(made.plaintext, chunkSize, { random, singleSegment: true }) };
}

function lowerCaseNames(metadata: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}
