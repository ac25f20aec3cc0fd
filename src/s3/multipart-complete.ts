/**
 * CompleteMultipartUpload (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html).
 * No byte is copied: the object's segments are the listed parts' blobs, in order. The ETag is the MD5
 * of the concatenated part MD5s with `-N`; the checksum is the upload's FULL_OBJECT (combined CRC) or
 * COMPOSITE (checksum of part checksums, `-N`) value.
 */
import {
  compositeChecksum,
  decodeChecksum,
  fullObjectChecksum,
  isCrcAlgorithm,
  multipartEtag,
  type ChecksumAlgorithm,
} from '../checksum/index.js';
import type { MultipartUpload, ObjectRecord, StoredChecksum, UploadedPart } from '../storage/ports.js';
import { normalizeEtag } from './conditions.js';
import { checksumElements } from './copy-source.js';
import { objectCheck, prepared, requireBucket, requireKey, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { s3Error } from './errors.js';
import { quoteEtag, truncateToSeconds } from './headers.js';
import { MIN_PART_BYTES } from './multipart.js';
import { preconditionError, writeConditionContext, writeExpectation, writtenVersionHeader } from './object-write.js';
import { xmlResponse } from './render.js';
import { expirationHeader } from '../lifecycle/expiration-header.js';
import { encryptionResponseHeaders } from './object-encryption.js';
import { childText, children, parseXml, readSmallBody } from './xml-parse.js';

interface RequestedPart {
  readonly partNumber: number;
  readonly etag: string;
  /** `Checksum<ALG>` values sent for the part. */
  readonly checksums: Readonly<Partial<Record<ChecksumAlgorithm, string>>>;
}

const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
/** Each algorithm with its element name (built once, not per part). */
const CHECKSUM_ELEMENTS = CHECKSUM_ALGORITHMS.map((alg) => [alg, `Checksum${alg}`] as const);
/** 10,000 parts of ~200 bytes (an ETag and a checksum each) with room to spare; AWS documents no byte limit. */
const MAX_COMPLETE_BODY = 4 * 1024 * 1024;

/** The `<CompleteMultipartUpload>` document: at least one Part, in strictly ascending part order. */
export function parseCompleteDocument(xml: string): RequestedPart[] {
  const root = parseXml(xml, 'CompleteMultipartUpload', ['Part']);
  const parts = children(root, 'Part').map((p) => {
    const num = childText(p, 'PartNumber');
    const etag = childText(p, 'ETag');
    if (num === undefined || etag === undefined || !/^\s*\d{1,5}\s*$/.test(num)) throw s3Error('MalformedXML');
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [alg, element] of CHECKSUM_ELEMENTS) {
      const v = childText(p, element);
      if (v !== undefined) checksums[alg] = v.trim();
    }
    return { partNumber: Number(num), etag: normalizeEtag(etag), checksums };
  });
  if (parts.length === 0) throw s3Error('MalformedXML');
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].partNumber <= parts[i - 1].partNumber) throw s3Error('InvalidPartOrder');
  }
  return parts;
}

export const prepareCompleteMultipartUpload: OperationHandler = async (ctx) => {
  const checks = [objectCheck(ctx, 's3:PutObject', writeConditionContext(ctx))];
  const ifMatch = ctx.header('if-match');
  if (ifMatch !== undefined && ifMatch.trim() !== '*') checks.push(objectCheck(ctx, 's3:GetObject'));
  return prepared(checks, () => complete(ctx));
};

async function complete(ctx: S3Context): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  const body = await readSmallBody(ctx.auth.body, MAX_COMPLETE_BODY, ctx.auth.decodedContentLength);
  if (body.length === 0) throw s3Error('MalformedXML');
  const requested = parseCompleteDocument(body.toString('utf8'));
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = await ctx.deps.storage.multipart.getUpload(bucket.name, key, uploadId);
  if (upload === undefined) return repeatedComplete(ctx, requested, uploadId);
  const chosen = matchParts(requested, await ctx.deps.storage.multipart.allParts(uploadId), uploadId);
  const checksum = objectChecksum(ctx, upload, requested, chosen);
  const size = chosen.reduce((sum, p) => sum + p.size, 0);
  const declaredSize = ctx.header('x-amz-mp-object-size');
  if (declaredSize !== undefined && Number(declaredSize) !== size) {
    throw s3Error('InvalidRequest', { message: `The provided 'x-amz-mp-object-size' header value ${declaredSize} does not match what was computed: ${size}` });
  }
  const record: ObjectRecord = {
    ...upload.template,
    size,
    etag: multipartEtag(chosen.map((p) => Buffer.from(p.etag, 'hex'))),
    // "For multipart uploads, the object creation date is the date of initiation of the multipart upload."
    lastModified: truncateToSeconds(upload.initiatedAt),
    checksum,
    partsCount: chosen.length,
    segments: chosen.map((p) => p.segment),
  };
  const expect = await writeExpectation(ctx, bucket.name, key);
  const result = await ctx.deps.objects.completeUpload(uploadId, record, expect);
  if (result.outcome === 'NoSuchUpload') throw s3Error('NoSuchUpload', { fields: { UploadId: uploadId } });
  if (result.outcome === 'PreconditionFailed') throw preconditionError(result.reason, key, expect);
  return completeResult(ctx, { ...record, versionId: result.versionId });
}

