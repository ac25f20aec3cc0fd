import { errorFactory, isServiceError, type ErrorSpec, type ServiceError } from '../errors/service-error.js';

/**
 * The KMS error catalogue (codes from the botocore model `kms/2014-11-01`). Client errors are HTTP
 * 400; KMSInternalException and KeyUnavailableException 500, DependencyTimeoutException 503.
 * `NotAuthorizedException` is not in the model, but it is what KMS answers for an alias name under
 * the reserved `alias/aws/` prefix. Messages follow KMS's own wording where it is known; tests
 * assert codes only.
 * https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html
 */
export const KMS_ERRORS = {
  AlreadyExistsException: { status: 400, message: 'The resource already exists.' },
  DisabledException: { status: 400, message: 'The specified KMS key is not enabled.' },
  DryRunOperationException: { status: 400, message: 'The request would have succeeded, but the DryRun option is set.' },
  IncorrectKeyException: {
    status: 400,
    message: 'The key ID in the request does not identify a CMK that can perform this operation.',
  },
  InvalidAliasNameException: { status: 400, message: 'The alias name is not valid.' },
  InvalidArnException: { status: 400, message: 'The ARN is not valid.' },
  InvalidCiphertextException: { status: 400, message: '' },
  InvalidKeyUsageException: { status: 400, message: 'The key usage is not valid for this operation.' },
  InvalidMarkerException: { status: 400, message: 'The marker is not valid.' },
  KMSInternalException: { status: 500, message: 'An internal error has occurred.' },
  KMSInvalidStateException: { status: 400, message: 'The key state is not valid for this request.' },
  LimitExceededException: { status: 400, message: 'A limit was exceeded.' },
  MalformedPolicyDocumentException: { status: 400, message: 'The policy document is malformed.' },
  NotAuthorizedException: { status: 400, message: '' },
  NotFoundException: { status: 400, message: 'The specified entity or resource could not be found.' },
  TagException: { status: 400, message: 'The tag is not valid.' },
  UnsupportedOperationException: { status: 400, message: 'The operation is not supported.' },
  ValidationException: { status: 400, message: 'The request is not valid.' },
  CustomKeyStoreNotFoundException: { status: 400, message: 'The custom key store does not exist.' },
} as const satisfies Record<string, ErrorSpec>;

export type KmsErrorCode = keyof typeof KMS_ERRORS;

export const kmsError = errorFactory(KMS_ERRORS);

/** `Key 'arn:…' does not exist`: an unknown key id or key ARN. */
export function keyNotFound(arnOrId: string): ServiceError {
  return kmsError('NotFoundException', { message: `Key '${arnOrId}' does not exist` });
}

/** `Alias arn:…:alias/x is not found.`: KMS names the alias by its ARN. */
export function aliasNotFound(aliasArn: string): ServiceError {
  return kmsError('NotFoundException', { message: `Alias ${aliasArn} is not found.` });
}

/** A key in a state the operation does not accept: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html */
export function disabled(arn: string): ServiceError {
  return kmsError('DisabledException', { message: `${arn} is disabled.` });
}

export function pendingDeletion(arn: string): ServiceError {
  return kmsError('KMSInvalidStateException', { message: `${arn} is pending deletion.` });
}

export function validation(message: string): ServiceError {
  return kmsError('ValidationException', { message });
}

/**
 * What S3 answers when KMS fails an SSE-KMS request for it: the KMS code behind `KMS.` (HTTP 400),
 * e.g. `KMS.DisabledException` for an object whose key is disabled, `KMS.KMSInvalidStateException`
 * for one pending deletion, `KMS.NotFoundException` for an unknown key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
 */
export const S3_KMS_ERRORS = {
  'KMS.NotFoundException': { status: 400, message: 'Invalid keyId' },
  'KMS.DisabledException': { status: 400, message: 'The KMS key is disabled.' },
  'KMS.KMSInvalidStateException': { status: 400, message: 'The KMS key is not in a valid state.' },
  'KMS.InvalidCiphertextException': { status: 400, message: 'The ciphertext is not valid.' },
  'KMS.IncorrectKeyException': { status: 400, message: 'The KMS key is not the one the data key was wrapped with.' },
  'KMS.InvalidKeyUsageException': { status: 400, message: 'The KMS key cannot encrypt or decrypt.' },
} as const satisfies Record<string, ErrorSpec>;

const s3KmsError = errorFactory(S3_KMS_ERRORS);

/**
 * A KMS failure as S3 reports it (the KMS message kept); other errors pass unchanged. An
 * AccessDenied never reaches here: the pipeline denies the S3 request's own kms:* check first.
 */
export function s3ErrorForKms(e: unknown): unknown {
  if (!isServiceError(e)) return e;
  const code = `KMS.${e.code}`;
  if (!Object.hasOwn(S3_KMS_ERRORS, code)) return e;
  return s3KmsError(code as keyof typeof S3_KMS_ERRORS, { message: e.message, cause: e });
}
