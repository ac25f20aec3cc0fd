/**
 * Hashing of large bodies on worker threads, one per algorithm. MD5 (the ETag, ~650 MB/s) and a CRC
 * (CRC64NVME, ~1.6 GB/s) computed on the event loop leave it no time for the network and the disk;
 * on workers they run beside it and beside each other.
 *
 * The caller's chunks (64 KiB from a socket) are copied into batches of shared memory
 * (SharedArrayBuffer), and each full batch is announced to every worker: one copy, however many
 * algorithms. Each buffer is sent to the workers once, when it is allocated (posting shared memory is
 * costly); a batch is then only its id and length. A batch is reused once every worker has answered
 * for it, so a few buffers circulate and nothing is allocated per chunk. At most MAX_IN_FLIGHT
 * batches are with the workers: `update` then returns a promise to wait on (backpressure: the upload
 * slows down to the hashing speed rather than queueing the body in memory). A worker costs ~30 ms to
 * start; batches queue meanwhile, so this pays off for bodies of many megabytes only.
 */
import { Worker } from 'node:worker_threads';
import type { HashAlgorithm } from './algorithms.js';

export type HashWorkerRequest =
  | { readonly kind: 'buffer'; readonly id: number; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'batch'; readonly id: number; readonly length: number }
  | { readonly kind: 'end' };
export type HashWorkerReply = { readonly kind: 'done'; readonly id: number } | { readonly kind: 'digest'; readonly digest: Uint8Array };

const BATCH_BYTES = 4 * 1024 * 1024;
const MAX_IN_FLIGHT = 3;

export class OffThreadHasher {
  private readonly workers: { readonly algorithm: HashAlgorithm; readonly worker: Worker }[];
  /** Every batch allocated, by id; `pending[id]` counts the workers still hashing it. */
  private readonly batches: Buffer[] = [];
  private readonly pending: number[] = [];
  private readonly free: number[] = [];
  private current: number | undefined;
  private filled = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly digestsDone: Partial<Record<HashAlgorithm, Buffer>> = {};
  private result: { resolve: (d: Partial<Record<HashAlgorithm, Buffer>>) => void; reject: (e: Error) => void } | undefined;

  constructor(algorithms: readonly HashAlgorithm[]) {
    this.workers = algorithms.map((algorithm) => {
      const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: { algorithm } });
      worker.on('message', (reply: HashWorkerReply) => this.onReply(algorithm, reply));
      worker.on('error', (e: Error) => this.fail(e));
      worker.on('exit', (code) => {
        if (this.digestsDone[algorithm] === undefined && (this.result !== undefined || this.waiter !== undefined)) {
          this.fail(new Error(`hash worker exited (${code}) before it answered`));
        }
      });
      return { algorithm, worker };
    });
  }

  /** Takes a copy of `chunk`; returns a promise to await before the next call when the workers lag behind. */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let offset = 0;
    while (offset < chunk.length) {
      if (this.current === undefined) {
        this.current = this.free.pop() ?? this.newBatch();
        this.filled = 0;
      }
      // Into shared memory, Buffer#copy and TypedArray#set go through V8's atomic-safe copy, word by
      // word: in a 1 GiB PUT it cost twice what memcpy cost for the same bytes (perf). Buffer#fill with
      // a buffer exactly the length of the range is one native memcpy.
      const n = Math.min(chunk.length - offset, BATCH_BYTES - this.filled);
      this.batches[this.current].fill(chunk.subarray(offset, offset + n), this.filled, this.filled + n);
      this.filled += n;
      offset += n;
      if (this.filled === BATCH_BYTES) this.post();
    }
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Every digest, once the workers have hashed everything sent; the workers are stopped afterwards. */
  digests(): Promise<Partial<Record<HashAlgorithm, Buffer>>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.filled > 0) this.post();
    const answer = new Promise<Partial<Record<HashAlgorithm, Buffer>>>((resolve, reject) => (this.result = { resolve, reject }));
    for (const { worker } of this.workers) worker.postMessage({ kind: 'end' } satisfies HashWorkerRequest);
    return answer;
  }

  /** Stops the workers (the upload failed or was abandoned). Idempotent. */
  abort(): void {
    this.fail(new Error('hashing aborted'));
  }

  private newBatch(): number {
    const buffer = new SharedArrayBuffer(BATCH_BYTES);
    const id = this.batches.length;
    this.batches.push(Buffer.from(buffer));
    this.pending.push(0);
    for (const { worker } of this.workers) worker.postMessage({ kind: 'buffer', id, buffer } satisfies HashWorkerRequest);
    return id;
  }

  private post(): void {
    const id = this.current as number;
    this.current = undefined;
    this.inFlight += 1;
    this.pending[id] = this.workers.length;
    const request: HashWorkerRequest = { kind: 'batch', id, length: this.filled };
    this.filled = 0;
    for (const { worker } of this.workers) worker.postMessage(request);
  }

  private onReply(algorithm: HashAlgorithm, reply: HashWorkerReply): void {
    if (reply.kind === 'done') {
      this.pending[reply.id] -= 1;
      if (this.pending[reply.id] > 0) return;
      this.inFlight -= 1;
      this.free.push(reply.id);
      const waiter = this.waiter;
      if (waiter !== undefined && this.inFlight < MAX_IN_FLIGHT) {
        this.waiter = undefined;
        waiter.resolve();
      }
      return;
    }
    this.digestsDone[algorithm] = Buffer.from(reply.digest.buffer, reply.digest.byteOffset, reply.digest.byteLength);
    if (this.workers.some((w) => this.digestsDone[w.algorithm] === undefined)) return;
    const result = this.result;
    this.result = undefined;
    this.stopWorkers();
    result?.resolve({ ...this.digestsDone });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const { waiter, result } = this;
    this.waiter = undefined;
    this.result = undefined;
    waiter?.reject(this.failure);
    result?.reject(this.failure);
    this.stopWorkers();
  }

  private stopWorkers(): void {
    for (const { worker } of this.workers) void worker.terminate();
  }
}
