/**
 * S3 routing as data: `METHOD + path shape + query/header discriminators → operation name`, taken from
 * the HTTP bindings in the S3 service model (botocore `s3/2006-03-01/service-2.json`) and the request
 * examples of the S3 API reference (see router.test.ts). The first matching rule wins, so rules with a
 * discriminator come before the default rule of the same method and shape.
 */
import { s3Error } from './errors.js';

export type PathShape = 'service' | 'bucket' | 'object';

/** Operations Strongbox implements. */
export const IMPLEMENTED_OPERATIONS = [
  'ListBuckets',
  'CreateBucket',
  'HeadBucket',
  'GetBucketLocation',
  'DeleteBucket',
  'ListObjects',
  'ListObjectsV2',
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  'PutObjectTagging',
  'GetObjectTagging',
  'DeleteObjectTagging',
  'PutBucketCors',
  'GetBucketCors',
  'DeleteBucketCors',
  'GetBucketAcl',
  'PutBucketAcl',
  'GetObjectAcl',
  'PutObjectAcl',
  'GetBucketOwnershipControls',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
  'PutBucketPolicy',
  'GetBucketPolicy',
  'DeleteBucketPolicy',
  'GetBucketPolicyStatus',
  'PutPublicAccessBlock',
  'GetPublicAccessBlock',
  'DeletePublicAccessBlock',
  'PutBucketLifecycleConfiguration',
  'GetBucketLifecycleConfiguration',
  'DeleteBucketLifecycle',
  'PutBucketVersioning',
  'GetBucketVersioning',
  'ListObjectVersions',
  'GetObjectAttributes',
  'PutBucketEncryption',
  'GetBucketEncryption',
  'DeleteBucketEncryption',
  'PutObjectLockConfiguration',
  'GetObjectLockConfiguration',
  'PutObjectRetention',
  'GetObjectRetention',
  'PutObjectLegalHold',
  'GetObjectLegalHold',
  'PostObject',
  'OptionsObject',
] as const;

export type S3OperationName = (typeof IMPLEMENTED_OPERATIONS)[number];

interface Rule {
  readonly method: string;
  readonly shape: PathShape;
  /** Query parameters that must all be present (any value, including none: `?uploads`). */
  readonly query?: readonly string[];
  /** A query parameter with an exact value (`list-type=2`). */
  readonly queryValue?: readonly [string, string];
  /** A header that must be present. */
  readonly header?: string;
  readonly op: string;
}

const r = (method: string, shape: PathShape, op: string, extra: Partial<Pick<Rule, 'query' | 'queryValue' | 'header'>> = {}): Rule => ({
  method,
  shape,
  op,
  ...extra,
});
const q = (...names: string[]) => ({ query: names });

/**
 * Bucket sub-resources that exist in S3 but not (yet) in Strongbox: recognised, authorized like any
 * operation, then answered NotImplemented (not-implemented.ts).
 */
