/**
 * A small, strict XML 1.0 reader for S3 request bodies: a tree of elements with their attributes and
 * character data. S3 answers a body that is not well-formed XML `MalformedXML`; every such problem here
 * is one error type, `XmlNotWellFormed`, which the callers turn into their AWS error.
 *
 * Why not a general XML library: fast-xml-parser spent 250–480 ms of the event loop validating and
 * parsing a 1.3 MB CompleteMultipartUpload (10,000 parts), and threw plain Errors (answered 500
 * InternalError) for documents nested more than 100 levels deep or naming an element `__proto__`.
 * This reader scans character codes and uses indexOf (the same body takes 20–30 ms), bounds the
 * nesting depth and the number of elements, and never builds objects keyed by element names.
 *
 * What it accepts: an optional BOM and XML declaration, comments and processing instructions around and
 * inside the root, one root element, CDATA sections, the five predefined entities and character
 * references. A DOCTYPE (and so any other entity) is refused, as S3 refuses it.
 * https://www.w3.org/TR/xml/ (well-formedness constraints); https://www.w3.org/TR/xml-names/ (QName)
 */

/** An element. `name` is the local name: a namespace prefix is dropped (`s3:Key` is `Key`). */
export interface XmlNode {
  readonly name: string;
  /** Attributes by local name (`xsi:type` is `type`); namespace declarations are not attributes. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlNode[];
  /** The element's character data, entities decoded, CDATA verbatim; '' for an element with child elements. */
  readonly text: string;
}

/** The document is not well-formed XML, or is nested deeper than allowed. */
export class XmlNotWellFormed extends Error {}

export interface XmlReadOptions {
  /** Elements nested deeper than this (the root is depth 1) make the document refused. */
  readonly maxDepth?: number;
  /** Elements and attributes past this many make the document refused (bounds the work of any body). */
  readonly maxNodes?: number;
}

/**
 * The deepest S3 request document (a lifecycle rule's `Filter/And/Tag/Key`, a logging grant's
 * `TargetGrants/Grant/Grantee/ID`) is 6 levels; AWS documents no limit. Deviation from AWS: deeper
 * documents are MalformedXML (none would validate against S3's schemas anyway).
 */
export const DEFAULT_MAX_XML_DEPTH = 32;

/**
 * The largest S3 request document, a CompleteMultipartUpload of 10,000 parts with a checksum each, has
 * 40,001 elements (80,001 with every checksum element); AWS documents no limit. Deviation from AWS: a
 * document with more elements and attributes than this is MalformedXML.
 */
export const DEFAULT_MAX_XML_NODES = 100_000;

interface OpenNode {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: OpenNode[];
  text: string;
  /** The name as written, prefix included, that the end tag must repeat. */
  readonly qname: string;
}

const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D' +
  '\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const NAME_SOURCE = `[${NAME_START}][${NAME_CHAR}]*`;
