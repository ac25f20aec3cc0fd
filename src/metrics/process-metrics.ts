/**
 * The process's own health: resident memory, V8 heap, event-loop delay and uptime, read at scrape
 * time. Names follow Prometheus's process-metric conventions (`process_resident_memory_bytes`,
 * `process_start_time_seconds`: https://prometheus.io/docs/instrumenting/writing_clientlibs/#process-metrics)
 * and the Node.js ones dashboards already use (`nodejs_heap_size_used_bytes`, `nodejs_eventloop_lag_*`).
 *
 * Event-loop delay comes from perf_hooks' sampling histogram (a timer every `resolutionMs`); it is
 * reset after each scrape, so each scrape reports the delay since the previous one.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricFamily } from './exposition.js';

export interface ProcessMetricsOptions {
  /** Milliseconds since the epoch (the composition root's clock). */
  readonly now: () => number;
  /** Event-loop delay sampling interval; default 20 ms. */
  readonly resolutionMs?: number;
}

export class ProcessMetrics {
  private readonly loopDelay: IntervalHistogram;
  private readonly startedAt: number;

  /** Starts sampling the event loop: `close` stops it. */
  constructor(private readonly options: ProcessMetricsOptions) {
    this.startedAt = options.now() - process.uptime() * 1000;
    this.loopDelay = monitorEventLoopDelay({ resolution: options.resolutionMs ?? 20 });
    this.loopDelay.enable();
  }

  close(): void {
    this.loopDelay.disable();
  }

  collect(): MetricFamily[] {
    const memory = process.memoryUsage();
    const d = this.loopDelay;
    // No sample yet (a scrape right after the previous one): the histogram reports NaN and 9.2e18.
    const sampled = d.count > 0;
    const seconds = (ns: number) => (sampled ? ns / 1e9 : 0);
    const since = 'since the previous scrape';
    const startedAt = this.startedAt / 1000;
    const p99 = seconds(d.percentile(99));
    const families: MetricFamily[] = [
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss),
      gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', startedAt),
      gauge('strongbox_uptime_seconds', 'Seconds since the process started.', this.options.now() / 1000 - startedAt),
      gauge('nodejs_heap_size_total_bytes', 'V8 heap size in bytes.', memory.heapTotal),
      gauge('nodejs_heap_size_used_bytes', 'V8 heap used in bytes.', memory.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects.', memory.external),
      gauge('nodejs_eventloop_lag_mean_seconds', `Mean event-loop delay ${since}.`, seconds(d.mean)),
      gauge('nodejs_eventloop_lag_p99_seconds', `99th percentile of event-loop delay ${since}.`, p99),
      gauge('nodejs_eventloop_lag_max_seconds', `Largest event-loop delay ${since}.`, seconds(d.max)),
    ];
    d.reset();
    return families;
  }
}

function gauge(name: string, help: string, value: number): MetricFamily {
  return { name, help, type: 'gauge', samples: [{ suffix: '', labels: {}, value }] };
}
