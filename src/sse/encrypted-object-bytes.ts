/**
 * Reading an encrypted object's bytes: a plaintext range (what S3 speaks: `Range`, `partNumber`, the
 * object's size are all plaintext) mapped to the chunks that hold it, in each segment.
 *
 * An encrypted object's segments keep their plaintext sizes (BlobSegment.size, as ObjectRecord.size),
 * so everything above this module works in plaintext; each blob holds `storedSize(size)` bytes. The
 * stored bytes a read needs are contiguous across the blobs — from the first needed chunk of the first
 * segment to the end of the last needed chunk of the last — and are opened with the storage's own
 * reader (object-reader.ts: blobs opened before the response starts, retained past its window), so an
 * encrypted GET keeps every guarantee of a plain one. Only the header of the first segment, when the
 * read starts past its first chunk, is read separately, before that.
 */
import type { Readable } from 'node:stream';
import { inlineRange, openObjectBytes, type ByteRange } from '../storage/object-reader.js';
import type { BlobSegment, BlobStore, ObjectRecord } from '../storage/ports.js';
import { DecryptedBody } from './decrypted-body.js';
import {
  SEGMENT_HEADER_BYTES,
  SegmentCorruptError,
  TAG_BYTES,
  chunkCount,
  chunkOffset,
  chunkPlainBytes,
  openSegment,
  storedSize,
} from './segment-format.js';
import type { SegmentReadPlan } from './segment-opener.js';

/** What opens an encrypted object: its data key (or SSE-C key) and its chunk size. */
export interface ObjectKeyMaterial {
  readonly dataKey: Buffer;
  readonly chunkSize: number;
}

/** How an encrypted read is carried out: the stored bytes to open and what to decrypt of each segment. */
export interface EncryptedReadPlan {
  /** The segments with their stored sizes, as the blob store holds them. */
  readonly storedSegments: readonly BlobSegment[];
  /** Over the concatenated stored segments; undefined: all of them. */
  readonly storedRange: ByteRange | undefined;
  readonly plans: readonly SegmentReadPlan[];
  /** The blob whose header must be read separately (the read starts past its first chunk). */
  readonly headerBlob: string | undefined;
}

/** The plan of reading `range` (plaintext, inclusive; all when absent) of segments with plaintext sizes. */
export function planEncryptedRead(
  segments: readonly BlobSegment[],
  chunkSize: number,
  range?: ByteRange,
): EncryptedReadPlan {
  const storedSegments = segments.map((s) => ({ blobId: s.blobId, size: storedSize(s.size, chunkSize) }));
  if (range === undefined) {
    const whole = (s: BlobSegment) => ({ plainBytes: s.size, firstChunk: 0, lastChunk: chunkCount(s.size, chunkSize) - 1, skip: 0, take: s.size });
    const plans = segments.map(whole);
    return { storedSegments, storedRange: undefined, plans, headerBlob: undefined };
  }
  const total = segments.reduce((sum, s) => sum + s.size, 0);
  const { start, end } = range;
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < total)) {
    throw new RangeError(`range ${start}-${end} is outside an object of ${total} bytes`);
  }
  const plainAt = offsets(segments.map((s) => s.size));
  const storedAt = offsets(storedSegments.map((s) => s.size));
  const holding = (at: number) =>
    segments.findIndex((s, i) => s.size > 0 && plainAt[i] <= at && at < plainAt[i] + s.size);
  const [first, last] = [holding(start), holding(end)];
  // Every segment from the one holding `start` to the one holding `end` (empty ones between are read and checked).
  const plans: SegmentReadPlan[] = [];
  for (let i = first; i <= last; i++) {
    const size = segments[i].size;
    const localStart = Math.max(start, plainAt[i]) - plainAt[i];
    const localEnd = Math.min(end, plainAt[i] + size - 1) - plainAt[i];
    const firstChunk = size === 0 ? 0 : Math.floor(localStart / chunkSize);
    const lastChunk = size === 0 ? 0 : Math.floor(localEnd / chunkSize);
    const skip = localStart - firstChunk * chunkSize;
    plans.push({ plainBytes: size, firstChunk, lastChunk, skip, take: size === 0 ? 0 : localEnd - localStart + 1 });
  }
  const head = plans[0];
  const tail = plans[plans.length - 1];
  const storedStart = storedAt[first] + (head.firstChunk === 0 ? 0 : chunkOffset(head.firstChunk, chunkSize));
  const lastChunkEnd = chunkOffset(tail.lastChunk, chunkSize) + chunkPlainBytes(tail.lastChunk, tail.plainBytes, chunkSize) + TAG_BYTES;
  const storedEnd = storedAt[last] + lastChunkEnd - 1;
  const headerBlob = head.firstChunk > 0 ? segments[first].blobId : undefined;
  return { storedSegments, storedRange: { start: storedStart, end: storedEnd }, plans, headerBlob };
}

