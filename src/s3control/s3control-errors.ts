/**
 * The S3 Control error catalogue: the codes the account-level operations answer with, their HTTP
 * statuses and messages (botocore `s3control/2018-08-20`; messages as S3 writes them).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html
 * Resource tagging answers as S3's bucket tagging does (BadRequest, InvalidTag, NoSuchBucket):
 * resource-tagging-ops.ts.
 */
import { errorFactory, type ErrorSpec } from '../errors/service-error.js';
import type { S3ControlContext } from './s3control-operation.js';

export const S3CONTROL_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  BadRequest: { status: 400, message: 'Bad Request' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidTag: { status: 400, message: 'The TagKey you have provided is invalid' },
  MalformedXML: {
    status: 400,
    message: 'The XML you provided was not well-formed or did not validate against our published schema',
  },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  NoSuchPublicAccessBlockConfiguration: { status: 404, message: 'The public access block configuration was not found' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented' },
} as const satisfies Record<string, ErrorSpec>;

export type S3ControlErrorCode = keyof typeof S3CONTROL_ERRORS;

export const s3ControlError = errorFactory(S3CONTROL_ERRORS);

/**
 * A request for something Strongbox does not serve (an operation, a kind of resource). Only a caller
 * acting on its own account learns that: anyone else gets AccessDenied, which is what AWS would
 * answer them for any operation here.
 */
export function refuseUnserved(
  ctx: Pick<S3ControlContext, 'auth' | 'accountId'>,
  code: 'MethodNotAllowed' | 'NotImplemented',
  message = 'This S3 Control operation is not implemented',
): never {
  const caller = ctx.auth.caller;
  if (caller.kind === 'Anonymous' || caller.accountId !== ctx.accountId) throw s3ControlError('AccessDenied');
  if (code === 'MethodNotAllowed') throw s3ControlError(code);
  throw s3ControlError(code, { message });
}
