/**
 * Object Lock's rules, as the stores apply them inside the transaction that deletes a version or
 * changes its retention: a version under a legal hold, or within a retention period, cannot be
 * deleted — in COMPLIANCE mode by anyone, the account root included; in GOVERNANCE mode only by a
 * caller who bypasses governance retention. A retention period can always be lengthened; shortening
 * or removing it, or weakening COMPLIANCE to GOVERNANCE, is refused while it runs (GOVERNANCE: unless
 * bypassed). https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
 *
 * In a bucket with Object Lock, versioning stays Enabled (it cannot be suspended), so no write ever
 * replaces a version: deletion by version id (DeleteObject(s), lifecycle) is the only way one goes.
 */
import type { ObjectLockState, ObjectRetention } from './ports.js';

/** The retention still in force at `now`, if any. */
export function activeRetention(lock: ObjectLockState | undefined, now: Date): ObjectRetention | undefined {
  const r = lock?.retention;
  return r !== undefined && r.retainUntil.getTime() > now.getTime() ? r : undefined;
}

/** Whether a version with `lock` may be deleted now. */
export function mayDeleteVersion(lock: ObjectLockState | undefined, now: Date, bypassGovernance: boolean): boolean {
  if (lock === undefined) return true;
  if (lock.legalHold === true) return false;
  const r = activeRetention(lock, now);
  return r === undefined || (r.mode === 'GOVERNANCE' && bypassGovernance);
}

/** Whether a version's retention may change from `lock`'s to `next` (null: removed) now. */
export function mayChangeRetention(
  lock: ObjectLockState | undefined,
  next: ObjectRetention | null,
  now: Date,
  bypassGovernance: boolean,
): boolean {
  const current = activeRetention(lock, now);
  if (current === undefined) return true;
  if (current.mode === 'GOVERNANCE' && bypassGovernance) return true;
  if (next === null) return false;
  const notShorter = next.retainUntil.getTime() >= current.retainUntil.getTime();
  // COMPLIANCE stays COMPLIANCE; GOVERNANCE may become COMPLIANCE (stricter) or stay, never shorter.
  return notShorter && (current.mode === 'GOVERNANCE' || next.mode === 'COMPLIANCE');
}

/** The state after an update (undefined members stay); undefined when nothing is left. */
export function updatedLock(
  lock: ObjectLockState | undefined,
  change: { readonly retention?: ObjectRetention | null; readonly legalHold?: boolean },
): ObjectLockState | undefined {
  const retention = change.retention === undefined ? lock?.retention : (change.retention ?? undefined);
  const legalHold = change.legalHold ?? lock?.legalHold;
  const next: ObjectLockState = {
    ...(retention === undefined ? {} : { retention }),
    ...(legalHold === undefined ? {} : { legalHold }),
  };
  return next.retention === undefined && next.legalHold === undefined ? undefined : next;
}

/** The JSON column a store keeps a lock in (dates as ISO strings), and back. */
export function lockToJson(lock: ObjectLockState | undefined): string | null {
  if (lock === undefined) return null;
  const r = lock.retention;
  return JSON.stringify({
    ...(r === undefined ? {} : { mode: r.mode, retainUntil: r.retainUntil.toISOString() }),
    ...(lock.legalHold === undefined ? {} : { legalHold: lock.legalHold }),
  });
}

export function lockFromJson(json: string | null): ObjectLockState | undefined {
  if (json === null) return undefined;
  const j = JSON.parse(json) as { mode?: ObjectRetention['mode']; retainUntil?: string; legalHold?: boolean };
  return {
    ...(j.mode === undefined || j.retainUntil === undefined ? {} : { retention: { mode: j.mode, retainUntil: new Date(j.retainUntil) } }),
    ...(typeof j.legalHold === 'boolean' ? { legalHold: j.legalHold } : {}),
  };
}
