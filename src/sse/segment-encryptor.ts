/**
 * Encrypts a stream of plaintext into one stored segment (segment-format.ts) as it flows: the
 * received body of a PUT, a part, a copy. A chunk is sealed once the bytes after it have started to
 * arrive (so that it is known not to be the last) or at the end of the stream; input buffers are fed
 * to the cipher as they are, never copied into a chunk buffer first.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { chunkCipher, newSegmentHeader, segmentKey } from './segment-format.js';

export class SegmentEncryptor extends Transform {
  /** Plaintext bytes received so far: the segment's size once the stream has ended. */
  plaintextBytes = 0;
  private readonly key: Buffer;
  private header: Buffer | undefined;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(
    dataKey: Buffer,
    private readonly chunkSize: number,
    header: Buffer = newSegmentHeader(),
  ) {
    super({ highWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.key = segmentKey(dataKey, header);
    this.header = header;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pushHeader();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.plaintextBytes += chunk.length;
    // Strictly more than a chunk: the chunk sealed now is followed by at least one byte.
    while (this.pendingBytes > this.chunkSize) this.sealChunk(this.chunkSize, false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.pushHeader();
    this.sealChunk(this.pendingBytes, true);
    callback();
  }

  private pushHeader(): void {
    if (this.header === undefined) return;
    this.push(this.header);
    this.header = undefined;
  }

  /** Seals the next `bytes` pending bytes as one chunk. */
  private sealChunk(bytes: number, last: boolean): void {
    const cipher = chunkCipher(this.key, this.index, last);
    this.index += 1;
    let left = bytes;
    while (left > 0) {
      const head = this.pending[0];
      if (head.length <= left) {
        this.pending.shift();
        left -= head.length;
        this.push(cipher.update(head));
      } else {
        this.pending[0] = head.subarray(left);
        this.push(cipher.update(head.subarray(0, left)));
        left = 0;
      }
    }
    this.pendingBytes -= bytes;
    cipher.final();
    this.push(cipher.getAuthTag());
  }
}
