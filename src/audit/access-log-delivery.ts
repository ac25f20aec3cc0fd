/**
 * S3 server access log delivery (issue #16): the request pipeline hands every RequestRecord to
 * `record()`, which — when the record's bucket has logging configured — formats AWS's log line
 * (access-log.ts) into an in-memory buffer per source bucket and log file; `flush()` (run by the
 * background job, access-log-delivery-job.ts) writes each buffer as one log object into the target
 * bucket, under the key AWS gives it (access-log-config.ts accessLogObjectKey), the way AWS's log
 * delivery writes: as the `logging.s3.amazonaws.com` service principal, which the target bucket's
 * policy must allow (or, where its ACLs are enabled, the log-delivery group's WRITE grant).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 *
 * "Server access log records are delivered on a best-effort basis" (ServerLogs.html#LogDeliveryBestEffort):
 * lines that cannot be delivered (target gone, delivery not allowed, the buffer full) are dropped with
 * a warning, as AWS drops them, and never hold a request up: `record()` does no I/O and no await.
 * Each process buffers its own requests: every process of a server must run the delivery job.
 */
import { ACL_GROUPS, type BucketRecord } from '../storage/ports.js';
import { accessLogObjectKey, type BucketLoggingConfig } from './access-log-config.js';
import { canonicalUserId } from '../identity/canonical-user.js';

/** What delivery needs of a source bucket: where its logs go and who owns it. */
interface SourceBucketLogging {
  readonly logging: BucketLoggingConfig;
  readonly ownerAccountId: string;
  /** The owner's canonical user id (the log line's first field). */
  readonly ownerCanonicalId: string;
  readonly region: string;
}
import { accessLogLine, hasAccessLog } from './access-log.js';
import type { RequestRecord } from './request-record.js';
import { ServicePrincipalAccess } from './service-principal-access.js';

export const LOGGING_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/** How log delivery writes an object as an AWS service would (src/s3/service-object-writer.ts). */
export interface LogObjectWriter {
  put(input: LogObject): Promise<void>;
}

export interface LogObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
}

/** What delivery logs through (a pino Logger is one). */
export interface DeliveryLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AccessLogDeliveryOptions {
  /** The bucket store's read (target buckets at delivery). */
  readonly getBucket: (name: string) => Promise<BucketRecord | undefined>;
  readonly writer: LogObjectWriter;
  readonly logger: DeliveryLogger;
  readonly now: () => Date;
  /**
   * Bound on the bytes of log lines held in memory, all buffers together (default 16 MiB, about 35,000
   * lines of ~450 bytes). Lines past it are dropped, and counted, until the next flush.
   */
  readonly maxBufferedBytes?: number;
  /** Compiled target-bucket policies are cached here; default: one of this delivery's own. */
  readonly access?: ServicePrincipalAccess;
  /** The key's unique string (tests); default: accessLogObjectKey's 16 random hex digits. */
  readonly uniqueString?: () => string;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** One future log object: lines of one source bucket for one target (and, for EventTime keys, one day). */
interface LogBuffer {
  readonly sourceBucket: string;
  readonly source: SourceBucketLogging;
  readonly config: BucketLoggingConfig;
  /** The first line's event time (EventTime partitioning: the day of every line here). */
  readonly eventTime: Date;
  /** When the first line was buffered (delivery lag). */
  readonly firstAt: Date;
  readonly lines: string[];
  bytes: number;
}

/** What one flush did, for logs, metrics and tests. */
export interface FlushReport {
  readonly delivered: number;
  readonly deliveredLines: number;
  /** Log objects not delivered (and their lines dropped): target missing, not allowed, write failed. */
  readonly dropped: number;
  readonly droppedLines: number;
}

export interface DeliveryStats {
  readonly bufferedLines: number;
  readonly bufferedBytes: number;
  /** Lines dropped because the buffer was full, since the start. */
  readonly overflowLines: number;
  readonly deliveredObjects: number;
  readonly droppedLines: number;
  /** When the oldest line still buffered was recorded (delivery lag); undefined when none is. */
  readonly oldestBufferedAt?: Date;
}

export class AccessLogDelivery {
  private readonly canonicalIds = new Map<string, string>();
  private readonly access: ServicePrincipalAccess;
  private readonly maxBytes: number;
  private buffers = new Map<string, LogBuffer>();
  private bufferedBytes = 0;
  private overflowSincePass = 0;
  private totals = { overflowLines: 0, deliveredObjects: 0, droppedLines: 0 };

