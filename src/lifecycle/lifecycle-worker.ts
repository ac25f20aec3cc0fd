/**
 * The lifecycle worker: a background job (server/background-jobs.ts) that applies every bucket's
 * lifecycle rules. Each bucket is scanned once per lifecycle day (lifecycle-progress.ts): its versions
 * in key order (expiring current versions, noncurrent versions and expired delete markers), then its
 * multipart uploads (AbortIncompleteMultipartUpload). A pass does a bounded amount of work (versions
 * and milliseconds) and returns; the cursor is saved, so the next pass — or the next process after a
 * restart — goes on from there. Every change goes through LifecycleActions, one small transaction each,
 * and is reported to `onAction` (the structured log line today, the audit trail later).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
 */
import type { BackgroundJob, PassContext, PassResult } from '../server/background-jobs.js';
import type { BackgroundStore, BucketRecord, ListedVersion, S3Storage } from '../storage/ports.js';
import { dueVersionActions, uploadAbort, type VersionAction, type VersionFacts } from './evaluate-rules.js';
import type { LifecycleActionOutcome, LifecycleActions } from './lifecycle-actions.js';
import type { LifecycleDays } from './lifecycle-days.js';
import { finishScan, LIFECYCLE_JOB, ProgressBook, scanDue, startScan, type BucketProgress } from './lifecycle-progress.js';
import type { LifecycleRule } from './lifecycle-rule.js';

export { LIFECYCLE_JOB } from './lifecycle-progress.js';

/** One change the worker made (or tried): what the audit trail will record. */
export interface LifecycleActionEvent {
  readonly bucket: string;
  readonly key: string;
  readonly action: VersionAction['kind'] | 'AbortIncompleteMultipartUpload';
  /** The version or delete marker acted on (null: the null version); absent for uploads. */
  readonly versionId?: string | null;
  readonly uploadId?: string;
  readonly ruleId: string;
  readonly outcome: LifecycleActionOutcome;
  /** Why the change failed (outcome `Failed`). */
  readonly error?: string;
  readonly at: Date;
}

export interface LifecycleWorkerOptions {
  readonly storage: Pick<S3Storage, 'buckets' | 'objects' | 'multipart'>;
  readonly background: BackgroundStore;
  readonly actions: LifecycleActions;
  readonly days: LifecycleDays;
  readonly now: () => Date;
  readonly onAction: (event: LifecycleActionEvent) => void;
  /** Work per pass: versions and uploads looked at, and milliseconds. */
  readonly budget?: { readonly items: number; readonly ms: number };
  /** A scan's cursor is saved at least this often (and whenever a bucket's scan ends). */
  readonly saveEveryMs?: number;
}

const DEFAULT_BUDGET = { items: 1000, ms: 25 };
/** Versions or uploads per listing page. */
const PAGE = 1000;

/** What is left of a pass's budget. */
class Budget {
  private items: number;
  private readonly deadline: number;

  constructor(limits: { items: number; ms: number }) {
    this.items = limits.items;
    this.deadline = performance.now() + limits.ms;
  }

  spend(n: number): void {
    this.items -= n;
  }

  /** A page size for the next listing: what is left, 1..PAGE. */
  get page(): number {
    return Math.min(PAGE, Math.max(1, this.items));
  }

  get exhausted(): boolean {
    return this.items <= 0 || performance.now() >= this.deadline;
  }
}

type RuleAction = (r: LifecycleRule) => unknown;
const VERSION_ACTIONS: RuleAction = (r) => r.expiration ?? r.noncurrentVersionExpiration;
const UPLOAD_ACTIONS: RuleAction = (r) => r.abortIncompleteMultipartUpload;

function hasEnabled(rules: readonly LifecycleRule[], what: RuleAction): boolean {
  return rules.some((r) => r.status === 'Enabled' && what(r) !== undefined);
}

export function versionFacts(v: ListedVersion): VersionFacts {
  if (v.kind === 'DeleteMarker') {
    const m = v.marker;
    return { versionId: m.versionId, isDeleteMarker: true, lastModified: m.lastModified, size: 0, etag: '', tags: [] };
  }
  const o = v.object;
  const { versionId, lastModified, size, etag, tags } = o;
  return { versionId, isDeleteMarker: false, lastModified, size, etag, tags };
}

