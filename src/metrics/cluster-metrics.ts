/**
 * `/metrics` of a server with `--workers N` (issue #16): the cluster module hands each scrape to some
 * worker, and each worker counts only the requests it served, so a scrape of one worker would make
 * every counter jump back and forth between scrapes. Instead the worker that takes the scrape asks the
 * primary, which asks every worker for its snapshot (IPC) and merges them:
 * - counters and histograms are summed, series by series (same name, suffix and labels);
 * - gauges of shared state (storage, background jobs, audit delivery lag) are the largest value any
 *   worker reports (the leased background job has run in one worker only; the others report none);
 * - the process's own gauges (memory, heap, event loop, uptime) stay one series per worker, labelled
 *   `worker="<cluster worker id>"`.
 * A worker that has not answered within `timeoutMs` is left out of that scrape, and counted in
 * `strongbox_metrics_workers_missing`.
 */
import type { Labels, MetricFamily, Sample } from './exposition.js';

/** One worker's metrics, as it sends them to the primary. */
export interface WorkerSnapshot {
  readonly worker: string;
  /** Requests, shared-state gauges, the registry's own counters. */
  readonly shared: readonly MetricFamily[];
  /** The process's own gauges (ProcessMetrics). */
  readonly process: readonly MetricFamily[];
}

/** The merged families of every worker that answered, plus how many did not. */
export function mergeSnapshots(snapshots: readonly WorkerSnapshot[], missing = 0): MetricFamily[] {
  const families = new Map<string, { family: MetricFamily; samples: Map<string, Sample> }>();
  const add = (family: MetricFamily, sample: Sample) => {
    let entry = families.get(family.name);
    if (entry === undefined) families.set(family.name, (entry = { family, samples: new Map() }));
    const key = `${sample.suffix}${JSON.stringify(sample.labels)}`;
    const had = entry.samples.get(key);
    const value = had === undefined ? sample.value
      : family.type === 'gauge' ? Math.max(had.value, sample.value) : had.value + sample.value;
    entry.samples.set(key, { ...sample, value });
  };
  for (const snapshot of snapshots) {
    for (const family of snapshot.shared) for (const sample of family.samples) add(family, sample);
    for (const family of snapshot.process) {
      for (const sample of family.samples) add(family, { ...sample, labels: withWorker(sample.labels, snapshot.worker) });
    }
  }
  const merged = [...families.values()].map(({ family, samples }) => ({ ...family, samples: [...samples.values()] }));
  merged.push({
    name: 'strongbox_metrics_workers_missing',
    help: 'Worker processes that did not answer this scrape in time (their metrics are left out of it).',
    type: 'gauge',
    samples: [{ suffix: '', labels: {}, value: missing }],
  });
  return merged;
}

function withWorker(labels: Labels, worker: string): Labels {
  return { ...labels, worker };
}

/** The IPC messages (plain objects through node:cluster's channel). */
export type ClusterMetricsMessage =
  | { readonly strongbox: 'metrics-scrape'; readonly id: number }
  | { readonly strongbox: 'metrics-snapshot-request'; readonly id: number }
  | { readonly strongbox: 'metrics-snapshot'; readonly id: number; readonly snapshot: WorkerSnapshot }
  | { readonly strongbox: 'metrics-merged'; readonly id: number; readonly families: readonly MetricFamily[] };

function isMessage(m: unknown): m is ClusterMetricsMessage {
  return typeof m === 'object' && m !== null && typeof (m as { strongbox?: unknown }).strongbox === 'string'
    && String((m as { strongbox: string }).strongbox).startsWith('metrics-');
}

/** What the primary needs of a worker (node:cluster's Worker). */
export interface WorkerChannel {
  readonly id: number;
  send(message: ClusterMetricsMessage): unknown;
}

/**
 * The primary's side: a scrape request from one worker is answered with the merge of every running
 * worker's snapshot. `onMessage` is given each message a worker sends (cluster's 'message' event).
 */
export function primaryMetricsBroker(options: { readonly workers: () => readonly WorkerChannel[]; readonly timeoutMs?: number }) {
  let nextId = 0;
  const waiting = new Map<number, (snapshot: WorkerSnapshot) => void>();
  return {
    onMessage(from: WorkerChannel, message: unknown): void {
      if (!isMessage(message)) return;
      if (message.strongbox === 'metrics-snapshot') {
        waiting.get(message.id)?.(message.snapshot);
        return;
      }
      if (message.strongbox !== 'metrics-scrape') return;
      const workers = options.workers();
      const id = ++nextId;
      const snapshots: WorkerSnapshot[] = [];
      const reply = () => {
        waiting.delete(id);
        clearTimeout(timer);
        from.send({ strongbox: 'metrics-merged', id: message.id, families: mergeSnapshots(snapshots, workers.length - snapshots.length) });
      };
      const timer = setTimeout(reply, options.timeoutMs ?? 2000);
      waiting.set(id, (snapshot) => {
        snapshots.push(snapshot);
        if (snapshots.length === workers.length) reply();
      });
      for (const w of workers) w.send({ strongbox: 'metrics-snapshot-request', id });
    },
  };
}

/** What a worker needs of its process's IPC channel (`process` in a cluster worker). */
export interface PrimaryChannel {
  send(message: ClusterMetricsMessage): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * The worker's side: answers the primary's snapshot requests from its registry, and is the
 * MetricsSource its `/metrics` endpoint renders (the merge of every worker, through the primary).
 */
export function workerMetricsSource(options: {
  readonly worker: string;
  readonly channel: PrimaryChannel;
  readonly collect: () => Promise<{ shared: MetricFamily[]; process: MetricFamily[] }>;
  readonly render: (families: readonly MetricFamily[]) => string;
  readonly timeoutMs?: number;
}): { exposition(): Promise<string>; close(): void } {
  let nextId = 0;
  const waiting = new Map<number, (families: readonly MetricFamily[]) => void>();
  const listener = (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.strongbox === 'metrics-merged') waiting.get(message.id)?.(message.families);
    else if (message.strongbox === 'metrics-snapshot-request') {
      options.collect().then(
        (parts) => options.channel.send({ strongbox: 'metrics-snapshot', id: message.id, snapshot: { worker: options.worker, ...parts } }),
        () => undefined, // Left out of that scrape (counted missing).
      );
    }
  };
  options.channel.on('message', listener);
  return {
    exposition: () => new Promise<string>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('the primary process did not answer the metrics scrape'));
      }, (options.timeoutMs ?? 2000) * 2);
      waiting.set(id, (families) => {
        waiting.delete(id);
        clearTimeout(timer);
        resolve(options.render(families));
      });
      options.channel.send({ strongbox: 'metrics-scrape', id });
    }),
    close: () => options.channel.off('message', listener),
  };
}
