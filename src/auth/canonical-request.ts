import * as crypto from 'node:crypto';
import type { RawRequest } from './types.js';
import { canonicalQueryComponent, percentDecode } from './uri-encoding.js';
import { ALGORITHM } from './sigv4-constants.js';

/** One `name=value` pair of the query string, raw (as on the wire) and decoded. */
export interface QueryParam {
  readonly rawName: string;
  readonly rawValue: string;
  readonly name: string;
  readonly value: string;
}

export function parseQuery(rawQuery: string): QueryParam[] {
  if (rawQuery === '') return [];
  const out: QueryParam[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    out.push({ rawName, rawValue, name: percentDecode(rawName), value: percentDecode(rawValue) });
  }
  return out;
}

/**
 * Canonical query string: every parameter (a name without '=' has an empty value) decoded and
 * re-encoded with SigV4 encoding, sorted by encoded name, then by encoded value (byte order; the
 * encoded strings are ASCII so UTF-16 comparison is byte order). `omit` drops X-Amz-Signature for
 * presigned URLs.
 */
export function canonicalQueryString(params: readonly QueryParam[], omit?: string): string {
  const pairs: [string, string][] = [];
  for (const p of params) {
    if (omit !== undefined && p.name === omit) continue;
    pairs.push([canonicalQueryComponent(p.rawName), canonicalQueryComponent(p.rawValue)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += (i === 0 ? '' : '&') + pairs[i][0] + '=' + pairs[i][1];
  return out;
}

/** Trimall: strip leading/trailing whitespace and fold runs of whitespace (incl. obs-fold) to one space. */
function canonicalHeaderValue(v: string): string {
  return /\s\s|[\t\r\n]|^\s|\s$/.test(v) ? v.replace(/\s+/g, ' ').trim() : v;
}

/**
 * Values of the named headers (lower-case names), every occurrence in arrival order. Read from
 * `rawHeaders` because node's `headers` object drops or comma-joins repeated headers.
 */
export function collectHeaderValues(raw: RawRequest, names: ReadonlySet<string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const rh = raw.rawHeaders;
  if (rh.length === 0) {
    for (const name of names) {
      const v = raw.headers[name];
      if (v !== undefined) found.set(name, Array.isArray(v) ? v : [String(v)]);
    }
    return found;
  }
  for (let i = 0; i + 1 < rh.length; i += 2) {
    const lower = rh[i].toLowerCase();
    if (!names.has(lower)) continue;
    const list = found.get(lower);
    if (list === undefined) found.set(lower, [rh[i + 1]]);
    else list.push(rh[i + 1]);
  }
  return found;
}

/** `name:value\n` for every signed header, values of repeated headers joined with ','. */
export function canonicalHeaders(signedNames: readonly string[], values: ReadonlyMap<string, string[]>): string {
  let out = '';
  for (const name of signedNames) {
    const vs = values.get(name) ?? [];
    out += name + ':' + vs.map(canonicalHeaderValue).join(',') + '\n';
  }
  return out;
}

export function buildCanonicalRequest(parts: {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
}): string {
  return `${parts.method}\n${parts.canonicalUri}\n${parts.canonicalQuery}\n${parts.canonicalHeaders}\n${parts.signedHeaders}\n${parts.payloadHash}`;
}

type OneShotHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
// crypto.hash (Node ≥ 20.12) hashes without allocating a Hash object: measurably cheaper per request.
const oneShot: OneShotHash | undefined = (crypto as unknown as { hash?: OneShotHash }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot !== undefined ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

export function buildStringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}
