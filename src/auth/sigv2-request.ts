/**
 * What a Signature Version 2 request carries (the `Authorization: AWS AKID:signature` header, or the
 * `AWSAccessKeyId`, `Expires` and `Signature` query parameters) and the time checks S3 applies to
 * it, each malformed part with the error S3 gives it. Pure: time is an argument.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html
 */
import { formatIsoSeconds, parseHttpDate } from './amz-date.js';
import { AuthFailure, s3AuthError } from './auth-errors.js';
import type { QueryParam } from './canonical-request.js';
import { MAX_SKEW_MS } from './sigv4-constants.js';
import type { RawRequest } from './types.js';

export interface SigV2Input {
  readonly location: 'header' | 'query';
  readonly accessKeyId: string;
  /** Base64, as sent (the query parameter percent-decoded). */
  readonly signature: string;
  /** The Date line of the StringToSign: the Date header, '' when x-amz-date is sent, or Expires. */
  readonly dateLine: string;
  /** `x-amz-security-token` (header, or query parameter when presigned). */
  readonly securityToken: string | undefined;
}

/** One prefix test: `AWS AKID:signature` (SigV4's `AWS4-HMAC-SHA256 ...` does not start with `AWS `). */
export function isSigV2Authorization(authorization: string): boolean {
  return authorization.startsWith('AWS ') || authorization === 'AWS';
}

/** Query authentication without any SigV4 parameter: `AWSAccessKeyId`, `Signature` (and `Expires`). */
export function isSigV2Query(params: readonly QueryParam[]): boolean {
  let v2 = false;
  for (const p of params) {
    if (p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Credential' || p.name === 'X-Amz-Signature') return false;
    if (p.name === 'AWSAccessKeyId' || p.name === 'Signature') v2 = true;
  }
  return v2;
}

function header(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v[0] : String(v);
}

/** `AWS AKID:signature`; anything else is S3's InvalidArgument. */
export function parseSigV2Authorization(authorization: string): { accessKeyId: string; signature: string } {
  const credentials = authorization.slice(4);
  const colon = credentials.indexOf(':');
  if (colon <= 0) {
    throw s3AuthError('InvalidArgument', new AuthFailure('malformed-authorization', { service: 's3', authorization }), {
      message: 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature',
      fields: { ArgumentName: 'Authorization', ArgumentValue: authorization },
    });
  }
  return { accessKeyId: credentials.slice(0, colon), signature: credentials.slice(colon + 1) };
}

/**
 * Header authentication: the time stamp is x-amz-date when sent (the Date line is then empty: "When
 * an x-amz-date header is present in a request, the system will ignore any Date header"), else Date;
 * it must be valid (AccessDenied, a time before 1970 included, as S3 answers) and within 15 minutes
 * of the server's clock (RequestTimeTooSkewed).
 */
export function sigV2HeaderInput(raw: RawRequest, authorization: string, now: Date): SigV2Input {
  const { accessKeyId, signature } = parseSigV2Authorization(authorization);
  const amzDate = header(raw, 'x-amz-date');
  const date = header(raw, 'date');
  const stamp = amzDate ?? date;
  const requestTime = stamp === undefined ? undefined : parseHttpDate(stamp);
  if (stamp === undefined || requestTime === undefined || requestTime.getTime() < 0) {
    const reason = stamp === undefined ? 'missing-date' : 'bad-date';
    throw s3AuthError('AccessDenied', new AuthFailure(reason, { service: 's3', authorization }), {
      message: 'AWS authentication requires a valid Date or x-amz-date header',
    });
  }
  if (Math.abs(now.getTime() - requestTime.getTime()) > MAX_SKEW_MS) {
    const failure = new AuthFailure('skewed', { service: 's3', requestTime: stamp, serverTime: now });
    throw s3AuthError('RequestTimeTooSkewed', failure, {
      fields: {
        RequestTime: stamp,
        ServerTime: formatIsoSeconds(now),
        MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
      },
    });
  }
  return {
    location: 'header',
    accessKeyId,
    signature,
    dateLine: amzDate === undefined ? (date ?? '').trim() : '',
    securityToken: header(raw, 'x-amz-security-token'),
  };
}

function find(params: readonly QueryParam[], name: string): string | undefined {
  for (const p of params) if (p.name === name) return p.value;
  return undefined;
}

/**
 * Presigned URL: all three parameters are required; `Expires` is seconds since the epoch and a
 * request received after it is AccessDenied "Request has expired". No clock-skew check (the page:
 * "The validation constraint on request date applies only to ... requests that do not use query
 * string authentication") and, unlike SigV4, no upper bound on the lifetime.
 */
export function sigV2QueryInput(params: readonly QueryParam[], now: Date): SigV2Input {
  const accessKeyId = find(params, 'AWSAccessKeyId');
  const signature = find(params, 'Signature');
  const expires = find(params, 'Expires');
  if (accessKeyId === undefined || signature === undefined || expires === undefined) {
    throw s3AuthError('AccessDenied', new AuthFailure('malformed-query', { service: 's3' }), {
      message: 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    });
  }
  if (!/^\d{1,15}$/.test(expires)) {
    throw s3AuthError('AccessDenied', new AuthFailure('bad-date', { service: 's3' }), {
      message: `Invalid date (should be seconds since epoch): ${expires}`,
    });
  }
  const expiresAt = new Date(Number(expires) * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    const failure = new AuthFailure('expired', { service: 's3', requestTime: expires, serverTime: now });
    throw s3AuthError('AccessDenied', failure, {
      message: 'Request has expired',
      fields: { Expires: formatIsoSeconds(expiresAt), ServerTime: formatIsoSeconds(now) },
    });
  }
  let securityToken: string | undefined;
  for (const p of params) if (p.name.toLowerCase() === 'x-amz-security-token') securityToken ??= p.value;
  return { location: 'query', accessKeyId, signature, dateLine: expires, securityToken };
}
