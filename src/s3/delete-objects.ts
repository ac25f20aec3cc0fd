/**
 * DeleteObject and DeleteObjects (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html),
 * through the objects service. Without a version id, an unversioned bucket loses the object and a
 * versioned one gets a delete marker; with one (s3:DeleteObjectVersion), that version goes for good
 * (and, with MFA Delete on, only with the root's `x-amz-mfa`). Deleting a key or version that does not
 * exist succeeds: 204 for DeleteObject, a `<Deleted>` entry for DeleteObjects ("Amazon S3 confirms the
 * deletion by returning the result as deleted"). If-Match / `<ETag>` make a delete conditional on the
 * current object, atomically (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html).
 */
import type { ServiceError } from '../errors/service-error.js';
import { callerAccountId } from '../identity/caller.js';
import type { AuthzCheck } from '../server/protocol.js';
import type { BucketRecord, DeleteObjectOutcome, DeleteObjectRequest } from '../storage/ports.js';
import { etagListMatches, normalizeEtag } from './conditions.js';
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
import { truncateToSeconds } from './headers.js';
import { requireMfa } from './mfa-delete.js';
import { governanceBypassCheck, objectLockedError, wantsGovernanceBypass } from './object-lock.js';
import { MAX_KEY_BYTES } from './names.js';
import { parseVersionId, requestedVersionId, versionIdText } from './object-version.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, children, parseXml } from './xml-parse.js';

const MAX_DELETE_KEYS = 1000;
/** 1,000 keys of up to 1,024 bytes with their version ids; AWS documents the key count, no byte limit. */
const MAX_DELETE_BODY_BYTES = 2 * 1024 * 1024;

function deleteAction(hasVersionId: boolean): string {
  return hasVersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
}

export const prepareDeleteObject: OperationHandler = async (ctx) => {
  const versionId = requestedVersionId(ctx);
  const ifMatch = ctx.header('if-match');
  const context: Record<string, string> = ifMatch === undefined ? {} : { 's3:if-match': ifMatch };
  const checks = [objectCheck(ctx, deleteAction(versionId !== undefined), context)];
  // Conditional deletes by ETag reveal the current ETag: they need s3:GetObject too (conditional-deletes).
  if (ifMatch !== undefined && ifMatch.trim() !== '*') checks.push(objectCheck(ctx, 's3:GetObject'));
  // A governance bypass the caller is not allowed is simply not applied (object-lock.ts).
  const bypass = governanceBypassCheck(ctx);
  return prepared(checks, (advice) => deleteObject(ctx, { versionId, ifMatch, bypassGovernance: bypass.length > 0 && advisedAllow(advice, 0) }), {
    advisoryChecks: bypass,
  });
};

async function deleteObject(ctx: S3Context, request: Omit<DeleteTarget, 'key'>): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const key = requireKey(ctx);
  const { versionId } = request;
  if (versionId !== undefined && bucket.mfaDelete) await requireMfa(ctx, bucket.ownerAccountId);
  const outcome = await deleteOne(ctx, bucket, { ...request, key });
  const refused = refusal(outcome, key, bucket.name);
  if (refused !== undefined) throw refused;
  return emptyResponse(204, deleteHeaders(outcome, versionId));
}

/** What one delete asks: a key, maybe a version, maybe an If-Match (an ETag list, or `*`). */
interface DeleteTarget {
  readonly key: string;
  readonly versionId: string | null | undefined;
  readonly ifMatch: string | undefined;
  /** `x-amz-bypass-governance-retention` sent and s3:BypassGovernanceRetention allowed. */
  readonly bypassGovernance: boolean;
}

/**
 * One delete through the objects service. A list of ETags (`If-Match: "a", "b"`) is first resolved
 * against the current object into the one it matches, which the store then checks atomically.
 */
async function deleteOne(ctx: S3Context, bucket: BucketRecord, target: DeleteTarget): Promise<DeleteObjectOutcome> {
  let ifMatch = target.ifMatch?.trim();
  if (ifMatch !== undefined && ifMatch.includes(',')) {
    const current = await ctx.deps.storage.objects.getObject(bucket.name, target.key);
    if (current === undefined) return { outcome: 'PreconditionFailed', reason: 'NoSuchKey' };
    if (!etagListMatches(ifMatch, current.etag)) return { outcome: 'PreconditionFailed', reason: 'ETagMismatch' };
    ifMatch = current.etag;
  }
  const request: DeleteObjectRequest = {
    bucket: bucket.name,
    key: target.key,
    ...(target.versionId === undefined ? {} : { versionId: target.versionId }),
    ...(ifMatch === undefined ? {} : { expect: { ifMatch: ifMatch === '*' ? '*' : normalizeEtag(ifMatch) } }),
    bypassGovernance: target.bypassGovernance,
    // A delete marker belongs to who made it (the listing shows the bucket owner when ACLs are disabled).
    marker: {
      lastModified: truncateToSeconds(ctx.deps.now()),
      ownerAccountId: callerAccountId(ctx.auth.caller) ?? bucket.ownerAccountId,
    },
  };
  return ctx.deps.objects.delete(request);
}

