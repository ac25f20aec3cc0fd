/**
 * The background job that delivers S3 server access logs (access-log-delivery.ts) every interval.
 * AWS: "server access logs are delivered ... within a few hours, usually minutes"; here every 60 s by
 * default (`STRONGBOX_ACCESS_LOG_DELIVERY_MS`, read by the composition root), sooner when the buffer
 * fills up. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html#LogDeliveryBestEffort
 *
 * Each process buffers the requests it served, so — unlike lifecycle — this job runs in every process
 * of a server, not only in the one holding the background lease: give it a BackgroundJobs of its own
 * with `everyProcessLease()`. At shutdown, after the listeners have closed, call `delivery.flush()`
 * once more so the last requests are delivered.
 */
import type { BackgroundJob, JobLease, PassResult } from '../server/background-jobs.js';
import type { AccessLogDelivery } from './access-log-delivery.js';

export const DEFAULT_ACCESS_LOG_DELIVERY_MS = 60_000;

export interface AccessLogDeliveryJobOptions {
  /** How often buffered lines are delivered (default 60 s). */
  readonly intervalMs?: number;
  readonly now: () => Date;
  readonly logger: { debug(obj: object, msg: string): void };
}

/**
 * One pass delivers everything buffered once the oldest buffered line has waited the interval, or
 * the buffer is half full; otherwise it does nothing. Run it with a BackgroundJobs idle interval well
 * below the delivery interval (`accessLogIdleMs`).
 */
export function accessLogDeliveryJob(delivery: AccessLogDelivery, options: AccessLogDeliveryJobOptions): BackgroundJob {
  const intervalMs = options.intervalMs ?? DEFAULT_ACCESS_LOG_DELIVERY_MS;
  return {
    name: 'access-log-delivery',
    async runPass({ signal }): Promise<PassResult> {
      const oldest = delivery.oldestBufferedAt();
      if (oldest === undefined) return 'Idle';
      const due = options.now().getTime() - oldest.getTime() >= intervalMs || delivery.isFilling();
      if (!due) return 'Idle';
      const report = await delivery.flush(signal);
      options.logger.debug({ accessLogs: report }, 'access logs delivered');
      return delivery.isFilling() ? 'More' : 'Idle';
    },
  };
}

/** The pause between passes: a tenth of the interval, between 100 ms and 5 s. */
export function accessLogIdleMs(intervalMs: number = DEFAULT_ACCESS_LOG_DELIVERY_MS): number {
  return Math.min(5_000, Math.max(100, Math.floor(intervalMs / 10)));
}

/** A lease every process holds: access-log buffers are per process, so each process delivers its own. */
export function everyProcessLease(): JobLease {
  return { tryHold: () => true, release: () => {} };
}
