/**
 * PutObjectTagging, GetObjectTagging, DeleteObjectTagging
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html), of the current object
 * or of the version `?versionId=` names (s3:*ObjectVersionTagging). An object without tags answers an
 * empty TagSet, not an error; a delete marker has no tags (405, as GetObject).
 */
import type { ObjectRecord } from '../storage/ports.js';
import {
  existingTagContext,
  objectCheck,
  prepared,
  requireBucket,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { loadAddressedObject, missingObjectError, requestedVersionId, versionHeader } from './object-version.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { parseTaggingDocument, requestTagContext, type TagSet } from './tag-set.js';
import { parseXml } from './xml-parse.js';

function action(ctx: S3Context, verb: 'Put' | 'Get' | 'Delete'): string {
  return ctx.query.has('versionId') ? `s3:${verb}ObjectVersionTagging` : `s3:${verb}ObjectTagging`;
}

async function current(ctx: S3Context): Promise<ObjectRecord | undefined> {
  return loadAddressedObject(ctx);
}

/** The version whose tags the request read or changed. */
function versionHeaders(ctx: S3Context, obj: ObjectRecord): Record<string, string> {
  return versionHeader(requireBucket(ctx), obj.versionId);
}

/** The object found at route time, or why there is none (see missingObjectError). */
async function found(ctx: S3Context, obj: ObjectRecord | undefined): Promise<ObjectRecord> {
  if (obj === undefined) throw await missingObjectError(ctx);
  return obj;
}

/** Writes the tags of the version found; it may have gone since (a concurrent delete). */
async function writeTags(ctx: S3Context, obj: ObjectRecord, tags: TagSet): Promise<void> {
  const versionId = requestedVersionId(ctx) === undefined ? undefined : obj.versionId;
  if (!(await ctx.deps.storage.objects.putObjectTags(obj.bucket, obj.key, tags, versionId))) throw await missingObjectError(ctx);
}

export const preparePutObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: false });
  const tags = parseTaggingDocument(parseXml(body.toString('utf8'), 'Tagging', ['Tag', 'TagSet']));
  const context = { ...existingTagContext(obj?.tags), ...requestTagContext(tags) };
  return prepared([objectCheck(ctx, action(ctx, 'Put'), context)], () => putTags(ctx, obj, tags));
};

async function putTags(ctx: S3Context, obj: ObjectRecord | undefined, tags: TagSet): Promise<S3Response> {
  const target = await found(ctx, obj);
  await writeTags(ctx, target, tags);
  return emptyResponse(200, versionHeaders(ctx, target));
}

export const prepareGetObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  const check = objectCheck(ctx, action(ctx, 'Get'), existingTagContext(obj?.tags));
  return prepared([check], async () => {
    const target = await found(ctx, obj);
    return xmlResponse('Tagging', { TagSet: { Tag: target.tags.map(([Key, Value]) => ({ Key, Value })) } }, { headers: versionHeaders(ctx, target) });
  });
};

export const prepareDeleteObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  const check = objectCheck(ctx, action(ctx, 'Delete'), existingTagContext(obj?.tags));
  return prepared([check], async () => {
    const target = await found(ctx, obj);
    await writeTags(ctx, target, []);
    return emptyResponse(204, versionHeaders(ctx, target));
  });
};
