/**
 * Trail delivery (issue #16): the background job that writes each logging trail's events to its bucket
 * as CloudTrail log files, and with log file validation an hourly signed digest of them.
 * - Each pass, for every logging trail: read the delivery log after its cursor (`deliveredSeq`), keep
 *   the events recorded for it (the recorder selected them: trail-delivery-log.ts), and write one gzip `{"Records":[...]}` file per Region at
 *   CloudTrail's key, after checking the bucket policy lets `cloudtrail.amazonaws.com` write there
 *   (create-s3-bucket-policy-for-cloudtrail.html). Then the cursor advances.
 * - A refused delivery (no bucket, a policy that does not allow CloudTrail, an unusable KMS key) is
 *   recorded as GetTrailStatus shows it (LatestDeliveryError: the S3 error code) and the cursor stays,
 *   so the events are delivered once the bucket is fixed.
 * - Digests: every `digestPeriodMs` (an hour on AWS) a digest lists the files delivered since the
 *   previous one, linked to it and signed with the server's key; AWS delivers one even when no file
 *   was delivered, and so does this job.
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
 * One process runs background jobs (the lease in server/background-jobs.ts); a pass is safe to repeat.
 * Deviation from AWS: a crash between writing a log file and saving the cursor delivers its events
 * again in a new file (at least once, never lost); the unlisted first file is ignored by validation.
 * Deviation from AWS: a multi-Region trail keeps one digest chain, in its home Region, listing the
 * files of every Region (AWS keeps one chain per Region); `validate-logs` in the home Region checks all.
 * Deviation from AWS: an organization trail delivers as its own account's trail (no organization id
 * in the keys).
 */
import { randomInt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isServiceError } from '../errors/service-error.js';
import type { BucketRecord } from '../storage/ports.js';
import type { ServiceObjectWriter } from '../s3/service-object-writer.js';
import type { BackgroundJob, PassContext, PassResult } from '../server/background-jobs.js';
import type { AuditEventStore, PendingDigestFile, TrailDeliveryState, TrailRecord, TrailStore } from './audit-ports.js';
import { buildDigest, buildLogFile, sha256Hex, type DigestLogFileEntry } from './trail-digest.js';
import { isoSeconds } from './trail-keys.js';
import { trailArn } from './trail-delivery-selection.js';
import { deliveryEntries, trailKey, type DeliveryEntry } from './trail-delivery-log.js';

/** The signature of `checkTrailBucketAccess` (src/cloudtrail/trail-bucket-access.ts). */
export type TrailBucketAccessCheck = (
  deps: { getBucket(name: string): Promise<BucketRecord | undefined> },
  input: { bucket: string; keyPrefix?: string; accountId: string; region: string; trailArn: string },
) => Promise<'Allowed' | 'NoSuchBucket' | 'Denied'>;

export interface TrailDeliveryDeps {
  readonly events: Pick<AuditEventStore, 'deliveryAfter' | 'lastSeq'>;
  readonly trails: Pick<TrailStore, 'logging' | 'update'>;
  readonly writer: ServiceObjectWriter;
  readonly getBucket: (name: string) => Promise<BucketRecord | undefined>;
  readonly checkBucketAccess: TrailBucketAccessCheck;
  /** The server's digest signing key (trail-signing-key.ts). */
  readonly signingKey: { readonly privateKey: KeyObject };
  readonly now: () => Date;
  /** Told about a trail whose pass failed unexpectedly (the other trails go on). */
  readonly onError?: (error: unknown, trail: TrailRecord) => void;
  /** CloudTrail's 16 random alphanumerics in log file names; injected for tests. */
  readonly uniqueString?: () => string;
}

export interface TrailDeliveryOptions {
  /** How often trails deliver: about every 5 minutes on AWS; default 60 s. */
  readonly deliveryIntervalMs?: number;
  /** How often a digest is written: hourly on AWS (the default); tests use seconds. */
  readonly digestPeriodMs?: number;
  /** Events read per trail per pass: a longer backlog is delivered in several files, pass after pass. */
  readonly maxEventsPerFile?: number;
}

export const DEFAULT_DELIVERY_INTERVAL_MS = 60_000;
export const DEFAULT_DIGEST_PERIOD_MS = 3_600_000;
const DEFAULT_MAX_EVENTS_PER_FILE = 2_000;
/** Digest names have whole seconds: two digests of a trail must be at least a second apart. */
const MIN_DIGEST_PERIOD_MS = 1_000;

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomUniqueString = (): string =>
  Array.from({ length: 16 }, () => ALPHANUMERICS[randomInt(ALPHANUMERICS.length)]).join('');

const LOG_OBJECT = { contentType: 'application/json', contentEncoding: 'gzip' } as const;

/** A refusal, with the S3 error code GetTrailStatus reports. */
class DeliveryRefused extends Error {
  constructor(readonly code: string) { super(code); }
}

