/**
 * Decrypts the stored bytes of a read as they arrive, whatever the size of the buffers they come in:
 * one or more consecutive segments (segment-format.ts), each from a chunk boundary (its header first
 * when the read starts at chunk 0; otherwise the header was read separately and is given here) to the
 * end of the last chunk the read needs. Plaintext is released only once its chunk's tag has been
 * checked, and trimmed to the requested range. Input buffers are never kept: the caller may reuse them
 * as soon as `write` returns (FileRangeBody's reused read buffers).
 */
import type { DecipherGCM } from 'node:crypto';
import {
  SEGMENT_HEADER_BYTES,
  SegmentCorruptError,
  TAG_BYTES,
  chunkCount,
  chunkDecipher,
  chunkPlainBytes,
  segmentKey,
} from './segment-format.js';

/** What a read needs of one segment. Plaintext offsets are within the segment. */
export interface SegmentReadPlan {
  /** Plaintext bytes of the whole segment. */
  readonly plainBytes: number;
  /** First and last (inclusive) chunk the stored bytes cover. */
  readonly firstChunk: number;
  readonly lastChunk: number;
  /** Plaintext bytes to drop at the start of `firstChunk`, then to release. */
  readonly skip: number;
  readonly take: number;
  /** The header, read separately, when the stored bytes start at `firstChunk` > 0. */
  readonly header?: Buffer;
}

export class SegmentStreamOpener {
  private plan = 0;
  private key: Buffer | undefined;
  private readonly headerBytes = Buffer.alloc(SEGMENT_HEADER_BYTES);
  private headerFilled = 0;
  private chunk = 0;
  private cipherLeft = 0;
  private decipher: DecipherGCM | undefined;
  private held: Buffer[] = [];
  private readonly tag = Buffer.alloc(TAG_BYTES);
  private tagFilled = 0;
  private skipLeft = 0;
  private takeLeft = 0;

  constructor(
    private readonly dataKey: Buffer,
    private readonly chunkSize: number,
    private readonly plans: readonly SegmentReadPlan[],
    /** Receives authenticated plaintext, in order; the buffers are the receiver's. */
    private readonly emit: (plaintext: Buffer) => void,
  ) {
    this.startPlan();
  }

  /** Whether every planned byte has been read and checked. */
  get done(): boolean {
    return this.plan >= this.plans.length;
  }

  write(data: Buffer): void {
    let at = 0;
    while (at < data.length) {
      if (this.done) throw new SegmentCorruptError('encrypted object has more bytes than its segments');
      if (this.key === undefined) at = this.readHeader(data, at);
      else if (this.cipherLeft > 0) at = this.readCiphertext(data, at);
      else at = this.readTag(data, at);
    }
  }

  /** The stored bytes have all arrived: fails when some were missing. */
  end(): void {
    if (!this.done) throw new SegmentCorruptError('encrypted object ended before its last chunk');
  }

  private startPlan(): void {
    // Segments the read does not need bytes of were not planned; an empty plan list is a finished read.
    const p = this.plans[this.plan];
    if (p === undefined) return;
    this.key = p.header === undefined ? undefined : segmentKey(this.dataKey, p.header);
    this.headerFilled = 0;
    this.skipLeft = p.skip;
    this.takeLeft = p.take;
    if (this.key !== undefined) this.startChunk(p.firstChunk);
  }

  private readHeader(data: Buffer, at: number): number {
    const n = Math.min(SEGMENT_HEADER_BYTES - this.headerFilled, data.length - at);
    data.copy(this.headerBytes, this.headerFilled, at, at + n);
    this.headerFilled += n;
    if (this.headerFilled === SEGMENT_HEADER_BYTES) {
      this.key = segmentKey(this.dataKey, this.headerBytes);
      this.startChunk(this.plans[this.plan].firstChunk);
    }
    return at + n;
  }

  private startChunk(index: number): void {
    const p = this.plans[this.plan];
    this.chunk = index;
    this.cipherLeft = chunkPlainBytes(index, p.plainBytes, this.chunkSize);
    this.decipher = chunkDecipher(this.key as Buffer, index, index === chunkCount(p.plainBytes, this.chunkSize) - 1);
    this.tagFilled = 0;
    this.held = [];
  }

  private readCiphertext(data: Buffer, at: number): number {
    const n = Math.min(this.cipherLeft, data.length - at);
    this.held.push((this.decipher as DecipherGCM).update(data.subarray(at, at + n)));
    this.cipherLeft -= n;
    return at + n;
  }

  private readTag(data: Buffer, at: number): number {
    const n = Math.min(TAG_BYTES - this.tagFilled, data.length - at);
    data.copy(this.tag, this.tagFilled, at, at + n);
    this.tagFilled += n;
    if (this.tagFilled === TAG_BYTES) this.finishChunk();
    return at + n;
  }

  private finishChunk(): void {
    const decipher = this.decipher as DecipherGCM;
    decipher.setAuthTag(this.tag);
    try {
      decipher.final();
    } catch {
      throw new SegmentCorruptError(`chunk ${this.chunk} of an encrypted segment failed authentication`);
    }
    for (const piece of this.held) this.release(piece);
    this.held = [];
    const p = this.plans[this.plan];
    if (this.chunk < p.lastChunk) {
      this.startChunk(this.chunk + 1);
      return;
    }
    if (this.takeLeft !== 0) throw new SegmentCorruptError('encrypted segment is shorter than its plan');
    this.plan += 1;
    this.startPlan();
  }

  private release(piece: Buffer): void {
    let p = piece;
    if (this.skipLeft > 0) {
      const skip = Math.min(this.skipLeft, p.length);
      this.skipLeft -= skip;
      p = p.subarray(skip);
    }
    if (p.length > this.takeLeft) p = p.subarray(0, this.takeLeft);
    if (p.length === 0) return;
    this.takeLeft -= p.length;
    this.emit(p);
  }
}
