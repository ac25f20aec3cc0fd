import { AuthFailure, s3AuthError } from './auth-errors.js';
import { formatAmzDate, formatIsoSeconds, parseAmzDate, parseHttpDate } from './amz-date.js';
import type { QueryParam } from './canonical-request.js';
import { parseCredential, validateScope, validateScopeDate, type CredentialScope, type ScopePolicy, type SignatureLocation } from './credential-scope.js';
import { parseAuthorizationHeader, splitSignedHeaders } from './parse-authorization-header.js';
import { parsePresignedQuery } from './parse-presigned-query.js';
import { MAX_SKEW_MS } from './sigv4-constants.js';
import type { RawRequest } from './types.js';

/** Everything the signature check needs, whichever way (header or query) the request was signed. */
export interface SignatureInput {
  readonly location: SignatureLocation;
  readonly scope: CredentialScope;
  /** SignedHeaders exactly as sent (it is a line of the canonical request). */
  readonly signedHeaders: string;
  readonly signedHeaderNames: readonly string[];
  readonly signature: string;
  /** Timestamp of the string to sign (X-Amz-Date, or the Date header in basic format). */
  readonly amzDate: string;
  readonly requestTime: Date;
  readonly securityToken: string | undefined;
  /** X-Amz-Content-Sha256 from the query string (presigned only). */
  readonly queryContentSha256: string | undefined;
}

export function headerString(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : String(v);
}

function checkSkew(requestTime: Date, requestTimeText: string, now: Date, service: string): void {
  if (Math.abs(now.getTime() - requestTime.getTime()) <= MAX_SKEW_MS) return;
  throw s3AuthError('RequestTimeTooSkewed', new AuthFailure('skewed', { service, requestTime: requestTimeText, serverTime: now }), {
    fields: {
      RequestTime: requestTimeText,
      ServerTime: formatIsoSeconds(now),
      MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
    },
  });
}

/** Authorization header: parse, check scope, find the request time, check the clock skew. */
export function headerSignatureInput(raw: RawRequest, authorization: string, policy: ScopePolicy, now: Date): SignatureInput {
  const parsed = parseAuthorizationHeader(authorization);
  const scope = parseCredential(parsed.credential, 'header');
  validateScope(scope, policy, 'header');
  const xAmzDate = headerString(raw, 'x-amz-date');
  const dateHeader = headerString(raw, 'date');
  let requestTime: Date | undefined;
  let amzDate: string;
  let requestTimeText: string;
  if (xAmzDate !== undefined) {
    requestTime = parseAmzDate(xAmzDate);
    amzDate = xAmzDate;
    requestTimeText = xAmzDate;
  } else {
    requestTime = dateHeader === undefined ? undefined : parseHttpDate(dateHeader);
    amzDate = requestTime === undefined ? '' : formatAmzDate(requestTime);
    requestTimeText = dateHeader ?? '';
  }
  if (requestTime === undefined) {
    const reason = xAmzDate === undefined && dateHeader === undefined ? 'missing-date' : 'bad-date';
    throw s3AuthError('AccessDenied', new AuthFailure(reason, { service: scope.service, authorization }), {
      message: 'AWS authentication requires a valid Date or x-amz-date header',
    });
  }
  validateScopeDate(scope, amzDate, 'header');
  checkSkew(requestTime, requestTimeText, now, scope.service);
  return {
    location: 'header',
    scope,
    signedHeaders: parsed.signedHeaders,
    signedHeaderNames: splitSignedHeaders(parsed.signedHeaders),
    signature: parsed.signature,
    amzDate,
    requestTime,
    securityToken: headerString(raw, 'x-amz-security-token'),
    queryContentSha256: undefined,
  };
}

/** Presigned URL: parse the X-Amz-* parameters, check scope and expiry. */
export function querySignatureInput(params: readonly QueryParam[], policy: ScopePolicy, now: Date): SignatureInput {
  const credentialParam = params.find((p) => p.name === 'X-Amz-Credential')?.value;
  const isS3 = credentialParam === undefined || credentialParam.split('/')[3] === 's3';
  // S3 requires X-Amz-Expires; other services fall back to the 15-minute window.
  const parsed = parsePresignedQuery(params, { requireExpires: isS3 });
  const scope = parseCredential(parsed.credential, 'query');
  validateScope(scope, policy, 'query');
  validateScopeDate(scope, parsed.amzDate, 'query');
  const { requestTime, expires } = parsed;
  if (expires === undefined) {
    checkSkew(requestTime, parsed.amzDate, now, scope.service);
  } else {
    const expiresAt = requestTime.getTime() + expires * 1000;
    if (now.getTime() > expiresAt) {
      throw s3AuthError('AccessDenied', new AuthFailure('expired', { service: scope.service, requestTime: parsed.amzDate, serverTime: now }), {
        message: 'Request has expired',
        fields: {
          'X-Amz-Expires': String(expires),
          Expires: formatIsoSeconds(new Date(expiresAt)),
          ServerTime: formatIsoSeconds(now),
        },
      });
    }
    if (requestTime.getTime() - now.getTime() > MAX_SKEW_MS) {
      throw s3AuthError('AccessDenied', new AuthFailure('not-yet-valid', { service: scope.service, requestTime: parsed.amzDate, serverTime: now }), {
        message: 'Request is not valid yet',
      });
    }
  }
  return {
    location: 'query',
    scope,
    signedHeaders: parsed.signedHeaders,
    signedHeaderNames: splitSignedHeaders(parsed.signedHeaders),
    signature: parsed.signature,
    amzDate: parsed.amzDate,
    requestTime,
    securityToken: parsed.securityToken,
    queryContentSha256: parsed.contentSha256,
  };
}

/**
 * `host` must be signed everywhere; for S3 every `x-amz-*` header present must be signed too,
 * otherwise S3 answers AccessDenied "There were headers present in the request which were not
 * signed" with a HeadersNotSigned element.
 */
export function checkSignedHeaders(raw: RawRequest, input: SignatureInput): void {
  const signed = new Set(input.signedHeaderNames);
  const missing: string[] = [];
  if (!signed.has('host')) missing.push('host');
  if (input.scope.service === 's3') {
    for (const name of Object.keys(raw.headers)) {
      if (name.startsWith('x-amz-') && !signed.has(name)) missing.push(name);
    }
  }
  if (missing.length === 0) return;
  throw s3AuthError('AccessDenied', new AuthFailure('headers-not-signed', { service: input.scope.service }), {
    message: 'There were headers present in the request which were not signed',
    fields: { HeadersNotSigned: missing.join(', ') },
  });
}
