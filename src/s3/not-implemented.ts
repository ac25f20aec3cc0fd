/**
 * Operations S3 has and Strongbox recognises but does not implement. They are authorized like any
 * other before they answer NotImplemented: AWS answers a caller without permission AccessDenied, so a
 * caller who may not call an operation must not learn from us whether it exists. The checks are the
 * operation's IAM actions (the policy engine's S3 action table) on the bucket or the object the path
 * names, with the bucket's resource side (bucket policy, ACL, Block Public Access), as the checks of
 * implemented operations carry it. A missing bucket is still NoSuchBucket before authorization (route).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 */
import { s3ActionFor } from '../policy/s3-actions.js';
import type { AuthzCheck } from '../server/protocol.js';
import { bucketCheck, objectCheck, prepared, type OperationHandler, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import type { UnimplementedOperationName } from './router.js';

/** The checks of an unimplemented operation: its actions on the ARN its path shape names. */
export function notImplementedChecks(ctx: S3Context, operation: UnimplementedOperationName): AuthzCheck[] {
  const actions = s3ActionFor(operation, { versionId: ctx.query.has('versionId') }) ?? [{ action: `s3:${operation}` }];
  if (ctx.target.bucket === undefined) {
    return actions.map((a) => ({ action: a.action, resource: '*', resourceAccount: undefined, context: {} }));
  }
  return actions.map((a) => (ctx.target.key === undefined ? bucketCheck(ctx, a.action) : objectCheck(ctx, a.action)));
}

export function prepareNotImplemented(operation: UnimplementedOperationName): OperationHandler {
  return async (ctx) =>
    prepared(notImplementedChecks(ctx, operation), async () => {
      throw s3Error('NotImplemented', { message: `${operation} is not implemented` });
    });
}
