/**
 * A strict JSON parser that also records where each object and array starts and ends in the source.
 * IAM's SimulateCustomPolicy / SimulatePrincipalPolicy report the Line/Column span of every matched
 * statement, which `JSON.parse` cannot give us. Parsing happens once, at write time; evaluation never
 * sees JSON.
 */

export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** 1-based line and column, as IAM's `Position` shape (Line, Column). */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface SourceSpan {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

export type JsonParseResult =
  | { readonly ok: true; readonly value: JsonValue; readonly spans: ReadonlyMap<object, SourceSpan> }
  | { readonly ok: false; readonly reason: string };

class JsonSyntaxError extends Error {
  /** Where the problem is (UTF-16 offset into the text). */
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses `text`; never throws. Duplicate keys keep the last value, as `JSON.parse` does. */
export function parseJsonWithSpans(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    parser.skipWhitespace();
    const value = parser.parseValue();
    parser.skipWhitespace();
    if (parser.pos !== text.length) throw new JsonSyntaxError(`unexpected data at offset ${parser.pos}`, parser.pos);
    return { ok: true, value, spans: parser.spans };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, reason: e.message };
    if (e instanceof RangeError) return { ok: false, reason: 'document nested too deeply' };
    throw e;
  }
}

const MAX_DEPTH = 256;

class Parser {
  pos = 0;
  readonly spans = new Map<object, SourceSpan>();
  protected depth = 0;
  constructor(protected readonly text: string) {}

  skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else break;
    }
  }

  parseValue(): JsonValue {
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject();
      case '[':
        return this.parseArray();
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        throw new JsonSyntaxError(`unexpected character at offset ${this.pos}`, this.pos);
    }
  }

  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw new JsonSyntaxError('document nested too deeply', this.pos);
  }

  private parseObject(): JsonObject {
    this.enter();
    const start = this.position(this.pos);
    this.pos++;
    const out: Record<string, JsonValue> = {};
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
    } else {
      for (;;) {
        this.skipWhitespace();
        if (this.text[this.pos] !== '"') throw new JsonSyntaxError(`expected a key at offset ${this.pos}`, this.pos);
        const key = this.parseString();
        this.skipWhitespace();
        if (this.text[this.pos] !== ':') throw new JsonSyntaxError(`expected ':' at offset ${this.pos}`, this.pos);
        this.pos++;
        this.skipWhitespace();
        // defineProperty: a key named "__proto__" must be data, not a prototype change.
        Object.defineProperty(out, key, { value: this.parseValue(), enumerable: true, writable: true, configurable: true });
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === '}') break;
        if (sep !== ',') throw new JsonSyntaxError(`expected ',' or '}' at offset ${this.pos - 1}`, this.pos - 1);
      }
    }
    this.spans.set(out, { start, end: this.position(this.pos - 1) });
    this.depth--;
    return out;
  }

  private parseArray(): JsonArray {
    this.enter();
    const start = this.position(this.pos);
    this.pos++;
    const out: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
    } else {
      for (;;) {
        this.skipWhitespace();
        out.push(this.parseValue());
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === ']') break;
        if (sep !== ',') throw new JsonSyntaxError(`expected ',' or ']' at offset ${this.pos - 1}`, this.pos - 1);
      }
    }
    this.spans.set(out, { start, end: this.position(this.pos - 1) });
    this.depth--;
    return out;
  }

  parseString(): string {
    const t = this.text;
    let i = this.pos + 1;
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= t.length) throw new JsonSyntaxError('unterminated string', t.length);
      const c = t.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) throw new JsonSyntaxError(`control character in string at offset ${i}`, i);
      if (c === 0x5c) {
        out += t.slice(chunkStart, i);
        const e = t[i + 1];
        i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = t.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError(`bad unicode escape at offset ${i}`, i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            throw new JsonSyntaxError(`bad escape at offset ${i - 1}`, i - 1);
        }
        chunkStart = i;
        continue;
      }
      i++;
    }
    out += t.slice(chunkStart, i);
    this.pos = i + 1;
    return out;
  }

  protected parseNumber(): number {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
    if (!r) throw new JsonSyntaxError(`bad number at offset ${this.pos}`, this.pos);
    this.pos += r[0].length;
    return Number(r[0]);
  }

  protected parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) {
      throw new JsonSyntaxError(`unexpected token at offset ${this.pos}`, this.pos);
    }
    this.pos += word.length;
    return value;
  }

  /** Line/column of an offset; computed only for object/array boundaries, at write time. */
  private lineStarts: number[] | undefined;
  private position(offset: number): SourcePosition {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 0x0a) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isJsonArray(v: JsonValue | undefined): v is JsonArray {
  return Array.isArray(v);
}

