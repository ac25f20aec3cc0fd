/**
 * What `strongbox validate-logs` reads a trail's files with: the S3 API of the running server
 * (ListObjectsV2 and GetObject, path-style, SigV4-signed from the standard AWS environment variables),
 * as `aws cloudtrail validate-logs` reads them with its S3 client.
 * S3's canonical URI is the path as sent, each segment URI-encoded once and never normalised
 * (sigv4-create-canonical-request.html), unlike the other services sign-request.ts signs for.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { XMLParser } from 'fast-xml-parser';
import { formatAmzDate } from '../auth/amz-date.js';
import {
  buildCanonicalRequest, buildStringToSign, canonicalHeaders, canonicalQueryString, parseQuery, sha256Hex,
} from '../auth/canonical-request.js';
import { deriveSigningKey, hmacSha256 } from '../auth/signing-key-cache.js';
import { ALGORITHM, TERMINATOR } from '../auth/sigv4-constants.js';
import { uriEncode } from '../auth/uri-encoding.js';
import type { TrailObjectReader } from '../audit/validate-logs.js';
import type { SigningCredentials } from './sign-request.js';

export interface S3Target {
  /** `http://127.0.0.1:9000` */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now?: () => Date;
}

/** An S3 error answer: its code (`AccessDenied`, `NoSuchBucket`, ...) and HTTP status. */
export class S3CallError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'S3CallError';
  }
}

const EMPTY_SHA256 = sha256Hex('');

export function s3TrailObjectReader(target: S3Target): TrailObjectReader {
  return {
    async list(bucket, prefix) {
      const xml = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'Contents' });
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const next = token === undefined ? '' : `&continuation-token=${uriEncode(token)}`;
        const query = `list-type=2&prefix=${uriEncode(prefix)}${next}`;
        const res = await signedGet(target, `/${uriEncode(bucket)}`, query);
        if (res.status !== 200) throw s3CallError(res, 'ListObjectsV2');
        const parsed = xml.parse(res.body.toString('utf8')) as { ListBucketResult?: ListBucketResult };
        const out = parsed.ListBucketResult ?? {};
        for (const c of out.Contents ?? []) keys.push(String(c.Key));
        token = out.IsTruncated === 'true' ? out.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys;
    },
    async get(bucket, key) {
      const res = await signedGet(target, `/${uriEncode(bucket)}/${uriEncode(key, { keepSlash: true })}`, '');
      if (res.status === 404 && /<Code>NoSuchKey<\/Code>/.test(res.body.toString('utf8'))) return undefined;
      if (res.status !== 200) throw s3CallError(res, 'GetObject');
      return { body: res.body, metadata: userMetadata(res.headers) };
    },
  };
}

interface ListBucketResult {
  readonly Contents?: readonly { readonly Key: unknown }[];
  readonly IsTruncated?: string;
  readonly NextContinuationToken?: string;
}

interface S3Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function s3CallError(res: S3Answer, operation: string): S3CallError {
  const text = res.body.toString('utf8');
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP${res.status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
  const shown = `An error occurred (${code}) when calling the ${operation} operation: ${message}`;
  return new S3CallError(code, shown, res.status);
}

/** `x-amz-meta-*` response headers without the prefix (what the validator reads the signature from). */
function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) out[name.slice('x-amz-meta-'.length)] = String(value);
  }
  return out;
}

/** A SigV4-signed GET of `path` (already URI-encoded, signed as sent) with a raw query string. */
function signedGet(target: S3Target, path: string, query: string): Promise<S3Answer> {
  const url = new URL(`${path}${query === '' ? '' : `?${query}`}`, target.endpoint);
  const headers = signS3Get(target, url, path, (target.now ?? (() => new Date()))());
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function signS3Get(target: S3Target, url: URL, canonicalUri: string, now: Date): Record<string, string> {
  const amzDate = formatAmzDate(now);
  const headers: Record<string, string> = {
    host: url.host, 'x-amz-content-sha256': EMPTY_SHA256, 'x-amz-date': amzDate,
  };
  if (target.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = target.credentials.sessionToken;
  const signed = Object.keys(headers).sort();
  const canonical = buildCanonicalRequest({
    method: 'GET',
    canonicalUri,
    canonicalQuery: canonicalQueryString(parseQuery(url.search.replace(/^\?/, ''))),
    canonicalHeaders: canonicalHeaders(signed, new Map(signed.map((n) => [n, [headers[n]]]))),
    signedHeaders: signed.join(';'),
    payloadHash: EMPTY_SHA256,
  });
  const scope = `${amzDate.slice(0, 8)}/${target.region}/s3/${TERMINATOR}`;
  const key = deriveSigningKey(target.credentials.secretAccessKey, amzDate.slice(0, 8), target.region, 's3');
  const signature = hmacSha256(key, buildStringToSign(amzDate, scope, canonical)).toString('hex');
  headers.authorization = `${ALGORITHM} Credential=${target.credentials.accessKeyId}/${scope}, `
    + `SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return headers;
}
