/**
 * Encrypts a stream of plaintext into one stored segment (segment-format.ts) as it flows: a Transform
 * over SegmentSealer, for writers that have a stream to pipe (the upload path seals from its one
 * hashing stage instead). Input buffers are fed to the cipher as they are, never copied into a chunk
 * buffer first.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { SegmentSealer, type SegmentSealerOptions } from './segment-sealer.js';

export class SegmentEncryptor extends Transform {
  private readonly sealer: SegmentSealer;

  constructor(dataKey: Buffer, chunkSize: number, options: SegmentSealerOptions | Buffer = {}) {
    super({ highWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.sealer = new SegmentSealer(dataKey, chunkSize, Buffer.isBuffer(options) ? { header: options } : options);
  }

  /** Plaintext bytes received so far: the segment's size once the stream has ended. */
  get plaintextBytes(): number {
    return this.sealer.plaintextBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.run((out) => this.sealer.update(chunk, out), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.run((out) => this.sealer.final(out), callback);
  }

  private run(step: (out: Buffer[]) => void, callback: TransformCallback): void {
    const out: Buffer[] = [];
    try {
      step(out);
    } catch (e) {
      callback(e as Error);
      return;
    }
    for (const b of out) this.push(b);
    callback();
  }
}
