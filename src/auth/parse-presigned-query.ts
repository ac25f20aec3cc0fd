import { AuthFailure, s3AuthError } from './auth-errors.js';
import type { QueryParam } from './canonical-request.js';
import { ALGORITHM, MAX_PRESIGNED_EXPIRES_SECONDS } from './sigv4-constants.js';
import { parseAmzDate } from './amz-date.js';

export interface ParsedPresigned {
  readonly credential: string;
  readonly amzDate: string;
  readonly requestTime: Date;
  /** Seconds; undefined only where the service does not require it (non-S3). */
  readonly expires: number | undefined;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly securityToken: string | undefined;
  /** `X-Amz-Content-Sha256` carried in the query (the JS SDK presigner puts UNSIGNED-PAYLOAD there). */
  readonly contentSha256: string | undefined;
}

const REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';

function queryError(message: string, failure: AuthFailure) {
  return s3AuthError('AuthorizationQueryParametersError', failure, { message });
}

function find(params: readonly QueryParam[], name: string): string | undefined {
  for (const p of params) if (p.name === name) return p.value;
  return undefined;
}

/** True when the query string carries SigV4 (or SigV2) authentication. */
export function hasQueryAuth(params: readonly QueryParam[]): boolean {
  for (const p of params) {
    if (p.name === 'X-Amz-Algorithm' || p.name === 'X-Amz-Credential' || p.name === 'X-Amz-Signature') return true;
    if (p.name === 'AWSAccessKeyId' || p.name === 'Signature') return true;
  }
  return false;
}

export function parsePresignedQuery(params: readonly QueryParam[], options: { requireExpires: boolean }): ParsedPresigned {
  const algorithm = find(params, 'X-Amz-Algorithm');
  const credential = find(params, 'X-Amz-Credential');
  const service = credential?.split('/')[3];
  if (algorithm === undefined && find(params, 'AWSAccessKeyId') !== undefined) {
    // SigV2 presigned URLs (AWSAccessKeyId/Signature/Expires) reach here only when the server does not
    // allow SigV2 (`--allow-sigv2`, sigv2-authenticator.ts).
    throw s3AuthError('InvalidRequest', new AuthFailure('unsupported-algorithm'), {
      message: 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    });
  }
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    throw queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', new AuthFailure('unsupported-algorithm', { service }));
  }
  const amzDate = find(params, 'X-Amz-Date');
  const signedHeaders = find(params, 'X-Amz-SignedHeaders');
  const signature = find(params, 'X-Amz-Signature');
  const expiresRaw = find(params, 'X-Amz-Expires');
  if (
    algorithm === undefined ||
    credential === undefined ||
    amzDate === undefined ||
    signedHeaders === undefined ||
    signature === undefined ||
    (options.requireExpires && expiresRaw === undefined)
  ) {
    throw queryError(REQUIRED, new AuthFailure('malformed-query', { service }));
  }
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) {
    throw queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, new AuthFailure('bad-date', { service }));
  }
  let expires: number | undefined;
  if (expiresRaw !== undefined) {
    if (!/^-?\d+$/.test(expiresRaw)) {
      throw queryError('X-Amz-Expires should be a number', new AuthFailure('expires-out-of-range', { service }));
    }
    expires = Number(expiresRaw);
    if (expires < 0) throw queryError('X-Amz-Expires must be non-negative', new AuthFailure('expires-out-of-range', { service }));
    if (expires > MAX_PRESIGNED_EXPIRES_SECONDS) {
      throw queryError(
        `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_EXPIRES_SECONDS}`,
        new AuthFailure('expires-out-of-range', { service }),
      );
    }
  }
  return {
    credential,
    amzDate,
    requestTime,
    expires,
    signedHeaders,
    signature,
    securityToken: find(params, 'X-Amz-Security-Token'),
    contentSha256: find(params, 'X-Amz-Content-Sha256') ?? find(params, 'X-Amz-Content-SHA256'),
  };
}
