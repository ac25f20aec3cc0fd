/**
 * ListParts and ListMultipartUploads
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html).
 */
import type { MultipartUpload } from '../storage/ports.js';
import { checksumElements } from './copy-source.js';
import { bucketCheck, objectCheck, prepared, requireBucket, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { invalidArgument } from './errors.js';
import { quoteEtag } from './headers.js';
import { encoder, parseEncodingType, parseMaxKeys } from './list-objects.js';
import { requireUpload } from './multipart.js';
import { ownerNode } from './owner.js';
import { xmlResponse } from './render.js';

const MAX_LIST = 1000;

/** "If the initiator is an AWS account, this element provides the same information as the Owner element. If the initiator is an IAM User, this element provides the user ARN." */
function initiatorNode(upload: MultipartUpload): { ID: string; DisplayName: string } {
  const root = /^arn:aws:iam::(\d{12}):root$/.exec(upload.initiatorArn);
  if (root) return ownerNode(root[1]);
  const display = upload.initiatorArn.split('/').pop() ?? upload.initiatorArn;
  return { ID: upload.initiatorArn, DisplayName: display };
}

export const prepareListParts: OperationHandler = async (ctx) =>
  prepared([objectCheck(ctx, 's3:ListMultipartUploadParts')], () => listParts(ctx));

async function listParts(ctx: S3Context): Promise<S3Response> {
  const upload = await requireUpload(ctx);
  const maxParts = parseMaxKeys(ctx.query.get('max-parts'), 'max-parts', MAX_LIST);
  const markerParam = ctx.query.get('part-number-marker');
  const marker = markerParam === undefined || markerParam === '' ? 0 : Number(markerParam);
  if (!Number.isSafeInteger(marker) || marker < 0) throw invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', markerParam);
  const { parts, isTruncated } =
    maxParts === 0 ? { parts: [], isTruncated: false } : await ctx.deps.storage.multipart.listParts(upload.uploadId, { afterPartNumber: marker, limit: maxParts });
  return xmlResponse('ListPartsResult', {
    Bucket: upload.bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
    PartNumberMarker: marker,
    NextPartNumberMarker: parts.length > 0 ? parts[parts.length - 1].partNumber : undefined,
    MaxParts: ctx.query.has('max-parts') ? Number(ctx.query.get('max-parts')) : MAX_LIST,
    IsTruncated: isTruncated,
    Part: parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: p.lastModified,
      ETag: quoteEtag(p.etag),
      Size: p.size,
      ...checksumElements(p.checksum),
    })),
    Initiator: initiatorNode(upload),
    Owner: ownerNode(upload.template.ownerAccountId),
    StorageClass: upload.template.storageClass,
    ChecksumAlgorithm: upload.checksumAlgorithm,
    ChecksumType: upload.checksumType,
  });
}

export const prepareListMultipartUploads: OperationHandler = async (ctx) => {
  const context: Record<string, string> = {};
  for (const [param, key] of [['prefix', 's3:prefix'], ['delimiter', 's3:delimiter'], ['max-uploads', 's3:max-uploads']] as const) {
    const v = ctx.query.get(param);
    if (v !== undefined) context[key] = v;
  }
  return prepared([bucketCheck(ctx, 's3:ListBucketMultipartUploads', context)], () => listUploads(ctx));
};

async function listUploads(ctx: S3Context): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  // "If key-marker is not specified, the upload-id-marker parameter is ignored."
  const uploadIdMarker = keyMarker === '' ? '' : (q.get('upload-id-marker') ?? '');
  const maxUploads = parseMaxKeys(q.get('max-uploads'), 'max-uploads', MAX_LIST);
  const encodingType = parseEncodingType(q.get('encoding-type'));
  const enc = encoder(encodingType);
  const result =
    maxUploads === 0
      ? { uploads: [], commonPrefixes: [], isTruncated: false, nextKeyMarker: undefined, nextUploadIdMarker: undefined }
      : await ctx.deps.storage.multipart.listUploads({ bucket: bucket.name, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
  const last = result.uploads[result.uploads.length - 1];
  return xmlResponse('ListMultipartUploadsResult', {
    Bucket: bucket.name,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: uploadIdMarker,
    NextKeyMarker: result.nextKeyMarker !== undefined ? enc(result.nextKeyMarker) : last !== undefined ? enc(last.key) : undefined,
    NextUploadIdMarker: result.nextUploadIdMarker ?? last?.uploadId,
    Prefix: enc(prefix),
    Delimiter: delimiter === '' ? undefined : enc(delimiter),
    MaxUploads: q.has('max-uploads') ? Number(q.get('max-uploads')) : MAX_LIST,
    EncodingType: encodingType,
    IsTruncated: result.isTruncated,
    Upload: result.uploads.map((u) => ({
      Key: enc(u.key),
      UploadId: u.uploadId,
      Initiator: initiatorNode(u),
      Owner: ownerNode(u.template.ownerAccountId),
      StorageClass: u.template.storageClass,
      Initiated: u.initiatedAt,
      ChecksumAlgorithm: u.checksumAlgorithm,
      ChecksumType: u.checksumType,
    })),
    CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
