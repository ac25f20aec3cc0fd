/**
 * S3 Control's TagResource, UntagResource and ListTagsForResource for general purpose buckets
 * (`/v20180820/tags/{resourceArn+}`, ResourceArn `arn:aws:s3:::<bucket>`): how tags are managed once
 * a bucket's ABAC is Enabled, when PutBucketTagging and DeleteBucketTagging refuse to change them
 * (s3/bucket-tagging.ts), and at any time before.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_TagResource.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_UntagResource.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListTagsForResource.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html
 *
 * They read and write the tags PutBucketTagging writes (BucketRecord.tags): one tag set per bucket,
 * the same limits (50 tags, AWS's key and value rules). TagResource adds tags or changes the values of
 * keys the bucket has; UntagResource removes keys, ignoring keys the bucket does not have. The IAM
 * actions are s3:TagResource, s3:UntagResource and s3:ListTagsForResource on the bucket ARN, with
 * `aws:RequestTag/<key>` and `aws:TagKeys` for the tags a request sets (TagResource) or the keys it
 * removes (UntagResource), and `aws:ResourceTag/<key>` while ABAC is Enabled. AWS documents no error
 * codes for general purpose buckets here ("List of Amazon S3 Tagging error codes" lists Batch
 * Operations' job tagging); Strongbox answers PutBucketTagging's: InvalidTag, BadRequest for more than
 * 50 tags, MalformedXML, NoSuchBucket.
 */
import { MAX_BUCKET_TAGS, bucketRequestTagContext, onlyTagList, validateBucketTagSet } from '../s3/bucket-tagging.js';
import type { TagSet } from '../s3/tag-set.js';
import { onlyKnown, parseXml } from '../s3/xml-parse.js';
import { readVerifiedBody } from '../s3/request-body.js';
import type { S3ControlResult } from './render.js';
import { s3ControlError } from './s3control-errors.js';
import { prepared, type S3ControlOperation } from './s3control-operation.js';
import { loadTaggedBucket, taggedBucketCheck, type TaggedBucketDeps } from './tagged-bucket.js';

export type ResourceTaggingDeps = TaggedBucketDeps;

export const TAGS_PATH = '/v20180820/tags/{resourceArn+}';

/** 50 tags of 128 + 256 characters as character references at worst: as PutBucketTagging's limit. */
const MAX_DOCUMENT_BYTES = 256 * 1024;
const MAX_KEY = 128;

/**
 * `<TagResourceRequest><Tags><Tag><Key/><Value/></Tag>...</Tags></TagResourceRequest>` (the model's
 * TagList, members named `Tag`). Tags is required; every Tag has a Key and a Value; nothing else.
 * The tags are validated after authorization (`addTags`), as S3 validates a document it was allowed
 * to receive.
 */
export function parseTagResourceRequest(text: string): TagSet {
  const root = parseXml(text, 'TagResourceRequest', ['Tag', 'Tags']);
  onlyKnown(root, ['Tags']);
  return onlyTagList(root, 'Tags');
}

/** `tagKeys=a&tagKeys=b`: every value of a repeated query parameter, form-decoded. */
export function queryValues(rawQuery: string, name: string): string[] {
  const out: string[] = [];
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq) !== name) continue;
    try {
      out.push(decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' ')));
    } catch {
      throw s3ControlError('InvalidRequest', { message: `The ${name} query parameter is not correctly encoded` });
    }
  }
  return out;
}

/** `current` with `add` applied: a key it has keeps its place and takes the new value; new keys follow. */
export function addTags(current: TagSet, add: TagSet): TagSet {
  validateBucketTagSet(add);
  const values = new Map(add);
  const merged: (readonly [string, string])[] = current.map(([k, v]) => [k, values.get(k) ?? v] as const);
  const had = new Set(current.map(([k]) => k));
  for (const tag of add) if (!had.has(tag[0])) merged.push(tag);
  if (merged.length > MAX_BUCKET_TAGS) {
    throw s3ControlError('BadRequest', { message: `Bucket tag count cannot be greater than ${MAX_BUCKET_TAGS}` });
  }
  return merged;
}

/** `current` without `keys`; a key of 1..128 characters (TagKeyString) that it lacks is ignored. */
export function removeTags(current: TagSet, keys: readonly string[]): TagSet {
  for (const key of keys) {
    if (key.length === 0 || key.length > MAX_KEY) throw s3ControlError('InvalidTag');
  }
  const gone = new Set(keys);
  return current.filter(([k]) => !gone.has(k));
}

/**
 * Applies `change` to the bucket's tags as they are when stored (not as loaded for authorization,
 * which may be older), in the storage's transaction; no tags left deletes the tag set, as
 * DeleteBucketTagging does.
 */
async function changeTags(deps: ResourceTaggingDeps, name: string, change: (tags: TagSet) => TagSet): Promise<void> {
  if (!(await deps.buckets.updateBucketConfig(name, { tags: change }))) {
    throw s3ControlError('NoSuchBucket', { fields: { BucketName: name } });
  }
}

/** TagResource and UntagResource answer 204 No Content (the model's responseCode). */
const noContent = (): S3ControlResult => ({ status: 204 });

export function resourceTaggingOperations(deps: ResourceTaggingDeps): S3ControlOperation[] {
  return [
    {
      name: 'TagResource',
      method: 'POST',
      path: TAGS_PATH,
      prepare: async (ctx) => {
        const bucket = await loadTaggedBucket(deps, ctx);
        // The model requires no Content-MD5 or checksum here; one sent is verified.
        const body = await readVerifiedBody(ctx, { requireIntegrity: false, maxBytes: MAX_DOCUMENT_BYTES });
        const tags = parseTagResourceRequest(body.toString('utf8'));
        const check = await taggedBucketCheck(deps, bucket, 's3:TagResource', bucketRequestTagContext(tags));
        return prepared([check], async () => {
          await changeTags(deps, bucket.name, (current) => addTags(current, tags));
          return noContent();
        });
      },
    },
    {
      name: 'UntagResource',
      method: 'DELETE',
      path: TAGS_PATH,
      prepare: async (ctx) => {
        const bucket = await loadTaggedBucket(deps, ctx);
        const keys = queryValues(ctx.raw.rawQuery, 'tagKeys');
        const check = await taggedBucketCheck(deps, bucket, 's3:UntagResource', { 'aws:TagKeys': keys });
        return prepared([check], async () => {
          await changeTags(deps, bucket.name, (current) => removeTags(current, keys));
          return noContent();
        });
      },
    },
    {
      // A bucket without tags answers an empty list (GetBucketTagging's NoSuchTagSet is S3's).
      name: 'ListTagsForResource',
      method: 'GET',
      path: TAGS_PATH,
      prepare: async (ctx) => {
        const bucket = await loadTaggedBucket(deps, ctx);
        const check = await taggedBucketCheck(deps, bucket, 's3:ListTagsForResource', {});
        return prepared([check], async () => {
          const Tag = (bucket.tags ?? []).map(([Key, Value]) => ({ Key, Value }));
          return { status: 200, document: { root: 'ListTagsForResourceResult', body: { Tags: { Tag } } } };
        });
      },
    },
  ];
}
