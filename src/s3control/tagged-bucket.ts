/**
 * The general purpose bucket an S3 Control tagging request names by `ResourceArn`, and the check of an
 * action on it. The bucket is the resource exactly as for S3's own bucket operations: its ARN, its
 * owner as the resource account, its bucket policy (with Block Public Access's RestrictPublicBuckets)
 * and, while its ABAC is Enabled, its tags as `aws:ResourceTag/<key>` (bucket-abac.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html
 */
import type { AuthzCheck } from '../server/protocol.js';
import { callerAccountId } from '../identity/caller.js';
import { withBucketResourceTags } from '../s3/bucket-abac.js';
import { bucketArn } from '../s3/context.js';
import { effectivePublicAccessBlock, resourceSide } from '../s3/resource-side.js';
import type { BucketRecord, BucketStore } from '../storage/ports.js';
import type { AccountPublicAccessBlocks } from './account-public-access-blocks.js';
import { refuseUnserved, s3ControlError } from './s3control-errors.js';
import type { S3ControlContext } from './s3control-operation.js';

export interface TaggedBucketDeps {
  readonly buckets: Pick<BucketStore, 'getBucket' | 'updateBucketConfig'>;
  readonly accountPublicAccessBlocks: Pick<AccountPublicAccessBlocks, 'effective'>;
}

type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

/** `arn:aws:s3:::<bucket>`: a general purpose bucket's ARN has no region and no account. */
const BUCKET_ARN = /^arn:aws:s3:::([^/:]+)$/;
/** The other S3 resources TagResource takes (access points, Storage Lens groups, Access Grants, directory buckets). */
const REGIONAL_S3_ARN = /^arn:[^:]+:s3(express)?:[^:]+:/;

/**
 * The bucket name of a `ResourceArn`. The other taggable S3 resources do not exist in Strongbox
 * (NotImplemented, to a caller acting on its own account); anything else is not an S3 resource ARN.
 */
export function bucketNameOfArn(ctx: Pick<S3ControlContext, 'auth' | 'accountId'>, arn: string): string {
  const bucket = BUCKET_ARN.exec(arn);
  if (bucket) return bucket[1];
  if (REGIONAL_S3_ARN.test(arn)) {
    refuseUnserved(ctx, 'NotImplemented', 'Only general purpose buckets can be tagged through S3 Control here');
  }
  throw s3ControlError('InvalidRequest', { message: `Invalid resource ARN: ${arn}` });
}

/**
 * The bucket `ctx.pathLabel` names, loaded as S3 loads the addressed bucket: before authorization, a
 * missing one is NoSuchBucket. `x-amz-account-id` is "the Amazon Web Services account ID that created
 * the S3 resource ... or the requester's account ID" (API_control_TagResource.html): naming a third
 * account is AccessDenied.
 */
export async function loadTaggedBucket(deps: TaggedBucketDeps, ctx: S3ControlContext): Promise<BucketRecord> {
  const name = bucketNameOfArn(ctx, ctx.pathLabel);
  const bucket = await deps.buckets.getBucket(name);
  if (bucket === undefined) throw s3ControlError('NoSuchBucket', { fields: { BucketName: name } });
  if (ctx.accountId !== bucket.ownerAccountId && ctx.accountId !== callerAccountId(ctx.auth.caller)) {
    throw s3ControlError('AccessDenied');
  }
  return bucket;
}

/** The check of `action` on `bucket`, as context.ts's bucketCheck builds S3's. */
export async function taggedBucketCheck(
  deps: TaggedBucketDeps,
  bucket: BucketRecord,
  action: string,
  context: ConditionContext,
): Promise<AuthzCheck> {
  const account = await deps.accountPublicAccessBlocks.effective(bucket.ownerAccountId);
  const bpa = effectivePublicAccessBlock(account, bucket.publicAccessBlock);
  return {
    action,
    resource: bucketArn(bucket.name),
    context: withBucketResourceTags(bucket, context),
    bucket: bucket.name,
    ...resourceSide(bucket, action, bpa),
  };
}
