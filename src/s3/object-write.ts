/**
 * What every object-creating operation shares (PutObject, CopyObject, PostObject,
 * CompleteMultipartUpload): conditional writes, header checks, condition keys, and the commit through
 * the objects service (src/storage/objects-service.ts), which removes the bytes a commit made garbage.
 * Conditional writes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
import type { BucketRecord, ObjectRecord, WriteExpectation } from '../storage/ports.js';
import type { AuthzCheck } from '../server/protocol.js';
import { aclConditionContext, hasAclHeaders } from './acl-request.js';
import { normalizeEtag } from './conditions.js';
import { objectCheck, type ObjectTarget, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import { truncateToSeconds } from './headers.js';
import type { NewObjectAcl } from './new-object-acl.js';
import { newObjectEtag } from './object-encryption.js';
import { storedBytes, type ReceivedObject } from './upload.js';

/** What a single-request write (PutObject, CopyObject, PostObject) takes from the request or the copy source. */
export type NewObjectFields = Pick<
  ObjectRecord,
  'contentType' | 'contentEncoding' | 'contentDisposition' | 'contentLanguage' | 'cacheControl' | 'expires' | 'userMetadata' | 'tags' | 'storageClass' | 'encryption' | 'objectLock'
  | 'websiteRedirectLocation'
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
    etag: newObjectEtag(received.md5, fields.encryption),
    lastModified: truncateToSeconds(ctx.deps.now()),
    ...fields,
    checksum: received.checksum && { algorithm: received.checksum.algorithm, value: received.checksum.value, type: 'FULL_OBJECT' },
    partsCount: undefined,
    ...storedBytes(received),
    ownerAccountId: owner.ownerAccountId,
    ...(owner.acl === undefined ? {} : { acl: owner.acl }),
  };
}

export type { WriteExpectation } from '../storage/ports.js';

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
    ['x-amz-server-side-encryption-customer-algorithm', 's3:x-amz-server-side-encryption-customer-algorithm'],
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
 * Commits a new version through the objects service, which deletes the new bytes when the commit is
 * refused or fails and the bytes it replaced when it succeeds. A refused precondition answers 412
 * PreconditionFailed, or 404 NoSuchKey when If-Match found no object (as AWS answers). Returns the
 * new version's id (null: the null version).
 */
export async function commitObject(ctx: S3Context, record: ObjectRecord, expect: WriteExpectation | undefined): Promise<string | null> {
  const outcome = await ctx.deps.objects.put(record, expect);
  if (outcome.outcome === 'PreconditionFailed') throw preconditionError(outcome.reason, record.key, expect);
  if (outcome.outcome === 'NoSuchBucket') throw s3Error('NoSuchBucket', { fields: { BucketName: record.bucket } });
  return outcome.versionId;
}

/** `x-amz-version-id` of a write's response: the new version's id; none for a null version. */
export function writtenVersionHeader(versionId: string | null): Record<string, string> {
  return versionId === null ? {} : { 'x-amz-version-id': versionId };
}

export function preconditionError(reason: string | undefined, key: string, expect: WriteExpectation | undefined) {
  if (reason === 'NoSuchKey') return s3Error('NoSuchKey', { fields: { Key: key } });
  return s3Error('PreconditionFailed', { fields: { Condition: expect?.ifNoneMatch ? 'If-None-Match' : 'If-Match' } });
}