const UNIMPLEMENTED_BUCKET_SUBRESOURCES = [
  // [query name, method, operation]
  ['abac', 'GET', 'GetBucketAbac'], ['abac', 'PUT', 'PutBucketAbac'],
  ['accelerate', 'GET', 'GetBucketAccelerateConfiguration'], ['accelerate', 'PUT', 'PutBucketAccelerateConfiguration'],
  ['analytics', 'GET', 'GetBucketAnalyticsConfiguration'], ['analytics', 'PUT', 'PutBucketAnalyticsConfiguration'], ['analytics', 'DELETE', 'DeleteBucketAnalyticsConfiguration'],
  ['intelligent-tiering', 'GET', 'GetBucketIntelligentTieringConfiguration'], ['intelligent-tiering', 'PUT', 'PutBucketIntelligentTieringConfiguration'], ['intelligent-tiering', 'DELETE', 'DeleteBucketIntelligentTieringConfiguration'],
  ['inventory', 'GET', 'GetBucketInventoryConfiguration'], ['inventory', 'PUT', 'PutBucketInventoryConfiguration'], ['inventory', 'DELETE', 'DeleteBucketInventoryConfiguration'],
  ['logging', 'GET', 'GetBucketLogging'], ['logging', 'PUT', 'PutBucketLogging'],
  ['metadataConfiguration', 'GET', 'GetBucketMetadataConfiguration'], ['metadataConfiguration', 'POST', 'CreateBucketMetadataConfiguration'], ['metadataConfiguration', 'DELETE', 'DeleteBucketMetadataConfiguration'],
  ['metadataInventoryTable', 'PUT', 'UpdateBucketMetadataInventoryTableConfiguration'],
  ['metadataJournalTable', 'PUT', 'UpdateBucketMetadataJournalTableConfiguration'],
  ['metadataTable', 'GET', 'GetBucketMetadataTableConfiguration'], ['metadataTable', 'POST', 'CreateBucketMetadataTableConfiguration'], ['metadataTable', 'DELETE', 'DeleteBucketMetadataTableConfiguration'],
  ['metrics', 'GET', 'GetBucketMetricsConfiguration'], ['metrics', 'PUT', 'PutBucketMetricsConfiguration'], ['metrics', 'DELETE', 'DeleteBucketMetricsConfiguration'],
  ['notification', 'GET', 'GetBucketNotificationConfiguration'], ['notification', 'PUT', 'PutBucketNotificationConfiguration'],
  ['replication', 'GET', 'GetBucketReplication'], ['replication', 'PUT', 'PutBucketReplication'], ['replication', 'DELETE', 'DeleteBucketReplication'],
  ['requestPayment', 'GET', 'GetBucketRequestPayment'], ['requestPayment', 'PUT', 'PutBucketRequestPayment'],
  ['session', 'GET', 'CreateSession'],
  ['tagging', 'GET', 'GetBucketTagging'], ['tagging', 'PUT', 'PutBucketTagging'], ['tagging', 'DELETE', 'DeleteBucketTagging'],
  ['website', 'GET', 'GetBucketWebsite'], ['website', 'PUT', 'PutBucketWebsite'], ['website', 'DELETE', 'DeleteBucketWebsite'],
] as const;

const UNIMPLEMENTED_OBJECT_SUBRESOURCES = [
  ['encryption', 'PUT', 'UpdateObjectEncryption'],
  ['renameObject', 'PUT', 'RenameObject'],
  ['restore', 'POST', 'RestoreObject'],
  ['select', 'POST', 'SelectObjectContent'],
  ['torrent', 'GET', 'GetObjectTorrent'],
] as const;

export type UnimplementedOperationName =
  | (typeof UNIMPLEMENTED_BUCKET_SUBRESOURCES)[number][2]
  | (typeof UNIMPLEMENTED_OBJECT_SUBRESOURCES)[number][2];

const UNIMPLEMENTED: ReadonlySet<string> = new Set(
  [...UNIMPLEMENTED_BUCKET_SUBRESOURCES, ...UNIMPLEMENTED_OBJECT_SUBRESOURCES].map(([, , op]) => op),
);

