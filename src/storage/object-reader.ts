/**
 * Streams an object's bytes across its segments (a multipart object is several part blobs; completing
 * the upload does not copy bytes), honouring a byte range that may span segments.
 *
 * The race this module closes: PutObject commits new metadata and then deletes the old blobs, while a
 * concurrent GET may have read the old metadata and not yet opened the files. We open the blobs the
 * range needs *before* the caller sends response headers (`openObjectBytes` resolves only once they
 * are open). An open handle keeps a file's bytes readable after unlink (POSIX), so once open, the
 * overwrite can no longer hurt this GET. If a blob is already gone, `openObjectBytes` rejects with
 * `BlobNotFoundError`: the caller re-reads the metadata once and retries with the new segments (or
 * answers NoSuchKey when the object was deleted).
 *
 * To bound file descriptors, at most `maxOpenHandles` segments are opened up front (default 256, which
 * covers nearly every object); later segments of a bigger object (`aws s3 cp` of a 5 GiB file makes
 * 640 parts) are opened in a sliding window as the stream advances. Those are *retained* up front
 * instead (`BlobStore.retain`): an overwrite's delete of them waits until this read is done, and one
 * already gone rejects `openObjectBytes` like a missing open blob. So a download never fails part-way
 * because the object was overwritten, without keeping 10,000 descriptors per GET. (A store without
 * `retain` keeps that race for segments past the window.)
 *
 * A multi-segment body is sendable (SegmentsBody): a response sends it segment by segment, each with
 * its blob's own `sendTo` (reused buffers, direct reads for large parts), as a one-blob object is sent.
 */
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { BlobCorruptError } from './blob-errors.js';
import { lazyReadable, readableFromChunks } from './lazy-readable.js';
import type { BlobRetention, BlobSegment, BlobStore, ObjectRecord, OpenedBlob } from './ports.js';
import { isSendableBody, prematureCloseError, type SendableBody } from './sendable-body.js';

export interface ByteRange {
  /** Inclusive byte offsets into the whole object. */
  readonly start: number;
  readonly end: number;
}

/** One blob's share of a read: `[start, end]` inclusive within that blob. */
interface SegmentRead {
  readonly segment: BlobSegment;
  readonly start: number;
  readonly end: number;
}

export interface OpenObjectOptions {
  /** Segments opened before resolving; the rest are opened this far ahead of the reader. */
  readonly maxOpenHandles?: number;
}

const DEFAULT_MAX_OPEN_HANDLES = 256;

/**
 * Opens the blobs of `segments` that `range` touches, then resolves a stream of exactly those bytes.
 * Rejects with BlobNotFoundError when a blob is gone (retry after re-reading metadata), with
 * BlobCorruptError when a blob's size disagrees with the metadata, and with RangeError for a range
 * outside the object (the caller validates ranges and answers InvalidRange itself).
 */
export async function openObjectBytes(
  blobs: BlobStore,
  segments: readonly BlobSegment[],
  range?: ByteRange,
  options: OpenObjectOptions = {},
): Promise<Readable> {
  const plan = planReads(segments, range);
  const window = Math.max(1, options.maxOpenHandles ?? DEFAULT_MAX_OPEN_HANDLES);
  if (blobs.open === undefined) {
    // A store without handles: nothing to open eagerly, the race stays open (documented on the port).
    return readableFromChunks(lazyChunks(blobs, plan));
  }
  if (plan.length === 1) {
    // One blob (every single-part object): its own read stream, with a length check, no generators.
    const read = plan[0];
    const blob = await openChecked(blobs, read.segment);
    const stream = blob.stream({ start: read.start, end: read.end });
    // A sendable body checks its length itself (and must stay sendable for the renderer).
    return isSendableBody(stream) ? stream : checkedLength(stream, read);
  }
  // Retained before anything is awaited, so that no delete can slip in between (file-blob-store.ts).
  const retaining = plan.length > window && blobs.retain !== undefined ? blobs.retain(plan.slice(window).map((r) => r.segment.blobId)) : undefined;
  const first = plan.slice(0, window).map((read) => openChecked(blobs, read.segment));
  const [retained, ...opened] = await Promise.allSettled([retaining, ...first]);
  const failure = [retained, ...opened].find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(opened.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    if (retained.status === 'fulfilled') retained.value?.release();
    throw failure.reason;
  }
  return new SegmentsBody(blobs, plan, first, window, retained.status === 'fulfilled' ? retained.value : undefined);
}

