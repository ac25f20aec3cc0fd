/**
 * What every object-creating operation shares (PutObject, CopyObject, PostObject,
 * CompleteMultipartUpload): conditional writes, header checks, condition keys, the commit, and
 * removal of the bytes it made garbage.
 * Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import type { BlobSegment, BlobStore, BucketRecord, ObjectRecord, S3Storage } from '../storage/ports.js';
import type { AuthzCheck } from '../server/protocol.js';
import { aclConditionContext, hasAclHeaders } from './acl-request.js';
import { normalizeEtag } from './conditions.js';
import { objectCheck, type ObjectTarget, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import { truncateToSeconds } from './headers.js';
import type { NewObjectAcl } from './new-object-acl.js';
import { storedBytes, type ReceivedObject } from './upload.js';

/** What a single-request write (PutObject, CopyObject, PostObject) takes from the request or the copy source. */
export type NewObjectFields = Pick<
  ObjectRecord,
  'contentType' | 'contentEncoding' | 'contentDisposition' | 'contentLanguage' | 'cacheControl' | 'expires' | 'userMetadata' | 'tags' | 'storageClass'
>;

/** The record of a new current object made of one received body (inline or one blob), with its owner and ACL. */
export function newObjectRecord(
  ctx: S3Context,
  bucket: BucketRecord,
  key: string,
  received: ReceivedObject,
  fields: NewObjectFields,
  owner: NewObjectAcl,
): ObjectRecord {
  return {
    bucket: bucket.name,
    key,
    versionId: null,
    size: received.size,
    etag: received.md5.toString('hex'),
    lastModified: truncateToSeconds(ctx.deps.now()),
    ...fields,
    checksum: received.checksum && { algorithm: received.checksum.algorithm, value: received.checksum.value, type: 'FULL_OBJECT' },
    partsCount: undefined,
    ...storedBytes(received),
    ownerAccountId: owner.ownerAccountId,
    ...(owner.acl === undefined ? {} : { acl: owner.acl }),
  };
}

export interface WriteExpectation {
  readonly ifNoneMatch?: true;
  readonly ifMatch?: string;
}

/**
 * `If-None-Match: *` (create only) and `If-Match: <etag>` (compare and swap). The store checks them
 * atomically with the write; `If-Match: *` ("the key exists") and `If-None-Match: <etag>` are
 * resolved against the current object first.
 */
export async function writeExpectation(ctx: S3Context, bucket: string, key: string): Promise<WriteExpectation | undefined> {
  const ifNoneMatch = ctx.header('if-none-match');
  const ifMatch = ctx.header('if-match');
  if (ifNoneMatch === undefined && ifMatch === undefined) return undefined;
  let expect: { ifNoneMatch?: true; ifMatch?: string } = {};
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*') expect = { ifNoneMatch: true };
  else if (ifNoneMatch !== undefined || ifMatch?.trim() === '*') {
    const current = await ctx.deps.storage.objects.getObject(bucket, key);
    if (ifNoneMatch !== undefined && current !== undefined && normalizeEtag(ifNoneMatch) === current.etag) {
      throw s3Error('PreconditionFailed', { fields: { Condition: 'If-None-Match' } });
    }
    if (ifMatch?.trim() === '*') {
      if (current === undefined) throw s3Error('NoSuchKey', { fields: { Key: key } });
      expect = { ...expect, ifMatch: current.etag };
    }
  }
  if (ifMatch !== undefined && ifMatch.trim() !== '*') expect = { ...expect, ifMatch: normalizeEtag(ifMatch) };
  return expect;
}

/** s3:PutObject checks of operations that do not take conditional headers: they only stage parts. */
const PART_OPERATIONS: ReadonlySet<string> = new Set(['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy']);
/** The writes that honour If-None-Match / If-Match (conditional-writes.html). */
const CONDITIONAL_WRITES: ReadonlySet<string> = new Set(['PutObject', 'CopyObject', 'CompleteMultipartUpload']);

/**
 * Condition keys of s3:PutObject checks that let a bucket policy require conditional writes
 * (conditional-writes-enforce.html): `s3:if-none-match` / `s3:if-match` carry the headers of the writes
 * that honour them; `s3:ObjectCreationOperation` is false for the steps of a multipart upload before
 * its completion (they accept no conditional headers, so a policy exempts them with this key) and true
 * for every request that creates the object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 */
