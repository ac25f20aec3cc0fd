import { errorFactory, type ErrorSpec } from '../errors/service-error.js';

/**
 * IAM's error catalogue (codes and statuses from the botocore model `iam/2010-05-08`, plus the
 * common Query-protocol errors every AWS Query service returns).
 */
export const IAM_ERRORS = {
  NoSuchEntity: { status: 404, message: 'The request was rejected because it referenced a resource entity that does not exist.' },
  EntityAlreadyExists: { status: 409, message: 'The request was rejected because it attempted to create a resource that already exists.' },
  LimitExceeded: { status: 409, message: 'The request was rejected because it attempted to create resources beyond the current AWS account limits.' },
  DeleteConflict: { status: 409, message: 'The request was rejected because it attempted to delete a resource that has attached subordinate entities.' },
  MalformedPolicyDocument: { status: 400, message: 'The policy document is malformed.' },
  InvalidInput: { status: 400, message: 'The request was rejected because an invalid or out-of-range value was supplied for an input parameter.' },
  PasswordPolicyViolation: { status: 400, message: 'The provided password did not meet the requirements imposed by the account password policy.' },
  EntityTemporarilyUnmodifiable: { status: 409, message: 'The request was rejected because it referenced an entity that is temporarily unmodifiable.' },
  ConcurrentModification: { status: 409, message: 'The request was rejected because multiple requests to change this object were submitted simultaneously.' },
  UnmodifiableEntity: { status: 400, message: 'The request was rejected because service-linked roles are protected AWS resources.' },
  PolicyNotAttachable: { status: 400, message: 'The request failed because AWS service role policies can only be attached to the service-linked role for that service.' },
  ReportNotPresent: { status: 410, message: 'Credential report does not exist. Use GenerateCredentialReport to generate a credential report.' },
  ReportExpired: { status: 410, message: 'The credential report has expired. To generate a new credential report, use GenerateCredentialReport.' },
  ReportInProgress: { status: 404, message: 'The credential report is being generated.' },
  PolicyEvaluation: { status: 500, message: 'The request failed because a provided policy could not be successfully evaluated.' },
  ServiceFailure: { status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.' },
  InvalidUserType: { status: 400, message: 'The request was rejected because the type of user for the transaction was incorrect.' },
  InvalidAuthenticationCode: { status: 403, message: 'The request was rejected because the authentication code was not recognized.' },
  OpenIdIdpCommunicationError: { status: 400, message: 'The request failed because IAM cannot connect to the OpenID Connect identity provider URL.' },
  // Common Query-protocol errors.
  ValidationError: { status: 400, message: 'The input fails to satisfy the constraints specified by an AWS service.' },
  InvalidAction: { status: 400, message: 'The action or operation requested is invalid. Verify that the action is typed correctly.' },
  MissingAction: { status: 400, message: 'The request is missing an action or a required parameter.' },
  MissingParameter: { status: 400, message: 'A required parameter for the specified action is not supplied.' },
  InvalidParameterValue: { status: 400, message: 'An invalid or out-of-range value was supplied for the input parameter.' },
  InvalidParameterCombination: { status: 400, message: 'Parameters that must not be used together were used together.' },
  MalformedQueryString: { status: 404, message: 'The query string contains a syntax error.' },
  AccessDenied: { status: 403, message: 'Access Denied' },
  InternalFailure: { status: 500, message: 'The request processing has failed because of an unknown error, exception or failure.' },
} as const satisfies Record<string, ErrorSpec>;

export type IamErrorCode = keyof typeof IAM_ERRORS;

export const iamError = errorFactory(IAM_ERRORS);
