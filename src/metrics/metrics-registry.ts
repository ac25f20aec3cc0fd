/**
 * Strongbox's metrics (issue #16): per-request counters and histograms fed by RequestRecords, the
 * process's own health, and gauges the composition root injects (storage, background jobs, audit
 * delivery lag), rendered in the Prometheus text format for `/metrics` (metrics-endpoint.ts).
 *
 * One registry per process, made by the composition root (no module-level state). With `--workers N`
 * each worker keeps its own, and a scrape answers for all of them (cluster-metrics.ts).
 */
import type { RequestRecord } from '../audit/request-record.js';
import { renderExposition, type MetricFamily } from './exposition.js';
import { checkGauges, gaugeFamilies, type Gauge, type GaugeSource } from './gauge.js';
import { ProcessMetrics } from './process-metrics.js';
import { RequestMetrics, type RequestMetricsOptions } from './request-metrics.js';

export interface MetricsRegistryOptions extends RequestMetricsOptions {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Read at every scrape, each on its own: one that fails leaves only its own gauges out. */
  readonly gauges?: readonly GaugeSource[];
  /** A gauge source rejected (or produced an invalid gauge): the composition root logs it. */
  readonly onGaugeError?: (err: unknown) => void;
  /** Event-loop delay sampling interval (ProcessMetrics); default 20 ms. */
  readonly eventLoopResolutionMs?: number;
}

/** What the endpoint needs of a registry. */
export interface MetricsSource {
  exposition(): Promise<string>;
}

export class MetricsRegistry implements MetricsSource {
  private readonly requests: RequestMetrics;
  private readonly process: ProcessMetrics;
  private gaugeFailures = 0;

  constructor(private readonly options: MetricsRegistryOptions) {
    this.requests = new RequestMetrics(options);
    this.process = new ProcessMetrics({ now: options.now, resolutionMs: options.eventLoopResolutionMs });
  }

  /** Counts one finished request: cheap, synchronous, never throws on a well-formed record. */
  record(r: RequestRecord): void {
    this.requests.record(r);
  }

  /** Every family, as data. */
  async collect(): Promise<MetricFamily[]> {
    const { shared, process } = await this.collectParts();
    return [...shared, ...process];
  }

  /**
   * The families in two parts, as a worker sends them for the cluster-wide merge (cluster-metrics.ts):
   * what workers share or add up, and this process's own gauges.
   */
  async collectParts(): Promise<{ shared: MetricFamily[]; process: MetricFamily[] }> {
    const gauges = await Promise.all((this.options.gauges ?? []).map((source) => this.read(source)));
    const self: MetricFamily = {
      name: 'strongbox_metrics_gauge_failures_total',
      help: 'Scrape-time gauge reads that failed (their gauges were left out of that scrape).',
      type: 'counter',
      samples: [{ suffix: '', labels: {}, value: this.gaugeFailures }],
    };
    // Grouped across sources: two sources may report series of one family (a job each).
    return { shared: [...this.requests.collect(), ...gaugeFamilies(gauges.flat()), self], process: this.process.collect() };
  }

  async exposition(): Promise<string> {
    return renderExposition(await this.collect());
  }

  /** Stops event-loop sampling. */
  close(): void {
    this.process.close();
  }

  private async read(source: GaugeSource): Promise<readonly Gauge[]> {
    try {
      const gauges = await source();
      checkGauges(gauges);
      return gauges;
    } catch (err) {
      this.gaugeFailures++;
      this.options.onGaugeError?.(err);
      return [];
    }
  }
}