  constructor(private readonly options: AccessLogDeliveryOptions) {
    this.maxBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.access = options.access ?? new ServicePrincipalAccess();
  }

  /**
   * Takes one request's record: cheap and synchronous. Whether the bucket logs, and where, is in the
   * record (the bucket's setting as the request saw it, read with the bucket at routing): a logging
   * change applies from the next request on, and a bucket that does not log costs one property read.
   */
  record(r: RequestRecord): void {
    const s3 = r.s3;
    const logging = s3?.logging;
    if (logging === undefined || !hasAccessLog(r)) return;
    const ownerAccountId = s3!.bucketOwnerAccountId ?? '';
    const source: SourceBucketLogging = { logging, ownerAccountId, ownerCanonicalId: this.canonicalIdOf(ownerAccountId), region: r.region };
    this.append(s3!.bucket!, source, r.eventTime, lineOf(r, source));
  }

  private canonicalIdOf(accountId: string): string {
    let id = this.canonicalIds.get(accountId);
    if (id === undefined) this.canonicalIds.set(accountId, (id = canonicalUserId(accountId)));
    return id;
  }



  /** Buffered bytes past this share of the bound make the job deliver before its interval. */
  isFilling(): boolean {
    return this.bufferedBytes >= this.maxBytes / 2;
  }

  /** When the oldest line still buffered was buffered; undefined when nothing is. */
  oldestBufferedAt(): Date | undefined {
    let oldest: Date | undefined;
    for (const b of this.buffers.values()) if (oldest === undefined || b.firstAt < oldest) oldest = b.firstAt;
    return oldest;
  }

  stats(): DeliveryStats {
    let lines = 0;
    for (const b of this.buffers.values()) lines += b.lines.length;
    const oldest = this.oldestBufferedAt();
    const lag = oldest ? { oldestBufferedAt: oldest } : {};
    return { bufferedLines: lines, bufferedBytes: this.bufferedBytes, ...this.totals, ...lag };
  }

  /**
   * Delivers every buffer as one log object. Buffers are taken first, so lines recorded meanwhile go
   * to the next flush. `signal`: stop between objects; what is left stays buffered for the next flush
   * (the composition root flushes once more at shutdown, without a signal).
   */
  async flush(signal?: AbortSignal): Promise<FlushReport> {
    const buffers = [...this.buffers.values()];
    this.buffers = new Map();
    this.bufferedBytes = 0;
    this.reportOverflow();
    const report = { delivered: 0, deliveredLines: 0, dropped: 0, droppedLines: 0 };
    for (const buffer of buffers) {
      if (signal?.aborted) {
        this.restore(buffer);
        continue;
      }
      const outcome = await this.deliverSafely(buffer);
      const n = buffer.lines.length;
      if (outcome === 'Delivered') {
        report.delivered++;
        report.deliveredLines += n;
      } else {
        report.dropped++;
        report.droppedLines += n;
      }
    }
    this.totals.deliveredObjects += report.delivered;
    this.totals.droppedLines += report.droppedLines;
    return report;
  }

  private append(sourceBucket: string, source: SourceBucketLogging, eventTime: Date, line: string): void {
    const config = source.logging;
    const size = Buffer.byteLength(line) + 1;
    if (this.bufferedBytes + size > this.maxBytes) {
      this.overflowSincePass++;
      this.totals.overflowLines++;
      return;
    }
    const key = bufferKey(sourceBucket, config, eventTime);
    let buffer = this.buffers.get(key);
    if (buffer === undefined) {
      buffer = { sourceBucket, source, config, eventTime, firstAt: this.options.now(), lines: [], bytes: 0 };
      this.buffers.set(key, buffer);
    }
    buffer.lines.push(line);
    buffer.bytes += size;
    this.bufferedBytes += size;
  }

  /** Puts a buffer a stopped flush did not deliver back, ahead of lines recorded since. */
  private restore(buffer: LogBuffer): void {
    const key = bufferKey(buffer.sourceBucket, buffer.config, buffer.eventTime);
    const newer = this.buffers.get(key);
    this.buffers.set(key, buffer);
    this.bufferedBytes += buffer.bytes;
    if (newer === undefined) return;
    buffer.lines.push(...newer.lines);
    buffer.bytes += newer.bytes;
  }

