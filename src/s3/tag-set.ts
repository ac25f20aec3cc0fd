/**
 * Object tag sets: the `x-amz-tagging` header (URL query form) and the `<Tagging>` document, with S3's
 * limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html): at most 10 tags,
 * unique keys of 1..128 and values of 0..256 characters (UTF-16 code units, as S3 counts them), from
 * letters, numbers, spaces and `_ . : / = + - @`, and no `aws:` prefix.
 */
import { s3Error } from './errors.js';
import { childText, children, type XmlElement } from './xml-parse.js';

export type TagSet = readonly (readonly [string, string])[];

export const MAX_OBJECT_TAGS = 10;
const MAX_KEY = 128;
const MAX_VALUE = 256;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const HEADER_FORMAT_MESSAGE =
  "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

/** Validates a tag set in order; the first violation decides the error, as S3 reports one. */
export function validateTagSet(tags: TagSet): TagSet {
  if (tags.length > MAX_OBJECT_TAGS) throw s3Error('BadRequest', { message: 'Object tags cannot be greater than 10' });
  const seen = new Set<string>();
  for (const [key, value] of tags) {
    if (key.length === 0 || !TAG_CHARS.test(key)) throw s3Error('InvalidTag', { message: 'The TagKey you have provided is invalid' });
    if (key.length > MAX_KEY) throw s3Error('InvalidTag', { message: `The TagKey you have provided is too long, max ${MAX_KEY}` });
    if (!TAG_CHARS.test(value)) throw s3Error('InvalidTag', { message: 'The TagValue you have provided is invalid' });
    if (value.length > MAX_VALUE) throw s3Error('InvalidTag', { message: `The TagValue you have provided is too long, max ${MAX_VALUE}` });
    if (key.toLowerCase().startsWith('aws:')) throw s3Error('InvalidTag', { message: 'Your TagKey cannot be prefixed with aws:' });
    if (seen.has(key)) throw s3Error('InvalidTag', { message: 'Cannot provide multiple Tags with the same key' });
    seen.add(key);
  }
  return tags;
}

/** `x-amz-tagging: k1=v1&k2=v2` (form-encoded; a name without `=` has the empty value). */
export function parseTaggingHeader(value: string | undefined): TagSet | undefined {
  if (value === undefined) return undefined;
  const tags: [string, string][] = [];
  const names = new Set<string>();
  for (const pair of value.split('&')) {
    if (pair === '') continue;
    const parts = pair.split('=');
    if (parts.length > 2) throw s3Error('InvalidArgument', { message: HEADER_FORMAT_MESSAGE, fields: { ArgumentName: 'x-amz-tagging', ArgumentValue: value } });
    const key = formDecode(parts[0], value);
    const v = parts.length === 2 ? formDecode(parts[1], value) : '';
    if (names.has(key)) throw s3Error('InvalidArgument', { message: HEADER_FORMAT_MESSAGE, fields: { ArgumentName: 'x-amz-tagging', ArgumentValue: value } });
    names.add(key);
    tags.push([key, v]);
  }
  return validateTagSet(tags);
}

function formDecode(s: string, whole: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw s3Error('InvalidArgument', { message: HEADER_FORMAT_MESSAGE, fields: { ArgumentName: 'x-amz-tagging', ArgumentValue: whole } });
  }
}

/** `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>` (root content). */
export function parseTaggingDocument(root: XmlElement): TagSet {
  const tagSets = children(root, 'TagSet');
  if (tagSets.length !== 1) throw s3Error('MalformedXML');
  const tags: [string, string][] = [];
  for (const tag of children(tagSets[0], 'Tag')) {
    const key = childText(tag, 'Key');
    const value = childText(tag, 'Value');
    if (key === undefined || value === undefined) throw s3Error('MalformedXML');
    tags.push([key, value]);
  }
  return validateTagSet(tags);
}

/** `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` for a tag set a request writes. */
export function requestTagContext(tags: TagSet | undefined): Record<string, string | readonly string[]> {
  if (tags === undefined) return {};
  const out: Record<string, string | readonly string[]> = { 's3:RequestObjectTagKeys': tags.map(([k]) => k) };
  for (const [k, v] of tags) out[`s3:RequestObjectTag/${k}`] = v;
  return out;
}
