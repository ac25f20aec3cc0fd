/**
 * The source of CopyObject and UploadPartCopy: `x-amz-copy-source` parsing (a version by
 * `?versionId=`), the source's checks and conditions, and copying its bytes into a new blob (blobs are
 * never shared between objects, so a copy is a copy).
 */
import { effectivePublicAccessBlock } from './resource-side.js';
import type { ChecksumAlgorithm } from '../checksum/index.js';
import { isBlobNotFound } from '../storage/blob-errors.js';
import { Readable } from 'node:stream';
import { openObjectPlaintext } from '../sse/encrypted-object-bytes.js';
import type { PayloadEncryption } from '../sse/payload-encryption.js';
import { planObjectRead, type ObjectKey, type ObjectReadPlan } from './object-encryption.js';
import type { BucketRecord, ObjectRecord, S3Storage } from '../storage/ports.js';
import type { AuthzCheck } from '../server/protocol.js';
import { evaluateConditions, readConditionHeaders } from './conditions.js';
import { existingTagContext, objectCheck, type S3Context } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { assertKeyLength } from './names.js';
import type { ByteRange } from './range.js';
import { receivePayload, type ReceivedPayload } from './upload.js';
import { parseVersionId, versionIdText } from './object-version.js';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  /** undefined: the current version; null: the null version. */
  readonly versionId: string | null | undefined;
}

const FORMAT_MESSAGE = 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey';

/**
 * `bucket/key[?versionId=id]`, URL-encoded, optionally with a leading `/`. The version id is split
 * off before decoding, so a key containing an encoded `?` stays part of the key.
 */
export function parseCopySource(value: string): CopySource {
  let v = value.startsWith('/') ? value.slice(1) : value;
  let versionId: string | null | undefined;
  const q = v.indexOf('?');
  if (q !== -1) {
    const query = v.slice(q + 1);
    v = v.slice(0, q);
    if (query.startsWith('versionId=')) versionId = parseVersionId(decode(query.slice('versionId='.length), value), 'x-amz-copy-source');
  }
  if (v.startsWith('arn:') || v.startsWith('arn%3A')) throw s3Error('NotImplemented', { message: 'Copying from an access point is not implemented' });
  const slash = v.indexOf('/');
  if (slash <= 0 || slash === v.length - 1) throw invalidArgument(FORMAT_MESSAGE, 'x-amz-copy-source', value);
  const key = decode(v.slice(slash + 1), value);
  assertKeyLength(key);
  return { bucket: decode(v.slice(0, slash), value), key, versionId };
}

function decode(s: string, whole: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalidArgument(FORMAT_MESSAGE, 'x-amz-copy-source', whole);
  }
}

export interface LoadedSource {
  readonly source: CopySource;
  readonly bucket: BucketRecord;
  /** Undefined when the key or version does not exist, or is a delete marker (answered after authorization). */
  readonly object: ObjectRecord | undefined;
  /** The version named is a delete marker (copying one is refused). */
  readonly deleteMarker: boolean;
  /** The read check (`s3:GetObject` on the source), with the source's tags as s3:ExistingObjectTag. */
  readonly check: AuthzCheck;
  /** The source's encryption: its SSE-C key (`x-amz-copy-source-server-side-encryption-customer-*`), and for SSE-KMS kms:Decrypt in `sse.checks`. */
  readonly sse: ObjectReadPlan;
}

/** Resolves `x-amz-copy-source` at route time: a missing source bucket is NoSuchBucket. */
export async function loadCopySource(ctx: S3Context): Promise<LoadedSource> {
  const source = parseCopySource(ctx.header('x-amz-copy-source') as string);
  const bucket = await ctx.deps.storage.buckets.getBucket(source.bucket);
  if (bucket === undefined) throw s3Error('NoSuchBucket', { fields: { BucketName: source.bucket } });
  const { object, deleteMarker } = await loadSourceVersion(ctx.deps.storage, source);
  const action = source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion';
  const publicAccess = effectivePublicAccessBlock(await ctx.deps.accountPublicAccessBlock(bucket.ownerAccountId), bucket.publicAccessBlock);
  const check = objectCheck(ctx, action, existingTagContext(object?.tags), { bucket, key: source.key, object, publicAccess });
  const sse = await planObjectRead(ctx, object, { decrypts: true, copySource: true });
  return { source, bucket, object, deleteMarker, check, sse };
}