/**
 * A position as IAM Access Analyzer's ValidatePolicy reports it (its `Position` shape): line from 1,
 * column and offset from 0, counted in UTF-16 code units of the document text.
 */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A range of the text; `end` is exclusive (Access Analyzer's `Span`). */
export interface TextSpan {
  readonly start: TextPosition;
  readonly end: TextPosition;
}

/**
 * The document as a tree of located nodes, for tools that point into the text (ValidatePolicy's
 * `locations`). Every value has a span (a string's span includes its quotes), every object member the
 * span of its key; members keep their order, duplicates included.
 */
export type JsonNode = JsonObjectNode | JsonArrayNode | JsonScalarNode;

export interface JsonObjectNode {
  readonly kind: 'object';
  readonly span: TextSpan;
  readonly entries: readonly JsonEntryNode[];
}

export interface JsonEntryNode {
  readonly key: string;
  readonly keySpan: TextSpan;
  readonly value: JsonNode;
}

export interface JsonArrayNode {
  readonly kind: 'array';
  readonly span: TextSpan;
  readonly items: readonly JsonNode[];
}

export type JsonScalarNode =
  | { readonly kind: 'string'; readonly span: TextSpan; readonly value: string }
  | { readonly kind: 'number'; readonly span: TextSpan; readonly value: number }
  | { readonly kind: 'boolean'; readonly span: TextSpan; readonly value: boolean }
  | { readonly kind: 'null'; readonly span: TextSpan; readonly value: null };

export type JsonTreeResult =
  | { readonly ok: true; readonly root: JsonNode }
  | { readonly ok: false; readonly reason: string; readonly at: TextPosition };

/** Parses `text` into located nodes with the same grammar as parseJsonWithSpans; never throws. */
export function parseJsonTree(text: string): JsonTreeResult {
  const parser = new TreeParser(text);
  try {
    parser.skipWhitespace();
    const root = parser.parseNode();
    parser.skipWhitespace();
    if (parser.pos !== text.length) throw new JsonSyntaxError(`unexpected data at offset ${parser.pos}`, parser.pos);
    return { ok: true, root };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, reason: e.message, at: parser.at(e.offset) };
    if (e instanceof RangeError) return { ok: false, reason: 'document nested too deeply', at: parser.at(parser.pos) };
    throw e;
  }
}

class TreeParser extends Parser {
  private readonly lines: LineIndex;
  constructor(text: string) {
    super(text);
    this.lines = new LineIndex(text);
  }

  at(offset: number): TextPosition {
    return this.lines.position(Math.min(Math.max(offset, 0), this.text.length));
  }

  parseNode(): JsonNode {
    const start = this.pos;
    switch (this.text[start]) {
      case '{':
        return this.parseObjectNode();
      case '[':
        return this.parseArrayNode();
      case '"': {
        const value = this.parseString();
        return { kind: 'string', value, span: this.spanFrom(start) };
      }
      default: {
        // The base parser refuses what is not a number or a literal.
        const value = this.parseValue();
        const span = this.spanFrom(start);
        if (typeof value === 'number') return { kind: 'number', value, span };
        if (typeof value === 'boolean') return { kind: 'boolean', value, span };
        return { kind: 'null', value: null, span };
      }
    }
  }

  private spanFrom(start: number): TextSpan {
    return { start: this.lines.position(start), end: this.lines.position(this.pos) };
  }

  private parseObjectNode(): JsonObjectNode {
    this.enter();
    const start = this.pos++;
    const entries: JsonEntryNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === '}') this.pos++;
    else {
      for (;;) {
        this.skipWhitespace();
        if (this.text[this.pos] !== '"') throw new JsonSyntaxError(`expected a key at offset ${this.pos}`, this.pos);
        const keyStart = this.pos;
        const key = this.parseString();
        const keySpan = this.spanFrom(keyStart);
        this.skipWhitespace();
        if (this.text[this.pos] !== ':') throw new JsonSyntaxError(`expected ':' at offset ${this.pos}`, this.pos);
        this.pos++;
        this.skipWhitespace();
        entries.push({ key, keySpan, value: this.parseNode() });
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === '}') break;
        if (sep !== ',') throw new JsonSyntaxError(`expected ',' or '}' at offset ${this.pos - 1}`, this.pos - 1);
      }
    }
    this.depth--;
    return { kind: 'object', entries, span: this.spanFrom(start) };
  }

  private parseArrayNode(): JsonArrayNode {
    this.enter();
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') this.pos++;
    else {
      for (;;) {
        this.skipWhitespace();
        items.push(this.parseNode());
        this.skipWhitespace();
        const sep = this.text[this.pos++];
        if (sep === ']') break;
        if (sep !== ',') throw new JsonSyntaxError(`expected ',' or ']' at offset ${this.pos - 1}`, this.pos - 1);
      }
    }
    this.depth--;
    return { kind: 'array', items, span: this.spanFrom(start) };
  }
}

/** Line starts of a text, for offset → line/column in O(log lines). */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x0a) this.starts.push(i + 1);
  }

  position(offset: number): TextPosition {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo], offset };
  }
}
