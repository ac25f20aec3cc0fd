/**
 * The encryption of one stored segment (segment-format.ts) as plain calls, no stream: each piece of
 * plaintext in, the stored bytes it completes out. The upload path calls it from the one stream stage
 * a body crosses (checksum/hashing-stream.ts); SegmentEncryptor wraps it as a Transform.
 *
 * A chunk's additional data says whether it is the last, and GCM takes the additional data before the
 * first byte of plaintext. When the segment's plaintext size is declared up front (a PUT's
 * Content-Length, a part's, a copy's source), which chunk is the last is known, so every piece is
 * encrypted the moment it arrives: nothing is held, and the body's buffers die young (a held buffer
 * outlives two scavenges, is promoted, and its backing store then waits for a full collection). With
 * no declared size (a POST form's file), a chunk is sealed only once the bytes after it have started
 * to arrive, or at the end. Either way the output is the same bytes for the same plaintext and header.
 */
import type { CipherGCM } from 'node:crypto';
import { chunkCipher, chunkCount, newSegmentHeader, segmentKey } from './segment-format.js';

/** The plaintext was not the size the segment was declared with: the stored bytes are unusable. */
export class SegmentLengthError extends Error {
  readonly code = 'SegmentLength';

  constructor(
    readonly declared: number,
    readonly received: number,
  ) {
    super(`segment declared as ${declared} bytes of plaintext received ${received}`);
    this.name = 'SegmentLengthError';
  }
}

export interface SegmentSealerOptions {
  /** The header (salt and key mode); a fresh random one by default. */
  readonly header?: Buffer;
  /** The plaintext size, when known before the first byte: pieces are then encrypted as they come. */
  readonly plaintextBytes?: number;
}

export class SegmentSealer {
  /** Plaintext bytes received so far: the segment's size once `final` returned. */
  plaintextBytes = 0;
  /** Every piece is encrypted as it comes (a declared size): `update` keeps no reference to its input. */
  readonly sealsAsItGoes: boolean;
  private readonly key: Buffer;
  private header: Buffer | undefined;
  private readonly declared: number | undefined;
  private readonly lastIndex: number;
  private index = 0;
  /** Declared size: the chunk being encrypted and the plaintext bytes it still takes. */
  private cipher: CipherGCM | undefined;
  private chunkLeft = 0;
  /** No declared size: plaintext not yet known to be followed by more. */
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    dataKey: Buffer,
    private readonly chunkSize: number,
    options: SegmentSealerOptions = {},
  ) {
    const header = options.header ?? newSegmentHeader();
    this.key = segmentKey(dataKey, header);
    this.header = header;
    this.declared = options.plaintextBytes;
    this.sealsAsItGoes = this.declared !== undefined;
    this.lastIndex = this.declared === undefined ? -1 : chunkCount(this.declared, chunkSize) - 1;
  }

  /**
   * Takes `plaintext` and appends the stored bytes it completes to `out`. With a declared size the piece
   * is encrypted at once (the caller may reuse it); without, it is kept until its chunk is sealed.
   */
  update(plaintext: Buffer, out: Buffer[]): void {
    this.takeHeader(out);
    this.plaintextBytes += plaintext.length;
    if (this.declared === undefined) {
      this.pending.push(plaintext);
      this.pendingBytes += plaintext.length;
      // Strictly more than a chunk: the chunk sealed now is followed by at least one byte.
      while (this.pendingBytes > this.chunkSize) this.sealPending(this.chunkSize, false, out);
      return;
    }
    if (this.plaintextBytes > this.declared) throw new SegmentLengthError(this.declared, this.plaintextBytes);
    let at = 0;
    while (at < plaintext.length) {
      const cipher = (this.cipher ??= this.startChunk());
      const n = Math.min(this.chunkLeft, plaintext.length - at);
      out.push(cipher.update(at === 0 && n === plaintext.length ? plaintext : plaintext.subarray(at, at + n)));
      at += n;
      this.chunkLeft -= n;
      if (this.chunkLeft === 0) this.closeChunk(out);
    }
  }

  /** Appends the rest of the segment (the last chunk's tag at least) to `out`; the segment is complete. */
  final(out: Buffer[]): void {
    this.takeHeader(out);
    if (this.declared === undefined) {
      this.sealPending(this.pendingBytes, true, out);
      return;
    }
    if (this.plaintextBytes !== this.declared) throw new SegmentLengthError(this.declared, this.plaintextBytes);
    // An empty segment is one empty chunk; otherwise the last chunk closed when its last byte came.
    if (this.declared === 0) {
      this.startChunk();
      this.closeChunk(out);
    }
  }

  private takeHeader(out: Buffer[]): void {
    if (this.header === undefined) return;
    out.push(this.header);
    this.header = undefined;
  }

  private startChunk(): CipherGCM {
    const size = this.declared as number;
    this.chunkLeft = Math.min(this.chunkSize, size - this.index * this.chunkSize);
    this.cipher = chunkCipher(this.key, this.index, this.index === this.lastIndex);
    return this.cipher;
  }

  private closeChunk(out: Buffer[]): void {
    const cipher = this.cipher as CipherGCM;
    this.cipher = undefined;
    this.index += 1;
    cipher.final();
    out.push(cipher.getAuthTag());
  }

  /** No declared size: seals the next `bytes` pending bytes as one chunk. */
  private sealPending(bytes: number, last: boolean, out: Buffer[]): void {
    const cipher = chunkCipher(this.key, this.index, last);
    this.index += 1;
    let left = bytes;
    while (left > 0) {
      const head = this.pending[0];
      if (head.length <= left) {
        this.pending.shift();
        left -= head.length;
        out.push(cipher.update(head));
      } else {
        this.pending[0] = head.subarray(left);
        out.push(cipher.update(head.subarray(0, left)));
        left = 0;
      }
    }
    this.pendingBytes -= bytes;
    cipher.final();
    out.push(cipher.getAuthTag());
  }
}
