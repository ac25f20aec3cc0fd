/**
 * Bucket policies: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy, GetBucketPolicyStatus.
 * The document is validated as S3 validates it (the policy engine's S3 rules, `MalformedPolicy` with
 * S3's messages, the 20 KB quota, principals that must exist), refused while Block Public Access's
 * BlockPublicPolicy is on if it is public, and stored exactly as submitted.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
 */
import { callerAccountId, type Caller } from '../identity/caller.js';
import { checkPolicySize, parsePolicy, type PolicyDocument, type PolicyError } from '../policy/index.js';
import { isPublicPolicyDocument } from '../policy/public-policy.js';
import { bucketArn, bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import { policyIsPublic } from './resource-side.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';

/**
 * Get/Put/DeleteBucketPolicy belong to the bucket owner's account: "If you have the correct
 * permissions, but you're not using an identity that belongs to the bucket owner's account, Amazon S3
 * returns a 405 Method Not Allowed error" (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy API
 * references). Checked after authorization (403 comes first). An anonymous caller belongs to no
 * account, so even a policy granting s3:* to "*" never lets one read, replace or delete the policy.
 */
function requireOwnerAccount(ctx: S3Context): void {
  if (callerAccountId(ctx.auth.caller) !== requireBucket(ctx).ownerAccountId) {
    throw s3Error('MethodNotAllowed', { fields: { Method: ctx.raw.method, ResourceType: 'BUCKET' } });
  }
}

function policyError(e: PolicyError) {
  return s3Error(e.code === 'PolicyTooLarge' ? 'PolicyTooLarge' : 'MalformedPolicy', { message: e.message });
}

const ACCOUNT_PRINCIPAL = /^(?:\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/;

/** Account ids and `:root` ARNs named as Principal / NotPrincipal: their accounts must exist. */
function accountPrincipals(doc: PolicyDocument): string[] {
  const out: string[] = [];
  for (const st of doc.statements) {
    for (const spec of [st.principal, st.notPrincipal]) {
      for (const v of spec?.aws ?? []) if (ACCOUNT_PRINCIPAL.test(v)) out.push(v);
    }
  }
  return out;
}

/**
 * S3's validation of a bucket policy. The engine does no I/O: a first pass collects the user and role
 * ARNs it asks about (assuming they exist, so any other fault is reported first), the store answers for
 * them and for the accounts the policy names, and a second pass decides. A principal that does not
 * exist is "Invalid principal in policy", as S3 answers for one it cannot resolve.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export async function validateBucketPolicy(ctx: S3Context, bucket: string, text: string): Promise<PolicyDocument> {
  const tooLarge = checkPolicySize('BucketPolicy', [text]);
  if (tooLarge) throw policyError(tooLarge);
  const asked = new Set<string>();
  const first = parsePolicy(text, { kind: 'resource', bucket, principalExists: (arn) => (asked.add(arn), true) });
  if (!first.ok) throw policyError(first.error);
  for (const a of accountPrincipals(first.document)) asked.add(a);
  if (asked.size === 0) return first.document;
  const names = [...asked];
  const found = await Promise.all(names.map((arn) => ctx.deps.principalExists(arn)));
  const missing = new Set(names.filter((_, i) => !found[i]));
  if (missing.size === 0) return first.document;
  const second = parsePolicy(text, { kind: 'resource', bucket, principalExists: (arn) => !missing.has(arn) });
  if (!second.ok) throw policyError(second.error);
  throw s3Error('MalformedPolicy', { message: 'Invalid principal in policy' });
}

/** AWS's message when BlockPublicPolicy refuses a public policy. */
function publicPolicyBlocked(caller: Caller, bucket: string) {
  const who = caller.kind === 'Anonymous' ? 'anonymous' : caller.arn;
  return s3Error('AccessDenied', {
    message:
      `User: ${who} is not authorized to perform: s3:PutBucketPolicy on resource: "${bucketArn(bucket)}" ` +
      'because public policies are blocked by the BlockPublicPolicy block public access setting.',
  });
}

/**
 * PutBucketPolicy. `x-amz-confirm-remove-self-bucket-access` is accepted and changes nothing: S3
 * stores a policy that denies the caller its own future access with or without it (that is how an
 * account locks itself out, and why the owner's root keeps Get/Put/DeleteBucketPolicy: authorize.ts,
 * https://repost.aws/knowledge-center/s3-accidentally-denied-access).
 * Deviation from AWS: a body without Content-MD5 or an x-amz-checksum-* header is accepted (the SDKs
 * always send one; one that is sent is verified).
 */
export const preparePutBucketPolicy: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketPolicy')], async () => {
    requireOwnerAccount(ctx);
    const bucket = requireBucket(ctx);
    const text = (await readVerifiedBody(ctx, { requireIntegrity: false })).toString('utf8');
    const document = await validateBucketPolicy(ctx, bucket.name, text);
    // BlockPublicPolicy: "reject calls to PUT Bucket policy if the specified bucket policy allows
    // public access" (PublicAccessBlockConfiguration); the account's setting counts as the bucket's.
    if (ctx.publicAccess.blockPublicPolicy && isPublicPolicyDocument(document)) {
      throw publicPolicyBlocked(ctx.auth.caller, bucket.name);
    }
    if (!(await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { policy: text }))) {
      throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
    }
    return emptyResponse(204);
  });

/** GetBucketPolicy: the document exactly as it was stored. */
export const prepareGetBucketPolicy: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketPolicy')], async () => {
    requireOwnerAccount(ctx);
    const bucket = requireBucket(ctx);
    if (!bucket.policy) throw s3Error('NoSuchBucketPolicy', { fields: { BucketName: bucket.name } });
    return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy.document };
  });

/** DeleteBucketPolicy: 204, whether or not the bucket had a policy. */
export const prepareDeleteBucketPolicy: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:DeleteBucketPolicy')], async () => {
    requireOwnerAccount(ctx);
    const bucket = requireBucket(ctx);
    if (bucket.policy) await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { policy: null });
    return emptyResponse(204);
  });

/**
 * GetBucketPolicyStatus: IsPublic of the bucket policy by S3's "meaning of public" (public-policy.ts).
 * Any caller the policies allow may ask, the bucket owner's account or not.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html
 */
export const prepareGetBucketPolicyStatus: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketPolicyStatus')], async () => {
    const bucket = requireBucket(ctx);
    if (!bucket.policy) throw s3Error('NoSuchBucketPolicy', { fields: { BucketName: bucket.name } });
    return xmlResponse('PolicyStatus', { IsPublic: policyIsPublic(bucket.policy.document) ? 'true' : 'false' });
  });
