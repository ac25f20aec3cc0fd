/**
 * The Writable a blob's bytes go through on their way to its temp file.
 *
 * - The first `directAfterBytes` go through the page cache: chunks that queue up while a write is in
 *   flight go out together in one writev (a socket delivers 64 KiB at a time; the disk prefers
 *   megabytes), and every `flushEveryBytes` an fdatasync starts in the background (one at a time), so
 *   the disk works while the network does and the final fsync only flushes the tail.
 * - Past that, a large blob is written with direct I/O (O_DIRECT, through a second descriptor): bytes
 *   are copied into page-aligned slots (aligned-buffers.ts) and each full slot is written at its
 *   offset, a few at a time. Copying a gigabyte into the page cache costs more CPU than hashing it
 *   (on virtual machines most of all), and the page cache is no use for an object too big to stay in
 *   it; direct I/O hands the slots to the device instead. The last partial block goes through the page
 *   cache. Where direct I/O is refused (a filesystem without O_DIRECT), slots are written normally.
 * - `_final` waits for every write and the background flush, then fsyncs the file: when the stream
 *   finishes, every byte is on stable storage.
 * The caller's handle stays the caller's (never closed here); the direct descriptor is this writer's.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { DIRECT_IO_ALIGNMENT, DIRECT_IO_MIN_BYTES, type AlignedBufferPool } from './aligned-buffers.js';
import { errnoCode } from './blob-errors.js';
import { releaseChunk } from './disposable-chunks.js';

export interface BlobFileWriterOptions {
  /** Bytes buffered before the producer is asked to wait. */
  readonly highWaterMark?: number;
  /** Start a background fdatasync each time this many more bytes were written; 0: never. */
  readonly flushEveryBytes?: number;
  /** Direct I/O: the file's path (a second descriptor is opened on it) and the pool of aligned slots. */
  readonly direct?: DirectWriteOptions;
  /** The chunks written are this writer's alone: each is released once written (disposable-chunks.ts). */
  readonly disposableChunks?: boolean;
}

export interface DirectWriteOptions {
  readonly path: string;
  readonly pool: AlignedBufferPool;
  /** Bytes written through the page cache before switching to direct I/O. */
  readonly afterBytes?: number;
  /** Slots taken from the pool: one being filled while the others are written. */
  readonly slots?: number;
  /** Opens the direct descriptor (tests substitute one that fails). */
  readonly openDirect?: (path: string) => Promise<FileHandle>;
}

const DEFAULT_HIGH_WATER_MARK = 4 * 1024 * 1024;
const DEFAULT_FLUSH_EVERY = 64 * 1024 * 1024;
const DEFAULT_DIRECT_SLOTS = 4;

const openForDirectIo = (path: string): Promise<FileHandle> => open(path, constants.O_WRONLY | (constants.O_DIRECT ?? 0));

/** Direct-I/O state once the writer has switched: its descriptor, slots and writes in flight. */
interface DirectState {
  readonly handle: FileHandle;
  readonly slots: Buffer[];
  readonly free: Buffer[];
  readonly inFlight: Set<Promise<void>>;
  /** The slot being filled, and how much of it is. */
  current: Buffer | undefined;
  filled: number;
  /** The file offset of the current slot's first byte. */
  position: number;
  /** Direct writes were refused (EINVAL): slots are written through the page cache from then on. */
  refused: boolean;
  failure: unknown;
}

export class BlobFileWriter extends Writable {
  /** Bytes written to the file so far (all of them once the stream has finished). */
  bytesWritten = 0;
  private flushedAt = 0;
  private flushing: Promise<void> | undefined;
  private flushError: unknown;
  private readonly flushEvery: number;
  private readonly directOptions: DirectWriteOptions | undefined;
  /** The file offset where direct I/O takes over (aligned); Infinity once it cannot (not configured, tried). */
  private switchAt: number;
  private direct: DirectState | undefined;
  private readonly disposableChunks: boolean;

