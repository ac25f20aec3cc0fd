/**
 * PutBucketTagging, GetBucketTagging, DeleteBucketTagging: a general purpose bucket's tag set.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html
 *
 * PutBucketTagging replaces the whole tag set. Bucket tags follow AWS's tag rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html,
 * https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html): at most 50 tags, unique keys
 * of 1..128 and values of 0..256 characters from letters, numbers, spaces and `_ . : / = + - @`, and
 * no user-defined key starting with `aws:` — the limits differ from objects' (tag-set.ts: 10 tags).
 * While the bucket's ABAC is Enabled, PutBucketTagging and DeleteBucketTagging no longer change tags
 * (bucket-abac.ts): S3 Control's TagResource and UntagResource do (s3control/resource-tagging-ops.ts);
 * GetBucketTagging keeps working ("Enabling ABAC in general purpose buckets").
 */
import {
  bucketCheck,
  prepared,
  requireBucket,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { abacEnabled } from './bucket-abac.js';
import { s3Error } from './errors.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import type { TagSet } from './tag-set.js';
import { childText, children, onlyKnown, parseXml, type XmlElement } from './xml-parse.js';

export const MAX_BUCKET_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;
/** The characters AWS allows in tag keys and values (the same set as object tags, tag-set.ts). */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/**
 * 50 tags of 128 + 256 characters, each written as a character reference at worst (`&#x10FFFF;`),
 * is under 200 KiB; S3 documents no size limit for this document.
 */
const MAX_DOCUMENT_BYTES = 256 * 1024;

/**
 * Validates a bucket tag set in order; the first violation decides the error, as S3 reports one.
 * The count is checked first (AWS: BadRequest "Bucket tag count cannot be greater than 50"); an
 * `aws:` key is InvalidTag, with S3's message for the reserved system-tag prefix.
 */
export function validateBucketTagSet(tags: TagSet): TagSet {
  if (tags.length > MAX_BUCKET_TAGS) {
    throw s3Error('BadRequest', { message: `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}` });
  }
  const seen = new Set<string>();
  for (const [key, value] of tags) {
    if (key.length === 0 || !TAG_CHARS.test(key)) throw invalidTag('The TagKey you have provided is invalid');
    if (key.length > MAX_KEY) throw invalidTag(`The TagKey you have provided is too long, max ${MAX_KEY}`);
    if (!TAG_CHARS.test(value)) throw invalidTag('The TagValue you have provided is invalid');
    if (value.length > MAX_VALUE) throw invalidTag(`The TagValue you have provided is too long, max ${MAX_VALUE}`);
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag(reservedPrefixMessage(key));
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return tags;
}

/**
 * `aws:RequestTag/<key>` for every tag a request puts on a bucket, and their keys as `aws:TagKeys`
 * (S3 Control TagResource, CreateBucket with Tags).
 */
export function bucketRequestTagContext(tags: TagSet): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map(([key]) => key) };
  for (const [key, value] of tags) out[`aws:RequestTag/${key}`] = value;
  return out;
}

function invalidTag(message: string) {
  return s3Error('InvalidTag', { message });
}

/** S3 words the refusal differently for the exact system prefix `aws:` and for other casings of it. */
function reservedPrefixMessage(key: string): string {
  return key.startsWith('aws:')
    ? 'System tags cannot be added/updated by requester'
    : 'Invalid Tag. Tags cannot start with "aws:"(case insensitive) unless they are System Tags ' +
        'that start with "aws:"(case sensitive)';
}

/**
 * `<Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>`: one TagSet, every Tag with
 * a Key and a Value (both required by the model), nothing else (MalformedXML otherwise).
 */
export function parseBucketTagging(text: string): TagSet {
  const root = parseXml(text, 'Tagging', ['Tag', 'TagSet']);
  onlyKnown(root, ['TagSet']);
  return validateBucketTagSet(onlyTagList(root, 'TagSet'));
}

/**
 * The one `<list>` element of `parent`, a list of `<Tag><Key/><Value/></Tag>` (Tagging's TagSet,
 * CreateBucketConfiguration's and S3 Control TagResourceRequest's Tags): every Tag with a Key and a
 * Value (both required by the models) and nothing else; MalformedXML otherwise (the same code, status
 * and message in S3 and S3 Control). Not validated here (validateBucketTagSet).
 */
export function onlyTagList(parent: XmlElement, list: string): TagSet {
  const lists = children(parent, list);
  if (lists.length !== 1) throw s3Error('MalformedXML');
  onlyKnown(lists[0], ['Tag']);
  const tags: [string, string][] = [];
  for (const tag of children(lists[0], 'Tag')) {
    onlyKnown(tag, ['Key', 'Value']);
    const key = childText(tag, 'Key');
    const value = childText(tag, 'Value');
    if (key === undefined || value === undefined) throw s3Error('MalformedXML');
    tags.push([key, value]);
  }
  return tags;
}

/**
 * While ABAC is Enabled, tags change only through S3 Control's TagResource / UntagResource. AWS
 * documents no error code for a PutBucketTagging or DeleteBucketTagging sent anyway; we answer
 * BadRequest (400) with the message S3 is reported to send.
 */
function refuseWhileAbacEnabled(ctx: S3Context, verb: 'add tags to' | 'delete tags from'): void {
  if (!abacEnabled(requireBucket(ctx))) return;
  const api = verb === 'add tags to' ? 'TagResource' : 'UntagResource';
  const message =
    'This S3 general purpose bucket has attribute-based access control (ABAC) enabled. ' +
    `To ${verb} this bucket, initiate an ${api} request.`;
  throw s3Error('BadRequest', { message });
}

async function writeTags(ctx: S3Context, tags: TagSet | null): Promise<void> {
  const bucket = requireBucket(ctx);
  if (!(await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { tags }))) {
    throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
  }
}

/**
 * PutBucketTagging: s3:PutBucketTagging; the body must carry Content-MD5 or a checksum (the model's
 * `requestChecksumRequired`). An empty TagSet leaves the bucket without tags. S3 answers 204 No
 * Content (the API reference's sample response).
 */
export const preparePutBucketTagging: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketTagging')], () => putBucketTagging(ctx));

async function putBucketTagging(ctx: S3Context): Promise<S3Response> {
  refuseWhileAbacEnabled(ctx, 'add tags to');
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const tags = parseBucketTagging(body.toString('utf8'));
  await writeTags(ctx, tags.length === 0 ? null : tags);
  return emptyResponse(204);
}

/** GetBucketTagging: s3:GetBucketTagging; a bucket without tags is 404 NoSuchTagSet. */
export const prepareGetBucketTagging: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketTagging')], async () => {
    const bucket = requireBucket(ctx);
    const tags = bucket.tags ?? [];
    if (tags.length === 0) throw s3Error('NoSuchTagSet', { fields: { BucketName: bucket.name } });
    return xmlResponse('Tagging', { TagSet: { Tag: tags.map(([Key, Value]) => ({ Key, Value })) } });
  });

/** DeleteBucketTagging: s3:PutBucketTagging (there is no delete action); 204 with or without tags. */
export const prepareDeleteBucketTagging: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketTagging')], async () => {
    refuseWhileAbacEnabled(ctx, 'delete tags from');
    await writeTags(ctx, null);
    return emptyResponse(204);
  });
