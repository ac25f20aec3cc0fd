/**
 * Request bodies in XML (CreateBucketConfiguration, Delete, CompleteMultipartUpload, Tagging,
 * CORSConfiguration, ...), read by xml-reader.ts. Anything that is not well-formed, declares a DOCTYPE,
 * is nested too deeply or has the wrong root element is `MalformedXML`, as S3 answers. Text is kept
 * exactly (S3 keys may start or end with spaces); the five XML entities and numeric character
 * references are decoded, nothing else.
 */
import type { Readable } from 'node:stream';
import { s3Error } from './errors.js';
import { decodeReferences, readXml, XmlNotWellFormed, type XmlNode } from './xml-reader.js';

/** An element: child elements by name (repeated ones as arrays when listed in `arrays`), text as string. */
export interface XmlElement {
  readonly [name: string]: XmlElement | string | readonly (XmlElement | string)[];
}

/**
 * What a configuration document may weigh when its operation sets no limit of its own. AWS documents
 * counts (50 bucket tags, 100 grants, ...) but no byte limits for these documents; none needs more than
 * a few tens of KiB. Deviation from AWS: a body past its operation's limit is refused with
 * `MaxMessageLengthExceeded` ("Your request was too big", ErrorResponses.html#ErrorCodeList) before it
 * is read when its length is declared, else as soon as the limit is passed.
 */
export const DEFAULT_MAX_XML_BYTES = 256 * 1024;

/**
 * Reads a whole (small) request body; `MaxMessageLengthExceeded` past `maxBytes`, before reading
 * anything when `declaredBytes` (the Content-Length or decoded length) already says so.
 */
export async function readSmallBody(body: Readable, maxBytes: number, declaredBytes?: number): Promise<Buffer> {
  if (declaredBytes !== undefined && declaredBytes > maxBytes) throw tooBig(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  // destroyOnReturn: false — destroying the request would close the socket before the error answer;
  // the pipeline closes the connection once it has answered a request whose body it did not read.
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > maxBytes) throw tooBig(maxBytes);
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

function tooBig(maxBytes: number) {
  const message = `Your request was too big. The maximum allowed size is ${maxBytes} bytes.`;
  return s3Error('MaxMessageLengthExceeded', { message });
}

/** Parses `text` whose root must be `root`; returns the root element's content. */
export function parseXml(text: string, root: string, arrays: readonly string[] = []): XmlElement {
  let doc: XmlNode;
  try {
    doc = readXml(text);
  } catch (e) {
    if (e instanceof XmlNotWellFormed) throw s3Error('MalformedXML');
    throw e;
  }
  if (doc.name !== root) throw s3Error('MalformedXML');
  const content = toElement(doc, new Set(arrays));
  return typeof content === 'string' ? {} : content;
}

type MutableElement = Record<string, XmlElement | string | (XmlElement | string)[]>;

/**
 * Element objects inherit nothing (an element named `constructor`, `toString` or `__proto__` is just a
 * member), yet are ordinary fast objects: `Object.create(null)` ones are dictionaries, several times
 * slower to fill.
 */
const ElementObject = function (this: MutableElement) {} as unknown as new () => MutableElement;
ElementObject.prototype = Object.create(null) as MutableElement;

/**
 * An element with child elements becomes an object (its text, white space between children, is
 * dropped), one without becomes its text.
 */
function toElement(node: XmlNode, arrays: ReadonlySet<string>): XmlElement | string {
  if (node.children.length === 0) return node.text;
  const out = new ElementObject();
  for (const child of node.children) {
    const value = toElement(child, arrays);
    const existing = out[child.name];
    if (existing === undefined) out[child.name] = arrays.has(child.name) ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[child.name] = [existing, value];
  }
  return out;
}

/** The five XML entities and character references decoded; anything else is MalformedXML. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  try {
    return decodeReferences(s);
  } catch (e) {
    if (e instanceof XmlNotWellFormed) throw s3Error('MalformedXML');
    throw e;
  }
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
