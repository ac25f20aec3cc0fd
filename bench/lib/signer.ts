import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { NodeSha256, sha256Hex } from './sha256.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where a target listens. The bench only ever talks to 127.0.0.1. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** A request ready to go on the wire: `target` is the path plus query, already percent-encoded. */
export interface PreparedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface HeaderSignOptions {
  readonly body?: Buffer;
  /** Signs `UNSIGNED-PAYLOAD` instead of the body hash (large streamed bodies). */
  readonly unsignedPayload?: boolean;
  /** Content-Length to declare when the body is streamed by someone else. */
  readonly contentLength?: number;
  /** More headers to send and sign (e.g. range). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Query parameters (unencoded), signed and appended to the target in this order; an empty value is
   * sent as the bare name (`?versions&max-keys=1000`), which SigV4 canonicalises as `versions=`.
   */
  readonly query?: Readonly<Record<string, string>>;
}

/** Object key → path segment: each `/`-separated part percent-encoded as S3 expects (RFC 3986). */
export function objectPath(bucket: string, key: string): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/${enc(bucket)}/${key.split('/').map(enc).join('/')}`;
}

/**
 * SigV4 signing for S3 path-style requests with @smithy/signature-v4 (what @aws-sdk/client-s3 uses).
 * SigV4 has no nonce: a request signed here can be replayed verbatim for 15 minutes (header auth) or
 * until X-Amz-Expires (presigned), which is what lets wrk replay a fixed set of signed requests.
 */
export class RequestSigner {
  private readonly signer: SignatureV4;
  private readonly endpoint: Endpoint;

  private readonly signingDate: Date | undefined;

  /** `signingDate` pins the clock (test vectors); by default each request is signed at the current time. */
  constructor(options: { credentials: Credentials; region: string; endpoint: Endpoint; signingDate?: Date }) {
    this.endpoint = options.endpoint;
    this.signingDate = options.signingDate;
    // S3 signs the path as sent: no normalisation, no double encoding (uriEscapePath: false).
    this.signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
      uriEscapePath: false,
    });
  }

  async headerSigned(method: string, path: string, options: HeaderSignOptions = {}): Promise<PreparedRequest> {
    const body = options.body;
    const length = options.contentLength ?? body?.length ?? 0;
    const headers: Record<string, string> = {
      ...options.headers,
      host: this.hostHeader(),
      'x-amz-content-sha256': options.unsignedPayload ? UNSIGNED_PAYLOAD : sha256Hex(body ?? Buffer.alloc(0)),
    };
    if (method === 'PUT' || method === 'POST' || length > 0) headers['content-length'] = String(length);
    const query = options.query ?? {};
    const signed = await this.signer.sign(
      { ...this.base(method, path, headers), query: { ...query } },
      this.dateOption(),
    );
    const search = Object.keys(query).length === 0 ? '' : `?${encodeQuery(query, true)}`;
    return { method, target: `${path}${search}`, headers: { ...signed.headers }, ...(body ? { body } : {}) };
  }

  /** A presigned URL the way @aws-sdk/s3-request-presigner builds it (X-Amz-Content-Sha256=UNSIGNED-PAYLOAD hoisted). */
  async presigned(method: string, path: string, expiresInSeconds: number): Promise<PreparedRequest> {
    const headers = { host: this.hostHeader(), 'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD };
    const signed = await this.signer.presign(this.base(method, path, headers), {
      expiresIn: expiresInSeconds,
      ...this.dateOption(),
    });
    return { method, target: `${path}?${encodeQuery(signed.query ?? {})}`, headers: { ...signed.headers } };
  }

  private hostHeader(): string {
    return this.endpoint.port === 80 ? this.endpoint.host : `${this.endpoint.host}:${this.endpoint.port}`;
  }

  private dateOption(): { signingDate?: Date } {
    return this.signingDate ? { signingDate: this.signingDate } : {};
  }

  private base(method: string, path: string, headers: Record<string, string>): HttpRequest {
    return {
      method,
      protocol: 'http:',
      hostname: this.endpoint.host,
      port: this.endpoint.port,
      path,
      query: {},
      headers,
    };
  }
}

/** `bareEmpty`: a parameter with an empty value is written as its name alone (`?versions`). */
function encodeQuery(query: Readonly<Record<string, string | string[] | null>>, bareEmpty = false): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === null) parts.push(enc(k));
    else
      for (const one of Array.isArray(v) ? v : [v])
        parts.push(bareEmpty && one === '' ? enc(k) : `${enc(k)}=${enc(one)}`);
  }
  return parts.join('&');
}
