/**
 * Bucket operations: ListBuckets, CreateBucket, HeadBucket, GetBucketLocation, DeleteBucket.
 */
import { callerAccountId } from '../identity/caller.js';
import { escapeXml } from '../protocol/xml.js';
import type { BucketRecord } from '../storage/ports.js';
import { bucketArn, bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { assertValidBucketName } from './names.js';
import { newBucketAcl, newBucketConditionContext, newBucketExtraChecks } from './new-bucket-acl.js';
import { wantsObjectLock } from './object-lock-config.js';
import { ownerNode } from './owner.js';
import { S3_XMLNS, emptyResponse, xmlResponse } from './render.js';
import { DEFAULT_MAX_XML_BYTES, childText, parseXml, readSmallBody } from './xml-parse.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import { newBucketRegion } from './bucket-region.js';
import { bucketRequestTagContext, onlyTagList, validateBucketTagSet } from './bucket-tagging.js';
import type { TagSet } from './tag-set.js';

const MAX_BUCKETS_PER_PAGE = 10000;

export const prepareListBuckets: OperationHandler = async (ctx) => {
  const check = { action: 's3:ListAllMyBuckets', resource: '*', resourceAccount: undefined, context: {} };
  return prepared([check], () => listBuckets(ctx));
};

/** ListBuckets (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html), paginated. */
async function listBuckets(ctx: S3Context): Promise<S3Response> {
  const account = callerAccountId(ctx.auth.caller);
  if (account === undefined) throw s3Error('AccessDenied');
  const prefix = ctx.query.get('prefix') ?? '';
  const token = ctx.query.get('continuation-token');
  const region = ctx.query.get('bucket-region');
  const maxParam = ctx.query.get('max-buckets');
  let max = MAX_BUCKETS_PER_PAGE;
  if (maxParam !== undefined) {
    max = /^\d+$/.test(maxParam) ? Number(maxParam) : NaN;
    if (!(max >= 1 && max <= MAX_BUCKETS_PER_PAGE)) throw invalidArgument('Argument max-buckets must be an integer between 1 and 10000', 'max-buckets', maxParam);
  }
  const after = token === undefined || token === '' ? '' : decodeToken(token, 'continuation-token');
  const found: BucketRecord[] = [];
  let cursor = after;
  let more = false;
  // Filtering by region happens after the store's page: keep reading until the page is full.
  for (;;) {
    const page = await ctx.deps.storage.buckets.listBuckets({ ownerAccountId: account, prefix, after: cursor, limit: max + 1 });
    for (const b of page) {
      if (region !== undefined && b.region !== region) continue;
      if (found.length === max) {
        more = true;
        break;
      }
      found.push(b);
    }
    if (more || page.length <= max) break;
    cursor = page[page.length - 1].name;
  }
  const anyParameter = maxParam !== undefined || token !== undefined || region !== undefined || ctx.query.has('prefix');
  return xmlResponse('ListAllMyBucketsResult', {
    Buckets: {
      Bucket: found.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: anyParameter ? b.region : undefined })),
    },
    Owner: ownerNode(account),
    ContinuationToken: more ? encodeToken(found[found.length - 1].name) : undefined,
    Prefix: ctx.query.has('prefix') ? prefix : undefined,
  });
}

/** Continuation tokens are opaque: base64url of the last name (or key) returned. */
export function encodeToken(last: string): string {
  return Buffer.from(last, 'utf8').toString('base64url');
}

export function decodeToken(token: string, parameter: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalidArgument('The continuation token provided is incorrect', parameter, token);
  return Buffer.from(token, 'base64url').toString('utf8');
}

/**
 * CreateBucket: s3:CreateBucket, with s3:PutBucketAcl / s3:PutBucketOwnershipControls for the ACL and
 * ownership headers, the Object Lock permissions, and s3:TagResource when the configuration carries
 * Tags ("You must have the s3:TagResource permission to create a general purpose bucket with tags").
 * Every check sees `s3:LocationConstraint` and the tags as `aws:RequestTag/<key>` and `aws:TagKeys`,
 * so a policy can require (or forbid) tags on new buckets.
 */
