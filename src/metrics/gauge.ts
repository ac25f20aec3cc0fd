/**
 * Values read at scrape time from the parts of the server that own them (storage counts, background
 * jobs, audit delivery), through injected callbacks: the metrics module imports no store. The names
 * of Strongbox's own gauges are built here, so they are declared in one place.
 */
import { isLabelName, isMetricName, type Labels, type MetricFamily, type Sample } from './exposition.js';

export interface Gauge {
  /** The full metric name (`strongbox_storage_objects`). */
  readonly name: string;
  readonly help: string;
  readonly labels?: Labels;
  readonly value: number;
  /** `counter` for a total a component keeps itself (a job's error count); default `gauge`. */
  readonly type?: 'gauge' | 'counter';
}

/** One component's gauges, read at every scrape. */
export type GaugeSource = () => Promise<readonly Gauge[]>;

/**
 * Groups gauges into families by name (HELP and TYPE from the first of a name), in first-seen order.
 * Throws on a name a Prometheus parser would refuse: a bug of the component that made it.
 */
export function gaugeFamilies(gauges: readonly Gauge[]): MetricFamily[] {
  checkGauges(gauges);
  const families = new Map<string, { help: string; type: 'gauge' | 'counter'; samples: Sample[] }>();
  for (const g of gauges) {
    let family = families.get(g.name);
    if (family === undefined) {
      family = { help: g.help, type: g.type ?? 'gauge', samples: [] };
      families.set(g.name, family);
    }
    family.samples.push({ suffix: '', labels: g.labels ?? {}, value: g.value });
  }
  return [...families].map(([name, f]) => ({ name, help: f.help, type: f.type, samples: f.samples }));
}

/** Throws on a name a Prometheus parser would refuse. */
export function checkGauges(gauges: readonly Gauge[]): void {
  for (const g of gauges) {
    if (!isMetricName(g.name)) throw new Error(`not a metric name: ${JSON.stringify(g.name)}`);
    for (const label of Object.keys(g.labels ?? {})) {
      if (!isLabelName(label)) throw new Error(`not a label name: ${JSON.stringify(label)} of ${g.name}`);
    }
  }
}

/** What the storage holds (the lead's injected function reads it from the metadata store). */
export interface StorageTotals {
  readonly buckets: number;
  readonly objects: number;
  /** Bytes of object data (all versions). */
  readonly bytes: number;
}

export function storageGauges(totals: StorageTotals): Gauge[] {
  return [
    { name: 'strongbox_storage_buckets', help: 'Buckets.', value: totals.buckets },
    { name: 'strongbox_storage_objects', help: 'Objects (every version and delete marker).', value: totals.objects },
    { name: 'strongbox_storage_bytes', help: 'Bytes of object data stored.', value: totals.bytes },
  ];
}

/** One background job's state (src/server/background-jobs.ts). */
export interface BackgroundJobState {
  readonly job: string;
  /** When its last pass ended; undefined: none yet (in this process). */
  readonly lastPassAt?: Date;
  /** Passes that threw, since this process started. */
  readonly errors: number;
}

export function backgroundJobGauges(jobs: readonly BackgroundJobState[]): Gauge[] {
  const out: Gauge[] = [];
  for (const j of jobs) {
    if (j.lastPassAt !== undefined) {
      out.push({
        name: 'strongbox_background_job_last_pass_timestamp_seconds',
        help: 'When the background job last finished a pass (Unix time).',
        labels: { job: j.job },
        value: j.lastPassAt.getTime() / 1000,
      });
    }
  }
  for (const j of jobs) {
    out.push({
      name: 'strongbox_background_job_errors_total',
      help: 'Background job passes that failed.',
      labels: { job: j.job },
      value: j.errors,
      type: 'counter',
    });
  }
  return out;
}

/**
 * Seconds since the oldest audit event not yet delivered (0 when everything is delivered), per
 * destination (`cloudtrail`, `access-log`).
 */
export function auditDeliveryLagGauge(options: {
  readonly destination: string;
  readonly oldestUndelivered: Date | undefined;
  readonly now: Date;
}): Gauge {
  const lagMs = options.oldestUndelivered ? options.now.getTime() - options.oldestUndelivered.getTime() : 0;
  return {
    name: 'strongbox_audit_delivery_lag_seconds',
    help: 'Seconds since the oldest audit event that is not delivered yet (0: all delivered).',
    labels: { destination: options.destination },
    value: Math.max(0, lagMs) / 1000,
  };
}
