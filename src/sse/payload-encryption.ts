/**
 * What a writer needs to store a new segment encrypted (src/s3/upload.ts): the stored size of a body
 * (to choose inline bytes only when the ciphertext fits), a small body sealed in memory, and a sealer
 * for a body that goes to a blob as it streams.
 */
import { newSegmentHeader, sealSegment, storedSize } from './segment-format.js';
import { SegmentSealer } from './segment-sealer.js';

export interface PayloadEncryption {
  /** Stored bytes of a segment of `plainBytes` bytes. */
  storedSize(plainBytes: number): number;
  /** A whole small body, sealed as one segment. */
  sealInline(plaintext: Buffer): Buffer;
  /**
   * Encrypts what it is given into one segment; `plaintextBytes` counts what it was given. Pass the
   * plaintext size when it is known (Content-Length): every piece is then encrypted as it arrives, and
   * a body of another size fails (SegmentLengthError).
   */
  sealer(plaintextBytes?: number): SegmentSealer;
}

export interface PayloadEncryptionOptions {
  /** Makes each segment's salt (segment-format.ts). */
  readonly random?: (bytes: number) => Buffer;
  /** The data key is this one body's alone (key mode `direct`): never set it for a key that encrypts several segments. */
  readonly singleSegment?: boolean;
}

export function payloadEncryption(dataKey: Buffer, chunkSize: number, options: PayloadEncryptionOptions = {}): PayloadEncryption {
  const { random, singleSegment } = options;
  const mode = singleSegment === true ? 'direct' : 'derived';
  return {
    storedSize: (plainBytes) => storedSize(plainBytes, chunkSize),
    sealInline: (plaintext) => sealSegment(dataKey, plaintext, chunkSize, newSegmentHeader(random, mode)),
    sealer: (plaintextBytes) => new SegmentSealer(dataKey, chunkSize, { header: newSegmentHeader(random, mode), plaintextBytes }),
  };
}
