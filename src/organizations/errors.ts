import { errorFactory, ServiceError, type ErrorSpec } from '../errors/service-error.js';
import type { InputProblem } from '../json-protocol/json-input.js';

/**
 * The Organizations error catalogue (codes from the botocore model `organizations/2016-11-28`; every
 * one is HTTP 400 except ServiceException). Messages follow the API reference's error descriptions;
 * tests assert codes only.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
 */
export const ORGANIZATIONS_ERRORS = {
  AccessDeniedException: { status: 400, message: "You don't have permissions to access this resource." },
  AWSOrganizationsNotInUseException: { status: 400, message: 'Your account is not a member of an organization.' },
  AlreadyInOrganizationException: { status: 400, message: 'The AWS account is already a member of an organization.' },
  AccountNotFoundException: { status: 400, message: "You specified an account that doesn't exist." },
  ChildNotFoundException: {
    status: 400,
    message: "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
  },
  ConstraintViolationException: {
    status: 400,
    message: 'Performing this operation violates a minimum or maximum value limit.',
  },
  CreateAccountStatusNotFoundException: {
    status: 400,
    message: "We can't find an create account request with the CreateAccountRequestId that you specified.",
  },
  DestinationParentNotFoundException: {
    status: 400,
    message: "We can't find the destination container (a root or OU) with the ParentId that you specified.",
  },
  DuplicateAccountException: { status: 400, message: 'That account is already present in the specified destination.' },
  DuplicateOrganizationalUnitException: { status: 400, message: 'An OU with the same name already exists.' },
  DuplicatePolicyAttachmentException: {
    status: 400,
    message: 'The selected policy is already attached to the specified target.',
  },
  DuplicatePolicyException: { status: 400, message: 'A policy with the same name already exists.' },
  InvalidInputException: {
    status: 400,
    message:
      'The requested operation failed because you provided invalid values for one or more of the request parameters.',
  },
  MalformedPolicyDocumentException: {
    status: 400,
    message: 'The provided policy document does not meet the requirements of the specified policy type.',
  },
  OrganizationNotEmptyException: {
    status: 400,
    message:
      "The organization isn't empty. To delete an organization, you must first remove all accounts except the management account.",
  },
  OrganizationalUnitNotEmptyException: {
    status: 400,
    message:
      'The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.',
  },
  OrganizationalUnitNotFoundException: {
    status: 400,
    message: "We can't find an OU with the OrganizationalUnitId that you specified.",
  },
  ParentNotFoundException: { status: 400, message: "We can't find a root or OU with the ParentId that you specified." },
  PolicyInUseException: {
    status: 400,
    message:
      'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.',
  },
  PolicyNotAttachedException: {
    status: 400,
    message: "The policy isn't attached to the specified target in the specified root.",
  },
  PolicyNotFoundException: { status: 400, message: "We can't find a policy with the PolicyId that you specified." },
  PolicyTypeAlreadyEnabledException: {
    status: 400,
    message: 'The specified policy type is already enabled in the specified root.',
  },
  PolicyTypeNotAvailableForOrganizationException: {
    status: 400,
    message: "You can't use the specified policy type with the feature set currently enabled for this organization.",
  },
  PolicyTypeNotEnabledException: {
    status: 400,
    message: "The specified policy type isn't currently enabled in this root.",
  },
  RootNotFoundException: { status: 400, message: "We can't find a root with the RootId that you specified." },
  SourceParentNotFoundException: {
    status: 400,
    message: "We can't find a source root or OU with the ParentId that you specified.",
  },
  TargetNotFoundException: {
    status: 400,
    message: "We can't find a root, OU, account, or policy with the TargetId that you specified.",
  },
  ServiceException: {
    status: 500,
    message: "AWS Organizations can't complete your request because of an internal service error. Try again later.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type OrganizationsErrorCode = keyof typeof ORGANIZATIONS_ERRORS;

export const orgError = errorFactory(ORGANIZATIONS_ERRORS);

/** ConstraintViolationReason values this implementation reports. */
export type ConstraintReason =
  | 'ACCOUNT_NUMBER_LIMIT_EXCEEDED'
  | 'OU_NUMBER_LIMIT_EXCEEDED'
  | 'OU_DEPTH_LIMIT_EXCEEDED'
  | 'POLICY_NUMBER_LIMIT_EXCEEDED'
  | 'POLICY_CONTENT_LIMIT_EXCEEDED'
  | 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'
  | 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'
  | 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE'
  | 'MAX_TAG_LIMIT_EXCEEDED';

export function constraintViolation(reason: ConstraintReason, message: string): ServiceError {
  return orgError('ConstraintViolationException', { message, fields: { Reason: reason } });
}

/** InvalidInputExceptionReason values this implementation reports. */
export type InvalidInputReason =
  | InputProblem['reason']
  | 'INVALID_NEXT_TOKEN'
  | 'IMMUTABLE_POLICY'
  | 'NON_DETACHABLE_POLICY'
  | 'INVALID_ENUM_POLICY_TYPE'
  | 'UNRECOGNIZED_SERVICE_PRINCIPAL'
  | 'DUPLICATE_TAG_KEY'
  | 'INVALID_ROLE_NAME'
  | 'INVALID_PATTERN_TARGET_ID';

export function invalidInput(reason: InvalidInputReason, message: string): ServiceError {
  return orgError('InvalidInputException', { message, fields: { Reason: reason } });
}

/** The JSON layer's constraint failures as Organizations reports them: InvalidInputException + Reason. */
export function organizationsInvalidInput(p: InputProblem): ServiceError {
  const messages: Record<InputProblem['reason'], string> = {
    INPUT_REQUIRED: `You must specify a value for ${p.member}.`,
    MIN_LENGTH_EXCEEDED: `You provided a value for ${p.member} that is too short.`,
    MAX_LENGTH_EXCEEDED: `You provided a value for ${p.member} that is too long.`,
    INVALID_PATTERN: `You provided a value for ${p.member} that does not match the required pattern.`,
    INVALID_ENUM: `You specified an invalid value for ${p.member}.`,
    MIN_VALUE_EXCEEDED: `You provided a value for ${p.member} that is too small.`,
    MAX_VALUE_EXCEEDED: `You provided a value for ${p.member} that is too large.`,
  };
  return invalidInput(p.reason, messages[p.reason]);
}