export const prepareCreateBucket: OperationHandler = async (ctx) => {
  const name = ctx.target.bucket as string;
  assertValidBucketName(name);
  const { constraint, tags } = await readCreateBucketConfiguration(ctx);
  const context: Record<string, string | readonly string[]> = newBucketConditionContext(ctx);
  if (constraint !== undefined) context['s3:LocationConstraint'] = constraint;
  if (tags !== undefined) Object.assign(context, bucketRequestTagContext(tags));
  const check = (action: string) => ({ action, resource: bucketArn(name), resourceAccount: undefined, context, bucket: name });
  // Object Lock at creation also sets the lock configuration and enables versioning: both permissions.
  const lockChecks = wantsObjectLock(ctx) ? [check('s3:PutBucketObjectLockConfiguration'), check('s3:PutBucketVersioning')] : [];
  const tagChecks = tags !== undefined ? [check('s3:TagResource')] : [];
  const checks = [check('s3:CreateBucket'), ...newBucketExtraChecks(ctx, name), ...lockChecks, ...tagChecks];
  return prepared(checks, () => createBucket(ctx, name, constraint, tags));
};

interface CreateBucketConfiguration {
  /** undefined when the body is empty or names none. */
  readonly constraint: string | undefined;
  /** undefined when the body has no Tags (an empty Tags is an empty set: nothing to tag). */
  readonly tags: TagSet | undefined;
}

/**
 * The body's `<LocationConstraint>` and `<Tags>`. Location and Bucket are for directory buckets only
 * ("This functionality is only supported by directory buckets"), which Strongbox does not serve.
 */
async function readCreateBucketConfiguration(ctx: S3Context): Promise<CreateBucketConfiguration> {
  const body = await readSmallBody(ctx.auth.body, DEFAULT_MAX_XML_BYTES, ctx.auth.decodedContentLength);
  if (body.length === 0) return { constraint: undefined, tags: undefined };
  const root = parseXml(body.toString('utf8'), 'CreateBucketConfiguration', ['Tag', 'Tags']);
  if (root.Bucket !== undefined || root.Location !== undefined) {
    throw s3Error('NotImplemented', { message: 'CreateBucketConfiguration Bucket and Location are for directory buckets, which are not implemented' });
  }
  const tags = root.Tags === undefined ? undefined : validateBucketTagSet(onlyTagList(root, 'Tags'));
  return { constraint: childText(root, 'LocationConstraint'), tags: tags?.length === 0 ? undefined : tags };
}

async function createBucket(ctx: S3Context, name: string, constraint: string | undefined, tags: TagSet | undefined): Promise<S3Response> {
  const account = callerAccountId(ctx.auth.caller);
  if (account === undefined) throw s3Error('AccessDenied');
  const { ownership, acl } = await newBucketAcl(ctx, account);
  const requestRegion = ctx.auth.region ?? ctx.deps.region;
  const region = newBucketRegion({ requestRegion, constraint, served: ctx.deps.regions });
  const lock = wantsObjectLock(ctx) ? { versioning: 'Enabled' as const, objectLock: { enabled: true as const } } : {};
  const record = newBucketRecord({ name, ownerAccountId: account, region, createdAt: ctx.deps.now(), ownership, acl, ...lock, tags });
  const outcome = await ctx.deps.storage.buckets.createBucket(record);
  if (outcome === 'ExistsOtherOwner') throw s3Error('BucketAlreadyExists', { fields: { BucketName: name } });
  // "For legacy compatibility, if you re-create an existing bucket that you already own in the North
  // Virginia Region, Amazon S3 returns 200 OK"; every other region answers BucketAlreadyOwnedByYou.
  if (outcome === 'ExistsSameOwner' && region !== 'us-east-1') throw s3Error('BucketAlreadyOwnedByYou', { fields: { BucketName: name } });
  return emptyResponse(200, { location: ctx.target.style === 'path' ? `/${name}` : `http://${name}.${ctx.deps.baseDomain}/` });
}

export const prepareHeadBucket: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:ListBucket')], async () =>
    emptyResponse(200, { 'x-amz-bucket-region': requireBucket(ctx).region, 'x-amz-access-point-alias': 'false' }),
  );

export const prepareGetBucketLocation: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketLocation')], async () => {
    const region = requireBucket(ctx).region;
    // "Buckets in Region us-east-1 have a LocationConstraint of null": an empty root element.
    const value = region === 'us-east-1' ? '' : escapeXml(region);
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${value}</LocationConstraint>`;
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  });

/**
 * DeleteBucket: a bucket with any object version or delete marker left is BucketNotEmpty; unfinished
 * multipart uploads do not keep it ("a bucket whose only content is an unfinished multipart upload"
 * is deleted, its parts with it).
 */
export const prepareDeleteBucket: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:DeleteBucket')], async () => {
    const name = requireBucket(ctx).name;
    const { outcome } = await ctx.deps.objects.deleteBucket(name);
    if (outcome === 'NotEmpty') throw s3Error('BucketNotEmpty', { fields: { BucketName: name } });
    if (outcome === 'NoSuchBucket') throw s3Error('NoSuchBucket', { fields: { BucketName: name } });
    return emptyResponse(204);
  });
