/**
 * S3 Object Ownership: Put/Get/DeleteBucketOwnershipControls, and the rules every ACL-setting
 * request follows under each setting.
 * - BucketOwnerEnforced (new buckets' default): ACLs disabled; the bucket owner owns every object.
 * - BucketOwnerPreferred: ACLs enabled; an object written with `bucket-owner-full-control` becomes
 *   the bucket owner's, any other the writer's.
 * - ObjectWriter, or no OwnershipControls at all: ACLs enabled; the writer owns the object.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
 */
import { canonicalUserId } from '../identity/canonical-user.js';
import type { AclGrant, BucketRecord, ObjectOwnership } from '../storage/ports.js';
import { grantsOnlyFullControlTo, type RequestedAcl } from './acl-request.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler } from './context.js';
import { s3Error } from './errors.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, children, parseXml } from './xml-parse.js';

export const OBJECT_OWNERSHIPS: readonly ObjectOwnership[] = [
  'BucketOwnerEnforced',
  'BucketOwnerPreferred',
  'ObjectWriter',
];

export function isObjectOwnership(v: string): v is ObjectOwnership {
  return (OBJECT_OWNERSHIPS as readonly string[]).includes(v);
}

/** ACLs take part in authorization, and may be set, unless Object Ownership is BucketOwnerEnforced. */
export function aclsEnabled(bucket: Pick<BucketRecord, 'ownership'>): boolean {
  return bucket.ownership !== 'BucketOwnerEnforced';
}

/**
 * What a bucket with ACLs disabled accepts: no ACL, the `bucket-owner-full-control` canned ACL, or
 * explicit grants that give the bucket owner FULL_CONTROL and nobody anything ("an equivalent form
 * of this ACL expressed in the XML format"). Anything else, `private` included (observed: PutBucketAcl
 * with `x-amz-acl: private` fails on such buckets), is AccessControlListNotSupported.
 */
export function acceptedWithAclsDisabled(requested: RequestedAcl, bucketOwnerAccountId: string): boolean {
  if (requested.kind === 'None') return true;
  if (requested.kind === 'Canned') return requested.name === 'bucket-owner-full-control';
  return grantsOnlyFullControlTo(requested.grants, bucketOwnerAccountId);
}

/** Grants to nobody but `accountId`: what a bucket ACL must be before ACLs can be disabled. */
export function onlyOwnerGrants(acl: readonly AclGrant[] | undefined, accountId: string): boolean {
  const id = canonicalUserId(accountId);
  return (acl ?? []).every((g) => g.grantee.type === 'CanonicalUser' && g.grantee.id === id);
}

/** The `<OwnershipControls>` body: exactly one Rule with a known ObjectOwnership, else MalformedXML. */
export function parseOwnershipControls(xml: string): ObjectOwnership {
  const root = parseXml(xml, 'OwnershipControls', ['Rule']);
  const rules = children(root, 'Rule');
  if (rules.length !== 1) throw s3Error('MalformedXML');
  const value = childText(rules[0], 'ObjectOwnership');
  if (value === undefined || !isObjectOwnership(value)) throw s3Error('MalformedXML');
  return value;
}

/**
 * PutBucketOwnershipControls. The body is read before authorization only to give the check its
 * `s3:x-amz-object-ownership`; a malformed one is refused after it.
 * Moving to BucketOwnerEnforced while the bucket ACL grants anyone but the owner is
 * InvalidBucketAclWithObjectOwnership (object-ownership-error-responses).
 */
export const preparePutBucketOwnershipControls: OperationHandler = async (ctx) => {
  const body = await readVerifiedBody(ctx, { requireIntegrity: false });
  let parsed: { ownership: ObjectOwnership } | { error: unknown };
  try {
    parsed = { ownership: parseOwnershipControls(body.toString('utf8')) };
  } catch (error) {
    parsed = { error };
  }
  const context: Record<string, string> = {};
  if ('ownership' in parsed) context['s3:x-amz-object-ownership'] = parsed.ownership;
  return prepared([bucketCheck(ctx, 's3:PutBucketOwnershipControls', context)], async () => {
    if ('error' in parsed) throw parsed.error;
    const bucket = requireBucket(ctx);
    if (parsed.ownership === 'BucketOwnerEnforced' && !onlyOwnerGrants(bucket.acl, bucket.ownerAccountId)) {
      throw s3Error('InvalidBucketAclWithObjectOwnership');
    }
    await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { ownership: parsed.ownership });
    return emptyResponse(200);
  });
};

/** GetBucketOwnershipControls; a bucket without any (after a delete) is OwnershipControlsNotFoundError. */
export const prepareGetBucketOwnershipControls: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketOwnershipControls')], async () => {
    const bucket = requireBucket(ctx);
    if (bucket.ownership === undefined) {
      throw s3Error('OwnershipControlsNotFoundError', { fields: { BucketName: bucket.name } });
    }
    return xmlResponse('OwnershipControls', { Rule: { ObjectOwnership: bucket.ownership } });
  });

/** DeleteBucketOwnershipControls needs s3:PutBucketOwnershipControls (there is no delete permission). */
export const prepareDeleteBucketOwnershipControls: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketOwnershipControls')], async () => {
    await ctx.deps.storage.buckets.updateBucketConfig(requireBucket(ctx).name, { ownership: null });
    return emptyResponse(204);
  });
