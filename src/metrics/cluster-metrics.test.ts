import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { mergeSnapshots, primaryMetricsBroker, workerMetricsSource, type ClusterMetricsMessage, type WorkerSnapshot } from './cluster-metrics.js';
import { renderExposition, type MetricFamily } from './exposition.js';

const counter = (value: number, labels = { operation: 'GetObject' }): MetricFamily =>
  ({ name: 'strongbox_requests_total', help: 'Requests.', type: 'counter', samples: [{ suffix: '', labels, value }] });
const histogram = (count: number, sum: number): MetricFamily => ({
  name: 'strongbox_request_duration_seconds', help: 'Latency.', type: 'histogram',
  samples: [{ suffix: '_bucket', labels: { le: '+Inf' }, value: count }, { suffix: '_sum', labels: {}, value: sum }, { suffix: '_count', labels: {}, value: count }],
});
const gauge = (name: string, value: number): MetricFamily => ({ name, help: name, type: 'gauge', samples: [{ suffix: '', labels: {}, value }] });

function snapshot(worker: string, requests: number, lastPass: number, rss: number): WorkerSnapshot {
  return {
    worker,
    shared: [counter(requests), counter(1, { operation: `Only${worker}` }), histogram(requests, requests / 8), gauge('strongbox_background_job_last_pass_timestamp_seconds', lastPass)],
    process: [gauge('process_resident_memory_bytes', rss)],
  };
}

test('counters and histograms are summed series by series; shared gauges take the largest; process gauges get a worker label', () => {
  const merged = mergeSnapshots([snapshot('1', 10, 0, 100), snapshot('2', 5, 1700000000, 200)]);
  const byName = new Map(merged.map((f) => [f.name, f]));
  assert.deepEqual(byName.get('strongbox_requests_total')!.samples.map((s) => [s.labels.operation, s.value]),
    [['GetObject', 15], ['Only1', 1], ['Only2', 1]]);
  assert.deepEqual(byName.get('strongbox_request_duration_seconds')!.samples.map((s) => [s.suffix, s.value]),
    [['_bucket', 15], ['_sum', 1.875], ['_count', 15]]);
  assert.equal(byName.get('strongbox_background_job_last_pass_timestamp_seconds')!.samples[0]!.value, 1700000000);
  assert.deepEqual(byName.get('process_resident_memory_bytes')!.samples.map((s) => [s.labels, s.value]),
    [[{ worker: '1' }, 100], [{ worker: '2' }, 200]]);
  assert.equal(byName.get('strongbox_metrics_workers_missing')!.samples[0]!.value, 0);
  assert.match(renderExposition(merged), /^strongbox_requests_total\{operation="GetObject"\} 15$/m);
});

/** A worker's end of the IPC channel, wired to the primary's broker by hand. */
class Channel extends EventEmitter {
  constructor(readonly id: number, readonly toPrimary: (m: ClusterMetricsMessage) => void) { super(); }
  /** The primary sends to this worker. */
  send(message: ClusterMetricsMessage): void { setImmediate(() => this.emit('message', message)); }
}

test('a scrape taken by one worker answers for every worker, through the primary; a silent worker is counted missing', async () => {
  let broker: ReturnType<typeof primaryMetricsBroker>;
  const workers: Channel[] = [];
  const sources = [10, 5, 0].map((requests, i) => {
    const channel = new Channel(i + 1, (m) => setImmediate(() => broker.onMessage(channel, m)));
    workers.push(channel);
    return workerMetricsSource({
      worker: String(i + 1),
      channel: { send: (m) => channel.toPrimary(m), on: (e, l) => channel.on(e, l), off: (e, l) => channel.off(e, l) },
      // The third worker never answers.
      collect: i === 2 ? () => new Promise(() => undefined) : async () => ({ shared: [counter(requests)], process: [] }),
      render: renderExposition,
      timeoutMs: 200,
    });
  });
  broker = primaryMetricsBroker({ workers: () => workers, timeoutMs: 200 });
  const text = await sources[1]!.exposition();
  assert.match(text, /^strongbox_requests_total\{operation="GetObject"\} 15$/m);
  assert.match(text, /^strongbox_metrics_workers_missing 1$/m);
  for (const s of sources) s.close();
});
