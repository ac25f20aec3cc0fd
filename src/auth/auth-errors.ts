import { errorFactory, ServiceError, type ErrorSpec } from '../errors/service-error.js';

/**
 * Authentication errors as S3 returns them (REST/XML). `authenticate` always throws these; the
 * IAM/STS Query protocol renders the same failures with its own codes (`toQueryProtocolAuthError`).
 * Messages follow the S3 responses observed on AWS; tests assert codes only.
 */
export const S3_AUTH_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed' },
  AuthorizationQueryParametersError: { status: 400, message: 'Error parsing the query-string authentication parameters' },
  InvalidAccessKeyId: { status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  SignatureDoesNotMatch: {
    status: 403,
    message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  RequestTimeTooSkewed: { status: 403, message: 'The difference between the request time and the current time is too large.' },
  ExpiredToken: { status: 400, message: 'The provided token has expired.' },
  InvalidToken: { status: 400, message: 'The provided token is malformed or otherwise invalid.' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
  IncompleteBody: { status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  MalformedTrailerError: {
    status: 400,
    message: 'The request contained trailing data that was not well-formed or did not conform to our published schema.',
  },
  MaxMessageLengthExceeded: { status: 400, message: 'Your request was too big.' },
  InvalidPolicyDocument: {
    status: 400,
    message: 'The content of the form does not meet the conditions specified in the policy document.',
  },
  EntityTooSmall: { status: 400, message: 'Your proposed upload is smaller than the minimum allowed size' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
} satisfies Record<string, ErrorSpec>;

export type S3AuthErrorCode = keyof typeof S3_AUTH_ERRORS;

const s3AuthErrorOf = errorFactory(S3_AUTH_ERRORS);

/**
 * Why authentication failed, independent of protocol. Carried as the `cause` of every error this
 * module throws so that the Query protocol can re-render the same failure with its own code.
 */
export type AuthFailureReason =
  | 'two-mechanisms'
  | 'unsupported-algorithm'
  | 'malformed-authorization'
  | 'malformed-credential'
  | 'malformed-query'
  | 'wrong-region'
  | 'wrong-service'
  | 'wrong-terminal'
  | 'credential-date-mismatch'
  | 'missing-date'
  | 'bad-date'
  | 'skewed'
  | 'expired'
  | 'not-yet-valid'
  | 'expires-out-of-range'
  | 'headers-not-signed'
  | 'unknown-key'
  | 'inactive-key'
  | 'bad-token'
  | 'expired-token'
  | 'signature-mismatch'
  | 'missing-content-sha256'
  | 'invalid-content-sha256'
  | 'content-sha256-mismatch'
  | 'body-too-large'
  | 'chunk-signature-mismatch'
  | 'malformed-chunked-body'
  | 'malformed-trailer'
  | 'missing-decoded-length'
  | 'post-policy';

export class AuthFailure {
  constructor(
    readonly reason: AuthFailureReason,
    readonly info: {
      /** Service of the credential scope when it could be parsed (lets the pipeline pick the renderer). */
      readonly service?: string;
      readonly provided?: string;
      readonly expected?: string;
      /** X-Amz-Date / Date as sent. */
      readonly requestTime?: string;
      readonly serverTime?: Date;
      readonly authorization?: string;
    } = {},
  ) {}
}

export function s3AuthError(
  code: S3AuthErrorCode,
  failure: AuthFailure,
  options: { message?: string; fields?: Record<string, string> } = {},
): ServiceError {
  return s3AuthErrorOf(code, { ...options, cause: failure });
}

export function authFailureOf(err: unknown): AuthFailure | undefined {
  return err instanceof ServiceError && err.cause instanceof AuthFailure ? err.cause : undefined;
}

/** The SigV4 service the failed request was signed for, when known (`iam`, `sts`, `s3`). */
export function authErrorService(err: unknown): string | undefined {
  return authFailureOf(err)?.info.service;
}

/** IAM/STS for a request with no signature at all (the adapter decides which actions allow that). */
export function missingAuthenticationToken(): ServiceError {
  return new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
}
