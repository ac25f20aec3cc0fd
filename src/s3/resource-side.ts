/**
 * The resource side of an S3 check: the bucket policy, the ACL the action consults, and Block
 * Public Access applied to both. Operations build checks through bucketCheck/objectCheck (context.ts),
 * which take this from the bucket record loaded at route time, so every S3 check carries it alike.
 */
import { isPublicBucketPolicy } from '../policy/public-policy.js';
import type { AclAccess, ResourcePolicyRef } from '../server/protocol.js';
import type { BucketRecord, ObjectRecord, PublicAccessBlock } from '../storage/ports.js';
import { aclAccess, aclTargetOf, defaultAcl } from './acl-access.js';

export const NO_PUBLIC_ACCESS_BLOCK: PublicAccessBlock = Object.freeze({
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
});

/** Account and bucket settings together: each setting is on when either level turns it on. */
export function effectivePublicAccessBlock(account: PublicAccessBlock | undefined, bucket: PublicAccessBlock | undefined): PublicAccessBlock {
  const a = account ?? NO_PUBLIC_ACCESS_BLOCK;
  const b = bucket ?? NO_PUBLIC_ACCESS_BLOCK;
  return {
    blockPublicAcls: a.blockPublicAcls || b.blockPublicAcls,
    ignorePublicAcls: a.ignorePublicAcls || b.ignorePublicAcls,
    blockPublicPolicy: a.blockPublicPolicy || b.blockPublicPolicy,
    restrictPublicBuckets: a.restrictPublicBuckets || b.restrictPublicBuckets,
  };
}

/** IsPublic of a policy document, computed once per document (policies change rarely). */
const publicByDocument = new Map<string, boolean>();
const MAX_REMEMBERED = 1024;

export function policyIsPublic(document: string): boolean {
  let v = publicByDocument.get(document);
  if (v === undefined) {
    v = isPublicBucketPolicy(document);
    if (publicByDocument.size >= MAX_REMEMBERED) publicByDocument.clear();
    publicByDocument.set(document, v);
  }
  return v;
}

export interface ResourceSide {
  readonly resourceAccount: string;
  readonly resourcePolicy?: ResourcePolicyRef;
  readonly acl?: AclAccess;
}

/**
 * What authorizes an action on a bucket, or on an object of it (`object`: the existing object, when
 * the operation looked it up). An object another account owns (written under ObjectWriter) is that
 * account's resource: the bucket policy does not apply to it, only its ACL, and the bucket owner
 * reaches it only through that ACL (AWS: "bucket policies apply only to objects the bucket owner owns").
 * With ACLs disabled (BucketOwnerEnforced) no ACL takes part.
 */
export function resourceSide(bucket: BucketRecord, action: string, bpa: PublicAccessBlock, object?: ObjectRecord): ResourceSide {
  // With ACLs disabled the bucket owner owns every object, whoever wrote it (AWS: BucketOwnerEnforced
  // "the bucket owner automatically owns and has full control over every object").
  const foreignObject = bucket.ownership !== 'BucketOwnerEnforced' && object !== undefined && object.ownerAccountId !== bucket.ownerAccountId;
  const target = bucket.ownership === 'BucketOwnerEnforced' ? undefined : aclTargetOf(action);
  let acl: AclAccess | undefined;
  if (target?.on === 'bucket') acl = aclAccess(bucket.acl ?? defaultAcl(bucket.ownerAccountId), target.permission, bpa);
  else if (target?.on === 'object' && object) acl = aclAccess(object.acl ?? defaultAcl(object.ownerAccountId), target.permission, bpa);
  const policy = foreignObject ? undefined : bucket.policy;
  return {
    resourceAccount: foreignObject ? object.ownerAccountId : bucket.ownerAccountId,
    ...(policy
      ? {
          resourcePolicy: {
            type: 'Resource',
            id: `bucket:${bucket.name}#${policy.revision}`,
            document: policy.document,
            ...(bpa.restrictPublicBuckets && policyIsPublic(policy.document) ? { restrictPublic: true } : {}),
          },
        }
      : {}),
    ...(acl ? { acl } : {}),
  };
}
