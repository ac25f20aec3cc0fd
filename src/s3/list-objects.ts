/**
 * ListObjects (v1) and ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 * Keys come in UTF-8 binary order; keys rolled up into a CommonPrefix count once against max-keys;
 * continuation tokens are opaque (base64url of the last key or prefix returned).
 */
import type { BucketRecord, ListedObject } from '../storage/ports.js';
import { escapeXml, isoTimestamp, RawXml, xmlElement } from '../protocol/xml.js';
import { decodeToken, encodeToken } from './bucket-ops.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { invalidArgument } from './errors.js';
import { ownerNode } from './owner.js';
import { xmlResponse } from './render.js';

export const MAX_LIST_KEYS = 1000;

/** About the bytes of a listing entry (a `<Contents>` with a 40-character key is 300, with its Owner 480). */
export const ENTRY_BYTES = 400;

/** `max-keys` (and `max-uploads`, `max-parts`): a non-negative integer; above the cap, the cap applies. */
export function parseMaxKeys(value: string | undefined, name: string, cap: number): number {
  if (value === undefined) return cap;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, value);
  return Math.min(n, cap);
}

/** `encoding-type`: only `url` exists. */
export function parseEncodingType(value: string | undefined): 'url' | undefined {
  if (value === undefined) return undefined;
  if (value.toLowerCase() !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', value);
  return 'url';
}

/**
 * URL encoding of keys in listings: every byte but unreserved characters and `/` is percent-encoded
 * (S3: `test_file(3).png` → `test_file%283%29.png`; ceph s3-tests: `quux ab/` → `quux%20ab/`).
 */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function encoder(type: 'url' | undefined): (s: string) => string {
  return type === 'url' ? urlEncodeKey : (s) => s;
}

function listContext(ctx: S3Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, key] of [['prefix', 's3:prefix'], ['delimiter', 's3:delimiter'], ['max-keys', 's3:max-keys']] as const) {
    const v = ctx.query.get(param);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export const prepareListObjects: OperationHandler = async (ctx) => prepared([bucketCheck(ctx, 's3:ListBucket', listContext(ctx))], () => listObjects(ctx, 1));
export const prepareListObjectsV2: OperationHandler = async (ctx) => prepared([bucketCheck(ctx, 's3:ListBucket', listContext(ctx))], () => listObjects(ctx, 2));

/**
 * The `<Owner>` of a listed object or version (with ACLs disabled, the bucket owner owns every one),
 * its markup rendered once per account and listing: the canonical id is a hash.
 */
export function listingOwners(bucket: BucketRecord): (ownerAccountId: string) => string {
  const markup = new Map<string, string>();
  return (ownerAccountId) => {
    const accountId = bucket.ownership === 'BucketOwnerEnforced' ? bucket.ownerAccountId : ownerAccountId;
    let m = markup.get(accountId);
    if (m === undefined) markup.set(accountId, (m = xmlElement('Owner', ownerNode(accountId))));
    return m;
  };
}

/** ChecksumAlgorithm and ChecksumType of a listed object or version ('' without a checksum). */
export function checksumFields(o: ListedObject): string {
  return o.checksum === undefined ? '' : `<ChecksumAlgorithm>${o.checksum.algorithm}</ChecksumAlgorithm><ChecksumType>${o.checksum.type}</ChecksumType>`;
}

/**
 * One `<Contents>` (`owner`: the Owner element, or '' when the listing shows no owners). A template per
 * entry rather than a node tree: entries are the bulk of a listing's work.
 */
function contents(o: ListedObject, enc: (s: string) => string, owner: string): string {
  const storageClass = escapeXml(o.storageClass);
  return `<Contents><Key>${escapeXml(enc(o.key))}</Key><LastModified>${isoTimestamp(o.lastModified)}</LastModified><ETag>&quot;${escapeXml(o.etag)}&quot;</ETag>${checksumFields(o)}<Size>${o.size}</Size>${owner}<StorageClass>${storageClass}</StorageClass></Contents>`;
}

async function listObjects(ctx: S3Context, version: 1 | 2): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = parseMaxKeys(q.get('max-keys'), 'max-keys', MAX_LIST_KEYS);
  const encodingType = parseEncodingType(q.get('encoding-type'));
  const enc = encoder(encodingType);
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after');
  const marker = q.get('marker') ?? '';
  let after: string;
  if (version === 1) after = marker;
  else after = token !== undefined && token !== '' ? decodeToken(token, 'continuation-token') : (startAfter ?? '');
  const result =
    maxKeys === 0
      ? { objects: [], commonPrefixes: [], isTruncated: false, nextAfter: undefined }
      : await ctx.deps.storage.objects.listObjects({ bucket: bucket.name, prefix, delimiter, after, maxKeys });
  const withOwner = version === 1 || q.get('fetch-owner') === 'true';
  const common = {
    Name: bucket.name,
    Prefix: enc(prefix),
    Delimiter: delimiter === '' ? undefined : enc(delimiter),
    MaxKeys: q.has('max-keys') ? Number(q.get('max-keys')) : MAX_LIST_KEYS,
    EncodingType: encodingType,
    IsTruncated: result.isTruncated,
  };
  const owner = listingOwners(bucket);
  const entries = new RawXml((out) => {
    for (const o of result.objects) out.write(contents(o, enc, withOwner ? owner(o.ownerAccountId) : ''));
  }, result.objects.length * ENTRY_BYTES);
  const listed = {
    Contents: entries,
    CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  };
  if (version === 1) {
    return xmlResponse('ListBucketResult', {
      ...common,
      Marker: enc(marker),
      // "This element is returned only if you have the delimiter request parameter specified."
      NextMarker: result.isTruncated && delimiter !== '' && result.nextAfter !== undefined ? enc(result.nextAfter) : undefined,
      ...listed,
    });
  }
  return xmlResponse('ListBucketResult', {
    ...common,
    KeyCount: result.objects.length + result.commonPrefixes.length,
    ContinuationToken: token,
    NextContinuationToken: result.isTruncated && result.nextAfter !== undefined ? encodeToken(result.nextAfter) : undefined,
    StartAfter: startAfter === undefined ? undefined : enc(startAfter),
    ...listed,
  });
}
