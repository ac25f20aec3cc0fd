/**
 * Object Ownership and the ACL a CreateBucket asks for (`x-amz-object-ownership`, `x-amz-acl`,
 * `x-amz-grant-*`), with AWS's rules for new buckets: ACLs disabled unless another ownership is
 * named, and Block Public Access on, so a public ACL cannot be set at creation.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 */
import type { AuthzCheck } from '../server/protocol.js';
import type { AclGrant, ObjectOwnership } from '../storage/ports.js';
import { isPublicGrant } from './acl-access.js';
import {
  aclConditionContext,
  assertKnownGrantees,
  hasAclHeaders,
  isCannedPrivate,
  requestedAclFromHeaders,
  requestedGrants,
} from './acl-request.js';
import { bucketArn, type S3Context } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { isObjectOwnership, onlyOwnerGrants } from './ownership.js';

/** CreateBucket's condition keys from its ACL and ownership headers. */
export function newBucketConditionContext(ctx: S3Context): Record<string, string> {
  const out = aclConditionContext((n) => ctx.header(n));
  const ownership = ctx.header('x-amz-object-ownership');
  if (ownership !== undefined) out['s3:x-amz-object-ownership'] = ownership;
  return out;
}

/**
 * "In addition to the s3:CreateBucket permission": s3:PutBucketAcl when the request sets an ACL,
 * s3:PutBucketOwnershipControls when it sets Object Ownership (CreateBucket, "Permissions").
 */
export function newBucketExtraChecks(ctx: S3Context, name: string): AuthzCheck[] {
  const context = newBucketConditionContext(ctx);
  const resource = bucketArn(name);
  const check = (action: string): AuthzCheck => ({
    action,
    resource,
    resourceAccount: undefined,
    context,
    bucket: name,
  });
  const checks: AuthzCheck[] = [];
  if (hasAclHeaders((n) => ctx.header(n))) checks.push(check('s3:PutBucketAcl'));
  if (ctx.header('x-amz-object-ownership') !== undefined) checks.push(check('s3:PutBucketOwnershipControls'));
  return checks;
}

export interface NewBucketAcl {
  readonly ownership: ObjectOwnership;
  /** undefined: the owner's FULL_CONTROL alone. */
  readonly acl: readonly AclGrant[] | undefined;
}

/**
 * The ownership and ACL of a bucket `accountId` creates:
 * - an ACL granting anyone but the owner, with ownership BucketOwnerEnforced (the default), is
 *   InvalidBucketAclWithObjectOwnership;
 * - a public ACL is refused: 403 AccessDenied when the account's BlockPublicAcls is on, else
 *   InvalidBucketAclWithBlockPublicAccessError, because a new bucket's own Block Public Access is on
 *   ("If you try to create a bucket with a public ACL, the request will fail").
 */
export async function newBucketAcl(ctx: S3Context, accountId: string): Promise<NewBucketAcl> {
  const header = ctx.header('x-amz-object-ownership');
  if (header !== undefined && !isObjectOwnership(header)) {
    throw invalidArgument(`Invalid x-amz-object-ownership header: ${header}`, 'x-amz-object-ownership', header);
  }
  const ownership = header ?? 'BucketOwnerEnforced';
  const requested = requestedAclFromHeaders((n) => ctx.header(n));
  const grants = requestedGrants(requested, { ownerAccountId: accountId, bucketOwnerAccountId: accountId });
  if (grants === undefined) return { ownership, acl: undefined };
  if (ownership === 'BucketOwnerEnforced' && !onlyOwnerGrants(grants, accountId)) {
    throw s3Error('InvalidBucketAclWithObjectOwnership');
  }
  await assertKnownGrantees(grants, [accountId], ctx.deps.canonicalUserAccount);
  if (grants.some(isPublicGrant)) {
    if ((await ctx.deps.accountPublicAccessBlock(accountId))?.blockPublicAcls) throw s3Error('AccessDenied');
    throw s3Error('InvalidBucketAclWithBlockPublicAccessError');
  }
  const isDefault = ownership === 'BucketOwnerEnforced' || isCannedPrivate(requested);
  return { ownership, acl: isDefault ? undefined : grants };
}
