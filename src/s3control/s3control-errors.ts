/**
 * The S3 Control error catalogue: the codes the account-level operations answer with, their HTTP
 * statuses and messages (botocore `s3control/2018-08-20`; messages as S3 writes them).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html
 */
import { errorFactory, type ErrorSpec } from '../errors/service-error.js';

export const S3CONTROL_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema',
  },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  NoSuchPublicAccessBlockConfiguration: { status: 404, message: 'The public access block configuration was not found' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented' },
} as const satisfies Record<string, ErrorSpec>;

export type S3ControlErrorCode = keyof typeof S3CONTROL_ERRORS;

export const s3ControlError = errorFactory(S3CONTROL_ERRORS);
