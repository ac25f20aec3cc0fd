/**
 * GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl: served whatever the bucket's Object
 * Ownership. With ACLs disabled (BucketOwnerEnforced) a read answers the bucket owner's FULL_CONTROL
 * and a write is accepted only when it asks for what the bucket already has, changing nothing;
 * anything else is AccessControlListNotSupported.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
 */
import { callerAccountId } from '../identity/caller.js';
import { canonicalUserId } from '../identity/canonical-user.js';
import type { AclGrant, BucketRecord, ObjectRecord } from '../storage/ports.js';
import { defaultAcl } from './acl-access.js';
import {
  aclConditionContext,
  assertKnownGrantees,
  invalidId,
  isCannedPrivate,
  requestedAclFromHeaders,
  requestedGrants,
  type AclOwners,
  type RequestedAcl,
} from './acl-request.js';
import { accessControlPolicyXml, parseAccessControlPolicy } from './acl-xml.js';
import {
  bucketCheck,
  existingTagContext,
  objectCheck,
  prepared,
  requireBucket,
  requireKey,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { s3Error } from './errors.js';
import { assertNotBlockedPublicAcl } from './new-object-acl.js';
import { loadAddressedObject, missingObjectError, requestedVersionId, versionHeader } from './object-version.js';
import { acceptedWithAclsDisabled, aclsEnabled } from './ownership.js';
import { emptyResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';

function aclResponse(ownerAccountId: string, grants: readonly AclGrant[], headers: Record<string, string>): S3Response {
  const body = accessControlPolicyXml(ownerAccountId, grants);
  return { status: 200, headers: { 'content-type': 'application/xml', ...headers }, body };
}

/**
 * The ACL a PutBucketAcl / PutObjectAcl asks for: a canned ACL, grant headers, or a body, exactly
 * one of them. None is MissingSecurityHeader; headers and a body together are UnexpectedContent.
 * A body names the resource's owner; an id no account has is InvalidArgument "Invalid id".
 * Deviation from AWS: a body naming another existing account as owner is AccessDenied (S3 does not
 * let an ACL change an owner; its answer is not documented).
 */
async function requestedAclOfPut(ctx: S3Context, ownerAccountId: string): Promise<RequestedAcl> {
  const fromHeaders = requestedAclFromHeaders((n) => ctx.header(n));
  const body = (await readVerifiedBody(ctx, { requireIntegrity: false })).toString('utf8');
  if (body.trim() === '') {
    if (fromHeaders.kind === 'None') throw s3Error('MissingSecurityHeader');
    return fromHeaders;
  }
  if (fromHeaders.kind !== 'None') throw s3Error('UnexpectedContent');
  const policy = parseAccessControlPolicy(body);
  if (policy.ownerId !== canonicalUserId(ownerAccountId)) {
    const known = (await ctx.deps.canonicalUserAccount(policy.ownerId)) !== undefined;
    throw known ? s3Error('AccessDenied') : invalidId(policy.ownerId);
  }
  return { kind: 'Grants', grants: policy.grants };
}

/**
 * The grants a put of an ACL stores (undefined: back to the owner's FULL_CONTROL alone), after the
 * checks every ACL write shares: grantees that exist, and Block Public Access's BlockPublicAcls
 * ("PutBucketAcl and PutObjectAcl calls fail if the specified ACL is public": 403 AccessDenied).
 */
async function grantsToStore(
  ctx: S3Context,
  requested: RequestedAcl,
  owners: AclOwners,
): Promise<readonly AclGrant[] | undefined> {
  const grants = requestedGrants(requested, owners) ?? [];
  const caller = callerAccountId(ctx.auth.caller);
  const known = [owners.ownerAccountId, owners.bucketOwnerAccountId, ...(caller === undefined ? [] : [caller])];
  await assertKnownGrantees(grants, known, ctx.deps.canonicalUserAccount);
  assertNotBlockedPublicAcl(ctx, grants);
  return isCannedPrivate(requested) ? undefined : grants;
}

/** With ACLs disabled, a put that asks for what the bucket has already changes nothing; others fail. */
function assertAcceptedWithAclsDisabled(requested: RequestedAcl, bucket: BucketRecord): void {
  if (!acceptedWithAclsDisabled(requested, bucket.ownerAccountId)) throw s3Error('AccessControlListNotSupported');
}

export const prepareGetBucketAcl: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketAcl')], async () => {
    const bucket = requireBucket(ctx);
    const owner = bucket.ownerAccountId;
    return aclResponse(owner, aclsEnabled(bucket) ? (bucket.acl ?? defaultAcl(owner)) : defaultAcl(owner), {});
  });

