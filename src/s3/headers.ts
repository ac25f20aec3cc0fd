/**
 * Object metadata carried in headers: user metadata (`x-amz-meta-*`), system metadata (Content-Type,
 * Cache-Control, ...), storage class, and the response headers GetObject / HeadObject answer with.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
 */
import type { RawRequest } from '../auth/types.js';
import type { ObjectRecord } from '../storage/ports.js';
import type { HeaderValue } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { encryptionResponseHeaders } from './object-encryption.js';

/** "Within the PUT request header, the user-defined metadata is limited to 2 KB in size." */
export const MAX_USER_METADATA_BYTES = 2048;

const META_PREFIX = 'x-amz-meta-';

/** A request's headers: node's (names lower-cased, repeats joined) and as sent (`rawHeaders`). */
export type HeaderSource = Pick<RawRequest, 'headers' | 'rawHeaders'>;

/**
 * A header's value as S3 stores and returns it: exactly as sent (`deflate, gzip` stays so); a header
 * sent several times, its values joined with ',' ("Amazon S3 combines headers that have the same name
 * (ignoring case) into a comma-delimited list", UsingMetadata.html). Node joins repeats with ', ', so
 * only a value that holds ', ' is looked up in `rawHeaders`, to tell one header from several.
 * Deviation from AWS: of a repeated Content-Type or Expires, node keeps only the first.
 */
export function storedHeaderValue(source: HeaderSource, name: string): string | undefined {
  const value = source.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  if (!value.includes(', ')) return value;
  return joinedRawValues(source.rawHeaders, name) ?? value;
}

function joinedRawValues(rawHeaders: readonly string[], name: string): string | undefined {
  let joined: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const n = rawHeaders[i];
    if (n.length !== name.length || n.toLowerCase() !== name) continue;
    joined = joined === undefined ? rawHeaders[i + 1] : `${joined},${rawHeaders[i + 1]}`;
  }
  return joined;
}

/**
 * `x-amz-meta-*` headers, names lower-cased without the prefix, values as stored (storedHeaderValue).
 * Size is the sum of the bytes of each name and value (UTF-8 on the wire; node hands header values
 * over as latin1, one char per byte).
 */
export function parseUserMetadata(source: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 0;
  for (const name of Object.keys(source.headers)) {
    if (!name.startsWith(META_PREFIX)) continue;
    const v = storedHeaderValue(source, name);
    if (v === undefined) continue;
    const key = name.slice(META_PREFIX.length);
    out[key] = v;
    size += Buffer.byteLength(key, 'latin1') + Buffer.byteLength(v, 'latin1');
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw s3Error('MetadataTooLarge', { fields: { Size: String(size), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) } });
  }
  return out;
}

export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
  'FSX_OPENZFS',
  'FSX_ONTAP',
] as const;

/**
 * `x-amz-storage-class`, STANDARD when absent.
 * Deviation from AWS: every class is stored and served like STANDARD (no archive/restore semantics).
 */
export function parseStorageClass(value: string | undefined): string {
  if (value === undefined || value === '') return 'STANDARD';
  if (!(STORAGE_CLASSES as readonly string[]).includes(value)) throw s3Error('InvalidStorageClass', { fields: { StorageClassRequested: value } });
  return value;
}

/** System metadata a PUT (or a REPLACE copy) sets from its headers. */
export interface ContentHeaders {
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly contentDisposition: string | undefined;
  readonly contentLanguage: string | undefined;
  readonly cacheControl: string | undefined;
  readonly expires: string | undefined;
}

/** The system metadata headers, each stored as sent (storedHeaderValue). */
export function parseContentHeaders(source: HeaderSource): ContentHeaders {
  return {
    contentType: storedHeaderValue(source, 'content-type'),
    contentEncoding: stripAwsChunked(storedHeaderValue(source, 'content-encoding')),
    contentDisposition: storedHeaderValue(source, 'content-disposition'),
    contentLanguage: storedHeaderValue(source, 'content-language'),
    cacheControl: storedHeaderValue(source, 'cache-control'),
    expires: storedHeaderValue(source, 'expires'),
  };
}

/**
 * `aws-chunked` is a transfer framing, not the object's encoding: S3 drops it from Content-Encoding
 * and keeps any other codings ("Content-Encoding: aws-chunked,gzip" stores "gzip"). The rest stays as
 * sent: without aws-chunked the value is untouched (`deflate, gzip` is not respaced).
 */
export function stripAwsChunked(value: string | undefined): string | undefined {
  if (value === undefined || !/aws-chunked/i.test(value)) return value;
  const kept = value.split(',').filter((c) => c.trim().toLowerCase() !== 'aws-chunked');
  const stored = kept.join(',').trim();
  return stored.replace(/,/g, '').trim() === '' ? undefined : stored;
}

/** RFC 1123 date, as in `Last-Modified`: `Wed, 21 Oct 2015 07:28:00 GMT`. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** An HTTP date header, or undefined when absent or unparseable (RFC 9110: an invalid date is ignored). */
export function parseHttpDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** S3 keeps modification times to the second: HTTP dates cannot say more, and conditions compare them. */
export function truncateToSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

/** Headers GetObject and HeadObject answer with for an object (before range/part/checksum headers). */
export function objectResponseHeaders(obj: ObjectRecord): Record<string, HeaderValue | undefined> {
  const h: Record<string, HeaderValue | undefined> = {
    'last-modified': httpDate(obj.lastModified),
    etag: quoteEtag(obj.etag),
    'accept-ranges': 'bytes',
    // S3's default when an object was stored without a Content-Type.
    'content-type': obj.contentType ?? 'binary/octet-stream',
    'content-encoding': obj.contentEncoding,
    'content-disposition': obj.contentDisposition,
    'content-language': obj.contentLanguage,
    'cache-control': obj.cacheControl,
    expires: obj.expires,
    // AWS omits x-amz-storage-class for STANDARD objects.
    'x-amz-storage-class': obj.storageClass === 'STANDARD' ? undefined : obj.storageClass,
    'x-amz-tagging-count': obj.tags.length > 0 ? String(obj.tags.length) : undefined,
    'x-amz-website-redirect-location': obj.websiteRedirectLocation,
  };
  for (const [k, v] of Object.entries(obj.userMetadata)) h[META_PREFIX + k] = v;
  Object.assign(h, encryptionResponseHeaders(obj.encryption));
  return h;
}

/** GetObject's `response-*` query parameters override these response headers. */
export const RESPONSE_OVERRIDES: readonly (readonly [string, string])[] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/**
 * A header value from a decoded query parameter. HTTP header values are bytes: non-Latin-1 text goes
 * out as its UTF-8 bytes; control characters cannot be carried at all.
 */
export function toHeaderValue(value: string, parameter: string): string {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw invalidArgument('Header value contains invalid characters', parameter, undefined);
  return /[^\x00-\xff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}