export class TrailDelivery implements BackgroundJob {
  readonly name = 'trail-delivery';
  private readonly intervalMs: number;
  private readonly digestPeriodMs: number;
  private readonly maxEvents: number;
  private lastPassAt: number | undefined;
  private backlog = false;

  constructor(private readonly deps: TrailDeliveryDeps, options: TrailDeliveryOptions = {}) {
    this.intervalMs = options.deliveryIntervalMs ?? DEFAULT_DELIVERY_INTERVAL_MS;
    this.digestPeriodMs = Math.max(MIN_DIGEST_PERIOD_MS, options.digestPeriodMs ?? DEFAULT_DIGEST_PERIOD_MS);
    this.maxEvents = options.maxEventsPerFile ?? DEFAULT_MAX_EVENTS_PER_FILE;
  }

  /** Delivers when the interval has passed (or a backlog remains); 'More' while a trail has a backlog. */
  async runPass(ctx: PassContext): Promise<PassResult> {
    const now = this.deps.now();
    const early = this.lastPassAt !== undefined && now.getTime() - this.lastPassAt < this.intervalMs;
    if (!this.backlog && early) return 'Idle';
    this.lastPassAt = now.getTime();
    let backlog = false;
    for (const trail of this.deps.trails.logging()) {
      if (ctx.signal.aborted) break;
      try {
        backlog = (await this.deliverTrail(trail, now)) || backlog;
      } catch (error) {
        this.deps.onError?.(error, trail);
      }
    }
    this.backlog = backlog;
    return backlog ? 'More' : 'Idle';
  }

  /** One trail's pass; true when more of the delivery log waits after what it read. */
  private async deliverTrail(trail: TrailRecord, now: Date): Promise<boolean> {
    const read = this.deps.events.deliveryAfter(trail.delivery.deliveredSeq, this.maxEvents);
    const key = trailKey(trail);
    const selected = read.flatMap((batch) => deliveryEntries(batch.lines, key));
    let delivery = trail.delivery;
    const lastSeq = read.at(-1)?.seq;
    if (selected.length > 0) {
      delivery = await this.deliverLogFiles(trail, delivery, selected, { now, lastSeq: lastSeq as number });
    } else if (lastSeq !== undefined) {
      delivery = { ...delivery, deliveredSeq: lastSeq };
    }
    delivery = trail.logFileValidationEnabled ? await this.digestIfDue(trail, delivery, now) : withoutChain(delivery);
    if (delivery !== trail.delivery) this.save(trail, delivery);
    return delivery.deliveredSeq !== trail.delivery.deliveredSeq && delivery.deliveredSeq < this.deps.events.lastSeq();
  }

  /** Writes one file per Region; the new state (cursor advanced), or the refusal recorded. */
  private async deliverLogFiles(trail: TrailRecord, delivery: TrailDeliveryState, events: readonly DeliveryEntry[],
    at: { now: Date; lastSeq: number }): Promise<TrailDeliveryState> {
    const { now } = at;
    const attempt = { ...delivery, latestDeliveryAttemptTime: now };
    const delivered: PendingDigestFile[] = [];
    try {
      await this.requireAccess(trail);
      for (const [region, records] of byRegion(events)) {
        const location = { bucket: trail.s3BucketName, prefix: trail.s3KeyPrefix, accountId: trail.accountId, region };
        const uniqueString = (this.deps.uniqueString ?? randomUniqueString)();
        const file = await buildLogFile({ location, deliveredAt: now, uniqueString, records });
        await this.deps.writer.put({ bucket: file.bucket, key: file.key, body: file.body, ...LOG_OBJECT,
          ...kmsKeyOf(trail) });
        delivered.push({ bucket: file.bucket, key: file.key, sha256Hex: sha256Hex(file.content),
          oldestEventTime: new Date(file.oldestEventTime as string),
          newestEventTime: new Date(file.newestEventTime as string) });
      }
    } catch (error) {
      return { ...attempt, latestDeliveryError: refusalCode(error) };
    }
    const { latestDeliveryError: _cleared, ...rest } = attempt;
    const pending = trail.logFileValidationEnabled ? [...(delivery.pendingDigestFiles ?? []), ...delivered] : undefined;
    return { ...rest, deliveredSeq: at.lastSeq, latestDeliveryTime: now, latestDeliveryAttemptSucceeded: now,
      ...(pending === undefined ? {} : { pendingDigestFiles: pending }) };
  }