  private reportOverflow(): void {
    if (this.overflowSincePass === 0) return;
    const lines = this.overflowSincePass;
    this.overflowSincePass = 0;
    this.options.logger.warn({ lines, maxBufferedBytes: this.maxBytes }, 'access logs: buffer full, lines dropped');
  }

  private async deliverSafely(buffer: LogBuffer): Promise<'Delivered' | 'Dropped'> {
    try {
      return await this.deliver(buffer);
    } catch (err) {
      const about = { sourceBucket: buffer.sourceBucket, targetBucket: buffer.config.targetBucket };
      const lines = buffer.lines.length;
      this.options.logger.error({ ...about, lines, err }, 'access logs: delivery failed, lines dropped');
      return 'Dropped';
    }
  }

  private async deliver(buffer: LogBuffer): Promise<'Delivered' | 'Dropped'> {
    const { config, sourceBucket, source } = buffer;
    const about = { sourceBucket, targetBucket: config.targetBucket, lines: buffer.lines.length };
    const target = await this.options.getBucket(config.targetBucket);
    const now = this.options.now();
    // "Both the source and destination buckets must be ... owned by the same account" (ServerLogs.html).
    if (target === undefined || target.ownerAccountId !== source.ownerAccountId) {
      this.options.logger.warn(about, 'access logs: target bucket missing or owned by another account, lines dropped');
      return 'Dropped';
    }
    const key = accessLogObjectKey({
      config,
      deliveryTime: now,
      eventTime: buffer.eventTime,
      sourceAccountId: source.ownerAccountId,
      sourceRegion: source.region,
      sourceBucket,
      ...(this.options.uniqueString ? { uniqueString: this.options.uniqueString() } : {}),
    });
    if (this.decide(target, key, sourceBucket, source, now) !== 'Allow') {
      const message = 'access logs: the target bucket does not allow log delivery, lines dropped';
      this.options.logger.warn({ ...about, key }, message);
      return 'Dropped';
    }
    const body = Buffer.from(`${buffer.lines.join('\n')}\n`, 'utf8');
    await this.options.writer.put({ bucket: target.name, key, body, contentType: 'text/plain' });
    return 'Delivered';
  }

  /**
   * s3:PutObject on the log object by `logging.s3.amazonaws.com`, with the source bucket's ARN and
   * account as aws:SourceArn and aws:SourceAccount — what the bucket policy AWS documents conditions
   * on — or, with the target's ACLs enabled, the log-delivery group's WRITE grant.
   * enable-server-access-logging.html#grant-log-delivery-permissions-general
   */
  private decide(target: BucketRecord, key: string, sourceBucket: string, source: SourceBucketLogging, now: Date) {
    return this.access.decide({
      bucket: target,
      service: LOGGING_SERVICE_PRINCIPAL,
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${target.name}/${key}`,
      context: { 'aws:SourceArn': `arn:aws:s3:::${sourceBucket}`, 'aws:SourceAccount': source.ownerAccountId },
      now,
      aclGroupGrant: { groupUri: ACL_GROUPS.LogDelivery, permission: 'WRITE' },
    });
  }
}

/**
 * The record's line. "Bucket Owner: The canonical user ID of the owner of the source bucket" is known
 * here even when the request was refused before the pipeline loaded the bucket.
 */
function lineOf(r: RequestRecord, source: SourceBucketLogging): string {
  return accessLogLine(r, { bucketOwnerCanonicalId: source.ownerCanonicalId });
}

/** One log object per source bucket and destination; with EventTime keys, per event day too. */
function bufferKey(sourceBucket: string, config: BucketLoggingConfig, eventTime: Date): string {
  const format = config.targetObjectKeyFormat;
  const source = format?.kind === 'PartitionedPrefix' ? (format.partitionDateSource ?? 'EventTime') : undefined;
  const day = source === 'EventTime' ? eventTime.toISOString().slice(0, 10) : '';
  const formatId = source === undefined ? 'SimplePrefix' : `PartitionedPrefix:${source}`;
  return [sourceBucket, config.targetBucket, config.targetPrefix, formatId, day].join('\n');
}
