/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, AbortMultipartUpload.
 * (CompleteMultipartUpload: multipart-complete.ts; ListParts, ListMultipartUploads: multipart-list.ts.)
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 */
import { randomBytes } from 'node:crypto';
import { parseChecksumAlgorithm, type ChecksumAlgorithm } from '../checksum/index.js';
import type { MultipartUpload, UploadedPart } from '../storage/ports.js';
import { checksumElements, copyBytes, loadCopySource, requireSourceObject, copySourceVersionHeader } from './copy-source.js';
import { objectCheck, prepared, requireBucket, requireKey, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { parseContentHeaders, parseStorageClass, parseUserMetadata, quoteEtag, truncateToSeconds } from './headers.js';
import { requestedAclFromHeaders } from './acl-request.js';
import { newObjectAcl } from './new-object-acl.js';
import { newObjectLock, requestedObjectLock } from './object-lock.js';
import { parsePartNumberParam } from './object-get.js';
import { preparePutObject, requireContentLength } from './object-put.js';
import { objectCreationContext, writeConditionContext } from './object-write.js';
import {
  encryptionResponseHeaders,
  newObjectCipher,
  newObjectEtag,
  openObjectKey,
  planWriteEncryption,
  uploadPartChecks,
  uploadPartCipher,
  type NewObjectEncryptionPlan,
} from './object-encryption.js';
import { parseCopySourceRange } from './range.js';
import { emptyResponse, xmlResponse } from './render.js';
import { parseTaggingHeader } from './tag-set.js';
import { declaredChecksum, parseContentMd5, receivePayload, type ReceivedPayload } from './upload.js';
import { WEBSITE_REDIRECT_HEADER, websiteRedirectField } from './website-redirect-location.js';

/** "Part size: 5 MiB to 5 GiB. There is no minimum size limit on the last part of your multipart upload." */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 ** 3;

/**
 * Upload ids sort in initiation order (ListMultipartUploads pages by upload id within a key, and
 * orders a key's uploads by initiation time): a fixed-width hex timestamp, then randomness.
 */
export function newUploadId(now: Date): string {
  return now.getTime().toString(16).padStart(12, '0') + randomBytes(24).toString('base64url');
}

export const prepareCreateMultipartUpload: OperationHandler = async (ctx) => {
  // The same checks as PutObject: the object is created with what this request declares.
  const put = await preparePutObject(ctx);
  const tags = parseTaggingHeader(ctx.header('x-amz-tagging')) ?? [];
  // The upload's encryption (its kms:* checks are among PutObject's).
  const sse = await planWriteEncryption(ctx, { bucket: requireBucket(ctx), key: requireKey(ctx) });
  return prepared(put.checks, () => createUpload(ctx, tags, sse));
};

interface ChecksumChoice {
  readonly algorithm: ChecksumAlgorithm | undefined;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
}

/**
 * `x-amz-checksum-algorithm` and `x-amz-checksum-type`. CRC64NVME is only FULL_OBJECT, SHA1/SHA256
 * only COMPOSITE; without a type, CRC64NVME is FULL_OBJECT and the others COMPOSITE.
 */
export function multipartChecksumChoice(ctx: S3Context): ChecksumChoice {
  const algHeader = ctx.header('x-amz-checksum-algorithm');
  const typeHeader = ctx.header('x-amz-checksum-type');
  if (algHeader === undefined) {
    if (typeHeader !== undefined) throw s3Error('InvalidRequest', { message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.' });
    return { algorithm: undefined, type: undefined };
  }
  const algorithm = parseChecksumAlgorithm(algHeader);
  if (algorithm === undefined) throw invalidArgument('Checksum algorithm provided is unsupported.', 'x-amz-checksum-algorithm', algHeader);
  const type = typeHeader === undefined ? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE') : typeHeader.toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') throw invalidArgument('Value for x-amz-checksum-type header is invalid.', 'x-amz-checksum-type', typeHeader);
  if (type === 'COMPOSITE' && algorithm === 'CRC64NVME') {
    throw s3Error('InvalidRequest', { message: 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.' });
  }
  if (type === 'FULL_OBJECT' && (algorithm === 'SHA1' || algorithm === 'SHA256')) {
    throw s3Error('InvalidRequest', { message: `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.` });
  }
  return { algorithm, type };
}

async function createUpload(ctx: S3Context, tags: readonly (readonly [string, string])[], sse: NewObjectEncryptionPlan): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  // The completed object gets the redirect (CreateMultipartUpload, WebsiteRedirectLocation).
  const redirect = websiteRedirectField(ctx.header(WEBSITE_REDIRECT_HEADER));
  // One data key for the whole upload: every part is encrypted under it (uploads.encryption).
  const cipher = await newObjectCipher(ctx, bucket, sse);
  // The completed object's owner and ACL are fixed now, with the rest of what PutObject would store.
  const owner = await newObjectAcl(ctx, { bucket, requested: requestedAclFromHeaders((n) => ctx.header(n)) });
  const choice = multipartChecksumChoice(ctx);
  const caller = ctx.auth.caller;
  const now = ctx.deps.now();
  const upload: MultipartUpload = {
    uploadId: newUploadId(now),
    bucket: bucket.name,
    key,
    initiatedAt: now,
    template: {
      bucket: bucket.name,
      key,
      versionId: null,
      ...parseContentHeaders(ctx.raw),
      userMetadata: parseUserMetadata(ctx.raw),
      tags,
      storageClass: parseStorageClass(ctx.header('x-amz-storage-class')),
      ownerAccountId: owner.ownerAccountId,
      ...(owner.acl === undefined ? {} : { acl: owner.acl }),
      encryption: cipher.encryption,
      // "the object creation date is the date of initiation": a default retention counts from now.
      objectLock: newObjectLock(bucket, requestedObjectLock(ctx, now), now),
      ...redirect,
    },
    checksumAlgorithm: choice.algorithm,
    checksumType: choice.type,
    initiatorArn: caller.kind === 'Anonymous' ? 'anonymous' : caller.arn,
  };
  await ctx.deps.storage.multipart.createUpload(upload);
  const headers: Record<string, string> = encryptionResponseHeaders(cipher.encryption, { contextHeader: sse.kms?.contextHeader });
  if (choice.algorithm !== undefined) {
    headers['x-amz-checksum-algorithm'] = choice.algorithm;
    headers['x-amz-checksum-type'] = choice.type as string;
  }
  return xmlResponse('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: upload.uploadId }, { headers });
}

/** The upload named by `uploadId` for this bucket and key, else NoSuchUpload. */
export async function requireUpload(ctx: S3Context): Promise<MultipartUpload> {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = await ctx.deps.storage.multipart.getUpload(requireBucket(ctx).name, requireKey(ctx), uploadId);
  if (upload === undefined) throw s3Error('NoSuchUpload', { fields: { UploadId: uploadId } });
  return upload;
}

function requirePartNumber(ctx: S3Context): number {
  const n = parsePartNumberParam(ctx.query.get('partNumber'));
  if (n === undefined) throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', undefined);
  return n;
}

export const prepareUploadPart: OperationHandler = async (ctx) =>
  prepared(
    [objectCheck(ctx, 's3:PutObject', { ...objectCreationContext(ctx), ...writeConditionContext(ctx) }), ...(await uploadPartChecks(ctx, requireBucket(ctx)))],
    () => uploadPart(ctx),
  );

async function uploadPart(ctx: S3Context): Promise<S3Response> {
  const partNumber = requirePartNumber(ctx);
  const upload = await requireUpload(ctx);
  const length = requireContentLength(ctx, MAX_PART_BYTES);
  const contentMd5 = parseContentMd5(ctx.header('content-md5'));
  const checksum = declaredChecksum(ctx.raw.headers);
  if (upload.checksumAlgorithm !== undefined && checksum.algorithm !== undefined && checksum.algorithm !== upload.checksumAlgorithm) {
    throw s3Error('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${upload.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${checksum.algorithm.toLowerCase()}`,
    });
  }
  const encryption = await uploadPartCipher(ctx, requireBucket(ctx), upload);
  const received = await receivePayload({
    source: ctx.auth.body,
    blobs: ctx.deps.storage.blobs,
    maxBytes: MAX_PART_BYTES,
    expectedBytes: length,
    contentMd5,
    checksum,
    extraAlgorithm: upload.checksumAlgorithm,
    trailers: ctx.auth.trailers,
    encryption,
  });
  const part = await storePart(ctx, upload, partNumber, received);
  const headers: Record<string, string> = { etag: quoteEtag(part.etag), ...encryptionResponseHeaders(upload.template.encryption) };
  if (part.checksum !== undefined) headers[`x-amz-checksum-${part.checksum.algorithm.toLowerCase()}`] = part.checksum.value;
  return emptyResponse(200, headers);
}

/** Records a received part; its blob is deleted if the upload went away meanwhile. */
async function storePart(ctx: S3Context, upload: MultipartUpload, partNumber: number, received: ReceivedPayload): Promise<UploadedPart> {
  const part: UploadedPart = {
    partNumber,
    etag: newObjectEtag(received.md5, upload.template.encryption),
    size: received.size,
    lastModified: truncateToSeconds(ctx.deps.now()),
    checksum: received.checksum && { algorithm: received.checksum.algorithm, value: received.checksum.value, type: upload.checksumType ?? 'FULL_OBJECT' },
    segment: { blobId: received.blobId, size: received.size },
  };
  await ctx.deps.objects.putPart(upload.uploadId, part);
  return part;
}

export const prepareUploadPartCopy: OperationHandler = async (ctx) => {
  const loaded = await loadCopySource(ctx);
  const context = {
    ...objectCreationContext(ctx),
    ...writeConditionContext(ctx),
    's3:x-amz-copy-source': ctx.header('x-amz-copy-source') as string,
  };
  const checks = [loaded.check, objectCheck(ctx, 's3:PutObject', context), ...loaded.sse.checks, ...(await uploadPartChecks(ctx, requireBucket(ctx)))];
  return prepared(checks, async () => {
    const partNumber = requirePartNumber(ctx);
    const upload = await requireUpload(ctx);
    const src = requireSourceObject(ctx, loaded);
    const range = parseCopySourceRange(ctx.header('x-amz-copy-source-range'), src.size);
    const length = range === undefined ? src.size : range.end - range.start + 1;
    if (length > MAX_PART_BYTES) throw s3Error('EntityTooLarge', { fields: { ProposedSize: String(length), MaxSizeAllowed: String(MAX_PART_BYTES) } });
    const received = await copyBytes(ctx.deps.storage, loaded, src, range, upload.checksumAlgorithm, {
      sourceKey: (source) => openObjectKey(ctx, source, loaded.sse, { decrypt: true }),
      target: await uploadPartCipher(ctx, requireBucket(ctx), upload),
    });
    const part = await storePart(ctx, upload, partNumber, received);
    const headers = { ...encryptionResponseHeaders(upload.template.encryption), ...copySourceVersionHeader(loaded, src) };
    return xmlResponse('CopyPartResult', { ETag: quoteEtag(part.etag), LastModified: part.lastModified, ...checksumElements(part.checksum) }, { headers });
  });
};

export const prepareAbortMultipartUpload: OperationHandler = async (ctx) =>
  prepared([objectCheck(ctx, 's3:AbortMultipartUpload')], async () => {
    const upload = await requireUpload(ctx);
    if (!(await ctx.deps.objects.abortUpload(upload.uploadId))) throw s3Error('NoSuchUpload', { fields: { UploadId: upload.uploadId } });
    return emptyResponse(204);
  });
