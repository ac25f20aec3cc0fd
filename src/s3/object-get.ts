/**
 * GetObject and HeadObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html):
 * conditional reads, a single byte range or a part number (206 + Content-Range), `response-*`
 * header overrides, checksums with `x-amz-checksum-mode: ENABLED`, and a body streamed from the blob
 * store with backpressure.
 */
import type { Readable } from 'node:stream';
import { isBlobNotFound } from '../storage/blob-errors.js';
import { openObjectPlaintext } from '../sse/encrypted-object-bytes.js';
import type { ObjectRecord } from '../storage/ports.js';
import { evaluateConditions, readConditionHeaders } from './conditions.js';
import {
  existingTagContext,
  missingKeyListCheck,
  objectCheck,
  prepared,
  requireBucket,
  requireKey,
  type HeaderValue,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { RESPONSE_OVERRIDES, httpDate, objectResponseHeaders, quoteEtag, toHeaderValue } from './headers.js';
import { expirationHeader } from '../lifecycle/expiration-header.js';
import { checksumResponseHeaders } from './object-put.js';
import { openObjectKey, planObjectRead, type ObjectReadPlan } from './object-encryption.js';
import { lockVisibility, objectLockHeaders, objectLockReadChecks, type LockVisibility } from './object-lock.js';
import { loadAddressedObject, missingObjectError, versionHeader } from './object-version.js';
import { contentRange, parseRangeHeader, type ByteRange } from './range.js';

/**
 * The object (the version `?versionId=` names, or the current one) as it was when the request was
 * routed (its tags feed s3:ExistingObjectTag).
 */
async function loadForRead(ctx: S3Context): Promise<ObjectRecord | undefined> {
  return loadAddressedObject(ctx);
}

/** A read of a version by id is s3:GetObjectVersion. */
export function readAction(ctx: S3Context, base: 's3:GetObject'): string {
  return ctx.query.has('versionId') ? `${base}Version` : base;
}

function prepareRead(head: boolean): OperationHandler {
  return async (ctx) => {
    const obj = await loadForRead(ctx);
    // SSE-KMS: a GET (or a HEAD that returns the checksum) is also kms:Decrypt on the object's key.
    const sse = await planObjectRead(ctx, obj, { decrypts: !head || ctx.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' });
    const target = { bucket: requireBucket(ctx), key: requireKey(ctx), object: obj };
    const checks = [objectCheck(ctx, readAction(ctx, 's3:GetObject'), existingTagContext(obj?.tags), target), ...sse.checks];
    if (obj !== undefined) {
      // A locked object's lock settings are shown to callers allowed to read them (object-lock.ts).
      const lockChecks = objectLockReadChecks(ctx, obj, target);
      if (lockChecks.length === 0) return prepared(checks, () => readObject(ctx, obj, head, sse, undefined));
      return prepared(checks, (advice) => readObject(ctx, obj, head, sse, lockVisibility(advice, 0)), { advisoryChecks: lockChecks });
    }
    // A missing key is 404 only to a caller who may list the bucket; to others it is 403.
    return prepared(
      checks,
      async (advice) => {
        throw await missingObjectError(ctx, { advice, index: 0 });
      },
      { advisoryChecks: [missingKeyListCheck(ctx)] },
    );
  };
}

export const prepareGetObject = prepareRead(false);
export const prepareHeadObject = prepareRead(true);

interface ReadPlan {
  readonly status: 200 | 206;
  readonly range: ByteRange | undefined;
  readonly headers: Record<string, HeaderValue | undefined>;
}

async function readObject(
  ctx: S3Context,
  initial: ObjectRecord | undefined,
  head: boolean,
  sse: ObjectReadPlan,
  lockVisible: LockVisibility | undefined,
): Promise<S3Response> {
  const key = requireKey(ctx);
  let obj = initial;
  // A concurrent overwrite may delete the blobs we were about to open: re-read the metadata once.
  for (let attempt = 0; ; attempt++) {
    // Only after a concurrent delete: a key missing at route time is answered by prepareRead.
    if (obj === undefined) throw s3Error('NoSuchKey', { fields: { Key: key } });
    const objectKey = await openObjectKey(ctx, obj, sse, { decrypt: !head });
    const early = conditionalResponse(ctx, obj);
    if (early !== undefined) return early;
    const plan = planRead(ctx, obj);
    Object.assign(plan.headers, versionHeader(requireBucket(ctx), obj.versionId));
    if (obj.objectLock !== undefined) Object.assign(plan.headers, objectLockHeaders(obj, lockVisible));
    if (head) return { status: plan.status, headers: plan.headers };
    try {
      // Inline bytes come with the metadata (no file to open); encrypted ones are decrypted on the way.
      const body = await openObjectPlaintext(ctx.deps.storage.blobs, obj, objectKey, plan.range);
      return { status: plan.status, headers: plan.headers, body };
    } catch (e) {
      if (!isBlobNotFound(e) || attempt > 0) throw e;
      obj = await loadForRead(ctx);
    }
  }
}

/** 304 / 412 from If-* headers, or undefined to go on. */
function conditionalResponse(ctx: S3Context, obj: ObjectRecord): S3Response | undefined {
  const h = ctx.raw.headers;
  if (h['if-match'] === undefined && h['if-none-match'] === undefined && h['if-modified-since'] === undefined && h['if-unmodified-since'] === undefined) {
    return undefined;
  }
  const outcome = evaluateConditions(readConditionHeaders((n) => ctx.header(n)), obj);
  if (outcome === 'PreconditionFailed') throw s3Error('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  if (outcome === 'NotModified') {
    return { status: 304, headers: { etag: quoteEtag(obj.etag), 'last-modified': httpDate(obj.lastModified) } };
  }
  return undefined;
}

/**
 * The stored headers of a record, built once per record: records are immutable and the store hands
 * out the same one while it is current, so a hot object's Last-Modified is not formatted per GET.
 * A memo of a pure function keyed by the record (weakly, so it lives exactly as long as the record).
 */
const storedHeaders = new WeakMap<ObjectRecord, Readonly<Record<string, HeaderValue | undefined>>>();

function objectHeaders(obj: ObjectRecord): Record<string, HeaderValue | undefined> {
  let h = storedHeaders.get(obj);
  if (h === undefined) {
    h = objectResponseHeaders(obj);
    storedHeaders.set(obj, h);
  }
  // A for-in copy of the defined values: several times cheaper than a spread of these hyphenated keys.
  const copy: Record<string, HeaderValue | undefined> = {};
  for (const name in h) {
    const value = h[name];
    if (value !== undefined) copy[name] = value;
  }
  return copy;
}

function planRead(ctx: S3Context, obj: ObjectRecord): ReadPlan {
  const headers = objectHeaders(obj);
  // The current version's expiry (a version read by id is not the one an Expiration rule acts on).
  if (ctx.bucket?.lifecycle !== undefined && !ctx.query.has('versionId')) {
    headers['x-amz-expiration'] = expirationHeader(ctx.bucket, obj, ctx.deps.lifecycleDays);
  }
  const rangeHeader = ctx.header('range');
  const partNumber = parsePartNumberParam(ctx.query.get('partNumber'));
  let range: ByteRange | undefined;
  if (partNumber !== undefined) {
    if (rangeHeader !== undefined) throw s3Error('InvalidRequest', { message: 'Cannot specify both Range header and partNumber query parameter' });
    range = partRange(obj, partNumber);
    if (obj.partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(obj.partsCount);
  } else {
    range = parseRangeHeader(rangeHeader, obj.size);
  }
  applyResponseOverrides(ctx, headers);
  const whole = range === undefined || (range.start === 0 && range.end === obj.size - 1 && partNumber === undefined);
  // A whole-object checksum describes only the whole object: never send it with a partial body.
  if (ctx.header('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && whole) Object.assign(headers, checksumResponseHeaders(obj.checksum));
  if (range === undefined) {
    headers['content-length'] = String(obj.size);
    return { status: 200, range, headers };
  }
  headers['content-length'] = String(range.end - range.start + 1);
  headers['content-range'] = contentRange(range, obj.size);
  return { status: 206, range, headers };
}

/** `partNumber` 1..10000, else InvalidArgument. */
export function parsePartNumberParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 10000)) throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', value);
  return n;
}

/**
 * The bytes of part `n`: a multipart object's segments are its parts, in order. A single-part object
 * has one part, the whole object. A part beyond the last is InvalidPart (ceph s3-tests
 * test_multipart_get_part / test_non_multipart_get_part, which pass against AWS).
 */
function partRange(obj: ObjectRecord, n: number): ByteRange | undefined {
  const parts = obj.partsCount ?? 1;
  if (n > parts) throw s3Error('InvalidPart', { fields: { PartNumber: String(n) } });
  if (obj.partsCount === undefined || obj.segments.length !== obj.partsCount) {
    return obj.size === 0 ? undefined : { start: 0, end: obj.size - 1 };
  }
  let start = 0;
  for (let i = 0; i < n - 1; i++) start += obj.segments[i].size;
  const size = obj.segments[n - 1].size;
  return size === 0 ? undefined : { start, end: start + size - 1 };
}

/**
 * `response-content-type` & co. replace the stored headers. AWS refuses them on anonymous requests
 * ("Request specific response headers cannot be used for anonymous GET requests.").
 */
function applyResponseOverrides(ctx: S3Context, headers: Record<string, HeaderValue | undefined>): void {
  for (const [param, header] of RESPONSE_OVERRIDES) {
    const v = ctx.query.get(param);
    if (v === undefined) continue;
    if (ctx.auth.caller.kind === 'Anonymous') {
      throw s3Error('InvalidRequest', { message: 'Request specific response headers cannot be used for anonymous GET requests.' });
    }
    headers[header] = toHeaderValue(v, param);
  }
}
