/**
 * PutObjectTagging, GetObjectTagging, DeleteObjectTagging
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html). An object without
 * tags answers an empty TagSet, not an error.
 */
import type { ObjectRecord } from '../storage/ports.js';
import { existingTagContext, objectCheck, prepared, requireBucket, requireKey, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { s3Error } from './errors.js';
import { assertCurrentVersion } from './object-get.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { parseTaggingDocument, requestTagContext, type TagSet } from './tag-set.js';
import { parseXml } from './xml-parse.js';

function action(ctx: S3Context, verb: 'Put' | 'Get' | 'Delete'): string {
  return ctx.query.has('versionId') ? `s3:${verb}ObjectVersionTagging` : `s3:${verb}ObjectTagging`;
}

async function current(ctx: S3Context): Promise<ObjectRecord | undefined> {
  return ctx.deps.storage.objects.getObject(requireBucket(ctx).name, requireKey(ctx));
}

function versionHeaders(ctx: S3Context): Record<string, string> {
  const v = ctx.query.get('versionId');
  return v === undefined ? {} : { 'x-amz-version-id': v };
}

export const preparePutObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: false });
  const tags = parseTaggingDocument(parseXml(body.toString('utf8'), 'Tagging', ['Tag', 'TagSet']));
  const context = { ...existingTagContext(obj?.tags), ...requestTagContext(tags) };
  return prepared([objectCheck(ctx, action(ctx, 'Put'), context)], () => putTags(ctx, obj, tags));
};

async function putTags(ctx: S3Context, obj: ObjectRecord | undefined, tags: TagSet): Promise<S3Response> {
  const key = requireKey(ctx);
  assertCurrentVersion(ctx, key);
  if (obj === undefined || !(await ctx.deps.storage.objects.putObjectTags(obj.bucket, key, tags))) {
    throw s3Error('NoSuchKey', { fields: { Key: key } });
  }
  return emptyResponse(200, versionHeaders(ctx));
}

export const prepareGetObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  return prepared([objectCheck(ctx, action(ctx, 'Get'), existingTagContext(obj?.tags))], async () => {
    const key = requireKey(ctx);
    assertCurrentVersion(ctx, key);
    if (obj === undefined) throw s3Error('NoSuchKey', { fields: { Key: key } });
    return xmlResponse('Tagging', { TagSet: { Tag: obj.tags.map(([Key, Value]) => ({ Key, Value })) } }, { headers: versionHeaders(ctx) });
  });
};

export const prepareDeleteObjectTagging: OperationHandler = async (ctx) => {
  const obj = await current(ctx);
  return prepared([objectCheck(ctx, action(ctx, 'Delete'), existingTagContext(obj?.tags))], async () => {
    const key = requireKey(ctx);
    assertCurrentVersion(ctx, key);
    if (obj === undefined || !(await ctx.deps.storage.objects.putObjectTags(obj.bucket, key, []))) {
      throw s3Error('NoSuchKey', { fields: { Key: key } });
    }
    return emptyResponse(204, versionHeaders(ctx));
  });
};
