/**
 * PutObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html): the body streams
 * into a new blob while MD5 and the requested checksum are computed; metadata is committed only after
 * the stream ended cleanly and every digest matched, then the replaced object's bytes are deleted.
 */
import type { StoredChecksum } from '../storage/ports.js';
import { objectCheck, prepared, requireBucket, requireKey, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { s3Error } from './errors.js';
import { parseContentHeaders, parseStorageClass, parseUserMetadata, quoteEtag } from './headers.js';
import { expirationHeader } from '../lifecycle/expiration-header.js';
import { requestedAclFromHeaders } from './acl-request.js';
import { encryptionResponseHeaders, newObjectCipher, planWriteEncryption, type NewObjectEncryptionPlan } from './object-encryption.js';
import { newObjectAcl } from './new-object-acl.js';
import {
  newObjectLock,
  objectLockContext,
  objectLockWriteChecks,
  requestedObjectLock,
  requireLockedUploadIntegrity,
  type RequestedObjectLock,
} from './object-lock.js';
import {
  commitObject,
  newObjectRecord,
  objectAclWriteChecks,
  objectCreationContext,
  writeConditionContext,
  writeExpectation,
  writtenVersionHeader,
} from './object-write.js';
import { emptyResponse } from './render.js';
import { parseTaggingHeader, requestTagContext, type TagSet } from './tag-set.js';
import { MAX_PUT_BYTES, declaredChecksum, parseContentMd5, receiveObjectBody } from './upload.js';
import { WEBSITE_REDIRECT_HEADER, websiteRedirectField } from './website-redirect-location.js';

export const preparePutObject: OperationHandler = async (ctx) => {
  const tags = parseTaggingHeader(ctx.header('x-amz-tagging'));
  const now = ctx.deps.now();
  const lock = requestedObjectLock(ctx, now);
  const context = { ...objectCreationContext(ctx), ...requestTagContext(tags), ...writeConditionContext(ctx), ...objectLockContext(lock, now) };
  const checks = [objectCheck(ctx, 's3:PutObject', context)];
  // "To successfully set the tag-set with your PutObject request, you must have the s3:PutObjectTagging."
  if (tags !== undefined && tags.length > 0) checks.push(objectCheck(ctx, 's3:PutObjectTagging', requestTagContext(tags)));
  checks.push(...objectAclWriteChecks(ctx, (n) => ctx.header(n)), ...objectLockWriteChecks(ctx, lock, now));
  // A compare-and-swap write reveals the current ETag: If-Match needs s3:GetObject too (conditional-writes).
  const ifMatch = ctx.header('if-match');
  if (ifMatch !== undefined && ifMatch.trim() !== '*') checks.push(objectCheck(ctx, 's3:GetObject'));
  // The encryption headers are checked now; SSE-KMS adds kms:GenerateDataKey on its key.
  const sse = await planWriteEncryption(ctx, { bucket: requireBucket(ctx), key: requireKey(ctx) });
  checks.push(...sse.checks);
  return prepared(checks, () => putObject(ctx, tags ?? [], sse, lock));
};

/** Content length as S3 requires it for a PUT: declared, and at most 5 GiB. */
export function requireContentLength(ctx: S3Context, max: number): number {
  const length = ctx.auth.decodedContentLength;
  if (length === undefined) throw s3Error('MissingContentLength');
  if (length > max) throw s3Error('EntityTooLarge', { fields: { ProposedSize: String(length), MaxSizeAllowed: String(max) } });
  return length;
}

async function putObject(ctx: S3Context, tags: TagSet, sse: NewObjectEncryptionPlan, lock: RequestedObjectLock): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  const objectLock = newObjectLock(bucket, lock, ctx.deps.now());
  requireLockedUploadIntegrity(ctx, objectLock);
  const cipher = await newObjectCipher(ctx, bucket, sse);
  const owner = await newObjectAcl(ctx, { bucket, requested: requestedAclFromHeaders((n) => ctx.header(n)) });
  const userMetadata = parseUserMetadata(ctx.raw);
  const storageClass = parseStorageClass(ctx.header('x-amz-storage-class'));
  const redirect = websiteRedirectField(ctx.header(WEBSITE_REDIRECT_HEADER));
  const length = requireContentLength(ctx, MAX_PUT_BYTES);
  const contentMd5 = parseContentMd5(ctx.header('content-md5'));
  const checksum = declaredChecksum(ctx.raw.headers);
  const expect = await writeExpectation(ctx, bucket.name, key);
  const received = await receiveObjectBody({
    source: ctx.auth.body,
    blobs: ctx.deps.storage.blobs,
    maxInlineBytes: ctx.deps.storage.objects.maxInlineBytes,
    maxBytes: MAX_PUT_BYTES,
    expectedBytes: length,
    contentMd5,
    checksum,
    defaultAlgorithm: 'CRC64NVME',
    trailers: ctx.auth.trailers,
    encryption: cipher.payload,
  });
  const fields = {
    ...parseContentHeaders(ctx.raw),
    userMetadata,
    tags,
    storageClass,
    encryption: cipher.encryption,
    objectLock,
    ...redirect,
  };
  const record = newObjectRecord(ctx, bucket, key, received, fields, owner);
  const versionId = await commitObject(ctx, record, expect);
  const expiration = bucket.lifecycle && expirationHeader(bucket, record, ctx.deps.lifecycleDays);
  return emptyResponse(200, {
    etag: quoteEtag(record.etag),
    ...checksumResponseHeaders(record.checksum),
    ...encryptionResponseHeaders(record.encryption, { contextHeader: sse.kms?.contextHeader }),
    'x-amz-expiration': expiration,
    ...writtenVersionHeader(versionId),
  });
}

/** `x-amz-checksum-<alg>` and `x-amz-checksum-type`, as write responses and checksum-mode reads carry them. */
export function checksumResponseHeaders(checksum: StoredChecksum | undefined): Record<string, string> {
  if (checksum === undefined) return {};
  return { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value, 'x-amz-checksum-type': checksum.type };
}
