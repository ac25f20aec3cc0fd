/**
 * DeleteObject and DeleteObjects (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
 * Deleting a key that does not exist succeeds: 204 for DeleteObject, a `<Deleted>` entry for
 * DeleteObjects ("Amazon S3 confirms the deletion by returning the result as deleted").
 */
import type { AuthzCheck } from '../server/protocol.js';
import { etagListMatches } from './conditions.js';
import {
  advisedAllow,
  objectCheck,
  prepared,
  requireBucket,
  requireKey,
  type Advice,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { s3Error } from './errors.js';
import { MAX_KEY_BYTES } from './names.js';
import { deleteGarbage } from './object-write.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, children, parseXml } from './xml-parse.js';

const MAX_DELETE_KEYS = 1000;

function deleteAction(versionId: string | undefined): string {
  return versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
}

export const prepareDeleteObject: OperationHandler = async (ctx) => {
  const versionId = ctx.query.get('versionId');
  const ifMatch = ctx.header('if-match');
  const context: Record<string, string> = ifMatch === undefined ? {} : { 's3:if-match': ifMatch };
  const checks = [objectCheck(ctx, deleteAction(versionId), context)];
  // Conditional deletes by ETag reveal the current ETag: they need s3:GetObject too (conditional-deletes).
  if (ifMatch !== undefined && ifMatch.trim() !== '*') checks.push(objectCheck(ctx, 's3:GetObject'));
  return prepared(checks, () => deleteObject(ctx, versionId, ifMatch));
};

async function deleteObject(ctx: S3Context, versionId: string | undefined, ifMatch: string | undefined): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  // An unversioned bucket holds only the "null" version: deleting any other version deletes nothing.
  if (versionId !== undefined && versionId !== 'null') return emptyResponse(204);
  if (ifMatch !== undefined) {
    // Deviation from AWS: the ETag check and the delete are two steps, not one atomic operation.
    const current = await ctx.deps.storage.objects.getObject(bucket.name, key);
    if (current === undefined) throw s3Error('NoSuchKey', { fields: { Key: key } });
    if (!etagListMatches(ifMatch, current.etag)) throw s3Error('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  }
  const garbage = await ctx.deps.storage.objects.deleteObject(bucket.name, key);
  if (garbage !== undefined) await deleteGarbage(ctx.deps.storage.blobs, garbage);
  return emptyResponse(204);
}

interface DeleteEntry {
  readonly key: string;
  readonly versionId: string | undefined;
  readonly etag: string | undefined;
}

/** The `<Delete>` document: 1 to 1,000 `<Object>` entries, each with a `<Key>`, and optional `<Quiet>`. */
export function parseDeleteDocument(xml: string): { entries: DeleteEntry[]; quiet: boolean } {
  const root = parseXml(xml, 'Delete', ['Object']);
  const objects = children(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw s3Error('MalformedXML');
  const entries = objects.map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined || key === '') throw s3Error('MalformedXML');
    return { key, versionId: childText(o, 'VersionId'), etag: childText(o, 'ETag') };
  });
  const quietText = childText(root, 'Quiet');
  if (quietText !== undefined && !['true', 'false'].includes(quietText.trim().toLowerCase())) throw s3Error('MalformedXML');
  return { entries, quiet: quietText?.trim().toLowerCase() === 'true' };
}

/**
 * Each key is authorized on its own (s3:DeleteObject, or s3:DeleteObjectVersion with a version id) as
 * an advisory check: the request itself needs no permission, and a denied key is an AccessDenied
 * `<Error>` entry of a 200 answer while the allowed keys are deleted (as S3 does).
 */
export const prepareDeleteObjects: OperationHandler = async (ctx) => {
  const bucket = requireBucket(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true });
  const { entries, quiet } = parseDeleteDocument(body.toString('utf8'));
  const advisoryChecks: AuthzCheck[] = entries.map((e) => objectCheck(ctx, deleteAction(e.versionId), {}, { bucket, key: e.key }));
  return prepared([], (advice) => deleteObjects(ctx, entries, advice, quiet), { advisoryChecks });
};

const ACCESS_DENIED = { code: 'AccessDenied', message: 'Access Denied' } as const;

async function deleteObjects(ctx: S3Context, entries: readonly DeleteEntry[], advice: Advice, quiet: boolean): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const deleted: { Key: string; VersionId?: string }[] = [];
  const errors: { Key: string; VersionId?: string; Code: string; Message: string }[] = [];
  for (const [i, e] of entries.entries()) {
    const failure = advisedAllow(advice, i) ? await deleteOne(ctx, bucket.name, e) : ACCESS_DENIED;
    if (failure === undefined) deleted.push({ Key: e.key, VersionId: e.versionId });
    else errors.push({ Key: e.key, VersionId: e.versionId, Code: failure.code, Message: failure.message });
  }
  return xmlResponse('DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors });
}

async function deleteOne(ctx: S3Context, bucket: string, e: DeleteEntry): Promise<{ code: string; message: string } | undefined> {
  if (Buffer.byteLength(e.key, 'utf8') > MAX_KEY_BYTES) return { code: 'KeyTooLongError', message: 'Your key is too long' };
  if (e.versionId !== undefined && e.versionId !== 'null') return undefined;
  const store = ctx.deps.storage.objects;
  if (e.etag !== undefined) {
    const current = await store.getObject(bucket, e.key);
    if (current === undefined) return { code: 'NoSuchKey', message: 'The specified key does not exist.' };
    if (!etagListMatches(e.etag, current.etag)) return { code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold' };
  }
  try {
    const garbage = await store.deleteObject(bucket, e.key);
    if (garbage !== undefined) await deleteGarbage(ctx.deps.storage.blobs, garbage);
    return undefined;
  } catch {
    return { code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
  }
}