const NAME = new RegExp(NAME_SOURCE, 'y');
const ATTRIBUTE = new RegExp(`[ \\t\\r\\n]+(${NAME_SOURCE})[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
const WHITESPACE_ONLY = /^[ \t\r\n]*$/;
/** Characters XML 1.0 does not allow anywhere (the `Char` production), lone surrogates included. */
const FORBIDDEN_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();
const PREDEFINED: readonly (readonly [string, string])[] = [
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
];

/** ASCII name characters: 1 may start a name, 2 may only continue one (the common case, without a regex). */
const ASCII_NAME = new Uint8Array(128);
for (const c of ':ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz') ASCII_NAME[c.charCodeAt(0)] = 1;
for (const c of '-.0123456789') ASCII_NAME[c.charCodeAt(0)] = 2;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function fail(): never {
  throw new XmlNotWellFormed();
}

/** Reads `text` (a whole document) into its root element. */
export function readXml(text: string, options: XmlReadOptions = {}): XmlNode {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
  return new Reader(text, maxDepth, options.maxNodes ?? DEFAULT_MAX_XML_NODES).read();
}

class Reader {
  private pos = 0;
  private readonly stack: OpenNode[] = [];
  private root: OpenNode | undefined;
  private nodes = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly maxNodes: number,
  ) {}

  read(): XmlNode {
    const t = this.text;
    if (FORBIDDEN_CHAR.test(t)) fail();
    if (t.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (t.startsWith('<?xml', this.pos) && /[ \t\r\n?]/.test(t.charAt(this.pos + 5))) {
      this.pos = this.until('?>', this.pos + 5);
    }
    while (this.pos < t.length) {
      const lt = t.indexOf('<', this.pos);
      const end = lt < 0 ? t.length : lt;
      if (end > this.pos) this.characters(this.pos, end);
      if (lt < 0) break;
      this.pos = lt;
      this.markup();
    }
    if (this.root === undefined || this.stack.length > 0) fail();
    return this.root;
  }

  /** The position just past the next `terminator` at or after `from`. */
  private until(terminator: string, from: number): number {
    const at = this.text.indexOf(terminator, from);
    if (at < 0) fail();
    return at + terminator.length;
  }

  /** The end of the XML name starting at `from` (`from` itself when there is none). */
  private nameEnd(from: number): number {
    const t = this.text;
    let i = from;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 128) break;
      const kind = ASCII_NAME[c];
      if (kind === 0 || (kind === 2 && i === from)) return i;
    }
    if (i === t.length) return i;
    // A non-ASCII character: the full production decides.
    NAME.lastIndex = from;
    return NAME.exec(t) === null ? from : NAME.lastIndex;
  }

  private markup(): void {
    const t = this.text;
    const next = t.charCodeAt(this.pos + 1);
    if (next === 0x2f /* / */) this.endTag();
    else if (next === 0x3f /* ? */) this.processingInstruction();
    else if (t.startsWith('<!--', this.pos)) this.comment();
    else if (t.startsWith('<![CDATA[', this.pos)) this.cdata();
    else if (next === 0x21 /* ! */) fail(); // DOCTYPE, or any other declaration
    else this.startTag();
  }

  private processingInstruction(): void {
    const end = this.nameEnd(this.pos + 2);
    const target = this.text.slice(this.pos + 2, end);
    // `<?xml ...?>` is only allowed as the document's first characters.
    if (target === '' || target.toLowerCase() === 'xml') fail();
    if (!this.text.startsWith('?>', end) && !isSpace(this.text.charCodeAt(end))) fail();
    this.pos = this.until('?>', end);
  }

  private comment(): void {
    const end = this.until('-->', this.pos + 4);
    const body = this.text.slice(this.pos + 4, end - 3);
    if (body.includes('--') || body.endsWith('-')) fail();
    this.pos = end;
  }

  private cdata(): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) fail();
    const end = this.until(']]>', this.pos + 9);
    if (top.children.length === 0) top.text += this.text.slice(this.pos + 9, end - 3);
    this.pos = end;
  }

  /** Character data in [from, to): white space only outside the root; kept only by elements without children. */
  private characters(from: number, to: number): void {
    const segment = this.text.slice(from, to);
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      if (!WHITESPACE_ONLY.test(segment)) fail();
      return;
    }
    if (segment.includes(']]>')) fail();
    const decoded = segment.includes('&') ? decodeReferences(segment) : segment;
    if (top.children.length === 0) top.text += decoded;
  }

  private startTag(): void {
    const t = this.text;
    const nameEnd = this.nameEnd(this.pos + 1);
    if (nameEnd === this.pos + 1) fail();
    const qname = t.slice(this.pos + 1, nameEnd);
    let at = nameEnd;
    const attributes = isSpace(t.charCodeAt(at)) ? this.attributes(at) : undefined;
    if (attributes !== undefined) at = attributes.end;
    while (isSpace(t.charCodeAt(at))) at++;
    const selfClosing = t.charCodeAt(at) === 0x2f; /* / */
    if (selfClosing) at++;
    if (t.charCodeAt(at) !== 0x3e /* > */) fail();
    this.pos = at + 1;
    if (this.stack.length >= this.maxDepth) fail();
    this.count();
    const node: OpenNode = {
      name: localName(qname),
      attributes: attributes?.map ?? NO_ATTRIBUTES,
      children: [],
      text: '',
      qname,
    };
    const parent = this.stack[this.stack.length - 1];
    if (parent !== undefined) {
      // Character data of an element with children is not kept (xml-parse.ts drops it too).
      if (parent.children.length === 0) parent.text = '';
      parent.children.push(node);
    } else if (this.root === undefined) this.root = node;
    else fail(); // a second root element
    if (!selfClosing) this.stack.push(node);
  }

  /** The attributes from `from` on: unique names, quoted values; namespace declarations left out. */
  private attributes(from: number): { readonly map: ReadonlyMap<string, string>; readonly end: number } {
    const map = new Map<string, string>();
    const seen = new Set<string>();
    let at = from;
    for (;;) {
      ATTRIBUTE.lastIndex = at;
      const a = ATTRIBUTE.exec(this.text);
      if (a === null) break;
      at = ATTRIBUTE.lastIndex;
      const qname = a[1];
      this.count();
      if (seen.has(qname)) fail();
      seen.add(qname);
      if (qname === 'xmlns' || qname.startsWith('xmlns:')) continue;
      // Attribute-value normalization: white space characters become spaces (XML 1.0 section 3.3.3).
      const raw = (a[2] ?? a[3]).replace(/[\t\r\n]/g, ' ');
      map.set(localName(qname), raw.includes('&') ? decodeReferences(raw) : raw);
    }
    return { map, end: at };
  }

  /** One more element or attribute. */
  private count(): void {
    if (++this.nodes > this.maxNodes) fail();
  }

  private endTag(): void {
    const t = this.text;
    const open = this.stack.pop();
    if (open === undefined || !t.startsWith(open.qname, this.pos + 2)) fail();
    let at = this.pos + 2 + open.qname.length;
    while (isSpace(t.charCodeAt(at))) at++;
    if (t.charCodeAt(at) !== 0x3e /* > */) fail();
    this.pos = at + 1;
  }
}

/** `s3:Key` → `Key`; a QName has at most one colon, with a name on each side. */
function localName(qname: string): string {
  const colon = qname.indexOf(':');
  if (colon < 0) return qname;
  if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) >= 0) fail();
  return qname.slice(colon + 1);
}

/**
 * Decodes the predefined entities and character references of `s`. A reference to anything else, an
 * unterminated one, or one to a character XML does not allow (`&#0;`, a surrogate) is not well-formed.
 */
export function decodeReferences(s: string): string {
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0) fail();
    out += s.slice(from, amp) + referenced(s, amp + 1, semi);
    from = semi + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** The character the reference named by s[start, end) stands for. */
function referenced(s: string, start: number, end: number): string {
  if (s.charCodeAt(start) !== 0x23 /* # */) {
    // Compared in place: no substring per reference (a 1 MB body may hold 200,000 of them).
    const length = end - start;
    for (const [name, char] of PREDEFINED) if (length === name.length && s.startsWith(name, start)) return char;
    return fail();
  }
  const hex = s.charCodeAt(start + 1) === 0x78; /* x */
  const first = hex ? start + 2 : start + 1;
  if (first >= end) fail();
  let cp = 0;
  for (let i = first; i < end; i++) {
    const d = digitValue(s.charCodeAt(i), hex);
    if (d < 0) fail();
    cp = cp * (hex ? 16 : 10) + d;
    if (cp > 0x10ffff) fail();
  }
  if (!isXmlChar(cp)) fail();
  return cp < 0x10000 ? String.fromCharCode(cp) : String.fromCodePoint(cp);
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (!hex) return -1;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** XML 1.0's `Char` production. */
function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x9 || cp === 0xa || cp === 0xd;
  return cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
}
