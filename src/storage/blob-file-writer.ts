/**
 * The Writable a blob's bytes go through on their way to its temp file.
 *
 * - Chunks that queue up while a write is in flight go out together in one writev (a socket delivers
 *   64 KiB at a time; the disk prefers megabytes).
 * - Writeback is started while the upload is still arriving: every `flushEveryBytes` an fdatasync runs
 *   in the background (one at a time; writes go on meanwhile). Without it the kernel keeps gigabytes
 *   dirty until the final fsync, which then pays for the whole object after the last byte arrived; with
 *   it, the disk works while the network does, and the final fsync only flushes the tail.
 * - `_final` waits for the background flush and fsyncs the file: when the stream finishes, every byte
 *   is on stable storage.
 * The handle stays the caller's: this stream never closes it.
 */
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

export interface BlobFileWriterOptions {
  /** Bytes buffered before the producer is asked to wait. */
  readonly highWaterMark?: number;
  /** Start a background fdatasync each time this many more bytes were written; 0: never. */
  readonly flushEveryBytes?: number;
}

const DEFAULT_HIGH_WATER_MARK = 4 * 1024 * 1024;
const DEFAULT_FLUSH_EVERY = 64 * 1024 * 1024;

export class BlobFileWriter extends Writable {
  /** Bytes written to the file so far. */
  bytesWritten = 0;
  private flushedAt = 0;
  private flushing: Promise<void> | undefined;
  private flushError: unknown;
  private readonly flushEvery: number;

  constructor(
    private readonly handle: FileHandle,
    options: BlobFileWriterOptions = {},
  ) {
    super({ highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, decodeStrings: true });
    this.flushEvery = options.flushEveryBytes ?? DEFAULT_FLUSH_EVERY;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk]).then(() => callback(), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.writeAll(chunks.map((c) => c.chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      await this.flushing;
      if (this.flushError !== undefined) throw this.flushError;
      await this.handle.sync();
    })().then(() => callback(), callback);
  }

  private async writeAll(buffers: Buffer[]): Promise<void> {
    if (this.flushError !== undefined) throw this.flushError;
    let pending = buffers;
    // writev may write less than asked (a signal, a full disk on the way): continue where it stopped.
    for (;;) {
      const total = pending.reduce((n, b) => n + b.length, 0);
      const { bytesWritten } = pending.length === 1 ? await this.handle.write(pending[0]) : await this.handle.writev(pending);
      this.bytesWritten += bytesWritten;
      if (bytesWritten >= total) break;
      pending = skipBytes(pending, bytesWritten);
    }
    this.maybeFlush();
  }

  private maybeFlush(): void {
    if (this.flushEvery <= 0 || this.flushing !== undefined || this.bytesWritten - this.flushedAt < this.flushEvery) return;
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

function skipBytes(buffers: Buffer[], count: number): Buffer[] {
  let skip = count;
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
