/**
 * CopyObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html): up to 5 GiB in one
 * request; metadata and tags copied or replaced by directive; the copy is always a single-part object
 * whose ETag is the MD5 of its bytes and whose checksum is recomputed over the whole object.
 */
import { parseChecksumAlgorithm, type ChecksumAlgorithm } from '../checksum/index.js';
import type { ObjectRecord } from '../storage/ports.js';
import { checksumElements, copyBytes, copySourceVersionHeader, loadCopySource, requireSourceObject, type LoadedSource } from './copy-source.js';
import { objectCheck, prepared, requireBucket, requireKey, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { parseContentHeaders, parseStorageClass, parseUserMetadata, quoteEtag } from './headers.js';
import { requestedAclFromHeaders } from './acl-request.js';
import { newObjectAcl } from './new-object-acl.js';
import { newObjectLock, objectLockContext, objectLockWriteChecks, requestedObjectLock, type RequestedObjectLock } from './object-lock.js';
import {
  encryptionResponseHeaders,
  newObjectCipher,
  openObjectKey,
  planWriteEncryption,
  type NewObjectEncryptionPlan,
} from './object-encryption.js';
import {
  commitObject,
  newObjectRecord,
  objectAclWriteChecks,
  objectCreationContext,
  writeConditionContext,
  writeExpectation,
  writtenVersionHeader,
} from './object-write.js';
import { xmlResponse } from './render.js';
import { expirationHeader } from '../lifecycle/expiration-header.js';
import { parseTaggingHeader, requestTagContext, type TagSet } from './tag-set.js';
import { MAX_PUT_BYTES } from './upload.js';
import { WEBSITE_REDIRECT_HEADER, websiteRedirectField } from './website-redirect-location.js';

function directive(ctx: S3Context, header: string, what: string): 'COPY' | 'REPLACE' {
  const v = ctx.header(header);
  if (v === undefined || v === 'COPY') return 'COPY';
  if (v === 'REPLACE') return 'REPLACE';
  throw invalidArgument(`Unknown ${what} directive.`, header, v);
}

export const prepareCopyObject: OperationHandler = async (ctx) => {
  const loaded = await loadCopySource(ctx);
  const metadataDirective = directive(ctx, 'x-amz-metadata-directive', 'metadata');
  const taggingDirective = directive(ctx, 'x-amz-tagging-directive', 'tagging');
  const newTags = taggingDirective === 'REPLACE' ? (parseTaggingHeader(ctx.header('x-amz-tagging')) ?? []) : undefined;
  const context: Record<string, string | readonly string[]> = {
    ...objectCreationContext(ctx),
    ...writeConditionContext(ctx),
    ...requestTagContext(newTags),
    's3:x-amz-copy-source': ctx.header('x-amz-copy-source') as string,
  };
  const now = ctx.deps.now();
  const lock = requestedObjectLock(ctx, now);
  Object.assign(context, objectLockContext(lock, now));
  const md = ctx.header('x-amz-metadata-directive');
  if (md !== undefined) context['s3:x-amz-metadata-directive'] = md;
  const checks = [loaded.check, objectCheck(ctx, 's3:PutObject', context)];
  if (newTags !== undefined && newTags.length > 0) checks.push(objectCheck(ctx, 's3:PutObjectTagging', requestTagContext(newTags)));
  checks.push(...objectAclWriteChecks(ctx, (n) => ctx.header(n)), ...objectLockWriteChecks(ctx, lock, now));
  // SSE-KMS: kms:Decrypt on the source's key, kms:GenerateDataKey on the copy's.
  const sse = await planWriteEncryption(ctx, { bucket: requireBucket(ctx), key: requireKey(ctx) });
  checks.push(...loaded.sse.checks, ...sse.checks);
  return prepared(checks, () => copyObject(ctx, loaded, { metadataDirective, newTags, sse, lock }));
};

/**
 * `x-amz-checksum-algorithm` on a copy picks the new object's checksum; else the source's algorithm;
 * "If the source object doesn't have a specified checksum algorithm or checksum value, Amazon S3 uses
 * the CRC-64/NVME algorithm".
 */
function copyChecksumAlgorithm(ctx: S3Context, src: ObjectRecord): ChecksumAlgorithm {
  const requested = ctx.header('x-amz-checksum-algorithm');
  if (requested === undefined) return src.checksum?.algorithm ?? 'CRC64NVME';
  const alg = parseChecksumAlgorithm(requested);
  if (alg === undefined) throw invalidArgument('Checksum algorithm provided is unsupported.', 'x-amz-checksum-algorithm', requested);
  return alg;
}

/** What CopyObject's request asks of the copy, parsed and checked before authorization. */
interface CopyRequest {
  readonly metadataDirective: 'COPY' | 'REPLACE';
  readonly newTags: TagSet | undefined;
  readonly sse: NewObjectEncryptionPlan;
  /** The copy's own lock settings (a source's lock is never copied). */
  readonly lock: RequestedObjectLock;
}

async function copyObject(ctx: S3Context, loaded: LoadedSource, request: CopyRequest): Promise<S3Response> {
  const { metadataDirective, newTags, sse } = request;
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  const src = requireSourceObject(ctx, loaded);
  if (src.size > MAX_PUT_BYTES) {
    throw s3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${MAX_PUT_BYTES}` });
  }
  const storageClass = parseStorageClass(ctx.header('x-amz-storage-class'));
  // "This value is unique to each object and is not copied when using the x-amz-metadata-directive
  // header" (CopyObject, WebsiteRedirectLocation): the copy has the request's value, whichever the directive.
  const redirect = websiteRedirectField(ctx.header(WEBSITE_REDIRECT_HEADER));
  // Copying an earlier version over its own key is how a version is restored: only the current one is "itself".
  const sameObject = loaded.source.bucket === bucket.name && loaded.source.key === key && loaded.source.versionId === undefined;
  const changesSomething =
    metadataDirective === 'REPLACE' ||
    ctx.header('x-amz-storage-class') !== undefined ||
    ctx.header('x-amz-website-redirect-location') !== undefined ||
    ctx.header('x-amz-server-side-encryption') !== undefined ||
    ctx.header('x-amz-server-side-encryption-customer-algorithm') !== undefined ||
    ctx.header('x-amz-checksum-algorithm') !== undefined;
  if (sameObject && !changesSomething) {
    throw s3Error('InvalidRequest', {
      message:
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    });
  }
  const metadata =
    metadataDirective === 'REPLACE'
      ? { ...parseContentHeaders(ctx.raw), userMetadata: parseUserMetadata(ctx.raw) }
      : {
          contentType: src.contentType,
          contentEncoding: src.contentEncoding,
          contentDisposition: src.contentDisposition,
          contentLanguage: src.contentLanguage,
          cacheControl: src.cacheControl,
          expires: src.expires,
          userMetadata: src.userMetadata,
        };
  // The copy's ACL is the one this request asks for, never the source's (CopyObject, "ACL").
  const owner = await newObjectAcl(ctx, { bucket, requested: requestedAclFromHeaders((n) => ctx.header(n)) });
  const expect = await writeExpectation(ctx, bucket.name, key);
  const cipher = await newObjectCipher(ctx, bucket, sse, { bytes: src.size });
  const received = await copyBytes(ctx.deps.storage, loaded, src, undefined, copyChecksumAlgorithm(ctx, src), {
    sourceKey: (source) => openObjectKey(ctx, source, loaded.sse, { decrypt: true }),
    target: cipher.payload,
  });
  const objectLock = newObjectLock(bucket, request.lock, ctx.deps.now());
  const fields = {
    ...metadata,
    tags: newTags ?? src.tags,
    storageClass,
    encryption: cipher.encryption,
    objectLock,
    ...redirect,
  };
  const record = newObjectRecord(ctx, bucket, key, received, fields, owner);
  const checksum = record.checksum;
  const versionId = await commitObject(ctx, record, expect);
  const headers = {
    ...(checksum ? { 'x-amz-checksum-type': checksum.type } : {}),
    ...writtenVersionHeader(versionId),
    ...copySourceVersionHeader(loaded, src),
    ...encryptionResponseHeaders(record.encryption, { contextHeader: sse.kms?.contextHeader }),
    'x-amz-expiration': bucket.lifecycle && expirationHeader(bucket, record, ctx.deps.lifecycleDays),
  };
  return xmlResponse(
    'CopyObjectResult',
    { ETag: quoteEtag(record.etag), LastModified: record.lastModified, ChecksumType: checksum?.type, ...checksumElements(checksum) },
    { headers },
  );
}
