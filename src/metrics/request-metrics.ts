/**
 * The per-request metrics, fed by the RequestRecord (src/audit/request-record.ts) the pipeline builds
 * after every response: requests by operation and status, latency histograms, bytes in and out, and
 * authorization denials by decision and by the policy type that decided.
 *
 * `record` runs once per request, so it is a few map lookups and additions: series are nested maps
 * (service → operation → status) holding mutable counters, created — with their label objects — the
 * first time a combination is seen, so a request builds no string key and allocates nothing once its
 * series exist. Everything is turned into MetricFamily data only at scrape time.
 *
 * Label values come from the request, and `service` from an unauthenticated request's credential
 * scope is whatever the client wrote: the number of distinct services and operations is capped (or
 * services are limited to a known list), and the rest are counted under `other`, so a client cannot
 * grow the registry without bound.
 */
import type { RequestRecord } from '../audit/request-record.js';
import type { Labels, MetricFamily, Sample } from './exposition.js';
import { checkBounds, DURATION_BUCKETS, Histogram } from './histogram.js';

/** The label value of a request refused before routing (no operation), and of a denial with no `decidedBy`. */
export const ABSENT_LABEL = '-';
/** The label value everything past a cap (or outside the known services) is counted under. */
export const OTHER_LABEL = 'other';

export interface RequestMetricsOptions {
  /**
   * The services Strongbox serves (`s3`, `iam`, ...); any other is counted as `other`. Without it: the
   * first `maxServices` seen.
   */
  readonly services?: readonly string[];
  /** Default 32. */
  readonly maxServices?: number;
  /** Distinct operations per service; default 512. */
  readonly maxOperationsPerService?: number;
  /** Latency bucket bounds in seconds; default DURATION_BUCKETS. */
  readonly durationBuckets?: readonly number[];
}

interface Counter {
  readonly labels: Labels;
  value: number;
}

interface OperationSeries {
  readonly labels: Labels;
  readonly byStatus: Map<number, Counter>;
  readonly duration: Histogram;
}

interface ServiceSeries {
  readonly operations: Map<string, OperationSeries>;
  readonly bytesIn: Counter;
  readonly bytesOut: Counter;
  /** decision (ImplicitDeny, ExplicitDeny) → decided_by → count. */
  readonly denials: Map<string, Map<string, Counter>>;
}

export class RequestMetrics {
  private readonly services = new Map<string, ServiceSeries>();
  private readonly known: ReadonlySet<string> | undefined;
  private readonly maxServices: number;
  private readonly maxOperations: number;
  private readonly buckets: readonly number[];

  constructor(options: RequestMetricsOptions = {}) {
    this.known = options.services ? new Set(options.services) : undefined;
    this.maxServices = options.maxServices ?? 32;
    this.maxOperations = options.maxOperationsPerService ?? 512;
    this.buckets = options.durationBuckets ?? DURATION_BUCKETS;
    checkBounds(this.buckets);
  }

  /** Counts one finished request. */
  record(r: RequestRecord): void {
    const service = this.serviceSeries(r.service);
    const op = this.operationSeries(service, r.operation ?? ABSENT_LABEL);
    let status = op.byStatus.get(r.status);
    if (status === undefined) {
      status = { labels: { ...op.labels, status: String(r.status) }, value: 0 };
      op.byStatus.set(r.status, status);
    }
    status.value++;
    op.duration.observe(r.totalTimeMs / 1000);
    service.bytesIn.value += r.bytesIn;
    service.bytesOut.value += r.bytesOut;
    if (r.decision === 'ImplicitDeny' || r.decision === 'ExplicitDeny') {
      this.denialCounter(service, op.labels.service, r.decision, r.decidedBy ?? ABSENT_LABEL).value++;
    }
  }

  /** The four request families, series in first-seen order. */
  collect(): MetricFamily[] {
    const requests: Sample[] = [];
    const durations: Sample[] = [];
    const bytes: Sample[] = [];
    const denials: Sample[] = [];
    for (const service of this.services.values()) {
      for (const op of service.operations.values()) {
        for (const c of op.byStatus.values()) requests.push({ suffix: '', labels: c.labels, value: c.value });
        durations.push(...op.duration.samples(op.labels));
      }
      for (const c of [service.bytesIn, service.bytesOut]) {
        bytes.push({ suffix: '', labels: c.labels, value: c.value });
      }
      for (const byDecider of service.denials.values()) {
        for (const c of byDecider.values()) denials.push({ suffix: '', labels: c.labels, value: c.value });
      }
    }
    return [
      {
        name: 'strongbox_requests_total',
        type: 'counter',
        help: 'Requests answered, by service, operation and HTTP status.',
        samples: requests,
      },
      {
        name: 'strongbox_request_duration_seconds',
        type: 'histogram',
        help: 'Time from the arrival of a request to the last byte of its response.',
        samples: durations,
      },
      {
        name: 'strongbox_request_bytes_total',
        type: 'counter',
        help: 'Request (in) and response (out) body bytes.',
        samples: bytes,
      },
      {
        name: 'strongbox_authorization_denials_total',
        type: 'counter',
        help: 'Requests denied by authorization, by decision (reason) and the policy type that decided.',
        samples: denials,
      },
    ];
  }

  private serviceSeries(name: string): ServiceSeries {
    const found = this.services.get(name);
    if (found !== undefined) return found;
    const admitted = this.known ? this.known.has(name) : this.services.size < this.maxServices - 1;
    const label = admitted ? name : OTHER_LABEL;
    if (!admitted) {
      const other = this.services.get(OTHER_LABEL);
      if (other !== undefined) return other;
    }
    const series: ServiceSeries = {
      operations: new Map(),
      bytesIn: { labels: { direction: 'in', service: label }, value: 0 },
      bytesOut: { labels: { direction: 'out', service: label }, value: 0 },
      denials: new Map(),
    };
    this.services.set(label, series);
    return series;
  }

  private operationSeries(service: ServiceSeries, name: string): OperationSeries {
    const found = service.operations.get(name);
    if (found !== undefined) return found;
    const label = service.operations.size < this.maxOperations - 1 ? name : OTHER_LABEL;
    const existing = service.operations.get(label);
    if (existing !== undefined) return existing;
    const series: OperationSeries = {
      labels: { service: service.bytesIn.labels.service, operation: label },
      byStatus: new Map(),
      duration: new Histogram(this.buckets),
    };
    service.operations.set(label, series);
    return series;
  }

  private denialCounter(service: ServiceSeries, serviceLabel: string, reason: string, decidedBy: string): Counter {
    let byDecider = service.denials.get(reason);
    if (byDecider === undefined) {
      byDecider = new Map();
      service.denials.set(reason, byDecider);
    }
    let counter = byDecider.get(decidedBy);
    if (counter === undefined) {
      counter = { labels: { service: serviceLabel, reason, decided_by: decidedBy }, value: 0 };
      byDecider.set(decidedBy, counter);
    }
    return counter;
  }
}