  /**
   * The digest of the period that ends now, when it is due: it lists the files delivered since the
   * previous digest and links to it. A chain starts again (no link) when logging was restarted after
   * the previous digest, as CloudTrail's does ("validate-logs" then reports the gap).
   */
  private async digestIfDue(trail: TrailRecord, delivery: TrailDeliveryState, now: Date): Promise<TrailDeliveryState> {
    const restarted = trail.startLoggingTime !== undefined && delivery.previousDigest !== undefined
      && delivery.previousDigest.endTime < trail.startLoggingTime;
    const previous = restarted ? undefined : delivery.previousDigest;
    const start = previous?.endTime ?? trail.startLoggingTime ?? trail.createdAt;
    const end = new Date(Math.floor(now.getTime() / 1000) * 1000);
    if (end.getTime() - start.getTime() < this.digestPeriodMs) return delivery;
    const home = { bucket: trail.s3BucketName, prefix: trail.s3KeyPrefix, accountId: trail.accountId,
      region: trail.homeRegion, homeRegion: trail.homeRegion, trailName: trail.name };
    const digest = buildDigest({ trail: home, digestStartTime: start, digestEndTime: end,
      logFiles: (delivery.pendingDigestFiles ?? []).map(digestEntry), previous: previous ?? null,
      privateKey: this.deps.signingKey.privateKey });
    try {
      await this.requireAccess(trail);
      await this.deps.writer.put({ bucket: digest.bucket, key: digest.key, body: digest.body, metadata: digest.metadata,
        ...LOG_OBJECT, ...kmsKeyOf(trail) });
    } catch (error) {
      return { ...delivery, latestDigestDeliveryError: refusalCode(error) };
    }
    const { latestDigestDeliveryError: _cleared, ...rest } = delivery;
    return { ...rest, latestDigestDeliveryTime: now, pendingDigestFiles: [],
      previousDigest: { bucket: digest.bucket, key: digest.key, signature: digest.signature,
        hashValue: sha256Hex(digest.content), endTime: end } };
  }

  private async requireAccess(trail: TrailRecord): Promise<void> {
    const access = await this.deps.checkBucketAccess({ getBucket: this.deps.getBucket }, {
      bucket: trail.s3BucketName,
      ...(trail.s3KeyPrefix === undefined ? {} : { keyPrefix: trail.s3KeyPrefix }),
      accountId: trail.accountId,
      region: trail.homeRegion,
      trailArn: trailArn(trail),
    });
    if (access === 'NoSuchBucket') throw new DeliveryRefused('NoSuchBucket');
    if (access === 'Denied') throw new DeliveryRefused('AccessDenied');
  }

  /**
   * Saves the delivery state on the trail as it is now, in one transaction: settings the API changed
   * since the pass read the trail are kept, and so is a cursor StartLogging moved ahead meanwhile; a
   * trail deleted (or deleted and created again) meanwhile is left alone.
   */
  private save(trail: TrailRecord, delivery: TrailDeliveryState): void {
    this.deps.trails.update(trail.accountId, trail.name, (current) => {
      if (current.createdAt.getTime() !== trail.createdAt.getTime()) return current;
      const deliveredSeq = Math.max(delivery.deliveredSeq, current.delivery.deliveredSeq);
      return { ...current, delivery: { ...delivery, deliveredSeq } };
    });
  }
}

/** Events grouped by their Region (the Region in the log file's key), in their order. */
function byRegion(events: readonly DeliveryEntry[]): Map<string, DeliveryEntry[]> {
  const out = new Map<string, DeliveryEntry[]>();
  for (const e of events) {
    const list = out.get(e.region);
    if (list === undefined) out.set(e.region, [e]);
    else list.push(e);
  }
  return out;
}

/** A trail's KmsKeyId encrypts its files with SSE-KMS (encrypting-cloudtrail-log-files-with-aws-kms.html). */
function kmsKeyOf(trail: TrailRecord): { kmsKey?: { keyId: string; accountId: string } } {
  return trail.kmsKeyId === undefined ? {} : { kmsKey: { keyId: trail.kmsKeyId, accountId: trail.accountId } };
}

/** The S3 error code of a refused write; anything else (a failing disk) is the pass's failure, retried next pass. */
function refusalCode(error: unknown): string {
  if (error instanceof DeliveryRefused || isServiceError(error)) return error.code;
  throw error;
}

function digestEntry(file: PendingDigestFile): DigestLogFileEntry {
  return { s3Bucket: file.bucket, s3Object: file.key, hashValue: file.sha256Hex, hashAlgorithm: 'SHA-256',
    newestEventTime: isoSeconds(file.newestEventTime), oldestEventTime: isoSeconds(file.oldestEventTime) };
}

/** Validation turned off: the chain ends; turned on again, a new one starts (no link across the gap). */
function withoutChain(delivery: TrailDeliveryState): TrailDeliveryState {
  if (delivery.previousDigest === undefined && delivery.pendingDigestFiles === undefined) return delivery;
  const { previousDigest: _p, pendingDigestFiles: _f, ...rest } = delivery;
  return rest;
}