/** The source's current object, or the version it names. */
async function loadSourceVersion(storage: S3Storage, source: CopySource): Promise<{ object: ObjectRecord | undefined; deleteMarker: boolean }> {
  if (source.versionId === undefined) return { object: await storage.objects.getObject(source.bucket, source.key), deleteMarker: false };
  const version = await storage.objects.getVersion(source.bucket, source.key, source.versionId);
  return { object: version?.kind === 'Object' ? version.object : undefined, deleteMarker: version?.kind === 'DeleteMarker' };
}

/**
 * `x-amz-copy-source-version-id`: the version copied, when its bucket has versioning or the request
 * named a version.
 */
export function copySourceVersionHeader(loaded: LoadedSource, copied: ObjectRecord): Record<string, string> {
  if (loaded.bucket.versioning === undefined && loaded.source.versionId === undefined) return {};
  return { 'x-amz-copy-source-version-id': versionIdText(copied.versionId) };
}

/** The source object after authorization: it must exist, be the current version, and meet the copy-source conditions. */
export function requireSourceObject(ctx: S3Context, loaded: LoadedSource): ObjectRecord {
  const { source, object } = loaded;
  if (source.versionId !== undefined && object === undefined) {
    // "The source of a copy request may not specifically refer to a delete marker by version id."
    if (loaded.deleteMarker) throw s3Error('InvalidRequest', { message: 'The source of a copy request may not specifically refer to a delete marker by version id.' });
    throw s3Error('NoSuchVersion', { fields: { Key: source.key, VersionId: versionIdText(source.versionId) } });
  }
  if (object === undefined) throw s3Error('NoSuchKey', { fields: { Key: source.key } });
  // For copies every failed condition is 412, including the ones a GET answers with 304.
  if (evaluateConditions(readConditionHeaders((n) => ctx.header(n), 'x-amz-copy-source-'), object) !== 'Proceed') {
    throw s3Error('PreconditionFailed', { fields: { Condition: 'x-amz-copy-source-If-*' } });
  }
  return object;
}

/**
 * A copy's encryption: the source is decrypted and the copy encrypted anew, as AWS does ("Amazon S3
 * automatically encrypts all new objects that are copied"; the target gets a new data key and the
 * request's, or its bucket's, encryption).
 */
export interface CopyEncryption {
  /** The key that opens the source (undefined: the source is plaintext). */
  readonly sourceKey?: (src: ObjectRecord) => Promise<ObjectKey | undefined>;
  /** How the copy's bytes are stored. */
  readonly target?: PayloadEncryption;
}

/** Copies `range` (or all) of the source's bytes into a new blob, hashing MD5 and `algorithm`. */
export async function copyBytes(
  storage: S3Storage,
  loaded: LoadedSource,
  initial: ObjectRecord,
  range: ByteRange | undefined,
  algorithm: ChecksumAlgorithm | undefined,
  encryption: CopyEncryption = {},
): Promise<ReceivedPayload> {
  let src = initial;
  for (let attempt = 0; ; attempt++) {
    const length = range === undefined ? src.size : range.end - range.start + 1;
    let stream;
    try {
      const key = await encryption.sourceKey?.(src);
      const bytes = await openObjectPlaintext(storage.blobs, src, key, src.size === 0 ? undefined : range);
      stream = bytes instanceof Readable ? bytes : Readable.from(bytes.length === 0 ? [] : [bytes]);
    } catch (e) {
      // Overwritten between reading the metadata and opening the bytes: read the metadata once more.
      const again = isBlobNotFound(e) && attempt === 0 ? (await loadSourceVersion(storage, loaded.source)).object : undefined;
      if (again === undefined) throw isBlobNotFound(e) ? s3Error('NoSuchKey', { fields: { Key: loaded.source.key } }) : e;
      src = again;
      continue;
    }
    return receivePayload({
      source: stream,
      blobs: storage.blobs,
      maxBytes: length,
      expectedBytes: length,
      contentMd5: undefined,
      checksum: { algorithm, value: undefined, inTrailer: false },
      trailers: () => ({}),
      encryption: encryption.target,
    });
  }
}

/** `Checksum<ALG>` elements of CopyObjectResult / CopyPartResult / CompleteMultipartUploadResult. */
export function checksumElements(checksum: { algorithm: ChecksumAlgorithm; value: string } | undefined): Record<string, string> {
  return checksum === undefined ? {} : { [`Checksum${checksum.algorithm}`]: checksum.value };
}
