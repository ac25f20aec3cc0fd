/**
 * ListObjectVersions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html):
 * every version and delete marker, by key then newest first, with key-marker / version-id-marker
 * paging, prefix and delimiter as ListObjects has them. Needs s3:ListBucketVersions.
 */
import { escapeXml, isoTimestamp, RawXml } from '../protocol/xml.js';
import type { ListedVersion } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context } from './context.js';
import { invalidArgument } from './errors.js';
import { MAX_LIST_KEYS, checksumFields, encoder, listingOwners, parseEncodingType, parseMaxKeys } from './list-objects.js';
import { parseVersionId, versionIdText } from './object-version.js';
import { xmlResponse } from './render.js';

/** About the bytes of a `<Version>` (its Owner included). */
const VERSION_BYTES = 600;

const CONDITION_KEYS = [['prefix', 's3:prefix'], ['delimiter', 's3:delimiter'], ['max-keys', 's3:max-keys']] as const;

function listContext(ctx: S3Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, key] of CONDITION_KEYS) {
    const v = ctx.query.get(param);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export const prepareListObjectVersions: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:ListBucketVersions', listContext(ctx))], () => listObjectVersions(ctx));

/** A `<Version>` or `<DeleteMarker>` (`owner`: its Owner element), in the listing's order: one template each. */
function entry(v: ListedVersion, enc: (s: string) => string, owner: (accountId: string) => string): string {
  const o = v.kind === 'Object' ? v.object : v.marker;
  const head = `<Key>${escapeXml(enc(o.key))}</Key><VersionId>${escapeXml(versionIdText(o.versionId))}</VersionId><IsLatest>${v.isLatest}</IsLatest><LastModified>${isoTimestamp(o.lastModified)}</LastModified>`;
  if (v.kind === 'DeleteMarker') return `<DeleteMarker>${head}${owner(o.ownerAccountId)}</DeleteMarker>`;
  const { etag, size, storageClass } = v.object;
  return `<Version>${head}<ETag>&quot;${escapeXml(etag)}&quot;</ETag><Size>${size}</Size>${owner(o.ownerAccountId)}<StorageClass>${escapeXml(storageClass)}</StorageClass>${checksumFields(v.object)}</Version>`;
}

/** key-marker and version-id-marker: a version-id-marker needs a key-marker; an empty one is none. */
function markers(ctx: S3Context): { keyMarker: string; versionIdMarker: string | null | undefined } {
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const raw = ctx.query.get('version-id-marker');
  if (raw === undefined || raw === '') return { keyMarker, versionIdMarker: undefined };
  if (keyMarker === '') {
    throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', raw);
  }
  return { keyMarker, versionIdMarker: parseVersionId(raw, 'version-id-marker') };
}

async function listObjectVersions(ctx: S3Context) {
  const bucket = requireBucket(ctx);
  const q = ctx.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = parseMaxKeys(q.get('max-keys'), 'max-keys', MAX_LIST_KEYS);
  const encodingType = parseEncodingType(q.get('encoding-type'));
  const enc = encoder(encodingType);
  const { keyMarker, versionIdMarker } = markers(ctx);
  const query = { bucket: bucket.name, prefix, delimiter, keyMarker, versionIdMarker, maxKeys };
  const result = await ctx.deps.storage.objects.listObjectVersions(query);
  const next = result.nextVersionIdMarker;
  // Versions and delete markers interleaved in listing order, as S3 sends them.
  const owner = listingOwners(bucket);
  const entries = new RawXml((out) => {
    for (const v of result.versions) out.write(entry(v, enc, owner));
  }, result.versions.length * VERSION_BYTES);
  return xmlResponse('ListVersionsResult', {
    Name: bucket.name,
    Prefix: enc(prefix),
    KeyMarker: enc(keyMarker),
    VersionIdMarker: q.get('version-id-marker') ?? '',
    NextKeyMarker: result.nextKeyMarker === undefined ? undefined : enc(result.nextKeyMarker),
    NextVersionIdMarker: next === undefined ? undefined : versionIdText(next),
    MaxKeys: q.has('max-keys') ? Number(q.get('max-keys')) : MAX_LIST_KEYS,
    Delimiter: delimiter === '' ? undefined : enc(delimiter),
    EncodingType: encodingType,
    IsTruncated: result.isTruncated,
    Version: entries,
    CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
