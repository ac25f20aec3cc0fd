/**
 * Hashing of large bodies on a worker thread. MD5 (the ETag) and a CRC64NVME computed on the event
 * loop cap an upload at ~350 MB/s and leave nothing for the network; on a worker they run beside it.
 *
 * The caller's chunks (64 KiB from a socket) are copied into 1 MiB batches that are transferred to the
 * worker (no copy) and transferred back once hashed, so a few buffers circulate and nothing is
 * allocated per chunk. At most MAX_IN_FLIGHT batches are with the worker: `update` then returns a
 * promise to wait on (backpressure: the upload slows down to the hashing speed rather than queueing
 * the body in memory). A worker costs ~30 ms to start; batches queue meanwhile, so it pays off for
 * bodies of many megabytes only.
 */
import { Worker } from 'node:worker_threads';
import type { HashAlgorithm } from './algorithms.js';

export type HashWorkerRequest = { readonly kind: 'batch'; readonly buffer: ArrayBuffer; readonly length: number } | { readonly kind: 'end' };
export type HashWorkerReply =
  | { readonly kind: 'done'; readonly buffer: ArrayBuffer }
  | { readonly kind: 'digests'; readonly digests: Partial<Record<HashAlgorithm, Uint8Array>> };

const BATCH_BYTES = 1024 * 1024;
const MAX_IN_FLIGHT = 8;

export class OffThreadHasher {
  private readonly worker: Worker;
  private readonly free: ArrayBuffer[] = [];
  private batch: Uint8Array | undefined;
  private filled = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private result: { resolve: (d: Partial<Record<HashAlgorithm, Buffer>>) => void; reject: (e: Error) => void } | undefined;

  constructor(algorithms: readonly HashAlgorithm[]) {
    this.worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: { algorithms: [...algorithms] } });
    this.worker.on('message', (reply: HashWorkerReply) => this.onReply(reply));
    this.worker.on('error', (e: Error) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (this.result !== undefined || this.waiter !== undefined) this.fail(new Error(`hash worker exited (${code}) before it answered`));
    });
  }

  /** Takes a copy of `chunk`; returns a promise to await before the next call when the worker lags behind. */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let offset = 0;
    while (offset < chunk.length) {
      if (this.batch === undefined) {
        this.batch = new Uint8Array(this.free.pop() ?? new ArrayBuffer(BATCH_BYTES));
        this.filled = 0;
      }
      const n = Math.min(chunk.length - offset, BATCH_BYTES - this.filled);
      this.batch.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === BATCH_BYTES) this.post();
    }
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Every digest, once the worker has hashed everything sent; the worker is stopped afterwards. */
  digests(): Promise<Partial<Record<HashAlgorithm, Buffer>>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.filled > 0) this.post();
    const answer = new Promise<Partial<Record<HashAlgorithm, Buffer>>>((resolve, reject) => (this.result = { resolve, reject }));
    this.worker.postMessage({ kind: 'end' } satisfies HashWorkerRequest);
    return answer;
  }

  /** Stops the worker (the upload failed or was abandoned). Idempotent. */
  abort(): void {
    this.fail(new Error('hashing aborted'));
  }

  private post(): void {
    const batch = this.batch as Uint8Array;
    this.batch = undefined;
    this.inFlight += 1;
    const request: HashWorkerRequest = { kind: 'batch', buffer: batch.buffer as ArrayBuffer, length: this.filled };
    this.filled = 0;
    this.worker.postMessage(request, [batch.buffer as ArrayBuffer]);
  }

  private onReply(reply: HashWorkerReply): void {
    if (reply.kind === 'done') {
      this.inFlight -= 1;
      this.free.push(reply.buffer);
      const waiter = this.waiter;
      if (waiter !== undefined && this.inFlight < MAX_IN_FLIGHT) {
        this.waiter = undefined;
        waiter.resolve();
      }
      return;
    }
    const digests: Partial<Record<HashAlgorithm, Buffer>> = {};
    for (const [alg, bytes] of Object.entries(reply.digests)) digests[alg as HashAlgorithm] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const result = this.result;
    this.result = undefined;
    void this.worker.terminate();
    result?.resolve(digests);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const { waiter, result } = this;
    this.waiter = undefined;
    this.result = undefined;
    waiter?.reject(this.failure);
    result?.reject(this.failure);
    void this.worker.terminate();
  }
}
