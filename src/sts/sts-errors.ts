import { errorFactory, type ErrorSpec } from '../errors/service-error.js';

/**
 * STS's error catalogue: every error shape of the botocore model `sts/2011-06-15` (code and HTTP status
 * exactly as modelled; the default message is the model's documentation of the shape), plus the common
 * Query-protocol errors STS operations return (`AccessDenied` when a trust policy does not allow the
 * caller, `ValidationError` for a member outside its modelled constraints).
 * https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 */
export const STS_ERRORS = {
  MalformedPolicyDocument: {
    status: 400,
    message: 'The request was rejected because the policy document was malformed. The error message describes the '
      + 'specific error.',
  },
  PackedPolicyTooLarge: {
    status: 400,
    message: 'The request was rejected because the total packed size of the session policies and session tags '
      + 'combined was too large.',
  },
  RegionDisabledException: {
    status: 403,
    message: 'STS is not activated in the requested region for the account that is being asked to generate '
      + 'credentials.',
  },
  ExpiredTokenException: {
    status: 400,
    message: 'The web identity token that was passed is expired or is not valid. Get a new identity token from the '
      + 'identity provider and then retry the request.',
  },
  InvalidIdentityToken: {
    status: 400,
    message: 'The web identity token that was passed could not be validated by Amazon Web Services. Get a new '
      + 'identity token from the identity provider and then retry the request.',
  },
  IDPRejectedClaim: {
    status: 403,
    message: 'The identity provider (IdP) reported that authentication failed. This might be because the claim is '
      + 'invalid.',
  },
  IDPCommunicationError: {
    status: 400,
    message: 'The request could not be fulfilled because the identity provider (IDP) that was asked to verify the '
      + 'incoming identity token could not be reached.',
  },
  InvalidAuthorizationMessageException: {
    status: 400,
    message: 'The error returned if the message passed to DecodeAuthorizationMessage was invalid.',
  },
  ExpiredTradeInTokenException: {
    status: 400,
    message: 'The trade-in token provided in the request has expired and can no longer be exchanged for credentials.',
  },
  JWTPayloadSizeExceededException: {
    status: 400,
    message: 'The requested token payload size exceeds the maximum allowed size.',
  },
  OutboundWebIdentityFederationDisabledException: {
    status: 403,
    message: 'The outbound web identity federation feature is not enabled for this account.',
  },
  SessionDurationEscalationException: {
    status: 403,
    message: 'The requested token duration would extend the session beyond its original expiration time.',
  },
  // Common Query-protocol errors.
  AccessDenied: { status: 403, message: 'Access Denied' },
  InvalidParameterValue: { status: 400, message: 'An invalid or out-of-range value was supplied for the input parameter.' },
  ValidationError: {
    status: 400,
    message: 'The input fails to satisfy the constraints specified by an AWS service.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type StsErrorCode = keyof typeof STS_ERRORS;

export const stsError = errorFactory(STS_ERRORS);