/** The offset at which each of `sizes` starts when they are laid end to end. */
function offsets(sizes: readonly number[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(at);
    at += size;
  }
  return out;
}

/**
 * Opens `range` of an encrypted object's segments and resolves its plaintext, once every blob it
 * needs is open (rejects with BlobNotFoundError as `openObjectBytes` does: re-read the metadata).
 */
export async function openEncryptedSegments(
  blobs: BlobStore,
  segments: readonly BlobSegment[],
  key: ObjectKeyMaterial,
  range?: ByteRange,
): Promise<Readable> {
  const plan = planEncryptedRead(segments, key.chunkSize, range);
  const header = plan.headerBlob === undefined ? undefined : await readHeader(blobs, plan.headerBlob);
  const plans = header === undefined ? plan.plans : [{ ...plan.plans[0], header }, ...plan.plans.slice(1)];
  const source = await openObjectBytes(blobs, plan.storedSegments, plan.storedRange);
  return new DecryptedBody(source, { dataKey: key.dataKey, chunkSize: key.chunkSize, plans });
}

/**
 * The plaintext of inline ciphertexts already opened, by the ciphertext buffer itself: the store hands
 * out the same record, and so the same buffer, while the record is cached (object-table.ts), so a hot
 * small object is decrypted once, not on every GET (a cipher set-up is most of a 4 KiB GET's cost).
 * Weak: an entry lives exactly as long as its record. It saves the cipher only: the request's key is
 * checked before (object-encryption.ts `openObjectKey`: SSE-C key, KMS permission and key state).
 */
const openedInline = new WeakMap<Buffer, Buffer>();

/** `range` of an encrypted small object's inline bytes, decrypted in memory. */
export function openEncryptedInline(inline: Buffer, key: ObjectKeyMaterial, range?: ByteRange): Buffer {
  let plaintext = openedInline.get(inline);
  if (plaintext === undefined) {
    plaintext = openSegment(key.dataKey, inline, key.chunkSize);
    openedInline.set(inline, plaintext);
  }
  return inlineRange(plaintext, range);
}

async function readHeader(blobs: BlobStore, blobId: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  const stream = blobs.read(blobId, { start: 0, end: SEGMENT_HEADER_BYTES - 1 }) as AsyncIterable<Buffer>;
  for await (const chunk of stream) parts.push(chunk);
  const header = Buffer.concat(parts);
  if (header.length !== SEGMENT_HEADER_BYTES) {
    throw new SegmentCorruptError(`blob ${blobId} is too short for an encrypted segment`);
  }
  return header;
}

/**
 * An object's plaintext, whichever way it is stored: inline bytes (decrypted in memory, or as they
 * are) or segments (opened, and decrypted as they stream). `key` undefined: stored in plaintext.
 */
export async function openObjectPlaintext(
  blobs: BlobStore,
  record: Pick<ObjectRecord, 'segments' | 'inline'>,
  key: ObjectKeyMaterial | undefined,
  range?: ByteRange,
): Promise<Buffer | Readable> {
  if (record.inline !== undefined) {
    return key === undefined ? inlineRange(record.inline, range) : openEncryptedInline(record.inline, key, range);
  }
  if (key === undefined) return openObjectBytes(blobs, record.segments, range);
  return openEncryptedSegments(blobs, record.segments, key, range);
}
