/**
 * The StringToSign of AWS Signature Version 2 for S3, as pure functions: "Signing and authenticating
 * REST requests (AWS signature version 2)"
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html
 *
 *   StringToSign = HTTP-Verb + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n" +
 *                  CanonicalizedAmzHeaders + CanonicalizedResource
 *   Signature    = Base64(HMAC-SHA1(secret, UTF-8(StringToSign)))
 */
import { createHmac } from 'node:crypto';
import type { QueryParam } from './canonical-request.js';

/**
 * The query parameters that are part of the CanonicalizedResource: the sub-resources the page lists
 * (acl, lifecycle, location, logging, notification, partNumber, policy, requestPayment, torrent,
 * uploadId, uploads, versionId, versioning, versions, website), `delete`, the response-header
 * overrides, and the later sub-resources the AWS SDKs' v2 signers sign (botocore's
 * `HmacV1Auth.QSAOfInterest`, the Java SDK's `SIGNED_PARAMETERS`). Any other parameter is unsigned.
 */
export const SIGV2_SUB_RESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'defaultObjectAcl', 'delete', 'inventory', 'lifecycle', 'location',
  'logging', 'metrics', 'notification', 'object-lock', 'partNumber', 'policy', 'replication', 'requestPayment',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding',
  'response-content-language', 'response-content-type', 'response-expires', 'restore', 'select', 'select-type',
  'storageClass', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
]);

export interface SigV2StringToSignParts {
  readonly method: string;
  /** The Content-MD5 header as sent, '' when absent. */
  readonly contentMd5: string;
  /** The Content-Type header as sent, '' when absent. */
  readonly contentType: string;
  /** The Date header; '' when x-amz-date is sent (it is then an amz header); Expires when presigned. */
  readonly date: string;
  /** `canonicalizedAmzHeaders(...)`: every line ends with "\n", '' when there is none. */
  readonly amzHeaders: string;
  /** `canonicalizedResource(...)`. */
  readonly resource: string;
}

export function sigV2StringToSign(p: SigV2StringToSignParts): string {
  return `${p.method}\n${p.contentMd5}\n${p.contentType}\n${p.date}\n${p.amzHeaders}${p.resource}`;
}

/** Base64 HMAC-SHA1 of the UTF-8 StringToSign (or, for a POST form, of the base64 policy). */
export function sigV2Signature(secretAccessKey: string, stringToSign: string): string {
  return createHmac('sha1', secretAccessKey).update(stringToSign, 'utf8').digest('base64');
}

/**
 * CanonicalizedAmzHeaders from `x-amz-*` name/value pairs in arrival order: names lower-cased and
 * sorted, repeated names joined by "," without spaces, folded lines unfolded, values trimmed, each
 * `name:value` followed by "\n". Other pairs are ignored.
 */
export function canonicalizedAmzHeaders(pairs: Iterable<readonly [string, string]>): string {
  const values = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-')) continue;
    const v = value.replace(/\r?\n[ \t]+/g, ' ').trim();
    const list = values.get(lower);
    if (list === undefined) values.set(lower, [v]);
    else list.push(v);
  }
  if (values.size === 0) return '';
  let out = '';
  for (const name of [...values.keys()].sort()) out += `${name}:${(values.get(name) as string[]).join(',')}\n`;
  return out;
}

export interface CanonicalizedResourceInput {
  /** The bucket a virtual-hosted-style Host names; undefined for path-style requests. */
  readonly bucket: string | undefined;
  /** The path exactly as on the wire (not decoded), without the query string. */
  readonly rawPath: string;
  readonly params: readonly QueryParam[];
}

/**
 * `[ "/" + bucket ] + <un-decoded path> + [ "?" + sub-resources ]`: sub-resources sorted by name and
 * joined by "&", each with its value when it has one, the value not URL-encoded ("When signing, you
 * do not encode these values"). An empty value (`?acl`, `?acl=`) is signed as the bare name.
 * "At this point, the CanonicalizedResource is the same for both the virtual hosted-style and
 * path-style request": a bucket addressed path-style without a key (`/bucket`) is `/bucket/`, as a
 * virtual-hosted `/` is (the SDK signers sign it so).
 */
export function canonicalizedResource(input: CanonicalizedResourceInput): string {
  const raw = input.rawPath;
  const bucketOnly = input.bucket === undefined && raw.length > 1 && raw.indexOf('/', 1) < 0;
  const path = input.bucket !== undefined ? `/${input.bucket}${raw}` : bucketOnly ? `${raw}/` : raw;
  let subResources: QueryParam[] | undefined;
  for (const p of input.params) {
    if (!SIGV2_SUB_RESOURCES.has(p.name)) continue;
    (subResources ??= []).push(p);
  }
  if (subResources === undefined) return path;
  // Array.prototype.sort is stable: repeated names keep their order, as the SDK signers do.
  subResources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${path}?${subResources.map((p) => (p.value === '' ? p.name : `${p.name}=${p.value}`)).join('&')}`;
}