export const ROUTES: readonly Rule[] = [
  r('GET', 'service', 'ListBuckets'),

  // Bucket: implemented sub-resources first, then the ones we recognise but do not implement.
  r('GET', 'bucket', 'GetBucketLocation', q('location')),
  r('GET', 'bucket', 'ListMultipartUploads', q('uploads')),
  r('GET', 'bucket', 'GetBucketCors', q('cors')),
  r('PUT', 'bucket', 'PutBucketCors', q('cors')),
  r('DELETE', 'bucket', 'DeleteBucketCors', q('cors')),
  r('GET', 'bucket', 'GetBucketAcl', q('acl')),
  r('PUT', 'bucket', 'PutBucketAcl', q('acl')),
  r('GET', 'bucket', 'GetBucketOwnershipControls', q('ownershipControls')),
  r('PUT', 'bucket', 'PutBucketOwnershipControls', q('ownershipControls')),
  r('DELETE', 'bucket', 'DeleteBucketOwnershipControls', q('ownershipControls')),
  r('PUT', 'bucket', 'PutBucketPolicy', q('policy')),
  r('GET', 'bucket', 'GetBucketPolicy', q('policy')),
  r('DELETE', 'bucket', 'DeleteBucketPolicy', q('policy')),
  r('GET', 'bucket', 'GetBucketPolicyStatus', q('policyStatus')),
  r('PUT', 'bucket', 'PutPublicAccessBlock', q('publicAccessBlock')),
  r('GET', 'bucket', 'GetPublicAccessBlock', q('publicAccessBlock')),
  r('DELETE', 'bucket', 'DeletePublicAccessBlock', q('publicAccessBlock')),
  r('PUT', 'bucket', 'PutBucketLifecycleConfiguration', q('lifecycle')),
  r('GET', 'bucket', 'GetBucketLifecycleConfiguration', q('lifecycle')),
  r('DELETE', 'bucket', 'DeleteBucketLifecycle', q('lifecycle')),
  r('PUT', 'bucket', 'PutBucketVersioning', q('versioning')),
  r('GET', 'bucket', 'GetBucketVersioning', q('versioning')),
  r('GET', 'bucket', 'ListObjectVersions', q('versions')),
  r('PUT', 'bucket', 'PutBucketEncryption', q('encryption')),
  r('GET', 'bucket', 'GetBucketEncryption', q('encryption')),
  r('DELETE', 'bucket', 'DeleteBucketEncryption', q('encryption')),
  r('PUT', 'bucket', 'PutObjectLockConfiguration', q('object-lock')),
  r('GET', 'bucket', 'GetObjectLockConfiguration', q('object-lock')),
  r('POST', 'bucket', 'DeleteObjects', q('delete')),
  ...UNIMPLEMENTED_BUCKET_SUBRESOURCES.map(([name, method, op]) => r(method, 'bucket', op, q(name))),
  r('GET', 'bucket', 'ListObjectsV2', { queryValue: ['list-type', '2'] }),
  r('GET', 'bucket', 'ListObjects'),
  r('HEAD', 'bucket', 'HeadBucket'),
  r('PUT', 'bucket', 'CreateBucket'),
  r('DELETE', 'bucket', 'DeleteBucket'),
  // Browser uploads POST to the bucket; PostObject itself rejects a body that is not multipart/form-data.
  r('POST', 'bucket', 'PostObject'),
  r('OPTIONS', 'bucket', 'OptionsObject'),

  // Object.
  r('GET', 'object', 'GetObjectTagging', q('tagging')),
  r('PUT', 'object', 'PutObjectTagging', q('tagging')),
  r('DELETE', 'object', 'DeleteObjectTagging', q('tagging')),
  r('GET', 'object', 'GetObjectAttributes', q('attributes')),
  r('GET', 'object', 'GetObjectAcl', q('acl')),
  r('PUT', 'object', 'PutObjectAcl', q('acl')),
  r('PUT', 'object', 'PutObjectRetention', q('retention')),
  r('GET', 'object', 'GetObjectRetention', q('retention')),
  r('PUT', 'object', 'PutObjectLegalHold', q('legal-hold')),
  r('GET', 'object', 'GetObjectLegalHold', q('legal-hold')),
  ...UNIMPLEMENTED_OBJECT_SUBRESOURCES.map(([name, method, op]) => r(method, 'object', op, q(name))),
  r('POST', 'object', 'CreateMultipartUpload', q('uploads')),
  r('POST', 'object', 'CompleteMultipartUpload', q('uploadId')),
  r('PUT', 'object', 'UploadPartCopy', { query: ['uploadId'], header: 'x-amz-copy-source' }),
  r('PUT', 'object', 'UploadPart', q('uploadId')),
  r('GET', 'object', 'ListParts', q('uploadId')),
  r('DELETE', 'object', 'AbortMultipartUpload', q('uploadId')),
  r('PUT', 'object', 'CopyObject', { header: 'x-amz-copy-source' }),
  r('PUT', 'object', 'PutObject'),
  r('GET', 'object', 'GetObject'),
  r('HEAD', 'object', 'HeadObject'),
  r('DELETE', 'object', 'DeleteObject'),
  r('OPTIONS', 'object', 'OptionsObject'),
];

