/**
 * Request bodies in XML (CreateBucketConfiguration, Delete, CompleteMultipartUpload, Tagging,
 * CORSConfiguration). Anything that is not well-formed, declares a DOCTYPE, or has the wrong root
 * element is `MalformedXML`, as S3 answers. Text is kept exactly (S3 keys may start or end with spaces);
 * the five XML entities and numeric character references are decoded here, nothing else.
 */
import type { Readable } from 'node:stream';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { s3Error } from './errors.js';

/** An element: child elements by name (repeated ones as arrays when listed in `arrays`), text as string. */
export interface XmlElement {
  readonly [name: string]: XmlElement | string | readonly (XmlElement | string)[];
}

/** Bodies beyond this are refused before parsing (a 10,000-part CompleteMultipartUpload is ~1 MB). */
export const DEFAULT_MAX_XML_BYTES = 2 * 1024 * 1024;

/** Reads a whole (small) request body; `MaxMessageLengthExceeded` past `maxBytes`. */
export async function readSmallBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > maxBytes) {
      body.destroy();
      throw s3Error('MaxMessageLengthExceeded');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Parses `text` whose root must be `root`; returns the root element's content. */
export function parseXml(text: string, root: string, arrays: readonly string[] = []): XmlElement {
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw s3Error('MalformedXML');
  const arraySet = new Set(arrays);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arraySet.has(name),
  });
  const doc = parser.parse(text) as Record<string, unknown>;
  const names = Object.keys(doc).filter((k) => k !== '#text');
  if (names.length !== 1 || names[0] !== root) throw s3Error('MalformedXML');
  const content = decodeTree(doc[root]);
  return typeof content === 'string' ? {} : content;
}

function decodeTree(v: unknown): XmlElement | string {
  if (typeof v === 'string') return decodeEntities(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  const out: Record<string, XmlElement | string | (XmlElement | string)[]> = {};
  for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
    if (k === '#text') continue;
    out[k] = Array.isArray(child) ? child.map(decodeTree) : decodeTree(child);
  }
  return out;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) throw s3Error('MalformedXML');
    if (name in NAMED) return NAMED[name];
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (!m) throw s3Error('MalformedXML');
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2], 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff) throw s3Error('MalformedXML');
    return String.fromCodePoint(cp);
  });
}

/** The text of a child element, undefined when absent; an element with children is MalformedXML. */
export function childText(el: XmlElement, name: string): string | undefined {
  const v = el[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    if (v.length === 1 && typeof v[0] === 'string') return v[0];
    throw s3Error('MalformedXML');
  }
  // `<Key></Key>` parses as '' but `<Key/>` may parse as an empty object.
  if (Object.keys(v).length === 0) return '';
  throw s3Error('MalformedXML');
}

/** Child elements named `name` (zero or more). */
export function children(el: XmlElement, name: string): readonly XmlElement[] {
  const v = el[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item: XmlElement | string) => (typeof item === 'string' ? (item === '' ? {} : malformed()) : item));
}

/** Text values of repeated child elements (`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>`). */
export function childTexts(el: XmlElement, name: string): readonly string[] {
  const v = el[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item: XmlElement | string) => (typeof item === 'string' ? item : Object.keys(item).length === 0 ? '' : malformed()));
}

function malformed(): never {
  throw s3Error('MalformedXML');
}

/** MalformedXML when `el` has a child element other than `names` (S3 refuses unknown elements). */
export function onlyKnown(el: XmlElement, names: readonly string[]): void {
  if (Object.keys(el).some((k) => !names.includes(k))) throw s3Error('MalformedXML');
}
