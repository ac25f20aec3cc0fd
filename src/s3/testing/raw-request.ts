/**
 * Raw HTTP requests to an S3 endpoint, SigV4-signed with @smithy/signature-v4 (the SDK's own signer),
 * for what SDKs will not send: malformed XML, odd headers, keys with `..` or control characters,
 * unsigned browser requests (OPTIONS, POST forms).
 */
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

type Data = string | ArrayBuffer | ArrayBufferView;
function toBytes(data: Data): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The hash constructor SignatureV4 wants, over node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: Data): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** `<Code>` of an XML error body, if any. */
  readonly code: string | undefined;
}

export interface RawRequestSpec {
  readonly method: string;
  /** Path exactly as it goes on the wire (already percent-encoded as wanted). */
  readonly path: string;
  /** Query string as it goes on the wire, without `?`. */
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Omit to send the request unsigned (anonymous). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly region?: string;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  readonly chunked?: boolean;
}

function parseQueryForSigning(q: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const part of q.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq === -1 ? part : part.slice(0, eq));
    const v = eq === -1 ? '' : decodeURIComponent(part.slice(eq + 1));
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export async function rawRequest(endpoint: string, spec: RawRequestSpec): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
  const length: Record<string, string> = spec.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) };
  let headers: Record<string, string> = { host: url.host, ...length, ...(spec.headers ?? {}) };
  if (spec.credentials) {
    headers['x-amz-content-sha256'] ??= createHash('sha256').update(body).digest('hex');
    const signer = new SignatureV4({ credentials: spec.credentials, region: spec.region ?? 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign({
      method: spec.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: spec.path,
      query: parseQueryForSigning(spec.query ?? ''),
      headers,
    });
    headers = signed.headers as Record<string, string>;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: spec.method, path: spec.path + (spec.query ? `?${spec.query}` : ''), headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks);
          const code = /<Code>([^<]*)<\/Code>/.exec(text.toString('utf8'))?.[1];
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, code });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