export function writeConditionContext(ctx: S3Context): Record<string, string> {
  const out: Record<string, string> = { 's3:ObjectCreationOperation': String(!PART_OPERATIONS.has(ctx.operation)) };
  if (!CONDITIONAL_WRITES.has(ctx.operation)) return out;
  const ifMatch = ctx.header('if-match');
  const ifNoneMatch = ctx.header('if-none-match');
  if (ifMatch !== undefined) out['s3:if-match'] = ifMatch;
  if (ifNoneMatch !== undefined) out['s3:if-none-match'] = ifNoneMatch;
  return out;
}

/** Condition keys every object-creating request contributes from its headers. */
export function objectCreationContext(ctx: S3Context): Record<string, string> {
  const out: Record<string, string> = aclConditionContext((n) => ctx.header(n));
  const map: readonly (readonly [string, string])[] = [
    ['x-amz-server-side-encryption', 's3:x-amz-server-side-encryption'],
    ['x-amz-server-side-encryption-aws-kms-key-id', 's3:x-amz-server-side-encryption-aws-kms-key-id'],
    ['x-amz-storage-class', 's3:x-amz-storage-class'],
    ['x-amz-website-redirect-location', 's3:x-amz-website-redirect-location'],
    ['x-amz-content-sha256', 's3:x-amz-content-sha256'],
  ];
  for (const [header, key] of map) {
    const v = ctx.header(header);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * A write that sets the new object's ACL (`x-amz-acl`, `x-amz-grant-*`) also needs s3:PutObjectAcl:
 * "To successfully change the objects ACL of your PutObject request, you must have the
 * s3:PutObjectAcl" (PutObject, "Permissions"); the same holds for CopyObject and CreateMultipartUpload.
 */
export function objectAclWriteChecks(
  ctx: S3Context,
  header: (name: string) => string | undefined,
  target?: ObjectTarget,
): AuthzCheck[] {
  return hasAclHeaders(header) ? [objectCheck(ctx, 's3:PutObjectAcl', aclConditionContext(header), target)] : [];
}

/**
 * Headers that ask for what Strongbox does not offer yet: SSE-KMS and SSE-C come with ROADMAP 3.
 * (ACL headers are Object Ownership's business: new-object-acl.ts.)
 */
export function rejectUnsupportedWriteHeaders(ctx: S3Context): void {
  const sse = ctx.header('x-amz-server-side-encryption');
  if (sse !== undefined && sse !== 'AES256') {
    if (sse === 'aws:kms' || sse === 'aws:kms:dsse') throw s3Error('NotImplemented', { message: 'Server-side encryption with AWS KMS is not implemented' });
    throw s3Error('InvalidArgument', { message: 'The encryption method specified is not supported', fields: { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sse } });
  }
  if (ctx.header('x-amz-server-side-encryption-customer-algorithm') !== undefined) {
    throw s3Error('NotImplemented', { message: 'Server-side encryption with customer-provided keys is not implemented' });
  }
}

/** Deletes blobs nothing points at any more. Failures leave orphans for the start-up sweep. */
export async function deleteGarbage(blobs: BlobStore, segments: readonly BlobSegment[]): Promise<void> {
  await Promise.allSettled(segments.map((s) => blobs.delete(s.blobId)));
}

/**
 * Commits a new current object. When the commit fails the new bytes are garbage and are deleted; a
 * refused precondition then answers 412 PreconditionFailed, or 404 NoSuchKey when If-Match found no
 * object (as AWS answers).
 */
export async function commitObject(storage: S3Storage, record: ObjectRecord, expect: WriteExpectation | undefined): Promise<void> {
  let result: Awaited<ReturnType<S3Storage['objects']['putObject']>>;
  try {
    result = await storage.objects.putObject(record, expect);
  } catch (e) {
    await deleteGarbage(storage.blobs, record.segments);
    throw e;
  }
  if (result.outcome === 'PreconditionFailed') {
    await deleteGarbage(storage.blobs, record.segments);
    throw preconditionError(result.reason, record.key, expect);
  }
  await deleteGarbage(storage.blobs, result.replaced.filter((s) => !record.segments.some((n) => n.blobId === s.blobId)));
}

export function preconditionError(reason: string | undefined, key: string, expect: WriteExpectation | undefined) {
  if (reason === 'NoSuchKey') return s3Error('NoSuchKey', { fields: { Key: key } });
  return s3Error('PreconditionFailed', { fields: { Condition: expect?.ifNoneMatch ? 'If-None-Match' : 'If-Match' } });
}