interface KeyGroup {
  readonly key: string;
  readonly versions: VersionFacts[];
}

interface KeyPage {
  readonly groups: KeyGroup[];
  /** Where the next page starts (after every version of this key); undefined: the listing is done. */
  readonly nextKeyMarker?: string;
}

export class LifecycleWorker implements BackgroundJob {
  readonly name = LIFECYCLE_JOB;
  private readonly book: ProgressBook;
  /** The bucket the last pass stopped in (its budget ran out there). */
  private resumeBucket: string | undefined;
  /** The day boundary of the last pruning of progress records. */
  private prunedAt = -1;

  constructor(private readonly options: LifecycleWorkerOptions) {
    this.book = new ProgressBook(options.background, { saveEveryMs: options.saveEveryMs ?? 2_000, now: options.now });
  }

  async runPass(ctx: PassContext): Promise<PassResult> {
    const budget = new Budget(this.options.budget ?? DEFAULT_BUDGET);
    let name = this.resumeBucket ?? (await this.nextBucket(''));
    while (name !== undefined) {
      if (ctx.signal.aborted) return 'More';
      if ((await this.visitBucket(name, budget, ctx.signal)) === 'OutOfBudget') {
        this.resumeBucket = name;
        return 'More';
      }
      name = await this.nextBucket(name);
    }
    this.resumeBucket = undefined;
    await this.pruneDaily();
    return 'Idle';
  }

  private async nextBucket(after: string): Promise<string | undefined> {
    return (await this.options.background.bucketsWithLifecycle(after, 1))[0];
  }

  /** Once a lifecycle day: the progress of buckets that were deleted or lost their rules goes. */
  private async pruneDaily(): Promise<void> {
    const boundary = this.options.days.boundaryAtOrBefore(this.options.now().getTime());
    if (boundary === this.prunedAt) return;
    this.prunedAt = boundary;
    await this.book.prune(async (name) => (await this.options.storage.buckets.getBucket(name))?.lifecycle !== undefined);
  }

  /** Works on one bucket until its scan for this day is done ('Done') or the budget runs out. */
  private async visitBucket(name: string, budget: Budget, signal: AbortSignal): Promise<'Done' | 'OutOfBudget'> {
    const bucket = await this.options.storage.buckets.getBucket(name);
    const rules = bucket?.lifecycle?.rules;
    if (bucket === undefined || rules === undefined) return 'Done';
    let progress = await this.book.load(bucket);
    const now = this.options.now().getTime();
    if (scanDue(progress, now, this.options.days)) {
      if (hasEnabled(rules, VERSION_ACTIONS)) progress = startScan(progress, now, 'Versions');
      else if (hasEnabled(rules, UPLOAD_ACTIONS)) progress = startScan(progress, now, 'Uploads');
      else progress = finishScan(startScan(progress, now, 'Versions')); // nothing to do: transitions, disabled rules
    }
    while (progress.scan !== undefined) {
      if (budget.exhausted || signal.aborted) {
        await this.book.save(bucket, progress, { force: signal.aborted });
        return 'OutOfBudget';
      }
      const step = progress.scan.phase === 'Versions' ? this.versionsStep : this.uploadsStep;
      progress = await step.call(this, bucket, progress, budget);
    }
    await this.book.save(bucket, progress, { force: true });
    return 'Done';
  }

  /** One page of versions: the actions due for each whole key in it, then the cursor past them. */
  private async versionsStep(bucket: BucketRecord, progress: BucketProgress, budget: Budget): Promise<BucketProgress> {
    const scan = progress.scan!;
    const rules = bucket.lifecycle?.rules ?? [];
    const page = await this.keyGroups(bucket.name, scan.keyMarker, budget.page);
    const now = this.options.now();
    for (const group of page.groups) {
      budget.spend(group.versions.length);
      for (const action of dueVersionActions(rules, group.key, group.versions, now.getTime(), this.options.days)) {
        await this.apply(bucket, group.key, action, now);
      }
    }
    if (page.nextKeyMarker !== undefined) return { ...progress, scan: { ...scan, keyMarker: page.nextKeyMarker } };
    return hasEnabled(rules, UPLOAD_ACTIONS) ? { ...progress, scan: { ...scan, phase: 'Uploads' } } : finishScan(progress);
  }

