/**
 * Object Lock on object versions (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html):
 * the `x-amz-object-lock-*` headers of object writes, the bucket's default retention, the lock headers
 * of GET and HEAD, and PutObjectRetention / GetObjectRetention / PutObjectLegalHold / GetObjectLegalHold.
 * What a lock forbids is enforced by the store, in the transaction that deletes a version or changes its
 * retention (src/storage/object-lock.ts), so that no writer — lifecycle included — can get around it.
 * The bucket side (PutObjectLockConfiguration, CreateBucket with Object Lock) is object-lock-config.ts.
 */
import type { AuthzCheck } from '../server/protocol.js';
import type { BucketRecord, ObjectLockMode, ObjectLockState, ObjectLockUpdate, ObjectRecord, ObjectRetention } from '../storage/ports.js';
import {
  advisedAllow,
  objectCheck,
  prepared,
  requireBucket,
  requireKey,
  type Advice,
  type HeaderValue,
  type ObjectTarget,
  type OperationHandler,
  type S3Context,
} from './context.js';
import { invalidArgument, s3Error } from './errors.js';
import { loadAddressedObject, missingObjectError, requestedVersionId, versionHeader } from './object-version.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { declaredChecksum } from './upload.js';
import { childText, parseXml } from './xml-parse.js';

const MODES: readonly ObjectLockMode[] = ['GOVERNANCE', 'COMPLIANCE'];
const MISSING_CONFIGURATION = 'Bucket is missing Object Lock Configuration';
const IN_THE_PAST = 'The retain until date must be in the future!';
const MAX_DOCUMENT_BYTES = 16 * 1024;
const DAY_MS = 24 * 3600 * 1000;

/** What an object write asks for in its `x-amz-object-lock-*` headers (or POST form fields). */
export interface RequestedObjectLock {
  readonly retention?: ObjectRetention;
  readonly legalHold?: boolean;
}

/**
 * `x-amz-object-lock-mode` with `-retain-until-date` (both or neither) and `-legal-hold` (ON / OFF).
 * Validated before authorization, as S3 refuses a malformed request before it looks at permissions.
 */
export function parseObjectLockHeaders(header: (name: string) => string | undefined, now: Date): RequestedObjectLock {
  const mode = header('x-amz-object-lock-mode');
  const until = header('x-amz-object-lock-retain-until-date');
  const hold = header('x-amz-object-lock-legal-hold');
  let retention: ObjectRetention | undefined;
  if (mode !== undefined || until !== undefined) {
    if (mode === undefined || until === undefined) {
      throw s3Error('InvalidArgument', {
        message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      });
    }
    if (!MODES.includes(mode as ObjectLockMode)) throw invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
    const date = parseRetainUntil(until);
    if (date === undefined) {
      throw invalidArgument('The retain until date must be provided in ISO 8601 format', 'x-amz-object-lock-retain-until-date', until);
    }
    if (date.getTime() <= now.getTime()) throw invalidArgument(IN_THE_PAST, 'x-amz-object-lock-retain-until-date', until);
    retention = { mode: mode as ObjectLockMode, retainUntil: date };
  }
  if (hold !== undefined && hold !== 'ON' && hold !== 'OFF') {
    throw invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", 'x-amz-object-lock-legal-hold', hold);
  }
  return { ...(retention === undefined ? {} : { retention }), ...(hold === undefined ? {} : { legalHold: hold === 'ON' }) };
}

/** The request's lock headers (none, in one pass over the header names, for most writes). */
export function requestedObjectLock(ctx: S3Context, now: Date): RequestedObjectLock {
  return ctx.hasHeaderPrefix('x-amz-object-lock-') ? parseObjectLockHeaders((n) => ctx.header(n), now) : {};
}

/** An ISO 8601 date-time with a zone (`2030-01-01T00:00:00Z`, `...00.000+02:00`); undefined otherwise. */
function parseRetainUntil(text: string): Date | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/.test(t)) return undefined;
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Condition keys a request's lock settings give (s3:object-lock-*, object-lock.html "Managing"). */
export function objectLockContext(requested: RequestedObjectLock, now: Date): Record<string, string> {
  const out: Record<string, string> = {};
  const r = requested.retention;
  if (r !== undefined) {
    out['s3:object-lock-mode'] = r.mode;
    out['s3:object-lock-retain-until-date'] = r.retainUntil.toISOString();
    out['s3:object-lock-remaining-retention-days'] = String(Math.max(0, Math.ceil((r.retainUntil.getTime() - now.getTime()) / DAY_MS)));
  }
  if (requested.legalHold !== undefined) out['s3:object-lock-legal-hold'] = requested.legalHold ? 'ON' : 'OFF';
  return out;
}

/**
 * A write that sets retention also needs s3:PutObjectRetention, one that sets a legal hold
 * s3:PutObjectLegalHold (PutObject, "Permissions").
 */
