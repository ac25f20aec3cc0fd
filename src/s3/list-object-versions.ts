/**
 * ListObjectVersions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html):
 * every version and delete marker, by key then newest first, with key-marker / version-id-marker
 * paging, prefix and delimiter as ListObjects has them. Needs s3:ListBucketVersions.
 */
import type { XmlNode } from '../protocol/xml.js';
import type { BucketRecord, ObjectVersion } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context } from './context.js';
import { invalidArgument } from './errors.js';
import { quoteEtag } from './headers.js';
import { MAX_LIST_KEYS, encoder, parseEncodingType, parseMaxKeys } from './list-objects.js';
import { parseVersionId, versionIdText } from './object-version.js';
import { ownerNode } from './owner.js';
import { xmlResponse } from './render.js';

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

/** With ACLs disabled the bucket owner owns every version and marker. */
function ownerOf(bucket: BucketRecord, accountId: string): XmlNode {
  return ownerNode(bucket.ownership === 'BucketOwnerEnforced' ? bucket.ownerAccountId : accountId);
}

function versionNode(bucket: BucketRecord, v: ObjectVersion & { kind: 'Object' }, enc: (s: string) => string): XmlNode {
  const o = v.object;
  return {
    Key: enc(o.key),
    VersionId: versionIdText(o.versionId),
    IsLatest: v.isLatest,
    LastModified: o.lastModified,
    ETag: quoteEtag(o.etag),
    Size: o.size,
    Owner: ownerOf(bucket, o.ownerAccountId),
    StorageClass: o.storageClass,
    ChecksumAlgorithm: o.checksum?.algorithm,
    ChecksumType: o.checksum?.type,
  };
}

function markerNode(bucket: BucketRecord, v: ObjectVersion & { kind: 'DeleteMarker' }, enc: (s: string) => string): XmlNode {
  const m = v.marker;
  return {
    Key: enc(m.key),
    VersionId: versionIdText(m.versionId),
    IsLatest: v.isLatest,
    LastModified: m.lastModified,
    Owner: ownerOf(bucket, m.ownerAccountId),
  };
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
  // Deviation from AWS: Version elements come before DeleteMarker elements (each in listing order)
  // rather than interleaved; clients read them as two lists either way.
  const versions = result.versions.flatMap((v) => (v.kind === 'Object' ? [versionNode(bucket, v, enc)] : []));
  const deleteMarkers = result.versions.flatMap((v) => (v.kind === 'DeleteMarker' ? [markerNode(bucket, v, enc)] : []));
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
    Version: versions,
    DeleteMarker: deleteMarkers,
    CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