/**
 * An object's bytes whichever way the store holds them: its inline bytes (a small object kept in the
 * metadata record) or its segments, opened as `openObjectBytes` does.
 */
export async function openRecordBytes(
  blobs: BlobStore,
  record: Pick<ObjectRecord, 'segments' | 'inline'>,
  range?: ByteRange,
  options: OpenObjectOptions = {},
): Promise<Readable> {
  if (record.inline === undefined) return openObjectBytes(blobs, record.segments, range, options);
  const bytes = inlineRange(record.inline, range);
  return Readable.from(bytes.length === 0 ? [] : [bytes], { objectMode: false });
}

/** `range` of inline bytes, without a copy; RangeError outside them, as `planReads`. */
export function inlineRange(inline: Buffer, range?: ByteRange): Buffer {
  if (range === undefined) return inline;
  const { start, end } = range;
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < inline.length)) {
    throw new RangeError(`range ${start}-${end} is outside an object of ${inline.length} bytes`);
  }
  return inline.subarray(start, end + 1);
}

/**
 * The same bytes, returned synchronously; blobs are still opened before the first byte, and a missing
 * blob surfaces as the stream's 'error' (BlobNotFoundError). Prefer `openObjectBytes` in handlers: it
 * reports a missing blob before any response header is sent, when a retry is still possible.
 */
export function readObjectBytes(blobs: BlobStore, segments: readonly BlobSegment[], range?: ByteRange): Readable {
  planReads(segments, range); // a bad range throws here, synchronously, not as a stream error
  return lazyReadable(() => openObjectBytes(blobs, segments, range));
}

/** Which part of which segment the range needs, skipping empty segments and those outside the range. */
export function planReads(segments: readonly BlobSegment[], range?: ByteRange): SegmentRead[] {
  const total = segments.reduce((sum, s) => sum + s.size, 0);
  const start = range?.start ?? 0;
  const end = range?.end ?? total - 1;
  if (range !== undefined && !(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < total)) {
    throw new RangeError(`range ${start}-${end} is outside an object of ${total} bytes`);
  }
  const reads: SegmentRead[] = [];
  let offset = 0;
  for (const segment of segments) {
    const segStart = offset;
    const segEnd = offset + segment.size - 1;
    offset += segment.size;
    if (segment.size === 0 || segEnd < start || segStart > end) continue;
    reads.push({ segment, start: Math.max(start, segStart) - segStart, end: Math.min(end, segEnd) - segStart });
  }
  return reads;
}

async function openChecked(blobs: BlobStore, segment: BlobSegment): Promise<OpenedBlob> {
  const blob = await (blobs.open as NonNullable<BlobStore['open']>).call(blobs, segment.blobId);
  if (blob.size !== segment.size) {
    await blob.close();
    throw new BlobCorruptError(segment.blobId, segment.size, blob.size);
  }
  return blob;
}

/**
 * The bytes of several segments, consumed either as a stream or with `sendTo`. Segments are opened a
 * window ahead of the one being read; destroying the body (after either) closes every blob opened and
 * not yet handed to its own stream.
 */
class SegmentsBody extends Readable implements SendableBody {
  private readonly pending: (Promise<OpenedBlob> | undefined)[];
  private next = 0;
  private mode: 'unused' | 'streaming' | 'sending' = 'unused';
  /** Stream path: the current segment's chunks, and whether a pull is running or was asked for meanwhile. */
  private chunks: AsyncGenerator<Buffer> | undefined;
  private pulling = false;
  private pullAgain = false;

  constructor(
    private readonly blobs: BlobStore,
    private readonly plan: readonly SegmentRead[],
    opened: readonly Promise<OpenedBlob>[],
    private readonly window: number,
    /** The segments past the first window, held until this body is destroyed. */
    private readonly retention: BlobRetention | undefined,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.pending = [...opened];
  }

  async sendTo(dest: Writable): Promise<void> {
    if (this.mode !== 'unused' || this.destroyed) throw new Error('SegmentsBody: already being consumed');
    this.mode = 'sending';
    try {
      for (let seg = await this.nextSegment(); seg !== undefined; seg = await this.nextSegment()) {
        const body = seg.blob.stream({ start: seg.read.start, end: seg.read.end });
        if (isSendableBody(body)) await body.sendTo(dest);
        else await writeChunks(countedChunks(body, seg.read), dest);
      }
    } finally {
      this.destroy();
    }
  }

