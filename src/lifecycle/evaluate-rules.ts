/**
 * When each lifecycle action falls due for an object version, a delete marker or a multipart upload:
 * pure functions of the rules, the facts of the version and the lifecycle day (no clock, no I/O).
 * "How Amazon S3 lifecycle rules are evaluated": of several applicable rules the earliest-due action
 * wins ("if two expiration policies overlap, the shorter expiration policy is honored"); a disabled
 * rule does nothing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-conflicts.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
 */
import type { LifecycleDays } from './lifecycle-days.js';
import type { LifecycleRule, LifecycleRuleFilter } from './lifecycle-rule.js';

/** What a rule's filter reads of a version: a delete marker has no tags and size 0, as has an upload. */
export interface LifecycleSubject {
  readonly key: string;
  readonly size: number;
  readonly tags: readonly (readonly [string, string])[];
}

/** An action's due time (ms since the epoch, a day boundary) and the rule that sets it. */
export interface Due {
  readonly at: number;
  readonly ruleId: string;
}

function filterMatches(f: LifecycleRuleFilter, s: LifecycleSubject): boolean {
  if (f.prefix !== undefined && !s.key.startsWith(f.prefix)) return false;
  if (f.objectSizeGreaterThan !== undefined && !(s.size > f.objectSizeGreaterThan)) return false;
  if (f.objectSizeLessThan !== undefined && !(s.size < f.objectSizeLessThan)) return false;
  return (f.tags ?? []).every((t) => s.tags.some(([k, v]) => k === t.key && v === t.value));
}

/** Whether an enabled rule's filter (or legacy prefix) selects this subject. */
export function ruleApplies(rule: LifecycleRule, s: LifecycleSubject): boolean {
  if (rule.status !== 'Enabled') return false;
  if (rule.filter !== undefined) return filterMatches(rule.filter, s);
  return s.key.startsWith(rule.prefix ?? '');
}

type Rules = readonly LifecycleRule[];

function earliest(rules: Rules, s: LifecycleSubject, dueOf: (r: LifecycleRule) => number | undefined): Due | undefined {
  let best: Due | undefined;
  for (const rule of rules) {
    if (!ruleApplies(rule, s)) continue;
    const at = dueOf(rule);
    if (at !== undefined && (best === undefined || at < best.at)) best = { at, ruleId: rule.id };
  }
  return best;
}

/**
 * When the current version (an object, not a delete marker) created at `created` expires: `Days` after
 * its creation, rounded up to a day boundary, or on the rule's `Date` (objects created after the date
 * are due at once).
 */
export function currentExpiration(rules: Rules, s: LifecycleSubject, created: number, days: LifecycleDays): Due | undefined {
  return earliest(rules, s, (r) => {
    const e = r.expiration;
    if (e?.days !== undefined) return days.after(created, e.days);
    if (e?.date !== undefined) return Date.parse(e.date);
    return undefined;
  });
}

/**
 * When a noncurrent version is permanently deleted. `since` is when it became noncurrent — "the time
 * when its successor was created" (How Amazon S3 calculates when an object became noncurrent);
 * `newerNoncurrent` counts the key's noncurrent versions newer than it (delete markers included). With
 * NewerNoncurrentVersions N the N newest noncurrent versions are kept whatever their age; the others
 * go once NoncurrentDays have passed.
 */
export function noncurrentExpiration(
  rules: Rules,
  s: LifecycleSubject,
  since: number,
  newerNoncurrent: number,
  days: LifecycleDays,
): Due | undefined {
  return earliest(rules, s, (r) => {
    const n = r.noncurrentVersionExpiration;
    if (n === undefined) return undefined;
    if (n.newerNoncurrentVersions !== undefined && newerNoncurrent < n.newerNoncurrentVersions) return undefined;
    return days.after(since, n.noncurrentDays);
  });
}

/**
 * When an "expired object delete marker" (a current delete marker with no noncurrent version left)
 * created at `created` is removed: under ExpiredObjectDeleteMarker at the first boundary after it was
 * made; under an Expiration of Days once it is that old ("When you specify the Days tag, Amazon S3
 * automatically performs ExpiredObjectDeleteMarker cleanup when the delete markers are old enough").
 */
export function deleteMarkerExpiration(rules: Rules, key: string, created: number, days: LifecycleDays): Due | undefined {
  return earliest(rules, { key, size: 0, tags: [] }, (r) => {
    const e = r.expiration;
    if (e?.expiredObjectDeleteMarker === true) return days.after(created, 0);
    if (e?.days !== undefined) return days.after(created, e.days);
    return undefined;
  });
}

/** When an incomplete multipart upload initiated at `initiated` is aborted (AbortIncompleteMultipartUpload). */
export function uploadAbort(rules: Rules, key: string, initiated: number, days: LifecycleDays): Due | undefined {
  return earliest(rules, { key, size: 0, tags: [] }, (r) => {
    const a = r.abortIncompleteMultipartUpload;
    return a === undefined ? undefined : days.after(initiated, a.daysAfterInitiation);
  });
}

/** A version of a key as the lifecycle pass sees it. */
export interface VersionFacts {
  readonly versionId: string | null;
  readonly isDeleteMarker: boolean;
  readonly lastModified: Date;
  readonly size: number;
  readonly etag: string;
  readonly tags: readonly (readonly [string, string])[];
}

/** What a pass does to one version. */
export type VersionAction =
  /** The current version expires: a DeleteObject without a version id (a delete marker when versioned). */
  | { readonly kind: 'ExpireCurrent'; readonly version: VersionFacts; readonly due: Due }
  /** A noncurrent version (or noncurrent delete marker) is permanently deleted. */
  | { readonly kind: 'ExpireNoncurrent'; readonly version: VersionFacts; readonly due: Due }
  /** A current delete marker with no noncurrent version is removed. */
  | { readonly kind: 'RemoveExpiredDeleteMarker'; readonly version: VersionFacts; readonly due: Due };

/**
 * The actions due by `now` for one key, whose versions are given newest first (the first is the
 * current one). A key touched this pass is looked at again next pass (a delete marker left alone by
 * the expiry of its noncurrent versions goes then, as on AWS, where that also takes another run).
 */
export function dueVersionActions(
  rules: Rules,
  key: string,
  versions: readonly VersionFacts[],
  now: number,
  days: LifecycleDays,
): VersionAction[] {
  const out: VersionAction[] = [];
  const [current, ...noncurrent] = versions;
  if (current === undefined) return out;
  const subject = (v: VersionFacts): LifecycleSubject =>
    v.isDeleteMarker ? { key, size: 0, tags: [] } : { key, size: v.size, tags: v.tags };
  if (!current.isDeleteMarker) {
    const due = currentExpiration(rules, subject(current), current.lastModified.getTime(), days);
    if (due !== undefined && due.at <= now) out.push({ kind: 'ExpireCurrent', version: current, due });
  } else if (noncurrent.length === 0) {
    const due = deleteMarkerExpiration(rules, key, current.lastModified.getTime(), days);
    if (due !== undefined && due.at <= now) out.push({ kind: 'RemoveExpiredDeleteMarker', version: current, due });
  }
  noncurrent.forEach((v, i) => {
    const since = versions[i].lastModified.getTime();
    const due = noncurrentExpiration(rules, subject(v), since, i, days);
    if (due !== undefined && due.at <= now) out.push({ kind: 'ExpireNoncurrent', version: v, due });
  });
  return out;
}
