/**
 * A streaming `multipart/form-data` reader (RFC 7578) for browser POST uploads. The fields before the
 * `file` part are read into memory (S3 caps them at 20 KB); the file part is handed out as a stream,
 * never buffered, because it can be gigabytes. "The file or text content must be the last field in
 * the form": parts after it are ignored.
 */
import { Readable } from 'node:stream';
import { s3Error } from './errors.js';

/** "The form data and boundaries (excluding the contents of the file) cannot exceed 20KB." */
export const MAX_PRE_FILE_BYTES = 20 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export interface FormFile {
  /** `filename` parameter of the part, undefined when the part has none. */
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
  /** The file's bytes; ends at the closing boundary. Consume it, then call `drain`. */
  readonly stream: Readable;
}

export interface ParsedForm {
  /** Fields before the file, names lower-cased (S3 treats form field names case-insensitively). */
  readonly fields: ReadonlyMap<string, string>;
  /** Field names as sent, for messages. */
  readonly names: readonly string[];
  readonly file: FormFile;
  /** Reads and discards whatever follows the file part. */
  drain(): Promise<void>;
}

/** The boundary of a `multipart/form-data` Content-Type, or undefined when it is not one. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const [type, ...params] = contentType.split(';');
  if (type.trim().toLowerCase() !== 'multipart/form-data') return undefined;
  for (const p of params) {
    const m = /^\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))\s*$/i.exec(p);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

const malformed = () => s3Error('MalformedPOSTRequest');

/** Pulls chunks from a stream into a growing buffer on demand. */
class ChunkReader {
  buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  /** Appends the next chunk; false at end of stream. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  /** Index of `needle` at or after `from`, reading more while not found and below `limit` bytes. */
  async find(needle: Buffer, limit: number): Promise<number> {
    for (let from = 0; ; ) {
      const i = this.buf.indexOf(needle, from);
      if (i !== -1) return i;
      if (this.buf.length > limit) throw s3Error('MaxPostPreDataLengthExceeded');
      from = Math.max(0, this.buf.length - needle.length + 1);
      if (!(await this.more())) return -1;
    }
  }

  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async drain(): Promise<void> {
    this.buf = Buffer.alloc(0);
    while (await this.more()) this.buf = Buffer.alloc(0);
  }
}

interface PartHeaders {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

function parsePartHeaders(block: string): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\s*(;|$)/i.test(disposition)) throw malformed();
  const params = new Map<string, string>();
  // Browsers do not backslash-escape in quoted parameters (they percent-encode `"`), and Windows
  // file names carry backslashes: a quoted value is taken as it is.
  for (const m of disposition.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g)) {
    params.set(m[1].toLowerCase(), m[2] !== undefined ? m[2] : m[3].trim());
  }
  const name = params.get('name');
  if (name === undefined) throw malformed();
  return { name, filename: params.get('filename'), contentType };
}

/** Reads the fields up to the `file` part and returns the file as a stream. */
export async function readForm(body: Readable, boundary: string): Promise<ParsedForm> {
  const reader = new ChunkReader(body[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const delimiter = Buffer.from(`--${boundary}`);
  const fields = new Map<string, string>();
  const names: string[] = [];
  let consumed = 0;
  const first = await reader.find(delimiter, MAX_PRE_FILE_BYTES);
  if (first === -1) throw malformed();
  consumed += first + delimiter.length;
  reader.take(first + delimiter.length);
  const partDelimiter = Buffer.concat([CRLF, delimiter]);
  for (;;) {
    while (reader.buf.length < 2) if (!(await reader.more())) throw malformed();
    if (reader.buf[0] === 0x2d && reader.buf[1] === 0x2d) {
      // The closing delimiter came before any file part.
      throw s3Error('IncorrectNumberOfFilesInPostRequest');
    }
    const headerEnd = await reader.find(HEADER_END, MAX_PRE_FILE_BYTES);
    if (headerEnd === -1) throw malformed();
    const headers = parsePartHeaders(reader.take(headerEnd + HEADER_END.length).toString('utf8', 2, headerEnd));
    consumed += headerEnd + HEADER_END.length;
    if (headers.name.toLowerCase() === 'file') {
      const stream = Readable.from(fileBytes(reader, partDelimiter), { objectMode: false });
      return { fields, names, file: { filename: headers.filename, contentType: headers.contentType, stream }, drain: () => reader.drain() };
    }
    const end = await reader.find(partDelimiter, MAX_PRE_FILE_BYTES);
    if (end === -1) throw malformed();
    consumed += end + partDelimiter.length;
    if (consumed > MAX_PRE_FILE_BYTES) throw s3Error('MaxPostPreDataLengthExceeded');
    const value = reader.take(end).toString('utf8');
    reader.take(partDelimiter.length);
    const key = headers.name.toLowerCase();
    names.push(headers.name);
    // "If you have multiple fields with the same name, the values must be separated by commas."
    fields.set(key, fields.has(key) ? `${fields.get(key)},${value}` : value);
  }
}

/** The file part's bytes: everything up to the next `\r\n--boundary`, emitted as soon as it is safe. */
async function* fileBytes(reader: ChunkReader, partDelimiter: Buffer): AsyncGenerator<Buffer> {
  for (;;) {
    const i = reader.buf.indexOf(partDelimiter);
    if (i !== -1) {
      if (i > 0) yield reader.take(i);
      reader.take(partDelimiter.length);
      return;
    }
    // Keep back what could be the start of a delimiter split across chunks.
    const safe = reader.buf.length - (partDelimiter.length - 1);
    if (safe > 0) yield reader.take(safe);
    if (!(await reader.more())) throw malformed();
  }
}