export const preparePutBucketAcl: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketAcl', aclConditionContext((n) => ctx.header(n)))], async () => {
    const bucket = requireBucket(ctx);
    const owner = bucket.ownerAccountId;
    const requested = await requestedAclOfPut(ctx, owner);
    if (!aclsEnabled(bucket)) {
      assertAcceptedWithAclsDisabled(requested, bucket);
      return emptyResponse(200);
    }
    const grants = await grantsToStore(ctx, requested, { ownerAccountId: owner, bucketOwnerAccountId: owner });
    await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { acl: grants ?? null });
    return emptyResponse(200);
  });

function objectAclAction(ctx: S3Context, verb: 'Get' | 'Put'): string {
  return ctx.query.has('versionId') ? `s3:${verb}ObjectVersionAcl` : `s3:${verb}ObjectAcl`;
}

function versionHeaders(ctx: S3Context, obj: ObjectRecord): Record<string, string> {
  return versionHeader(requireBucket(ctx), obj.versionId);
}

/** The addressed object (`?versionId=` or the current one) as the check sees it: its ACL and owner decide object-ACL actions. */
async function loadObject(ctx: S3Context): Promise<ObjectRecord | undefined> {
  return loadAddressedObject(ctx);
}

async function requireObject(ctx: S3Context, obj: ObjectRecord | undefined): Promise<ObjectRecord> {
  if (obj === undefined) throw await missingObjectError(ctx);
  return obj;
}

export const prepareGetObjectAcl: OperationHandler = async (ctx) => {
  const obj = await loadObject(ctx);
  const bucket = requireBucket(ctx);
  const target = { bucket, key: requireKey(ctx), object: obj };
  const check = objectCheck(ctx, objectAclAction(ctx, 'Get'), existingTagContext(obj?.tags), target);
  return prepared([check], async () => {
    const found = await requireObject(ctx, obj);
    // With ACLs disabled the bucket owner owns every object ("Requests to read ACLs ... show full
    // control for the bucket owner").
    const owner = aclsEnabled(bucket) ? found.ownerAccountId : bucket.ownerAccountId;
    const grants = aclsEnabled(bucket) ? (found.acl ?? defaultAcl(owner)) : defaultAcl(owner);
    return aclResponse(owner, grants, versionHeaders(ctx, found));
  });
};

export const preparePutObjectAcl: OperationHandler = async (ctx) => {
  const obj = await loadObject(ctx);
  const bucket = requireBucket(ctx);
  const context = { ...existingTagContext(obj?.tags), ...aclConditionContext((n) => ctx.header(n)) };
  const check = objectCheck(ctx, objectAclAction(ctx, 'Put'), context, { bucket, key: requireKey(ctx), object: obj });
  return prepared([check], async () => {
    const found = await requireObject(ctx, obj);
    const owner = aclsEnabled(bucket) ? found.ownerAccountId : bucket.ownerAccountId;
    const requested = await requestedAclOfPut(ctx, owner);
    if (!aclsEnabled(bucket)) {
      assertAcceptedWithAclsDisabled(requested, bucket);
      return emptyResponse(200, versionHeaders(ctx, found));
    }
    const owners = { ownerAccountId: owner, bucketOwnerAccountId: bucket.ownerAccountId };
    const grants = await grantsToStore(ctx, requested, owners);
    const versionId = requestedVersionId(ctx) === undefined ? undefined : found.versionId;
    if (!(await ctx.deps.storage.objects.putObjectAcl(bucket.name, found.key, grants, versionId))) throw await missingObjectError(ctx);
    return emptyResponse(200, versionHeaders(ctx, found));
  });
};
