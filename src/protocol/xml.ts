/**
 * A tiny XML writer for AWS response bodies. A node is `{ Name: value }` where value is a string,
 * number, boolean, nested node, array (repeated element) or undefined (omitted).
 */
export type XmlValue = string | number | boolean | Date | XmlNode | readonly XmlValue[] | undefined | null;
export interface XmlNode {
  readonly [name: string]: XmlValue;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

export function escapeXml(s: string): string {
  // Control characters XML 1.0 cannot carry literally are written as character references, as S3
  // writes them in listings (`<Key>a&#x1b;b</Key>`); clients that cannot read them use encoding-type=url.
  return s.replace(/[&<>"'\r\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16)};`);
}

function scalar(v: string | number | boolean | Date): string {
  // AWS renders timestamps in XML as ISO 8601 with milliseconds: 2009-10-12T17:50:30.000Z
  return v instanceof Date ? v.toISOString() : escapeXml(String(v));
}

function writeValue(name: string, v: XmlValue, out: string[]): void {
  if (v === undefined || v === null) return;
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

function writeChildren(node: XmlNode, out: string[]): void {
  for (const [k, v] of Object.entries(node)) writeValue(k, v, out);
}

/** Renders a document: `toXml('ListAllMyBucketsResult', body, 'http://s3.amazonaws.com/doc/2006-03-01/')`. */
export function toXml(root: string, body: XmlNode, xmlns?: string): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n', xmlns ? `<${root} xmlns="${xmlns}">` : `<${root}>`];
  writeChildren(body, out);
  out.push(`</${root}>`);
  return out.join('');
}