export function objectLockWriteChecks(ctx: S3Context, requested: RequestedObjectLock, now: Date, target?: ObjectTarget): AuthzCheck[] {
  const context = objectLockContext(requested, now);
  const checks: AuthzCheck[] = [];
  if (requested.retention !== undefined) checks.push(objectCheck(ctx, 's3:PutObjectRetention', context, target));
  if (requested.legalHold !== undefined) checks.push(objectCheck(ctx, 's3:PutObjectLegalHold', context, target));
  return checks;
}

/**
 * The lock a new version gets: what the request set, else the bucket's default retention counted
 * from `created`. Lock settings on a bucket without Object Lock are InvalidRequest.
 */
export function newObjectLock(bucket: BucketRecord, requested: RequestedObjectLock, created: Date): ObjectLockState | undefined {
  const config = bucket.objectLock;
  if (config === undefined) {
    if (requested.retention !== undefined || requested.legalHold !== undefined) throw s3Error('InvalidRequest', { message: MISSING_CONFIGURATION });
    return undefined;
  }
  const d = config.defaultRetention;
  const retention = requested.retention ?? (d === undefined ? undefined : { mode: d.mode, retainUntil: defaultRetainUntil(d, created) });
  if (retention === undefined && requested.legalHold === undefined) return undefined;
  return { ...(retention === undefined ? {} : { retention }), ...(requested.legalHold === undefined ? {} : { legalHold: requested.legalHold }) };
}

function defaultRetainUntil(d: { readonly days?: number; readonly years?: number }, created: Date): Date {
  if (d.years !== undefined) {
    const until = new Date(created);
    until.setUTCFullYear(until.getUTCFullYear() + d.years);
    return until;
  }
  return new Date(created.getTime() + (d.days ?? 0) * DAY_MS);
}

/**
 * "The Content-MD5 or x-amz-sdk-checksum-algorithm header is required for any request to upload an
 * object with a retention period configured using Amazon S3 Object Lock" (PutObject).
 */
export function requireLockedUploadIntegrity(ctx: S3Context, lock: ObjectLockState | undefined): void {
  if (lock?.retention === undefined) return;
  if (ctx.header('content-md5') !== undefined || declaredChecksum(ctx.raw.headers).algorithm !== undefined) return;
  throw s3Error('InvalidRequest', {
    message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
  });
}

/** Whether Object Lock settings of `obj` may be shown (the advisory checks `objectLockReadChecks` declared). */
export interface LockVisibility {
  readonly retention: boolean;
  readonly legalHold: boolean;
}

/**
 * GET and HEAD return an object's lock settings "only if you have permission to view" them
 * (s3:GetObjectRetention, s3:GetObjectLegalHold): two advisory checks, declared only for a locked object.
 */
export function objectLockReadChecks(ctx: S3Context, obj: ObjectRecord | undefined, target: ObjectTarget): AuthzCheck[] {
  if (obj?.objectLock === undefined) return [];
  return [objectCheck(ctx, 's3:GetObjectRetention', {}, target), objectCheck(ctx, 's3:GetObjectLegalHold', {}, target)];
}

export function lockVisibility(advice: Advice, first: number): LockVisibility {
  return { retention: advisedAllow(advice, first), legalHold: advisedAllow(advice, first + 1) };
}

/** `x-amz-object-lock-mode`, `-retain-until-date`, `-legal-hold` of a GET or HEAD. */
export function objectLockHeaders(obj: ObjectRecord, visible: LockVisibility | undefined): Record<string, HeaderValue> {
  const lock = obj.objectLock;
  if (lock === undefined || visible === undefined) return {};
  const out: Record<string, HeaderValue> = {};
  if (visible.retention && lock.retention !== undefined) {
    out['x-amz-object-lock-mode'] = lock.retention.mode;
    out['x-amz-object-lock-retain-until-date'] = lock.retention.retainUntil.toISOString();
  }
  if (visible.legalHold && lock.legalHold !== undefined) out['x-amz-object-lock-legal-hold'] = lock.legalHold ? 'ON' : 'OFF';
  return out;
}

/** `x-amz-bypass-governance-retention: true` (case-insensitive), as DeleteObject(s) and PutObjectRetention take it. */
export function wantsGovernanceBypass(ctx: S3Context): boolean {
  return ctx.header('x-amz-bypass-governance-retention')?.trim().toLowerCase() === 'true';
}

/**
 * The advisory s3:BypassGovernanceRetention check a request with the bypass header declares: when
 * denied, the request goes on without the bypass (and a governance-locked version stays protected).
 */
export function governanceBypassCheck(ctx: S3Context, target?: ObjectTarget): AuthzCheck[] {
  return wantsGovernanceBypass(ctx) ? [objectCheck(ctx, 's3:BypassGovernanceRetention', {}, target)] : [];
}

/** The refusal of a change Object Lock forbids (object-lock.html: "Access Denied"). */
export function objectLockedError() {
  return s3Error('AccessDenied', { message: 'Access Denied because object protected by object lock.' });
}