  constructor(
    private readonly handle: FileHandle,
    options: BlobFileWriterOptions = {},
  ) {
    super({ highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, decodeStrings: true });
    this.flushEvery = options.flushEveryBytes ?? DEFAULT_FLUSH_EVERY;
    this.directOptions = options.direct;
    this.disposableChunks = options.disposableChunks === true;
    const after = options.direct === undefined ? Infinity : (options.direct.afterBytes ?? DIRECT_IO_MIN_BYTES);
    this.switchAt = Math.ceil(after / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.ingest([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.ingest(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      const direct = this.direct;
      if (direct !== undefined) {
        const current = direct.current;
        const tail = direct.filled % DIRECT_IO_ALIGNMENT;
        const aligned = direct.filled - tail;
        if (current !== undefined && aligned > 0) this.submit(direct, current, aligned);
        await settle(direct);
        if (current !== undefined && tail > 0) await this.writeAt([current.subarray(aligned, aligned + tail)], direct.position);
        this.bytesWritten = direct.position + tail;
      }
      await this.flushing;
      if (this.flushError !== undefined) throw this.flushError;
      await this.handle.sync();
    })()
      .finally(() => this.closeDirect())
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeDirect().then(
      () => callback(error),
      () => callback(error),
    );
  }

  /** Writes `buffers` (copied into slots or written through the page cache), then releases them if they are disposable. */
  private async ingest(buffers: Buffer[]): Promise<void> {
    await this.place(buffers);
    if (this.disposableChunks) for (const b of buffers) releaseChunk(b);
  }

  private async place(buffers: Buffer[]): Promise<void> {
    if (this.flushError !== undefined) throw this.flushError;
    let direct = this.direct;
    let rest = buffers;
    if (direct === undefined) {
      const [cached, beyond] = splitAt(buffers, this.switchAt - this.bytesWritten);
      if (cached.length > 0) await this.writeCached(cached);
      if (beyond.length === 0) return;
      direct = await this.switchToDirect();
      if (direct === undefined) return this.writeCached(beyond);
      rest = beyond;
    }
    for (const b of rest) await this.copyIntoSlots(direct, b);
  }

  private async writeCached(buffers: Buffer[]): Promise<void> {
    this.bytesWritten = await this.writeAt(buffers, this.bytesWritten);
    this.maybeFlush();
  }

  /** Writes all of `buffers` at `position` through the caller's (page-cache) handle; returns the end offset. */
  private async writeAt(buffers: Buffer[], position: number): Promise<number> {
    let pending = buffers;
    let at = position;
    // writev may write less than asked (a signal, a full disk on the way): continue where it stopped.
    while (pending.length > 0) {
      const { bytesWritten } = pending.length === 1 ? await this.handle.write(pending[0], 0, pending[0].length, at) : await this.handle.writev(pending, at);
      at += bytesWritten;
      pending = splitAt(pending, bytesWritten)[1];
    }
    return at;
  }

  private async switchToDirect(): Promise<DirectState | undefined> {
    const options = this.directOptions;
    if (options === undefined) return undefined;
    this.switchAt = Infinity; // one attempt per file
    const slots = options.pool.acquire(options.slots ?? DEFAULT_DIRECT_SLOTS);
    if (slots.length < 2) {
      options.pool.release(slots);
      return undefined;
    }
    let handle: FileHandle;
    try {
      handle = await (options.openDirect ?? openForDirectIo)(options.path);
    } catch {
      options.pool.release(slots);
      return undefined;
    }
    this.direct = { handle, slots, free: [...slots], inFlight: new Set(), current: undefined, filled: 0, position: this.bytesWritten, refused: false, failure: undefined };
    // What went through the page cache starts its way to the disk now; only the tail remains for the end.
    this.flushNow();
    return this.direct;
  }

  private async copyIntoSlots(direct: DirectState, chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (direct.failure !== undefined) throw direct.failure;
      let slot = direct.current;
      if (slot === undefined) {
        while (direct.free.length === 0) await Promise.race(direct.inFlight);
        slot = direct.free.pop() as Buffer;
        direct.current = slot;
        direct.filled = 0;
      }
      const n = chunk.copy(slot, direct.filled, offset, Math.min(chunk.length, offset + slot.length - direct.filled));
      direct.filled += n;
      offset += n;
      if (direct.filled === slot.length) {
        direct.current = undefined;
        this.submit(direct, slot, slot.length);
      }
    }
  }

  /** Starts writing the first `length` bytes of `slot` at the next direct offset; the slot is free again once written. */
  private submit(direct: DirectState, slot: Buffer, length: number): void {
    const position = direct.position;
    direct.position += length;
    const done: Promise<void> = this.writeSlot(direct, slot.subarray(0, length), position)
      .catch((e: unknown) => {
        direct.failure ??= e;
      })
      .finally(() => {
        direct.inFlight.delete(done);
        direct.free.push(slot);
      });
    direct.inFlight.add(done);
  }

  private async writeSlot(direct: DirectState, data: Buffer, position: number): Promise<void> {
    if (!direct.refused) {
      try {
        let done = 0;
        while (done < data.length) done += (await direct.handle.write(data, done, data.length - done, position + done)).bytesWritten;
        return;
      } catch (e) {
        // EINVAL: this filesystem or device will not take these writes directly; the page cache will.
        if (errnoCode(e) !== 'EINVAL') throw e;
        direct.refused = true;
      }
    }
    await this.writeAt([data], position);
  }

  /** Waits for the direct writes, returns the slots and closes the direct descriptor. Idempotent. */
  private async closeDirect(): Promise<void> {
    const direct = this.direct;
    if (direct === undefined || this.directOptions === undefined) return;
    this.direct = undefined;
    while (direct.inFlight.size > 0) await Promise.allSettled(direct.inFlight);
    this.directOptions.pool.release(direct.slots);
    await direct.handle.close();
  }

  private maybeFlush(): void {
    if (this.flushEvery > 0 && this.bytesWritten - this.flushedAt >= this.flushEvery) this.flushNow();
  }

  /** Starts a background fdatasync unless one is running. */
  private flushNow(): void {
    if (this.flushing !== undefined) return;
    this.flushedAt = this.bytesWritten;
    this.flushing = this.handle.datasync().then(
      () => {
        this.flushing = undefined;
      },
      (e: unknown) => {
        this.flushError = e;
        this.flushing = undefined;
      },
    );
  }
}

async function settle(direct: DirectState): Promise<void> {
  while (direct.inFlight.size > 0) await Promise.all(direct.inFlight);
  if (direct.failure !== undefined) throw direct.failure;
}

/** The first `count` bytes of `buffers` and the rest, as views (no copy). */
function splitAt(buffers: Buffer[], count: number): [Buffer[], Buffer[]] {
  const head: Buffer[] = [];
  const tail: Buffer[] = [];
  let left = count;
  for (const b of buffers) {
    if (left >= b.length) {
      head.push(b);
      left -= b.length;
    } else if (left > 0) {
      head.push(b.subarray(0, left));
      tail.push(b.subarray(left));
      left = 0;
    } else {
      tail.push(b);
    }
  }
  return [head, tail];
}
