/**
 * Who owns a new object and which ACL it gets (PutObject, CopyObject, CreateMultipartUpload,
 * PostObject), from the bucket's Object Ownership, the writer's account and the ACL the request
 * asks for; and the Block Public Access rule for ACLs set by a write.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 */
import { callerAccountId, type Caller } from '../identity/caller.js';
import type { AclGrant, BucketRecord } from '../storage/ports.js';
import { isPublicGrant } from './acl-access.js';
import { assertKnownGrantees, isCannedPrivate, requestedGrants, type RequestedAcl } from './acl-request.js';
import type { S3Context } from './context.js';
import { s3Error } from './errors.js';
import { acceptedWithAclsDisabled } from './ownership.js';

export interface ObjectWrite {
  readonly bucket: BucketRecord;
  readonly requested: RequestedAcl;
  /** The writer when the request's signature does not name it (PostObject: the form's). */
  readonly caller?: Caller;
}

export interface NewObjectAcl {
  readonly ownerAccountId: string;
  /** undefined: the owner's FULL_CONTROL alone (no ACL asked for, or ACLs disabled). */
  readonly acl: readonly AclGrant[] | undefined;
}

/**
 * "PUT Object calls fail if the request includes a public ACL" while BlockPublicAcls is on: 403
 * AccessDenied (Block Public Access settings).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export function assertNotBlockedPublicAcl(ctx: S3Context, grants: readonly AclGrant[] | undefined): void {
  if (ctx.publicAccess.blockPublicAcls && grants?.some(isPublicGrant)) throw s3Error('AccessDenied');
}

/**
 * The owner and ACL of an object `ctx`'s caller writes into `bucket`:
 * - ACLs disabled: the bucket owner's, with no ACL; an ACL other than the bucket owner's full
 *   control is AccessControlListNotSupported ("The bucket does not allow ACLs").
 * - BucketOwnerPreferred and `bucket-owner-full-control`: the bucket owner's.
 * - otherwise the writer's, with the requested ACL (canned ACLs expanded for that owner).
 * Deviation from AWS: an anonymous writer's object belongs to the bucket owner (S3 names an
 * anonymous owner that no account here has).
 */
export async function newObjectAcl(ctx: S3Context, write: ObjectWrite): Promise<NewObjectAcl> {
  const { bucket, requested } = write;
  const bucketOwner = bucket.ownerAccountId;
  if (bucket.ownership === 'BucketOwnerEnforced') {
    if (!acceptedWithAclsDisabled(requested, bucketOwner)) throw s3Error('AccessControlListNotSupported');
    return { ownerAccountId: bucketOwner, acl: undefined };
  }
  const writer = callerAccountId(write.caller ?? ctx.auth.caller) ?? bucketOwner;
  const givesBucketOwnerFullControl = requested.kind === 'Canned' && requested.name === 'bucket-owner-full-control';
  const toBucketOwner = bucket.ownership === 'BucketOwnerPreferred' && givesBucketOwnerFullControl;
  const ownerAccountId = toBucketOwner ? bucketOwner : writer;
  const acl = requestedGrants(requested, { ownerAccountId, bucketOwnerAccountId: bucketOwner });
  if (acl !== undefined) await assertKnownGrantees(acl, [ownerAccountId, bucketOwner], ctx.deps.canonicalUserAccount);
  assertNotBlockedPublicAcl(ctx, acl);
  return { ownerAccountId, acl: isCannedPrivate(requested) ? undefined : acl };
}
