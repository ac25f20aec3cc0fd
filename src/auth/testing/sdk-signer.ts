import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RawRequest } from '../types.js';
import { uriEncode } from '../uri-encoding.js';

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The SDK's hash interface, over node:crypto (HMAC when constructed with a secret). */
class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

export interface SdkRequestSpec {
  method: string;
  /** Path as the SDK serializer puts it on the wire (already escaped). */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface SdkSignerOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  signingDate: Date;
  host?: string;
}

function wireQuery(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${uriEncode(k)}=${uriEncode(one)}`);
  }
  return parts.join('&');
}

function toRaw(method: string, path: string, query: Record<string, string | string[]>, headers: Record<string, string>): RawRequest {
  const lower: Record<string, string> = {};
  const rawHeaders: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    lower[k.toLowerCase()] = v;
    rawHeaders.push(k, v);
  }
  return { method, rawPath: path, rawQuery: wireQuery(query), headers: lower, rawHeaders };
}

function signer(o: SdkSignerOptions): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken },
    region: o.region,
    service: o.service,
    sha256: Sha256,
    // S3 clients sign the path as serialized; every other service normalises and double-encodes.
    uriEscapePath: o.service !== 's3',
  });
}

/** Signs like the AWS SDK for JavaScript v3 (header auth) and returns the request as the server sees it. */
export async function sdkSign(spec: SdkRequestSpec, o: SdkSignerOptions): Promise<RawRequest> {
  const host = o.host ?? '127.0.0.1:9000';
  const headers: Record<string, string> = { host, ...(spec.headers ?? {}) };
  if (spec.body !== undefined) headers['content-length'] = String(Buffer.byteLength(spec.body));
  const signed = await signer(o).sign(
    { method: spec.method, protocol: 'http:', hostname: host, path: spec.path, query: spec.query ?? {}, headers, body: spec.body },
    { signingDate: o.signingDate },
  );
  return toRaw(spec.method, spec.path, (signed as { query?: Record<string, string | string[]> }).query ?? {}, (signed as { headers: Record<string, string> }).headers);
}

/** Presigns like the SDK (S3: UNSIGNED-PAYLOAD, hoisted into X-Amz-Content-Sha256 as the S3 presigner does). */
export async function sdkPresign(spec: SdkRequestSpec, o: SdkSignerOptions & { expiresIn: number }): Promise<RawRequest> {
  const host = o.host ?? '127.0.0.1:9000';
  const headers: Record<string, string> = { host, ...(spec.headers ?? {}) };
  if (o.service === 's3') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const presigned = await signer(o).presign(
    { method: spec.method, protocol: 'http:', hostname: host, path: spec.path, query: spec.query ?? {}, headers, body: spec.body },
    { signingDate: o.signingDate, expiresIn: o.expiresIn },
  );
  const p = presigned as { query?: Record<string, string | string[]>; headers: Record<string, string> };
  return toRaw(spec.method, spec.path, p.query ?? {}, p.headers);
}