  override _read(): void {
    if (this.mode === 'sending') return;
    this.mode = 'streaming';
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    this.pull().then(
      () => {
        this.pulling = false;
        if (this.pullAgain) {
          this.pullAgain = false;
          this._read();
        }
      },
      (e: unknown) => this.destroy(e as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const closing = this.pending.map((p) => p?.then((b) => b.close(), () => undefined));
    this.pending.fill(undefined);
    const chunks = this.chunks;
    this.chunks = undefined;
    const done = () => {
      this.retention?.release();
      callback(error);
    };
    Promise.all([...closing, chunks?.return(undefined)]).then(done, done);
  }

  /** Pushes chunks until the consumer has enough or the last segment ended. */
  private async pull(): Promise<void> {
    for (;;) {
      if (this.chunks === undefined) {
        const seg = await this.nextSegment();
        if (this.destroyed) {
          await seg?.blob.close(); // taken from `pending` while we waited, so _destroy did not see it
          return;
        }
        if (seg === undefined) {
          this.push(null);
          return;
        }
        this.chunks = countedChunks(seg.blob.stream({ start: seg.read.start, end: seg.read.end }), seg.read);
      }
      const r = await this.chunks.next();
      if (this.destroyed) return;
      if (r.done === true) {
        this.chunks = undefined;
        continue;
      }
      if (!this.push(r.value)) return;
    }
  }

  /** The next segment's blob (opening the one a window ahead), or undefined after the last. */
  private async nextSegment(): Promise<{ blob: OpenedBlob; read: SegmentRead } | undefined> {
    const i = this.next;
    if (i >= this.plan.length) return undefined;
    this.next += 1;
    const ahead = i + this.window - 1;
    if (ahead < this.plan.length && this.pending[ahead] === undefined) {
      const p = openChecked(this.blobs, this.plan[ahead].segment);
      p.catch(() => undefined); // observed when its turn comes; never an unhandled rejection
      this.pending[ahead] = p;
    }
    const blob = await (this.pending[i] as Promise<OpenedBlob>);
    this.pending[i] = undefined;
    return { blob, read: this.plan[i] };
  }
}

/** Writes `chunks` to `dest` with backpressure; rejects when `dest` closes first. */
async function writeChunks(chunks: AsyncIterable<Buffer>, dest: Writable): Promise<void> {
  for await (const chunk of chunks) {
    if (dest.destroyed) throw prematureCloseError();
    if (dest.write(chunk)) continue;
    await new Promise<void>((resolve, reject) => {
      const settle = (closed: boolean) => () => {
        dest.off('drain', onDrain).off('close', onClose);
        if (closed) reject(prematureCloseError());
        else resolve();
      };
      const onDrain = settle(false);
      const onClose = settle(true);
      dest.on('drain', onDrain).on('close', onClose);
    });
  }
}

async function* lazyChunks(blobs: BlobStore, plan: readonly SegmentRead[]): AsyncGenerator<Buffer> {
  for (const read of plan) {
    yield* countedChunks(blobs.read(read.segment.blobId, { start: read.start, end: read.end }), read);
  }
}

/** Passes a segment's chunks through and fails if the blob ended early, so a short object never looks whole. */
async function* countedChunks(stream: Readable, read: SegmentRead): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    yield chunk;
  }
  const expected = read.end - read.start + 1;
  if (bytes !== expected) throw new BlobCorruptError(read.segment.blobId, expected, bytes);
}

/**
 * `source` (one segment's read stream) through a length check, linked both ways: a source error fails
 * the result, and destroying the result (client gone) destroys the source, which closes its file.
 */
function checkedLength(source: Readable, read: SegmentRead): Readable {
  const check = new LengthCheck(read);
  source.once('error', (e) => check.destroy(e));
  check.once('close', () => source.destroy());
  return source.pipe(check);
}

/** Passes one segment's bytes through and fails if the blob ended early, so a short object never looks whole. */
class LengthCheck extends Transform {
  private bytes = 0;

  constructor(private readonly segmentRead: SegmentRead) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { segment, start, end } = this.segmentRead;
    const expected = end - start + 1;
    callback(this.bytes === expected ? null : new BlobCorruptError(segment.blobId, expected, this.bytes));
  }
}
