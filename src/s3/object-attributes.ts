/**
 * GetObjectAttributes (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html):
 * the attributes `x-amz-object-attributes` asks for (ETag, Checksum, ObjectParts, StorageClass,
 * ObjectSize) of the current object or of any version, without its bytes.
 */
import type { XmlNode, XmlValue } from '../protocol/xml.js';
import type { ObjectRecord } from '../storage/ports.js';
import {
  existingTagContext,
  missingKeyListCheck,
  objectCheck,
  prepared,
  requireBucket,
  requireKey,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { httpDate } from './headers.js';
import { loadAddressedObject, missingObjectError, versionHeader } from './object-version.js';
import { xmlResponse } from './render.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type ObjectAttribute = (typeof ATTRIBUTES)[number];

const MAX_PARTS = 1000;

/** `x-amz-object-attributes`: a comma-separated list of attribute names, at least one. */
export function parseObjectAttributes(value: string | undefined): ReadonlySet<ObjectAttribute> {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) {
    const message = 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty';
    throw s3Error('InvalidRequest', { message });
  }
  const unknown = names.find((n) => !(ATTRIBUTES as readonly string[]).includes(n));
  if (unknown !== undefined) throw invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', unknown);
  return new Set(names as ObjectAttribute[]);
}

function nonNegativeHeader(ctx: S3Context, name: string, fallback: number): number {
  const v = ctx.header(name);
  if (v === undefined) return fallback;
  const n = /^\d{1,9}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (Number.isNaN(n)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, v);
  return n;
}

/**
 * "If the bucket is versioned, you need both the s3:GetObjectVersion and
 * s3:GetObjectVersionAttributes permissions ... If the bucket is not versioned, you need the
 * s3:GetObject and s3:GetObjectAttributes permissions" (API reference, Permissions).
 */
export const prepareGetObjectAttributes: OperationHandler = async (ctx) => {
  const bucket = requireBucket(ctx);
  const obj = await loadAddressedObject(ctx);
  const target = { bucket, key: requireKey(ctx), object: obj };
  const versioned = bucket.versioning !== undefined;
  const context = existingTagContext(obj?.tags);
  const actions = versioned
    ? ['s3:GetObjectVersion', 's3:GetObjectVersionAttributes']
    : ['s3:GetObject', 's3:GetObjectAttributes'];
  const checks = actions.map((action) => objectCheck(ctx, action, context, target));
  const attributes = parseObjectAttributes(ctx.header('x-amz-object-attributes'));
  if (obj !== undefined) return prepared(checks, async () => attributesResponse(ctx, obj, attributes));
  return prepared(checks, async (advice) => {
    throw await missingObjectError(ctx, { advice, index: 0 });
  }, { advisoryChecks: [missingKeyListCheck(ctx)] });
};

function attributesResponse(ctx: S3Context, obj: ObjectRecord, attributes: ReadonlySet<ObjectAttribute>): S3Response {
  const body: Record<string, XmlValue> = {};
  // GetObjectAttributes answers the ETag bare, without the quotes of the ETag header.
  if (attributes.has('ETag')) body.ETag = obj.etag;
  if (attributes.has('Checksum') && obj.checksum !== undefined) {
    body.Checksum = { [`Checksum${obj.checksum.algorithm}`]: obj.checksum.value, ChecksumType: obj.checksum.type };
  }
  if (attributes.has('ObjectParts') && obj.partsCount !== undefined) body.ObjectParts = objectParts(ctx, obj);
  if (attributes.has('StorageClass')) body.StorageClass = obj.storageClass;
  if (attributes.has('ObjectSize')) body.ObjectSize = obj.size;
  const headers = { 'last-modified': httpDate(obj.lastModified), ...versionHeader(requireBucket(ctx), obj.versionId) };
  return xmlResponse('GetObjectAttributesResponse', body, { headers });
}

/**
 * The parts of a multipart object, paged by `x-amz-part-number-marker` / `x-amz-max-parts`. Parts are
 * listed only for objects with a checksum, as AWS lists them.
 * Deviation from AWS: a part's own checksum is not kept once the upload completes, so parts carry
 * PartNumber and Size only.
 */
function objectParts(ctx: S3Context, obj: ObjectRecord): XmlNode {
  const total = obj.partsCount ?? 0;
  const marker = nonNegativeHeader(ctx, 'x-amz-part-number-marker', 0);
  const maxParts = Math.min(nonNegativeHeader(ctx, 'x-amz-max-parts', MAX_PARTS), MAX_PARTS);
  const listable = obj.checksum !== undefined && obj.segments.length === total;
  if (!listable) return { PartsCount: total };
  const parts = obj.segments.map((s, i) => ({ PartNumber: i + 1, Size: s.size })).filter((p) => p.PartNumber > marker);
  const page = parts.slice(0, maxParts);
  const isTruncated = parts.length > page.length;
  return {
    PartsCount: total,
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1].PartNumber : marker,
    MaxParts: maxParts,
    IsTruncated: isTruncated,
    Part: page,
  };
}