/** The error a delete outcome answers with, if any: a failed condition, or the bucket gone meanwhile. */
function refusal(outcome: DeleteObjectOutcome, key: string, bucket: string): ServiceError | undefined {
  if (outcome.outcome === 'PreconditionFailed') {
    if (outcome.reason === 'NoSuchKey') return s3Error('NoSuchKey', { fields: { Key: key } });
    return s3Error('PreconditionFailed', { fields: { Condition: 'If-Match' } });
  }
  if (outcome.outcome === 'NoSuchBucket') return s3Error('NoSuchBucket', { fields: { BucketName: bucket } });
  if (outcome.outcome === 'ObjectLocked') return objectLockedError();
  return undefined;
}

/**
 * `x-amz-version-id` / `x-amz-delete-marker`: the version removed (and whether it was a marker), or
 * the delete marker created. An unversioned delete carries neither.
 */
function deleteHeaders(outcome: DeleteObjectOutcome, requested: string | null | undefined): Record<string, string> {
  if (outcome.outcome === 'DeleteMarkerCreated') {
    return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionIdText(outcome.versionId) };
  }
  if (requested === undefined) return {};
  const headers: Record<string, string> = { 'x-amz-version-id': versionIdText(requested) };
  if (outcome.outcome === 'Deleted' && outcome.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  return headers;
}

interface DeleteEntry {
  readonly key: string;
  /** As sent; parsed per entry (a malformed one is that entry's error). */
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
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DELETE_BODY_BYTES });
  const { entries, quiet } = parseDeleteDocument(body.toString('utf8'));
  const advisoryChecks: AuthzCheck[] = entries.map((e) =>
    objectCheck(ctx, deleteAction(e.versionId !== undefined), {}, { bucket, key: e.key }),
  );
  // With the bypass header, one s3:BypassGovernanceRetention decision per key follows the delete decisions.
  if (wantsGovernanceBypass(ctx)) advisoryChecks.push(...entries.flatMap((e) => governanceBypassCheck(ctx, { bucket, key: e.key })));
  return prepared([], (advice) => deleteObjects(ctx, entries, advice, quiet), { advisoryChecks });
};

const ACCESS_DENIED = { code: 'AccessDenied', message: 'Access Denied' } as const;

type DeletedNode = { Key: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string };
type ErrorNode = { Key: string; VersionId?: string; Code: string; Message: string };

/**
 * "When performing this action on an MFA Delete enabled bucket, that attempts to delete any versioned
 * objects, you must include an MFA token. If you do not provide one, the entire request will fail ...
 * If you provide an invalid token, whether there are versioned keys in the request or not, the entire
 * Multi-Object Delete request will fail." (DeleteObjects, API reference)
 */
async function deleteObjects(
  ctx: S3Context,
  entries: readonly DeleteEntry[],
  advice: Advice,
  quiet: boolean,
): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  if (bucket.mfaDelete && (ctx.header('x-amz-mfa') !== undefined || entries.some((e) => e.versionId !== undefined))) {
    await requireMfa(ctx, bucket.ownerAccountId);
  }
  const deleted: DeletedNode[] = [];
  const errors: ErrorNode[] = [];
  for (const [i, e] of entries.entries()) {
    const bypassGovernance = advisedAllow(advice, entries.length + i);
    const result = advisedAllow(advice, i) ? await deleteEntry(ctx, bucket, e, bypassGovernance) : ACCESS_DENIED;
    if ('code' in result) errors.push({ Key: e.key, VersionId: e.versionId, Code: result.code, Message: result.message });
    else deleted.push(result);
  }
  return xmlResponse('DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors });
}

type EntryError = { code: string; message: string };

async function deleteEntry(ctx: S3Context, bucket: BucketRecord, e: DeleteEntry, bypassGovernance: boolean): Promise<DeletedNode | EntryError> {
  if (Buffer.byteLength(e.key, 'utf8') > MAX_KEY_BYTES) return { code: 'KeyTooLongError', message: 'Your key is too long' };
  let versionId: string | null | undefined;
  try {
    versionId = parseVersionId(e.versionId);
  } catch {
    return { code: 'NoSuchVersion', message: 'The specified version does not exist.' };
  }
  let outcome: DeleteObjectOutcome;
  try {
    outcome = await deleteOne(ctx, bucket, { key: e.key, versionId, ifMatch: e.etag, bypassGovernance });
  } catch {
    return { code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
  }
  const refused = refusal(outcome, e.key, bucket.name);
  if (refused !== undefined) return { code: refused.code, message: refused.message };
  return deletedNode(e.key, outcome, versionId);
}

/** A `<Deleted>` entry: the version removed (DeleteMarker when it was one), or the marker created. */
function deletedNode(key: string, outcome: DeleteObjectOutcome, requested: string | null | undefined): DeletedNode {
  if (outcome.outcome === 'DeleteMarkerCreated') {
    return { Key: key, DeleteMarker: true, DeleteMarkerVersionId: versionIdText(outcome.versionId) };
  }
  if (requested === undefined) return { Key: key };
  const versionId = versionIdText(requested);
  if (outcome.outcome === 'Deleted' && outcome.deleteMarker) {
    return { Key: key, VersionId: versionId, DeleteMarker: true, DeleteMarkerVersionId: versionId };
  }
  return { Key: key, VersionId: versionId };
}
