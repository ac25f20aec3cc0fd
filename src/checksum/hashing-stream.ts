import { Transform, type TransformCallback } from 'node:stream';
import type { ChecksumAlgorithm, HashAlgorithm } from './algorithms.js';
import { createHasher, type Hasher } from './hasher.js';

export interface HashingStreamOptions {
  /** Compute MD5 (the ETag) too; default true. */
  readonly md5?: boolean;
}

/**
 * A pass-through Transform for the upload path: bytes flow unchanged while MD5 (the ETag) and any
 * requested checksums are computed in the same pass. Read `digests()` / `bytes` after `end`/`finish`.
 */
export class HashingStream extends Transform {
  private readonly hashers: Hasher[];
  private results: Partial<Record<HashAlgorithm, Buffer>> | undefined;
  /** Bytes seen so far. */
  bytes = 0;

  constructor(algorithms: readonly ChecksumAlgorithm[], options: HashingStreamOptions = {}) {
    super();
    const algs = new Set<HashAlgorithm>(algorithms);
    if (options.md5 ?? true) algs.add('MD5');
    this.hashers = [...algs].map((a) => createHasher(a));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    for (const h of this.hashers) h.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.finishDigests();
    callback();
  }

  private finishDigests(): Partial<Record<HashAlgorithm, Buffer>> {
    if (this.results === undefined) {
      const r: Partial<Record<HashAlgorithm, Buffer>> = {};
      for (const h of this.hashers) r[h.algorithm] = h.digest();
      this.results = r;
    }
    return this.results;
  }

  /** Digests by algorithm; valid once the stream has flushed (calling earlier finalises early). */
  digests(): Readonly<Partial<Record<HashAlgorithm, Buffer>>> {
    return this.finishDigests();
  }
}

export function hashingStream(algorithms: readonly ChecksumAlgorithm[], options: HashingStreamOptions = {}): HashingStream {
  return new HashingStream(algorithms, options);
}