export interface RouteInput {
  readonly method: string;
  readonly shape: PathShape;
  readonly query: ReadonlyMap<string, string>;
  /** Lower-cased header names. */
  readonly hasHeader: (name: string) => boolean;
}

/** The AWS operation name for a request, or undefined when no rule matches (→ MethodNotAllowed). */
export function matchOperation(input: RouteInput): string | undefined {
  for (const rule of ROUTES) {
    if (rule.method !== input.method || rule.shape !== input.shape) continue;
    if (rule.query && !rule.query.every((name) => input.query.has(name))) continue;
    if (rule.queryValue && input.query.get(rule.queryValue[0]) !== rule.queryValue[1]) continue;
    if (rule.header && !input.hasHeader(rule.header)) continue;
    return rule.op;
  }
  return undefined;
}

export function isImplemented(op: string): op is S3OperationName {
  return (IMPLEMENTED_OPERATIONS as readonly string[]).includes(op);
}

/** An operation S3 has and Strongbox recognises but does not implement (authorized, then NotImplemented). */
export function isUnimplemented(op: string): op is UnimplementedOperationName {
  return UNIMPLEMENTED.has(op);
}

export interface Target {
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /** How the bucket was addressed (decides the `Location` of CreateBucket). */
  readonly style: 'path' | 'virtual-hosted';
}

/**
 * Bucket and key from the raw path and Host. S3 decodes the path once with percent-decoding only:
 * `+` is a literal plus in a path, `//` and `..` are ordinary key characters (paths are not normalised).
 * With `baseDomain`, a Host of `<bucket>.<baseDomain>[:port]` addresses the bucket (virtual-hosted style).
 */
export function parseTarget(rawPath: string, host: string | undefined, baseDomain: string | undefined): Target {
  if (!rawPath.startsWith('/')) throw s3Error('InvalidURI');
  const vhostBucket = virtualHostBucket(host, baseDomain);
  if (vhostBucket !== undefined) {
    const key = decodePathPart(rawPath.slice(1));
    return { bucket: vhostBucket, key: key === '' ? undefined : key, style: 'virtual-hosted' };
  }
  const rest = rawPath.slice(1);
  if (rest === '') return { bucket: undefined, key: undefined, style: 'path' };
  const slash = rest.indexOf('/');
  const bucket = decodePathPart(slash === -1 ? rest : rest.slice(0, slash));
  const key = slash === -1 ? '' : decodePathPart(rest.slice(slash + 1));
  return { bucket, key: key === '' ? undefined : key, style: 'path' };
}

function virtualHostBucket(host: string | undefined, baseDomain: string | undefined): string | undefined {
  if (!host || !baseDomain) return undefined;
  const hostname = stripPort(host).toLowerCase();
  const suffix = '.' + baseDomain.toLowerCase();
  if (!hostname.endsWith(suffix)) return undefined;
  const bucket = hostname.slice(0, -suffix.length);
  return bucket === '' ? undefined : bucket;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Percent-decoding as UTF-8; malformed escapes or invalid UTF-8 → InvalidURI. */
export function decodePathPart(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw s3Error('InvalidURI');
  }
}

/** Presigned-URL authentication parameters: the authenticator's business, never an operation's. */
const AUTH_PARAMETERS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']);

/**
 * Query parameters, decoded like `application/x-www-form-urlencoded` (`+` is a space here, unlike in
 * the path). A name without `=` (`?uploads`) maps to ''. The first occurrence of a repeated name wins.
 * Presigned-URL authentication parameters are left out (the authenticator has read them already).
 */
export function parseQuery(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  if (rawQuery === '') return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    if (rawName.startsWith('X-Amz-') && AUTH_PARAMETERS.has(rawName)) continue;
    const name = decodeQueryPart(rawName);
    const value = eq === -1 ? '' : decodeQueryPart(part.slice(eq + 1));
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

function decodeQueryPart(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    throw s3Error('InvalidURI');
  }
}
