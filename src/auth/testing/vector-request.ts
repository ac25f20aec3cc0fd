import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { RawRequest } from '../types.js';

/** One request of test/vectors/sigv4/*.json: headers as [name, value] pairs in wire order. */
export interface VectorCase {
  readonly name: string;
  readonly source: string;
  readonly service: string;
  readonly region: string;
  readonly now?: string;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly headers: [string, string][];
  readonly bodyBase64: string;
  readonly securityToken: string | null;
  readonly expectedSignature?: string;
  readonly canonicalRequest?: string;
}

export interface VectorFile {
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly now?: string;
  readonly sessionToken?: string;
  readonly cases: VectorCase[];
}

export function loadVectors(file: string): VectorFile {
  return JSON.parse(readFileSync(join(process.cwd(), 'test/vectors/sigv4', file), 'utf8')) as VectorFile;
}

/** Builds what the HTTP layer would: lower-cased `headers` (repeats joined) plus `rawHeaders`. */
export function rawRequestOf(c: { method: string; rawPath: string; rawQuery: string; headers: readonly (readonly [string, string])[] }): RawRequest {
  const headers: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of c.headers) {
    const lower = name.toLowerCase();
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
    rawHeaders.push(name, value);
  }
  return { method: c.method, rawPath: c.rawPath, rawQuery: c.rawQuery, headers, rawHeaders };
}

export function bodyOf(bytes: Buffer | string, chunkSize = 16 * 1024): Readable {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Replaces (or adds) a header in a vector's header list. */
export function withHeader(headers: readonly (readonly [string, string])[], name: string, value: string | undefined): [string, string][] {
  const out = headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase()).map(([n, v]) => [n, v] as [string, string]);
  if (value !== undefined) out.push([name, value]);
  return out;
}
