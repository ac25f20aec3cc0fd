import { Transform, type TransformCallback } from 'node:stream';
import type { ChecksumAlgorithm, HashAlgorithm } from './algorithms.js';
import { createHasher, type Hasher } from './hasher.js';
import { OffThreadHasher } from './off-thread-hasher.js';

export interface HashingStreamOptions {
  /** Compute MD5 (the ETag) too; default true. */
  readonly md5?: boolean;
  /** Hash on worker threads (OffThreadHasher): for bodies of many megabytes. Default false. */
  readonly offThread?: boolean;
  /** Fail the stream with `tooLarge()` once more than this many bytes came through (saves a stream layer). */
  readonly maxBytes?: number;
  readonly tooLarge?: () => Error;
  /**
   * What the bytes become once hashed (the upload path's encryption, sse/segment-sealer.ts): the stream
   * passes on its output instead of the input, so a body crosses one stream stage, not two.
   */
  readonly then?: ChunkTransform;
}

/** A synchronous byte transformation: each input piece in, the output it completes appended to `out`. */
export interface ChunkTransform {
  update(chunk: Buffer, out: Buffer[]): void;
  /** The rest of the output, once every input was given; may throw (the stream then fails). */
  final(out: Buffer[]): void;
}

/**
 * A pass-through Transform for the upload path: bytes flow unchanged while MD5 (the ETag) and any
 * requested checksums are computed in the same pass (or, given `then`, bytes flow transformed). Read
 * `digests()` / `bytes` after `end`/`finish`.
 */
export class HashingStream extends Transform {
  private readonly hashers: Hasher[];
  private readonly offThread: OffThreadHasher | undefined;
  private results: Partial<Record<HashAlgorithm, Buffer>> | undefined;
  /** Bytes seen so far. */
  bytes = 0;
  /** The error the stream failed with when the body exceeded `maxBytes`. */
  limitError: Error | undefined;
  private readonly maxBytes: number;
  private readonly tooLarge: () => Error;
  private readonly then: ChunkTransform | undefined;

  constructor(algorithms: readonly ChecksumAlgorithm[], options: HashingStreamOptions = {}) {
    super();
    this.maxBytes = options.maxBytes ?? Infinity;
    this.tooLarge = options.tooLarge ?? (() => new RangeError(`more than ${this.maxBytes} bytes`));
    this.then = options.then;
    const algs = new Set<HashAlgorithm>(algorithms);
    if (options.md5 ?? true) algs.add('MD5');
    // Off-thread, every algorithm gets a worker of its own (MD5 alone runs at ~650 MB/s), and the event
    // loop only copies the bytes once into the batches they share.
    if (options.offThread === true && algs.size > 0) {
      this.offThread = new OffThreadHasher([...algs]);
      algs.clear();
    }
    this.hashers = [...algs].map((a) => createHasher(a));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.limitError = this.tooLarge();
      callback(this.limitError);
      return;
    }
    const wait = this.offThread?.update(chunk);
    for (const h of this.hashers) h.update(chunk);
    if (this.then !== undefined && !this.pass((out) => this.then?.update(chunk, out), callback)) return;
    const output = this.then === undefined ? chunk : null;
    if (wait === undefined) callback(null, output);
    else wait.then(() => callback(null, output), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.then !== undefined && !this.pass((out) => this.then?.final(out), callback)) return;
    if (this.offThread !== undefined) {
      this.offThread.digests().then((d) => {
        this.results = { ...this.localDigests(), ...d };
        callback();
      }, callback);
      return;
    }
    this.finishDigests();
    callback();
  }

  /** Runs a step of `then` and pushes what it made; false (the stream failed) if it threw. */
  private pass(step: (out: Buffer[]) => void, callback: TransformCallback): boolean {
    const out: Buffer[] = [];
    try {
      step(out);
    } catch (e) {
      callback(e as Error);
      return false;
    }
    for (const b of out) this.push(b);
    return true;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // An abandoned upload stops its worker (after a clean end the worker has already stopped).
    if (this.results === undefined) this.offThread?.abort();
    callback(error);
  }

  private finishDigests(): Partial<Record<HashAlgorithm, Buffer>> {
    if (this.results === undefined) {
      if (this.offThread !== undefined) throw new Error('off-thread digests are ready only after the stream flushed');
      this.results = this.localDigests();
    }
    return this.results;
  }

  private localDigests(): Partial<Record<HashAlgorithm, Buffer>> {
    const r: Partial<Record<HashAlgorithm, Buffer>> = {};
    for (const h of this.hashers) r[h.algorithm] = h.digest();
    return r;
  }

  /** Digests by algorithm; valid once the stream has flushed (calling earlier finalises early). */
  digests(): Readonly<Partial<Record<HashAlgorithm, Buffer>>> {
    return this.finishDigests();
  }
}

export function hashingStream(algorithms: readonly ChecksumAlgorithm[], options: HashingStreamOptions = {}): HashingStream {
  return new HashingStream(algorithms, options);
}
