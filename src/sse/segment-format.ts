/**
 * How one run of object bytes (a segment: a single-part object's blob, one part of a multipart
 * object, or a small object's inline bytes) is stored encrypted: envelope encryption with AES-256-GCM
 * in chunks, so that a ranged read decrypts only the chunks it needs.
 *
 * Layout of a stored segment:
 *
 *   header (32 bytes): "SBE1" | key mode (1 byte) | 3 zero bytes | 24-byte random salt
 *   chunk 0: ciphertext (min(chunkSize, rest) bytes) | GCM tag (16 bytes)
 *   chunk 1: ...
 *
 * There is always at least one chunk (an empty segment is one empty chunk and its tag), so a segment
 * cannot be truncated to nothing. Each segment is encrypted under a key of its own. A data key shared
 * by several segments (the parts of a multipart upload; an SSE-C key, by every object its customer
 * writes) is never used as it is: the segment's key is HMAC-SHA256(dataKey, label | salt) (key mode
 * 0), so GCM's (key, IV) pair never repeats however many parts reuse it. A data key made for one
 * segment alone (an SSE-S3 or SSE-KMS object written by one request) is the segment's key (key mode
 * 1), which saves a derivation on every read of a small object. A changed mode changes the key, so
 * the chunks' tags fail: the mode is as authentic as the bytes. Within a segment
 * the IV is the chunk index (4 zero bytes | 64-bit big-endian index: NIST SP 800-38D's deterministic
 * construction), and the additional authenticated data says whether the chunk is the last one: a
 * chunk moved to another position fails its tag (wrong IV), and a segment cut at a chunk boundary
 * fails because its new last chunk was not sealed as the last.
 *
 * AWS: "Amazon S3 server-side encryption uses 256-bit Advanced Encryption Standard Galois/Counter Mode
 * (AES-GCM) to encrypt all uploaded objects", "each object with a unique key"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto';

export const SEGMENT_HEADER_BYTES = 32;
export const TAG_BYTES = 16;
/** Plaintext bytes per chunk of new objects: a ranged read decrypts at most this much more than it sends. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

const FORMAT_TAG = Buffer.from('SBE1', 'latin1');
const MODE_OFFSET = 4;
const SALT_OFFSET = 8;

/** `derived`: the segment's key comes from the data key and the salt; `direct`: the data key is for this segment alone. */
export type SegmentKeyMode = 'derived' | 'direct';
const KEY_LABEL = Buffer.from('strongbox sse segment key v1\0', 'latin1');
const AAD_MORE = Buffer.from([0]);
const AAD_LAST = Buffer.from([1]);

/** A segment whose bytes fail authentication or do not have the layout above: tampered or corrupt. */
export class SegmentCorruptError extends Error {
  readonly code = 'SegmentCorrupt';

  constructor(message: string) {
    super(message);
    this.name = 'SegmentCorruptError';
  }
}

/** Chunks of a segment of `plainBytes` bytes (at least one). */
export function chunkCount(plainBytes: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(plainBytes / chunkSize));
}

/** Stored bytes of a segment of `plainBytes` bytes of plaintext. */
export function storedSize(plainBytes: number, chunkSize: number): number {
  return SEGMENT_HEADER_BYTES + plainBytes + TAG_BYTES * chunkCount(plainBytes, chunkSize);
}

/** Plaintext bytes of a stored segment of `stored` bytes; undefined when no plaintext size gives it. */
export function plainSizeOf(stored: number, chunkSize: number): number | undefined {
  const body = stored - SEGMENT_HEADER_BYTES;
  if (body < TAG_BYTES) return undefined;
  const plain = body - TAG_BYTES * Math.ceil(body / (chunkSize + TAG_BYTES));
  return plain >= 0 && storedSize(plain, chunkSize) === stored ? plain : undefined;
}

/** Offset of chunk `index` within the stored segment. */
export function chunkOffset(index: number, chunkSize: number): number {
  return SEGMENT_HEADER_BYTES + index * (chunkSize + TAG_BYTES);
}

/** Plaintext bytes of chunk `index` of a segment of `plainBytes` bytes. */
export function chunkPlainBytes(index: number, plainBytes: number, chunkSize: number): number {
  return Math.max(0, Math.min(chunkSize, plainBytes - index * chunkSize));
}

/** A fresh header: the format tag, the key mode and a random salt (from `random`, node's CSPRNG by default). */
export function newSegmentHeader(random: (bytes: number) => Buffer = randomBytes, mode: SegmentKeyMode = 'derived'): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  FORMAT_TAG.copy(header, 0);
  header[MODE_OFFSET] = mode === 'direct' ? 1 : 0;
  random(SEGMENT_HEADER_BYTES - SALT_OFFSET).copy(header, SALT_OFFSET);
  return header;
}

