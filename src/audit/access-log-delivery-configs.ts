/**
 * The logging configuration of source buckets as access-log delivery sees it: a small cache in front
 * of the bucket store, so that recording a request costs a Map lookup, not a store read. An entry older
 * than the TTL is still answered (stale) while a refresh runs in the background: a logging change
 * takes effect within about the TTL, well inside what AWS promises ("changes to the logging
 * configuration ... can take up to an hour to take effect", ServerLogs.html#LogDeliveryBestEffort).
 */
import { canonicalUserId } from '../identity/canonical-user.js';
import type { BucketRecord } from '../storage/ports.js';
import type { BucketLoggingConfig } from './access-log-config.js';

/** What delivery needs of a source bucket. `logging` undefined: logging off, or no such bucket. */
export interface SourceBucketLogging {
  readonly logging?: BucketLoggingConfig;
  readonly ownerAccountId: string;
  /** The owner's canonical user id (the log line's first field), computed once per read. */
  readonly ownerCanonicalId: string;
  readonly region: string;
}

export interface LoggingConfigsOptions {
  readonly getBucket: (name: string) => Promise<BucketRecord | undefined>;
  readonly now: () => Date;
  readonly ttlMs: number;
  /** Entries kept; past this the cache starts over (buckets are re-read on their next request). */
  readonly maxEntries: number;
  readonly onError: (bucket: string, err: unknown) => void;
}

interface Entry {
  readonly value: SourceBucketLogging | undefined;
  readonly fetchedAt: number;
  refreshing: boolean;
}

export type CachedLogging =
  | { readonly kind: 'Known'; readonly value: SourceBucketLogging | undefined }
  /** Not cached yet: `loaded` resolves once it is (never rejects). */
  | { readonly kind: 'Loading'; readonly loaded: Promise<SourceBucketLogging | undefined> };

export class LoggingConfigs {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<SourceBucketLogging | undefined>>();

  constructor(private readonly options: LoggingConfigsOptions) {}

  /** Synchronous when cached (stale entries too, refreshed behind); otherwise a load to wait for. */
  get(bucket: string): CachedLogging {
    const entry = this.entries.get(bucket);
    if (entry === undefined) return { kind: 'Loading', loaded: this.load(bucket) };
    if (!entry.refreshing && this.options.now().getTime() - entry.fetchedAt >= this.options.ttlMs) {
      entry.refreshing = true;
      void this.load(bucket);
    }
    return { kind: 'Known', value: entry.value };
  }

  /** Forgets a bucket (its configuration changed here): the next request reads it again. */
  invalidate(bucket: string): void {
    this.entries.delete(bucket);
  }

  private load(bucket: string): Promise<SourceBucketLogging | undefined> {
    const inFlight = this.loading.get(bucket);
    if (inFlight !== undefined) return inFlight;
    const loaded = this.read(bucket).finally(() => this.loading.delete(bucket));
    this.loading.set(bucket, loaded);
    return loaded;
  }

  private async read(bucket: string): Promise<SourceBucketLogging | undefined> {
    let value: SourceBucketLogging | undefined;
    try {
      const record = await this.options.getBucket(bucket);
      value = record === undefined ? undefined : sourceOf(record);
    } catch (err) {
      this.options.onError(bucket, err);
      // Keep what was known; a bucket never read counts as not logging until the next attempt.
      const previous = this.entries.get(bucket);
      if (previous !== undefined) previous.refreshing = false;
      return previous?.value;
    }
    if (this.entries.size >= this.options.maxEntries && !this.entries.has(bucket)) this.entries.clear();
    this.entries.set(bucket, { value, fetchedAt: this.options.now().getTime(), refreshing: false });
    return value;
  }
}

function sourceOf(bucket: BucketRecord): SourceBucketLogging {
  return {
    ownerAccountId: bucket.ownerAccountId,
    ownerCanonicalId: canonicalUserId(bucket.ownerAccountId),
    region: bucket.region,
    ...(bucket.logging === undefined ? {} : { logging: bucket.logging }),
  };
}
