import { authFailureOf, type AuthFailure } from '../auth/auth-errors.js';
import { SIGNATURE_MISMATCH, skewMessage } from '../auth/query-auth-errors.js';
import { ServiceError } from '../errors/service-error.js';

/**
 * AWS JSON-protocol services (Organizations, KMS, CloudTrail, DynamoDB ...) report authentication
 * failures with the front end's own codes, all HTTP 400 except a missing token (403): an unknown or
 * inactive key or a bad session token is `UnrecognizedClientException`, a wrong signature, scope or
 * skewed clock `InvalidSignatureException` (botocore retries that one after correcting its clock), a
 * malformed Authorization `IncompleteSignatureException`, an expired session `ExpiredTokenException`.
 * https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
 * Errors without an AuthFailure cause pass through unchanged.
 */
function invalidSignature(message = SIGNATURE_MISMATCH): ServiceError {
  return new ServiceError('InvalidSignatureException', message, 400);
}

function incompleteSignature(message: string): ServiceError {
  return new ServiceError('IncompleteSignatureException', message, 400);
}

function scopeMessage(f: AuthFailure): string | undefined {
  const { info } = f;
  switch (f.reason) {
    case 'wrong-region':
      return `Credential should be scoped to a valid region. `;
    case 'wrong-service':
      return `Credential should be scoped to correct service: '${info.expected ?? ''}'. `;
    case 'wrong-terminal':
      return `Credential should be scoped with a valid terminator: 'aws4_request', not '${info.provided ?? ''}'. `;
    case 'credential-date-mismatch':
      return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${info.provided ?? ''}' != '${info.expected ?? ''}', from '${info.requestTime ?? ''}'.`;
    default:
      return undefined;
  }
}

function mapFailure(f: AuthFailure, original: ServiceError): ServiceError {
  switch (f.reason) {
    case 'unknown-key':
    case 'inactive-key':
    case 'bad-token':
      return new ServiceError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        400,
      );
    case 'expired-token':
      return new ServiceError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'signature-mismatch':
    case 'content-sha256-mismatch':
    case 'chunk-signature-mismatch':
      return invalidSignature();
    case 'wrong-region':
    case 'wrong-service':
    case 'wrong-terminal':
    case 'credential-date-mismatch':
      return invalidSignature(scopeMessage(f));
    case 'skewed':
    case 'not-yet-valid':
    case 'expired':
      return invalidSignature(skewMessage(f));
    case 'missing-date':
    case 'bad-date':
      return incompleteSignature(
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${f.info.authorization ?? ''}`,
      );
    case 'headers-not-signed':
      return incompleteSignature(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
    case 'two-mechanisms':
    case 'unsupported-algorithm':
    case 'malformed-authorization':
    case 'malformed-credential':
    case 'malformed-query':
    case 'expires-out-of-range':
    case 'missing-content-sha256':
    case 'invalid-content-sha256':
      return incompleteSignature(original.message);
    case 'body-too-large':
      return requestTooLarge(original.message);
    case 'malformed-chunked-body':
    case 'malformed-trailer':
    case 'missing-decoded-length':
    case 'post-policy':
      return new ServiceError('SerializationException', original.message, 400);
  }
}

/**
 * Deviation from AWS: AWS documents no error code for a JSON request body past the front end's
 * limit; we answer 413 with this code.
 */
export function requestTooLarge(message: string): ServiceError {
  return new ServiceError('RequestEntityTooLargeException', message, 413);
}

export function toJsonProtocolAuthError(err: ServiceError): ServiceError {
  const failure = authFailureOf(err);
  return failure === undefined ? err : mapFailure(failure, err);
}

/** An unsigned request to a JSON service (AWS: HTTP 403). */
export function missingAuthenticationToken(): ServiceError {
  return new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
}