/** The key of the segment whose header this is, under the object's data key (or SSE-C key). */
export function segmentKey(dataKey: Buffer, header: Buffer): Buffer {
  if (header.length !== SEGMENT_HEADER_BYTES || !header.subarray(0, 4).equals(FORMAT_TAG)) {
    throw new SegmentCorruptError('encrypted segment has no valid header');
  }
  const mode = header[MODE_OFFSET];
  if (mode === 1) return dataKey;
  if (mode !== 0) throw new SegmentCorruptError('encrypted segment has an unknown key mode');
  return createHmac('sha256', dataKey).update(KEY_LABEL).update(header.subarray(SALT_OFFSET)).digest();
}

function chunkIv(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

/** A cipher for chunk `index` of a segment; feed it the chunk's plaintext, then `final` and the tag. */
export function chunkCipher(key: Buffer, index: number, last: boolean): CipherGCM {
  const cipher = createCipheriv('aes-256-gcm', key, chunkIv(index));
  cipher.setAAD(last ? AAD_LAST : AAD_MORE);
  return cipher;
}

/** A decipher for chunk `index`; set its tag before `final`, which throws when the chunk is not authentic. */
export function chunkDecipher(key: Buffer, index: number, last: boolean): DecipherGCM {
  const decipher = createDecipheriv('aes-256-gcm', key, chunkIv(index));
  decipher.setAAD(last ? AAD_LAST : AAD_MORE);
  return decipher;
}

/** Encrypts a whole segment held in memory (a small object's inline bytes). */
export function sealSegment(
  dataKey: Buffer,
  plaintext: Buffer,
  chunkSize: number,
  header: Buffer = newSegmentHeader(),
): Buffer {
  const key = segmentKey(dataKey, header);
  const chunks = chunkCount(plaintext.length, chunkSize);
  const out = Buffer.allocUnsafe(storedSize(plaintext.length, chunkSize));
  header.copy(out, 0);
  let at = SEGMENT_HEADER_BYTES;
  for (let i = 0; i < chunks; i++) {
    const cipher = chunkCipher(key, i, i === chunks - 1);
    const sealed = cipher.update(plaintext.subarray(i * chunkSize, (i + 1) * chunkSize));
    cipher.final();
    at += sealed.copy(out, at);
    at += cipher.getAuthTag().copy(out, at);
  }
  return out;
}

/**
 * Decrypts `[start, end]` (inclusive, plaintext offsets; all of it when absent) of a whole stored
 * segment held in memory, checking only the chunks that hold the range.
 */
export function openSegment(
  dataKey: Buffer,
  stored: Buffer,
  chunkSize: number,
  range?: { readonly start: number; readonly end: number },
): Buffer {
  const plainBytes = plainSizeOf(stored.length, chunkSize);
  if (plainBytes === undefined) {
    throw new SegmentCorruptError(`encrypted segment of ${stored.length} bytes has no valid length`);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? plainBytes - 1;
  if (plainBytes === 0 || end < start) {
    openChunk(segmentKey(dataKey, stored.subarray(0, SEGMENT_HEADER_BYTES)), stored, 0, { plainBytes, chunkSize });
    return Buffer.alloc(0);
  }
  if (start < 0 || end >= plainBytes) {
    throw new RangeError(`range ${start}-${end} is outside a segment of ${plainBytes} bytes`);
  }
  const key = segmentKey(dataKey, stored.subarray(0, SEGMENT_HEADER_BYTES));
  const first = Math.floor(start / chunkSize);
  const last = Math.floor(end / chunkSize);
  const parts: Buffer[] = [];
  for (let i = first; i <= last; i++) parts.push(openChunk(key, stored, i, { plainBytes, chunkSize }));
  const plain = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  const skip = start - first * chunkSize;
  return plain.subarray(skip, skip + (end - start + 1));
}

function openChunk(key: Buffer, stored: Buffer, index: number, size: { plainBytes: number; chunkSize: number }): Buffer {
  const { plainBytes, chunkSize } = size;
  const at = chunkOffset(index, chunkSize);
  const length = chunkPlainBytes(index, plainBytes, chunkSize);
  const decipher = chunkDecipher(key, index, index === chunkCount(plainBytes, chunkSize) - 1);
  decipher.setAuthTag(stored.subarray(at + length, at + length + TAG_BYTES));
  const plain = decipher.update(stored.subarray(at, at + length));
  try {
    decipher.final();
  } catch {
    throw new SegmentCorruptError(`chunk ${index} of an encrypted segment failed authentication`);
  }
  return plain;
}
