import { ServiceError } from '../errors/service-error.js';
import { authFailureOf, type AuthFailure } from './auth-errors.js';
import { formatAmzDate } from './amz-date.js';
import { MAX_SKEW_MS } from './sigv4-constants.js';

/**
 * The IAM/STS Query protocol reports authentication failures with its own codes (IAM API
 * Reference, "Common Errors"; botocore's clock-skew retry codes): an unknown or inactive key is
 * `InvalidClientTokenId`, a malformed signature `IncompleteSignature`, a skewed clock
 * `SignatureDoesNotMatch` "Signature expired: ...", an expired presigned URL `RequestExpired`.
 * Errors without an AuthFailure cause pass through unchanged.
 */
export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function signatureDoesNotMatch(message = SIGNATURE_MISMATCH): ServiceError {
  return new ServiceError('SignatureDoesNotMatch', message, 403);
}

function incompleteSignature(message: string): ServiceError {
  return new ServiceError('IncompleteSignature', message, 400);
}

/** AWS's text for a request time outside the allowed skew, as every protocol words it. */
export function skewMessage(f: AuthFailure): string {
  const server = f.info.serverTime ?? new Date(0);
  const req = f.info.requestTime ?? '';
  const reqTime = Date.parse(req.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isNaN(reqTime) && reqTime > server.getTime()) {
    const limit = formatAmzDate(new Date(server.getTime() + MAX_SKEW_MS));
    return `Signature not yet current: ${req} is still later than ${limit} (${formatAmzDate(server)} + 15 min.)`;
  }
  const limit = formatAmzDate(new Date(server.getTime() - MAX_SKEW_MS));
  return `Signature expired: ${req} is now earlier than ${limit} (${formatAmzDate(server)} - 15 min.)`;
}

function mapFailure(f: AuthFailure, original: ServiceError): ServiceError {
  const { info } = f;
  switch (f.reason) {
    case 'unknown-key':
    case 'inactive-key':
    case 'bad-token':
      return new ServiceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'expired-token':
      return new ServiceError('ExpiredToken', 'The security token included in the request is expired', 403);
    case 'signature-mismatch':
    case 'content-sha256-mismatch':
    case 'chunk-signature-mismatch':
      return signatureDoesNotMatch();
    case 'wrong-region':
      return signatureDoesNotMatch(`Credential should be scoped to a valid region, not '${info.provided ?? ''}'. `);
    case 'wrong-service':
      return signatureDoesNotMatch(`Credential should be scoped to correct service: '${info.expected ?? ''}'. `);
    case 'wrong-terminal':
      return signatureDoesNotMatch(`Credential should be scoped with a valid terminator: 'aws4_request', not '${info.provided ?? ''}'. `);
    case 'credential-date-mismatch':
      return signatureDoesNotMatch(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${info.provided ?? ''}' != '${info.expected ?? ''}', from '${info.requestTime ?? ''}'.`,
      );
    case 'skewed':
    case 'not-yet-valid':
      return signatureDoesNotMatch(skewMessage(f));
    case 'expired':
      return new ServiceError('RequestExpired', 'Request has expired.', 400);
    case 'missing-date':
    case 'bad-date':
      return incompleteSignature(
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${info.authorization ?? ''}`,
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
    case 'malformed-chunked-body':
    case 'malformed-trailer':
    case 'missing-decoded-length':
    case 'post-policy':
      return original;
  }
}

export function toQueryProtocolAuthError(err: ServiceError): ServiceError {
  const failure = authFailureOf(err);
  return failure === undefined ? err : mapFailure(failure, err);
}
