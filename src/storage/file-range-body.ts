/**
 * The bytes `[start, end]` of an open blob file, as a stream (for any consumer) or sent straight to a
 * writable with reused buffers (`sendTo`, for HTTP responses). It owns the file handle and closes it
 * when done, failed or destroyed. A file shorter than the range fails the body (BlobCorruptError): a
 * short object never looks whole.
 *
 * `sendTo` reads a large range with direct I/O (O_DIRECT, a second descriptor) into page-aligned slots
 * when it is given a pool of them: large objects are written that way too (blob-file-writer.ts), so
 * their bytes are not in the page cache, and filling the cache with them costs more than reading the
 * device directly. Each read starts at an aligned offset and asks for a whole slot; the range's bytes
 * are a view into it. Where direct reads are refused, the ordinary descriptor serves.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { DIRECT_IO_ALIGNMENT, DIRECT_IO_MIN_BYTES, type AlignedBufferPool } from './aligned-buffers.js';
import { BlobCorruptError, errnoCode } from './blob-errors.js';
import { prematureCloseError, type SendableBody } from './sendable-body.js';

export interface DirectReadOptions {
  /** The file's path: direct reads open a second descriptor on it. */
  readonly path: string;
  readonly pool: AlignedBufferPool;
  /** Ranges shorter than this are read through the page cache. */
  readonly minBytes?: number;
  /** Opens the direct descriptor (tests substitute one that refuses). */
  readonly openDirect?: (path: string) => Promise<FileHandle>;
}

const openForDirectIo = (path: string): Promise<FileHandle> => open(path, constants.O_RDONLY | (constants.O_DIRECT ?? 0));

/** Bytes per read: large reads amortise syscalls and event-loop turns. */
const CHUNK = 1024 * 1024;
/** Buffers `sendTo` rotates through: up to READ_AHEAD being read, the others queued on the socket. */
const SEND_BUFFERS = 4;
/** Reads `sendTo` keeps in flight, so the device always has the next one while a reply completes. */
const READ_AHEAD = 3;

export class FileRangeBody extends Readable implements SendableBody {
  private position: number;
  private sending = false;
  private directHandle: FileHandle | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly blobId: string,
    private readonly start: number,
    /** Inclusive; `end < start` is an empty range. */
    private readonly end: number,
    private readonly direct?: DirectReadOptions,
  ) {
    super({ highWaterMark: CHUNK });
    this.position = start;
  }

  override _read(): void {
    const want = Math.min(CHUNK, this.end - this.position + 1);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(want);
    this.handle.read(buffer, 0, want, this.position).then(
      ({ bytesRead }) => {
        if (bytesRead === 0) {
          this.destroy(this.shortRead(this.position));
          return;
        }
        this.position += bytesRead;
        this.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      },
      (e: unknown) => this.destroy(e as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    Promise.all([this.handle.close(), this.closeDirect()]).then(
      () => callback(error),
      (e: unknown) => callback(error ?? (e as Error)),
    );
  }

  async sendTo(dest: Writable): Promise<void> {
    if (this.sending || this.readableFlowing !== null || this.readableLength > 0 || this.destroyed) {
      throw new Error('FileRangeBody: already being consumed');
    }
    this.sending = true;
    const total = this.end - this.start + 1;
    const slots = await this.directSlots(total);
    const size = Math.min(CHUNK, Math.max(total, 0));
    const buffers = slots ?? Array.from({ length: total > size ? SEND_BUFFERS : 1 }, () => Buffer.allocUnsafe(size));
    const writes: (Promise<void> | undefined)[] = [];
    let closed: (() => void) | undefined;
    const destClosed = new Promise<never>((_, reject) => {
      closed = () => reject(prematureCloseError());
      dest.once('close', closed);
    });
    destClosed.catch(() => undefined);
    let sent = false;
    // Reads are issued in order, each into the next buffer once the socket is done with it.
    const reads: { slot: number; data: Promise<Buffer> }[] = [];
    let issued = 0;
    let next = this.position;
    const readAhead = (): void => {
      while (next <= this.end && reads.length < Math.max(1, Math.min(READ_AHEAD, buffers.length - 1))) {
        const slot = issued++ % buffers.length;
        const at = next;
        const skip = this.directHandle === undefined ? 0 : at % DIRECT_IO_ALIGNMENT;
        const want = Math.min(buffers[slot].length - skip, this.end - at + 1);
        next += want;
        const data = (async () => {
          if (writes[slot] !== undefined) await writes[slot];
          return this.readAt(buffers[slot], at, want);
        })();
        data.catch(() => undefined);
        reads.push({ slot, data });
      }
    };
    try {
      readAhead();
      for (let read = reads.shift(); read !== undefined; read = reads.shift()) {
        const chunk = await Promise.race([read.data, destClosed]);
        this.position += chunk.length;
        writes[read.slot] = new Promise<void>((resolve, reject) => dest.write(chunk, (e) => (e ? reject(e) : resolve())));
        writes[read.slot]?.catch(() => undefined);
        readAhead();
      }
      await Promise.race([Promise.all(writes), destClosed]);
      sent = true;
    } finally {
      if (closed !== undefined) dest.off('close', closed);
      if (slots !== undefined && this.direct !== undefined) {
        // After a failure a socket write may still hold a slot: such slots are never reused.
        if (sent) this.direct.pool.release(slots);
        else this.direct.pool.discard(slots);
      }
      this.destroy();
    }
  }

  /** Aligned slots and a direct descriptor for a large range, or undefined to use the page cache. */
  private async directSlots(total: number): Promise<Buffer[] | undefined> {
    const direct = this.direct;
    if (direct === undefined || total < (direct.minBytes ?? DIRECT_IO_MIN_BYTES)) return undefined;
    const slots = direct.pool.acquire(SEND_BUFFERS);
    if (slots.length >= 2) {
      try {
        this.directHandle = await (direct.openDirect ?? openForDirectIo)(direct.path);
        return slots;
      } catch {
        // No direct descriptor (the blob was deleted meanwhile, or no O_DIRECT here): the open handle serves.
      }
    }
    direct.pool.release(slots);
    return undefined;
  }

  /** Reads the `want` bytes at `at` into `buffer`; returns the view of `buffer` that holds them. */
  private async readAt(buffer: Buffer, at: number, want: number): Promise<Buffer> {
    if (this.directHandle !== undefined) {
      const aligned = at - (at % DIRECT_IO_ALIGNMENT);
      const skip = at - aligned;
      try {
        // A whole slot from an aligned offset; past the end of the file the read is just shorter.
        const { bytesRead } = await this.directHandle.read(buffer, 0, buffer.length, aligned);
        if (bytesRead - skip < want) throw this.shortRead(Math.max(at, aligned + bytesRead));
        return buffer.subarray(skip, skip + want);
      } catch (e) {
        if (errnoCode(e) !== 'EINVAL') throw e;
        await this.closeDirect();
      }
    }
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.handle.read(buffer, got, want - got, at + got);
      if (bytesRead === 0) throw this.shortRead(at + got);
      got += bytesRead;
    }
    return buffer.subarray(0, want);
  }

  private async closeDirect(): Promise<void> {
    const handle = this.directHandle;
    this.directHandle = undefined;
    await handle?.close();
  }

  /** The file ends at `at`, inside the range. */
  private shortRead(at: number): BlobCorruptError {
    return new BlobCorruptError(this.blobId, this.end - this.start + 1, at - this.start);
  }
}
