/**
 * What a writer needs to store a new segment encrypted (src/s3/upload.ts): the stored size of a body
 * (to choose inline bytes only when the ciphertext fits), a small body sealed in memory, and a stream
 * encryptor for a body that goes to a blob.
 */
import { SegmentEncryptor } from './segment-encryptor.js';
import { newSegmentHeader, sealSegment, storedSize } from './segment-format.js';

export interface PayloadEncryption {
  /** Stored bytes of a segment of `plainBytes` bytes. */
  storedSize(plainBytes: number): number;
  /** A whole small body, sealed as one segment. */
  sealInline(plaintext: Buffer): Buffer;
  /** A stream that encrypts what it is given into one segment; `plaintextBytes` counts what it was given. */
  encryptor(): SegmentEncryptor;
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
    encryptor: () => new SegmentEncryptor(dataKey, chunkSize, newSegmentHeader(random, mode)),
  };
}
