/**
 * A tiny XML writer for AWS response bodies. A node is `{ Name: value }` where value is a string,
 * number, boolean, nested node, array (repeated element) or undefined (omitted).
 */
export type XmlValue = string | number | boolean | Date | XmlNode | RawXml | readonly XmlValue[] | undefined | null;
export interface XmlNode {
  readonly [name: string]: XmlValue;
}

/**
 * Elements rendered straight into the document's bytes, in place of the element this is the value of
 * (`toXmlBody`): a listing's thousand entries, one template string each. `sizeHint`: about how many
 * bytes they take, so the document's buffer is allocated once.
 */
export class RawXml {
  constructor(
    readonly render: (out: MarkupWriter) => void,
    readonly sizeHint: number,
  ) {}
}

/**
 * A document's UTF-8 bytes, written string by string into one buffer: a listing costs one copy of
 * each entry, where joining a thousand strings and encoding the document took three passes and as
 * many fresh buffers.
 */
export class MarkupWriter {
  private buf: Buffer;
  private length = 0;

  constructor(sizeHint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(sizeHint, 1024));
  }

  write(markup: string): void {
    // A UTF-16 unit takes at most 3 bytes of UTF-8: count exactly only when that much may not fit.
    if (this.buf.length - this.length < markup.length * 3) {
      const needed = this.length + Buffer.byteLength(markup, 'utf8');
      if (needed > this.buf.length) {
        const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
        this.buf.copy(grown, 0, 0, this.length);
        this.buf = grown;
      }
    }
    this.length += this.buf.write(markup, this.length);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

const SPECIAL = /[&<>"'\r\x00-\x08\x0b\x0c\x0e-\x1f]/;
const SPECIALS = new RegExp(SPECIAL.source, 'g');

export function escapeXml(s: string): string {
  // Control characters XML 1.0 cannot carry literally are written as character references, as S3
  // writes them in listings (`<Key>a&#x1b;b</Key>`); clients that cannot read them use encoding-type=url.
  // Most text has none: testing first spares a replace (a listing escapes thousands of strings).
  return SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`) : s;
}

function scalar(v: string | number | boolean | Date): string {
  return v instanceof Date ? isoTimestamp(v) : escapeXml(String(v));
}

let lastSecond = NaN;
let lastSecondText = '';

/**
 * A timestamp as AWS renders it in XML, ISO 8601 with milliseconds (`2009-10-12T17:50:30.000Z`):
 * `toISOString`, with the text up to the second kept from the previous call — objects written in
 * the same second are listed together, and a listing formats a thousand dates.
 */
export function isoTimestamp(date: Date): string {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const text = date.toISOString();
    // Years beyond 9999 (never an object's) are written in full.
    if (text.length !== 24) return text;
    lastSecond = second;
    lastSecondText = text.slice(0, 20);
  }
  const milli = ms - second * 1000;
  return `${lastSecondText}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

function writeValue(name: string, v: XmlValue, out: (string | RawXml)[]): void {
  if (v === undefined || v === null) return;
  if (v instanceof RawXml) {
    out.push(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) writeValue(name, item as XmlValue, out);
    return;
  }
  if (typeof v === 'object' && !(v instanceof Date)) {
    out.push(`<${name}>`);
    writeChildren(v as XmlNode, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${scalar(v as string | number | boolean | Date)}</${name}>`);
}

function writeChildren(node: XmlNode, out: (string | RawXml)[]): void {
  for (const [k, v] of Object.entries(node)) writeValue(k, v, out);
}

/** One element (or a repeated one, for an array) as markup: `xmlElement('Owner', { ID: '…' })`. */
export function xmlElement(name: string, value: XmlValue): string {
  const out: (string | RawXml)[] = [];
  writeValue(name, value, out);
  return joined(out);
}

/** Renders a document: `toXml('ListAllMyBucketsResult', body, 'http://s3.amazonaws.com/doc/2006-03-01/')`. */
export function toXml(root: string, body: XmlNode, xmlns?: string): string {
  return joined(document(root, body, xmlns));
}

/** The document as text, or as bytes when it holds elements rendered into bytes (RawXml). */
export function toXmlBody(root: string, body: XmlNode, xmlns?: string): string | Buffer {
  const out = document(root, body, xmlns);
  return out.every((part) => typeof part === 'string') ? out.join('') : bytesOf(out);
}

function document(root: string, body: XmlNode, xmlns: string | undefined): (string | RawXml)[] {
  const out: (string | RawXml)[] = ['<?xml version="1.0" encoding="UTF-8"?>\n', xmlns ? `<${root} xmlns="${xmlns}">` : `<${root}>`];
  writeChildren(body, out);
  out.push(`</${root}>`);
  return out;
}

function bytesOf(out: readonly (string | RawXml)[]): Buffer {
  const size = out.reduce((n, part) => n + (typeof part === 'string' ? part.length : part.sizeHint), 0);
  const writer = new MarkupWriter(size);
  for (const part of out) {
    if (typeof part === 'string') writer.write(part);
    else part.render(writer);
  }
  return writer.bytes();
}

function joined(out: readonly (string | RawXml)[]): string {
  return out.every((part) => typeof part === 'string') ? out.join('') : bytesOf(out).toString('utf8');
}
