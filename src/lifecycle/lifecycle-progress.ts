/**
 * How far the lifecycle worker has got in a bucket, kept in the BackgroundStore (one JSON state per
 * bucket) so a restart resumes where it stopped instead of starting the bucket over.
 *
 * A bucket is scanned in full once per lifecycle day: every action falls due on a day boundary
 * (lifecycle-days.ts), so a scan that starts after the latest boundary sees everything due by then.
 * A new configuration (other rules) or a new bucket of the same name starts a new scan at once.
 */
import { createHash } from 'node:crypto';
import type { BackgroundStore, BucketRecord } from '../storage/ports.js';
import type { LifecycleDays } from './lifecycle-days.js';

export const LIFECYCLE_JOB = 'lifecycle';

export type ScanPhase = 'Versions' | 'Uploads';

export interface BucketProgress {
  /** The bucket this is about: its creation time (a deleted and re-created bucket starts afresh)... */
  readonly bucketCreatedAt: number;
  /** ...and a digest of its rules (new rules: a new scan). */
  readonly rules: string;
  /** The scan in progress: when it started, its phase and where it is. */
  readonly scan?: {
    readonly startedAt: number;
    readonly phase: ScanPhase;
    /** Versions: resume after every version of this key. */
    readonly keyMarker: string;
    /** Uploads: resume after this upload. */
    readonly uploadKeyMarker: string;
    readonly uploadIdMarker: string;
  };
  /** When the last complete scan started (everything due by then has been done). */
  readonly lastScanStartedAt?: number;
}

export function rulesDigest(bucket: BucketRecord): string {
  return createHash('sha256').update(JSON.stringify(bucket.lifecycle?.rules ?? [])).digest('base64url').slice(0, 22);
}

/** A stored state, or a fresh one when there is none, it is unreadable, or it is about another bucket or rules. */
export function progressFor(bucket: BucketRecord, stored: string | undefined): BucketProgress {
  const fresh: BucketProgress = { bucketCreatedAt: bucket.createdAt.getTime(), rules: rulesDigest(bucket) };
  if (stored === undefined) return fresh;
  try {
    const p = JSON.parse(stored) as BucketProgress;
    return p.bucketCreatedAt === fresh.bucketCreatedAt && p.rules === fresh.rules ? p : fresh;
  } catch {
    return fresh;
  }
}

/** Whether a new scan should start now: none ran since the latest day boundary. */
export function scanDue(progress: BucketProgress, now: number, days: LifecycleDays): boolean {
  if (progress.scan !== undefined) return false;
  return progress.lastScanStartedAt === undefined || progress.lastScanStartedAt < days.boundaryAtOrBefore(now);
}

export function startScan(progress: BucketProgress, now: number, first: ScanPhase): BucketProgress {
  const scan = { startedAt: now, phase: first, keyMarker: '', uploadKeyMarker: '', uploadIdMarker: '' };
  return { ...progress, scan };
}

export function finishScan(progress: BucketProgress): BucketProgress {
  const { scan, ...rest } = progress;
  return { ...rest, lastScanStartedAt: scan?.startedAt ?? progress.lastScanStartedAt };
}

/**
 * Loads and saves bucket progress. Saves of a scan in progress are spaced `saveEveryMs` apart (a
 * shared metadata database: every commit makes the other worker processes drop their caches); the
 * end of a scan, and a pass stopped by shutdown, are saved at once. Progress not saved yet is kept
 * here, and used while the store still holds what this process last wrote (another process that
 * held the lease meanwhile would have written since).
 */
interface KeptProgress {
  /** What the store held when this process last read or wrote it. */
  readonly stored: string | undefined;
  progress: BucketProgress;
  savedAt: number;
}

export class ProgressBook {
  private readonly kept = new Map<string, KeptProgress>();

  constructor(
    private readonly store: BackgroundStore,
    private readonly options: { readonly saveEveryMs: number; readonly now: () => Date },
  ) {}

  async load(bucket: BucketRecord): Promise<BucketProgress> {
    const stored = await this.store.getProgress(LIFECYCLE_JOB, bucket.name);
    const mine = this.kept.get(bucket.name);
    if (mine !== undefined && mine.stored === stored) return progressFor(bucket, JSON.stringify(mine.progress));
    this.kept.delete(bucket.name);
    return progressFor(bucket, stored);
  }

  async save(bucket: BucketRecord, progress: BucketProgress, opts: { readonly force: boolean }): Promise<void> {
    const now = performance.now();
    const mine = this.kept.get(bucket.name);
    if (!opts.force && mine !== undefined && now - mine.savedAt < this.options.saveEveryMs) {
      mine.progress = progress;
      return;
    }
    const text = JSON.stringify(progress);
    await this.store.putProgress(LIFECYCLE_JOB, bucket.name, text, this.options.now());
    this.kept.set(bucket.name, { stored: text, progress, savedAt: now });
  }

  /** Forgets the progress of buckets `keep` refuses (deleted, or without lifecycle rules now). */
  async prune(keep: (bucket: string) => Promise<boolean>): Promise<void> {
    for (const scope of await this.store.listProgressScopes(LIFECYCLE_JOB)) {
      if (await keep(scope)) continue;
      await this.store.putProgress(LIFECYCLE_JOB, scope, undefined, this.options.now());
      this.kept.delete(scope);
    }
  }
}
