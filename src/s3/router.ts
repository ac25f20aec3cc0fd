/**
 * S3 routing as data: `METHOD + path shape + query/header discriminators → operation name`, taken from
 * the HTTP bindings in the S3 service model (botocore `s3/2006-03-01/service-2.json`) and the request
 * examples of the S3 API reference (see router.test.ts). The first matching rule wins, so rules with a
 * discriminator come before the default rule of the same method and shape.
 */
import { s3Error } from './errors.js';

export type PathShape = 'service' | 'bucket' | 'object';

export interface Rule {
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

/** A rule without its operation: how a request reaches one (operations.ts declares them). */
export type RouteSpec = Omit<Rule, 'op'>;

export const r = (method: string, shape: PathShape, extra: Partial<Pick<Rule, 'query' | 'queryValue' | 'header'>> = {}): RouteSpec => ({
  method,
  shape,
  ...extra,
});
export const q = (...names: string[]) => ({ query: names });

/**
 * Bucket sub-resources that exist in S3 but not (yet) in Strongbox: recognised, authorized like any
 * operation, then answered NotImplemented (not-implemented.ts).
 */
const UNIMPLEMENTED_BUCKET_SUBRESOURCES = [
  // [query name, method, operation]
  ['accelerate', 'GET', 'GetBucketAccelerateConfiguration'], ['accelerate', 'PUT', 'PutBucketAccelerateConfiguration'],
  ['analytics', 'GET', 'GetBucketAnalyticsConfiguration'], ['analytics', 'PUT', 'PutBucketAnalyticsConfiguration'], ['analytics', 'DELETE', 'DeleteBucketAnalyticsConfiguration'],
  ['intelligent-tiering', 'GET', 'GetBucketIntelligentTieringConfiguration'], ['intelligent-tiering', 'PUT', 'PutBucketIntelligentTieringConfiguration'], ['intelligent-tiering', 'DELETE', 'DeleteBucketIntelligentTieringConfiguration'],
  ['inventory', 'GET', 'GetBucketInventoryConfiguration'], ['inventory', 'PUT', 'PutBucketInventoryConfiguration'], ['inventory', 'DELETE', 'DeleteBucketInventoryConfiguration'],
  ['metadataConfiguration', 'GET', 'GetBucketMetadataConfiguration'], ['metadataConfiguration', 'POST', 'CreateBucketMetadataConfiguration'], ['metadataConfiguration', 'DELETE', 'DeleteBucketMetadataConfiguration'],
  ['metadataInventoryTable', 'PUT', 'UpdateBucketMetadataInventoryTableConfiguration'],
  ['metadataJournalTable', 'PUT', 'UpdateBucketMetadataJournalTableConfiguration'],
  ['metadataTable', 'GET', 'GetBucketMetadataTableConfiguration'], ['metadataTable', 'POST', 'CreateBucketMetadataTableConfiguration'], ['metadataTable', 'DELETE', 'DeleteBucketMetadataTableConfiguration'],
  ['metrics', 'GET', 'GetBucketMetricsConfiguration'], ['metrics', 'PUT', 'PutBucketMetricsConfiguration'], ['metrics', 'DELETE', 'DeleteBucketMetricsConfiguration'],
  ['notification', 'GET', 'GetBucketNotificationConfiguration'], ['notification', 'PUT', 'PutBucketNotificationConfiguration'],
  ['replication', 'GET', 'GetBucketReplication'], ['replication', 'PUT', 'PutBucketReplication'], ['replication', 'DELETE', 'DeleteBucketReplication'],
  ['requestPayment', 'GET', 'GetBucketRequestPayment'], ['requestPayment', 'PUT', 'PutBucketRequestPayment'],
  ['session', 'GET', 'CreateSession'],
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

/** The operations S3 has and Strongbox recognises without implementing them, as router rules. */
export const UNIMPLEMENTED_ROUTES: readonly Rule[] = [
  ...UNIMPLEMENTED_BUCKET_SUBRESOURCES.map(([name, method, op]) => ({ ...r(method, 'bucket', q(name)), op })),
  ...UNIMPLEMENTED_OBJECT_SUBRESOURCES.map(([name, method, op]) => ({ ...r(method, 'object', q(name)), op })),
];

export interface RouteInput {
  readonly method: string;
  readonly shape: PathShape;
  readonly query: ReadonlyMap<string, string>;
  /** Lower-cased header names. */
  readonly hasHeader: (name: string) => boolean;
}

/** The AWS operation name for a request, or undefined when no rule matches (→ MethodNotAllowed). */
export function matchOperation(routes: readonly Rule[], input: RouteInput): string | undefined {
  for (const rule of routes) {
    if (rule.method !== input.method || rule.shape !== input.shape) continue;
    if (rule.query && !rule.query.every((name) => input.query.has(name))) continue;
    if (rule.queryValue && input.query.get(rule.queryValue[0]) !== rule.queryValue[1]) continue;
    if (rule.header && !input.hasHeader(rule.header)) continue;
    return rule.op;
  }
  return undefined;
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
