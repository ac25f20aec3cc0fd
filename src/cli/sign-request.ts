import {
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQueryString,
  parseQuery,
  sha256Hex,
} from '../auth/canonical-request.js';
import { formatAmzDate } from '../auth/amz-date.js';
import { deriveSigningKey, hmacSha256 } from '../auth/signing-key-cache.js';
import { ALGORITHM, TERMINATOR, UNSIGNED_PAYLOAD } from '../auth/sigv4-constants.js';
import { canonicalNormalizedUri, canonicalS3Uri } from '../auth/uri-encoding.js';

/** Credentials as the AWS SDKs read them from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RequestToSign {
  readonly method: string;
  readonly url: URL;
  /** Headers to send and sign besides host, x-amz-date, x-amz-content-sha256, x-amz-security-token. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningOptions {
  readonly credentials: SigningCredentials;
  readonly region: string;
  /** SigV4 service name: `workloads`, `iam`, `s3` ... */
  readonly service: string;
  readonly now: Date;
}

/** A request as it goes on the wire: its path and query already percent-encoded. */
export interface RawRequestToSign {
  readonly method: string;
  readonly host: string;
  readonly rawPath: string;
  /** Without the `?`. */
  readonly rawQuery: string;
  /** Headers to send and sign besides host, x-amz-date, x-amz-content-sha256, x-amz-security-token. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body's SHA-256 in hex, or `UNSIGNED-PAYLOAD` (S3 only). */
  readonly payloadHash: string;
}

/**
 * Client-side SigV4 (header auth) for the CLI's calls to Strongbox's own JSON API, built from the
 * same pure canonicalisation functions the server verifies with, so the CLI needs no AWS SDK at run
 * time. Every header sent is signed. Returns the headers to send, `authorization` included.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function signRequest(r: RequestToSign, o: SigningOptions): Record<string, string> {
  const rawQuery = r.url.search.replace(/^\?/, '');
  return signRawRequest({ method: r.method, host: r.url.host, rawPath: r.url.pathname, rawQuery, headers: r.headers, payloadHash: sha256Hex(r.body) }, o);
}

/**
 * SigV4 header auth of a request given as on the wire (the console's calls on behalf of its
 * sessions, src/console): S3 paths are signed as sent, other services' normalised, as the server
 * verifies them (auth/authenticator.ts).
 */
export function signRawRequest(r: RawRequestToSign, o: SigningOptions): Record<string, string> {
  const amzDate = formatAmzDate(o.now);
  const payloadHash = r.payloadHash;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  headers.host = r.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  if (o.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = o.credentials.sessionToken;
  const signed = Object.keys(headers).sort();
  const values = new Map(signed.map((name) => [name, [headers[name]]]));
  const canonical = buildCanonicalRequest({
    method: r.method,
    canonicalUri: o.service === 's3' ? canonicalS3Uri(r.rawPath) : canonicalNormalizedUri(r.rawPath),
    canonicalQuery: canonicalQueryString(parseQuery(r.rawQuery)),
    canonicalHeaders: canonicalHeaders(signed, values),
    signedHeaders: signed.join(';'),
    payloadHash,
  });
  const scope = `${amzDate.slice(0, 8)}/${o.region}/${o.service}/${TERMINATOR}`;
  const key = deriveSigningKey(o.credentials.secretAccessKey, amzDate.slice(0, 8), o.region, o.service);
  const signature = hmacSha256(key, buildStringToSign(amzDate, scope, canonical)).toString('hex');
  headers.authorization =
    `${ALGORITHM} Credential=${o.credentials.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, ` +
    `Signature=${signature}`;
  return headers;
}

/**
 * A SigV4 presigned URL's query (query auth, host the only signed header, UNSIGNED-PAYLOAD): what the
 * SDKs' presigners make, for the console's download links.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
export function presignQuery(
  r: { readonly method: string; readonly host: string; readonly rawPath: string; readonly expiresSeconds: number },
  o: SigningOptions,
): string {
  const amzDate = formatAmzDate(o.now);
  const scope = `${amzDate.slice(0, 8)}/${o.region}/${o.service}/${TERMINATOR}`;
  const params: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${o.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(r.expiresSeconds)],
    ...(o.credentials.sessionToken !== undefined ? [['X-Amz-Security-Token', o.credentials.sessionToken] as [string, string]] : []),
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const rawQuery = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const canonical = buildCanonicalRequest({
    method: r.method,
    canonicalUri: o.service === 's3' ? canonicalS3Uri(r.rawPath) : canonicalNormalizedUri(r.rawPath),
    canonicalQuery: canonicalQueryString(parseQuery(rawQuery)),
    canonicalHeaders: canonicalHeaders(['host'], new Map([['host', [r.host]]])),
    signedHeaders: 'host',
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const key = deriveSigningKey(o.credentials.secretAccessKey, amzDate.slice(0, 8), o.region, o.service);
  const signature = hmacSha256(key, buildStringToSign(amzDate, scope, canonical)).toString('hex');
  return `${rawQuery}&X-Amz-Signature=${signature}`;
}
