/**
 * The bytes `[start, end]` of an open blob file, as a stream (for any consumer) or sent straight to a
 * writable with reused buffers (`sendTo`, for HTTP responses). It owns the file handle and closes it
 * when done, failed or destroyed. A file shorter than the range fails the body (BlobCorruptError): a
 * short object never looks whole.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { BlobCorruptError } from './blob-errors.js';
import type { SendableBody } from './sendable-body.js';

/** Bytes per read: large reads amortise syscalls and event-loop turns. */
const CHUNK = 1024 * 1024;
/** Buffers `sendTo` rotates through: one being read, the others queued on the socket. */
const SEND_BUFFERS = 3;

export class FileRangeBody extends Readable implements SendableBody {
  private position: number;
  private sending = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly blobId: string,
    private readonly start: number,
    /** Inclusive; `end < start` is an empty range. */
    private readonly end: number,
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
          this.destroy(this.shortRead());
          return;
        }
        this.position += bytesRead;
        this.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      },
      (e: unknown) => this.destroy(e as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
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
    const size = Math.min(CHUNK, Math.max(total, 0));
    const buffers = Array.from({ length: total > size ? SEND_BUFFERS : 1 }, () => Buffer.allocUnsafe(size));
    const writes: (Promise<void> | undefined)[] = [];
    let closed: (() => void) | undefined;
    const destClosed = new Promise<never>((_, reject) => {
      closed = () => reject(Object.assign(new Error('destination closed before the body was sent'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      dest.once('close', closed);
    });
    destClosed.catch(() => undefined);
    try {
      for (let i = 0; this.position <= this.end; i++) {
        const slot = i % buffers.length;
        // The buffer is reused only once the socket has taken its previous contents.
        if (writes[slot] !== undefined) await Promise.race([writes[slot], destClosed]);
        const want = Math.min(size, this.end - this.position + 1);
        const { bytesRead } = await Promise.race([this.handle.read(buffers[slot], 0, want, this.position), destClosed]);
        if (bytesRead === 0) throw this.shortRead();
        this.position += bytesRead;
        const chunk = buffers[slot].subarray(0, bytesRead);
        writes[slot] = new Promise<void>((resolve, reject) => dest.write(chunk, (e) => (e ? reject(e) : resolve())));
        writes[slot]?.catch(() => undefined);
      }
      await Promise.race([Promise.all(writes), destClosed]);
    } finally {
      if (closed !== undefined) dest.off('close', closed);
      this.destroy();
    }
  }

  private shortRead(): BlobCorruptError {
    return new BlobCorruptError(this.blobId, this.end - this.start + 1, this.position - this.start);
  }
}