function requireLockEnabled(bucket: BucketRecord): void {
  if (bucket.objectLock === undefined) throw s3Error('InvalidRequest', { message: MISSING_CONFIGURATION });
}

/** The version a retention or legal-hold request addresses, or S3's answer for a missing one. */
async function addressedObject(ctx: S3Context): Promise<ObjectRecord> {
  requireLockEnabled(requireBucket(ctx));
  const obj = await loadAddressedObject(ctx);
  if (obj === undefined) throw await missingObjectError(ctx);
  return obj;
}

/** `<Retention>`: Mode and RetainUntilDate together, or an empty document (removes the retention). */
export function parseRetention(xml: string, now: Date): ObjectRetention | null {
  const root = parseXml(xml, 'Retention');
  if (Object.keys(root).some((k) => k !== 'Mode' && k !== 'RetainUntilDate')) throw s3Error('MalformedXML');
  const mode = childText(root, 'Mode')?.trim();
  const until = childText(root, 'RetainUntilDate')?.trim();
  if (mode === undefined && until === undefined) return null;
  if (mode === undefined || until === undefined || !MODES.includes(mode as ObjectLockMode)) throw s3Error('MalformedXML');
  const date = parseRetainUntil(until);
  if (date === undefined) throw s3Error('MalformedXML');
  if (date.getTime() <= now.getTime()) throw invalidArgument(IN_THE_PAST, 'RetainUntilDate', until);
  return { mode: mode as ObjectLockMode, retainUntil: date };
}

/** `<LegalHold><Status>ON|OFF</Status></LegalHold>`. */
export function parseLegalHold(xml: string): boolean {
  const root = parseXml(xml, 'LegalHold');
  const status = childText(root, 'Status')?.trim();
  if (Object.keys(root).some((k) => k !== 'Status') || (status !== 'ON' && status !== 'OFF')) throw s3Error('MalformedXML');
  return status === 'ON';
}

/** Applies a lock change through the store, which checks Object Lock's rules in the same transaction. */
async function updateLock(ctx: S3Context, obj: ObjectRecord, change: Pick<ObjectLockUpdate, 'retention' | 'legalHold' | 'bypassGovernance'>) {
  const bucket = requireBucket(ctx);
  const outcome = await ctx.deps.storage.objects.putObjectLock({
    bucket: bucket.name,
    key: obj.key,
    versionId: obj.versionId,
    ...change,
    now: ctx.deps.now(),
  });
  if (outcome.outcome === 'ObjectLocked') throw objectLockedError();
  if (outcome.outcome === 'NotFound') throw await missingObjectError(ctx);
  return emptyResponse(200, versionHeader(bucket, obj.versionId));
}

/**
 * PutObjectRetention: s3:PutObjectRetention; shortening or removing a GOVERNANCE retention also takes
 * the bypass header with s3:BypassGovernanceRetention. The body needs Content-MD5 or a checksum.
 */
export const preparePutObjectRetention: OperationHandler = async (ctx) => {
  requestedVersionId(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const now = ctx.deps.now();
  const retention = parseRetention(body.toString('utf8'), now);
  const context = retention === null ? {} : objectLockContext({ retention }, now);
  const bypass = governanceBypassCheck(ctx);
  return prepared(
    [objectCheck(ctx, 's3:PutObjectRetention', context)],
    async (advice) => updateLock(ctx, await addressedObject(ctx), { retention, bypassGovernance: bypass.length > 0 && advisedAllow(advice, 0) }),
    { advisoryChecks: bypass },
  );
};

export const prepareGetObjectRetention: OperationHandler = async (ctx) =>
  prepared([objectCheck(ctx, 's3:GetObjectRetention')], async () => {
    const obj = await addressedObject(ctx);
    const r = obj.objectLock?.retention;
    if (r === undefined) throw s3Error('NoSuchObjectLockConfiguration');
    return xmlResponse('Retention', { Mode: r.mode, RetainUntilDate: r.retainUntil.toISOString() });
  });

export const preparePutObjectLegalHold: OperationHandler = async (ctx) => {
  requestedVersionId(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const legalHold = parseLegalHold(body.toString('utf8'));
  return prepared([objectCheck(ctx, 's3:PutObjectLegalHold', objectLockContext({ legalHold }, ctx.deps.now()))], async () =>
    updateLock(ctx, await addressedObject(ctx), { legalHold, bypassGovernance: false }),
  );
};

export const prepareGetObjectLegalHold: OperationHandler = async (ctx) =>
  prepared([objectCheck(ctx, 's3:GetObjectLegalHold')], async () => {
    const obj = await addressedObject(ctx);
    const hold = obj.objectLock?.legalHold;
    if (hold === undefined) throw s3Error('NoSuchObjectLockConfiguration');
    return xmlResponse('LegalHold', { Status: hold ? 'ON' : 'OFF' });
  });
