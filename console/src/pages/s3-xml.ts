/**
 * S3 section helpers: XML bodies as S3 wants them (its namespace), the integrity header S3 requires on
 * configuration bodies (x-amz-checksum-sha256, which S3 accepts instead of Content-MD5), and small
 * readers for the parsed answers.
 */
import { ApiError, parseXml, s3, str, type Xml, type XmlValue } from '../api.js';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Text escaped for an XML element or attribute. */
export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<Name>text</Name>` (escaped). */
export function el(name: string, text: string): string {
  return `<${name}>${esc(text)}</${name}>`;
}

/** A document whose root element carries S3's namespace. */
export function doc(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

/** base64 SHA-256 of the text, for `x-amz-checksum-sha256`. */
export async function sha256Base64(text: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new ApiError(
      'InsecureContext',
      'This browser offers no Web Crypto here (the console must be opened over HTTPS or on localhost) to compute the checksum S3 requires.',
      0,
    );
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** A bucket subresource request with an XML body and its checksum (PUT ?versioning etc., POST ?delete). */
export async function sendXml(
  method: string,
  bucket: string,
  key: string,
  subresource: Record<string, string>,
  body: string,
  region: string,
): Promise<Response> {
  return s3(method, bucket, key, {
    query: subresource,
    region,
    body,
    headers: { 'content-type': 'application/xml', 'x-amz-checksum-sha256': await sha256Base64(body) },
  });
}

/** GET of a bucket subresource (`?versioning`) as data. */
export async function getSub(
  bucket: string,
  sub: string,
  region: string,
  extra: Record<string, string> = {},
): Promise<Xml> {
  return parseXml(await s3('GET', bucket, '', { query: { [sub]: '', ...extra }, region }));
}

/** The answer, or `fallback` when S3 says `code` (NoSuchTagSet and the like: "not configured"). */
export async function orNone<T>(p: Promise<T>, codes: string[], fallback: T): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && codes.includes(e.code)) return fallback;
    throw e;
  }
}

export function obj(v: XmlValue | undefined): Xml {
  return typeof v === 'object' && !Array.isArray(v) ? v : {};
}

export { str };

/** Key/Value pairs from `<TagSet><Tag>…` */
export type Tag = { key: string; value: string };
export function tagsOf(tagSet: XmlValue | undefined): Tag[] {
  const t = obj(tagSet).Tag;
  const list = t === undefined ? [] : Array.isArray(t) ? t : [t];
  return list.map((x) => ({ key: str(obj(x).Key), value: str(obj(x).Value) }));
}

export function tagSetXml(tags: Tag[]): string {
  return `<TagSet>${tags.map((t) => `<Tag>${el('Key', t.key)}${el('Value', t.value)}</Tag>`).join('')}</TagSet>`;
}

/** The `<Error>` entries of a DeleteObjects answer (`<DeleteResult>`). */
export function parseDeleteErrors(text: string): { key: string; versionId: string; code: string; message: string }[] {
  if (!text.trim()) return [];
  const d = new DOMParser().parseFromString(text, 'application/xml');
  return Array.from(d.documentElement.children)
    .filter((c) => c.localName === 'Error')
    .map((c) => {
      const t = (n: string) => Array.from(c.children).find((x) => x.localName === n)?.textContent ?? '';
      return { key: t('Key'), versionId: t('VersionId'), code: t('Code'), message: t('Message') };
    });
}
