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
import { ALGORITHM, TERMINATOR } from '../auth/sigv4-constants.js';
import { canonicalNormalizedUri } from '../auth/uri-encoding.js';

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
  /** SigV4 service name: `workloads`, `iam` ... (not S3: its paths are signed without normalisation). */
  readonly service: string;
  readonly now: Date;
}

/**
 * Client-side SigV4 (header auth) for the CLI's calls to Strongbox's own JSON API, built from the
 * same pure canonicalisation functions the server verifies with, so the CLI needs no AWS SDK at run
 * time. Every header sent is signed. Returns the headers to send, `authorization` included.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function signRequest(r: RequestToSign, o: SigningOptions): Record<string, string> {
  const amzDate = formatAmzDate(o.now);
  const payloadHash = sha256Hex(r.body);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  headers.host = r.url.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  if (o.credentials.sessionToken !== undefined) headers['x-amz-security-token'] = o.credentials.sessionToken;
  const signed = Object.keys(headers).sort();
  const values = new Map(signed.map((name) => [name, [headers[name]]]));
  const canonical = buildCanonicalRequest({
    method: r.method,
    canonicalUri: canonicalNormalizedUri(r.url.pathname),
    canonicalQuery: canonicalQueryString(parseQuery(r.url.search.replace(/^\?/, ''))),
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