function completeResult(ctx: S3Context, obj: ObjectRecord): S3Response {
  const host = ctx.header('host') ?? 'localhost';
  const path = ctx.target.style === 'path' ? `/${obj.bucket}/${encodeURI(obj.key)}` : `/${encodeURI(obj.key)}`;
  return xmlResponse(
    'CompleteMultipartUploadResult',
    {
      Location: `http://${host}${path}`,
      Bucket: obj.bucket,
      Key: obj.key,
      ETag: quoteEtag(obj.etag),
      ...checksumElements(obj.checksum),
      ChecksumType: obj.checksum?.type,
    },
    {
      headers: {
        ...(obj.checksum ? { 'x-amz-checksum-type': obj.checksum.type } : {}),
        ...writtenVersionHeader(obj.versionId),
        'x-amz-expiration': ctx.bucket?.lifecycle && expirationHeader(ctx.bucket, obj, ctx.deps.lifecycleDays),
        // CompleteMultipartUpload reports SSE-S3 and SSE-KMS, never the SSE-C key (API_CompleteMultipartUpload).
        ...encryptionResponseHeaders(obj.encryption, { customer: false }),
      },
    },
  );
}

/**
 * A retried Complete whose first attempt succeeded (the response was lost): S3 answers it with the
 * object it created. The ETag the listed parts produce identifies that object.
 */
async function repeatedComplete(ctx: S3Context, requested: readonly RequestedPart[], uploadId: string): Promise<S3Response> {
  const current = await ctx.deps.storage.objects.getObject(requireBucket(ctx).name, requireKey(ctx));
  if (current !== undefined && requested.every((p) => /^[0-9a-f]{32}$/.test(p.etag))) {
    const etag = multipartEtag(requested.map((p) => Buffer.from(p.etag, 'hex')));
    if (current.etag === etag) return completeResult(ctx, current);
  }
  throw s3Error('NoSuchUpload', { fields: { UploadId: uploadId } });
}

/** The uploaded parts the request lists; each must exist with its ETag, all but the last ≥ 5 MiB. */
function matchParts(requested: readonly RequestedPart[], uploaded: readonly UploadedPart[], uploadId: string): UploadedPart[] {
  const byNumber = new Map(uploaded.map((p) => [p.partNumber, p]));
  const chosen = requested.map((r) => {
    const part = byNumber.get(r.partNumber);
    if (part === undefined || part.etag !== r.etag) {
      throw s3Error('InvalidPart', { fields: { UploadId: uploadId, PartNumber: String(r.partNumber), ETag: r.etag } });
    }
    for (const [alg, value] of Object.entries(r.checksums)) {
      if (part.checksum !== undefined && part.checksum.algorithm === alg && part.checksum.value !== value) {
        throw s3Error('InvalidPart', { fields: { UploadId: uploadId, PartNumber: String(r.partNumber), ETag: r.etag } });
      }
    }
    return part;
  });
  for (let i = 0; i < chosen.length - 1; i++) {
    if (chosen[i].size < MIN_PART_BYTES) {
      throw s3Error('EntityTooSmall', {
        fields: { ProposedSize: String(chosen[i].size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(chosen[i].partNumber), ETag: chosen[i].etag },
      });
    }
  }
  return chosen;
}

/**
 * The object's checksum from its parts'. Without an algorithm chosen at CreateMultipartUpload, S3
 * accepts but neither validates nor stores a whole-object checksum sent here.
 * Deviation from AWS: such an object gets no checksum (S3 attaches a CRC64NVME), because its parts
 * were hashed with whatever each UploadPart declared, not with one algorithm that can be combined.
 * S3 also requires consecutive part numbers from 1 for uploads with checksums (it answers a 500
 * otherwise); any ascending list is accepted here.
 */
function objectChecksum(ctx: S3Context, upload: MultipartUpload, requested: readonly RequestedPart[], parts: readonly UploadedPart[]): StoredChecksum | undefined {
  const algorithm = upload.checksumAlgorithm;
  if (algorithm === undefined) return undefined;
  const type = upload.checksumType ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  const typeHeader = ctx.header('x-amz-checksum-type');
  if (typeHeader !== undefined && typeHeader.toUpperCase() !== type) {
    throw s3Error('BadDigest', { message: `The ${typeHeader} checksum type you specified did not match the checksum type of the upload: ${type}.` });
  }
  const digests = parts.map((p, i) => {
    const d = p.checksum?.algorithm === algorithm ? decodeChecksum(algorithm, p.checksum.value) : undefined;
    if (d === undefined) {
      throw s3Error('InvalidRequest', { message: `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${requested[i].partNumber} in the request.` });
    }
    return d;
  });
  const value =
    type === 'FULL_OBJECT' && isCrcAlgorithm(algorithm)
      ? fullObjectChecksum(algorithm, digests.map((digest, i) => ({ digest, length: parts[i].size })))
      : compositeChecksum(algorithm, digests);
  const sent = ctx.header(`x-amz-checksum-${algorithm.toLowerCase()}`);
  if (sent !== undefined && sent !== value && `${sent}-${parts.length}` !== value) {
    throw s3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
  }
  return { algorithm, value, type };
}