  /**
   * Versions after `keyMarker`, grouped by key, only whole keys: a page that ends inside a key leaves
   * that key to the next page, unless it is the page's only key (then its versions are read to the end).
   */
  private async keyGroups(bucket: string, keyMarker: string, maxKeys: number): Promise<KeyPage> {
    const objects = this.options.storage.objects;
    const page = await objects.listObjectVersions({ bucket, prefix: '', delimiter: '', keyMarker, maxKeys });
    const groups = groupByKey(page.versions);
    if (!page.isTruncated) return { groups };
    if (groups.length > 1) {
      groups.pop();
      return { groups, nextKeyMarker: groups[groups.length - 1].key };
    }
    const only = groups[0];
    let versionIdMarker = page.nextVersionIdMarker;
    for (;;) {
      const query = { bucket, prefix: '', delimiter: '', keyMarker: only.key, versionIdMarker, maxKeys: PAGE };
      const more = await objects.listObjectVersions(query);
      const same = more.versions.filter((v) => versionKey(v) === only.key);
      only.versions.push(...same.map(versionFacts));
      // Other keys follow: resume after this one (the ones read here are read again then).
      if (same.length < more.versions.length) return { groups, nextKeyMarker: only.key };
      if (!more.isTruncated) return { groups };
      versionIdMarker = more.nextVersionIdMarker;
    }
  }

  private async uploadsStep(bucket: BucketRecord, progress: BucketProgress, budget: Budget): Promise<BucketProgress> {
    const scan = progress.scan!;
    const page = await this.options.storage.multipart.listUploads({
      bucket: bucket.name,
      prefix: '',
      delimiter: '',
      keyMarker: scan.uploadKeyMarker,
      uploadIdMarker: scan.uploadIdMarker,
      maxUploads: budget.page,
    });
    budget.spend(page.uploads.length);
    const now = this.options.now();
    for (const upload of page.uploads) {
      const { key, uploadId, initiatedAt } = upload;
      const due = uploadAbort(bucket.lifecycle?.rules ?? [], key, initiatedAt.getTime(), this.options.days);
      if (due === undefined || due.at > now.getTime()) continue;
      const result = await attempt(() => this.options.actions.abortUpload(bucket, upload));
      const action = 'AbortIncompleteMultipartUpload';
      this.report({ bucket: bucket.name, key, action, uploadId, ruleId: due.ruleId, ...result, at: now });
    }
    if (!page.isTruncated) return finishScan(progress);
    const markers = { uploadKeyMarker: page.nextKeyMarker ?? '', uploadIdMarker: page.nextUploadIdMarker ?? '' };
    return { ...progress, scan: { ...scan, ...markers } };
  }

  private async apply(bucket: BucketRecord, key: string, action: VersionAction, at: Date): Promise<void> {
    const { actions } = this.options;
    const result = await attempt(() =>
      action.kind === 'ExpireCurrent'
        ? actions.expireCurrent(bucket, key, action.version, at)
        : actions.deleteVersion(bucket, key, action.version, at),
    );
    const versionId = action.version.versionId;
    this.report({ bucket: bucket.name, key, action: action.kind, versionId, ruleId: action.due.ruleId, ...result, at });
  }

  private report(event: LifecycleActionEvent): void {
    try {
      this.options.onAction(event);
    } catch {
      // a reporting hook never stops the pass
    }
  }
}

/**
 * One change, whose failure does not stop the scan: a version that cannot be deleted today (a storage
 * error) must not hold back every key after it. It is reported, and the next day's scan tries again.
 */
type Attempt = { readonly outcome: LifecycleActionOutcome; readonly error?: string };

async function attempt(change: () => Promise<LifecycleActionOutcome>): Promise<Attempt> {
  try {
    return { outcome: await change() };
  } catch (e) {
    return { outcome: 'Failed', error: e instanceof Error ? e.message : String(e) };
  }
}

function versionKey(v: ListedVersion): string {
  return v.kind === 'Object' ? v.object.key : v.marker.key;
}

function groupByKey(versions: readonly ListedVersion[]): KeyGroup[] {
  const groups: KeyGroup[] = [];
  for (const v of versions) {
    const key = versionKey(v);
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === key) last.versions.push(versionFacts(v));
    else groups.push({ key, versions: [versionFacts(v)] });
  }
  return groups;
}
