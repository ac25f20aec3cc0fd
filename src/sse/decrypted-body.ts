/**
 * The plaintext of an encrypted read: the stored bytes (a stream, possibly a SendableBody) through a
 * SegmentStreamOpener. Consumed either as a stream (CopyObject's source) or with `sendTo` (a GET's
 * response): then the stored bytes are sent by the source's own `sendTo` (reused buffers, direct
 * reads for large objects) into a writable that decrypts them straight to the destination, so a large
 * encrypted GET costs the cipher and no extra buffering.
 *
 * The cipher runs on the event loop. Decrypting on a worker thread (batches of chunks transferred to
 * it and back) was measured slower on this two-core machine, in throughput and in CPU, than large
 * chunks decrypted in place (encrypted-object-bytes.ts, object-encryption.ts `LARGE_CHUNK_SIZE`).
 */
import { Readable, Writable } from 'node:stream';
import { isSendableBody, prematureCloseError, type SendableBody } from '../storage/sendable-body.js';
import { SegmentStreamOpener, type SegmentReadPlan } from './segment-opener.js';

export interface DecryptedBodyOptions {
  readonly dataKey: Buffer;
  readonly chunkSize: number;
  readonly plans: readonly SegmentReadPlan[];
}

export class DecryptedBody extends Readable implements SendableBody {
  private mode: 'unused' | 'streaming' | 'sending' = 'unused';

  constructor(
    private readonly source: Readable,
    private readonly options: DecryptedBodyOptions,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  async sendTo(dest: Writable): Promise<void> {
    if (this.mode !== 'unused' || this.destroyed) throw new Error('DecryptedBody: already being consumed');
    this.mode = 'sending';
    const opener = this.opener((plaintext) => dest.write(plaintext));
    const sink = decryptingSink(opener, dest);
    // Failures reach the source through its write callbacks, and from it this promise.
    sink.on('error', () => undefined);
    const onClose = (): void => {
      if (!sink.destroyed) sink.destroy(prematureCloseError());
    };
    dest.once('close', onClose);
    try {
      if (isSendableBody(this.source)) {
        await this.source.sendTo(sink);
      } else {
        for await (const chunk of this.source as AsyncIterable<Buffer>) {
          if (dest.destroyed) throw prematureCloseError();
          await new Promise<void>((resolve, reject) => sink.write(chunk, (e) => (e ? reject(e) : resolve())));
        }
      }
      opener.end();
    } finally {
      dest.off('close', onClose);
      this.destroy();
    }
  }

  override _read(): void {
    if (this.mode === 'sending') return;
    if (this.mode === 'streaming') {
      this.source.resume();
      return;
    }
    this.mode = 'streaming';
    const opener = this.opener((plaintext) => {
      if (!this.push(plaintext)) this.source.pause();
    });
    this.source.on('data', (chunk: Buffer) => {
      try {
        opener.write(chunk);
      } catch (e) {
        this.destroy(e as Error);
      }
    });
    this.source.once('end', () => {
      try {
        opener.end();
        this.push(null);
      } catch (e) {
        this.destroy(e as Error);
      }
    });
    this.source.once('error', (e) => this.destroy(e));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.source.destroy();
    callback(error);
  }

  private opener(emit: (plaintext: Buffer) => void): SegmentStreamOpener {
    return new SegmentStreamOpener(this.options.dataKey, this.options.chunkSize, this.options.plans, emit);
  }
}

/**
 * The writable a source's `sendTo` writes stored bytes into: each write is decrypted to `dest`, and
 * called back (letting the source reuse its buffer) once the destination can take more.
 */
function decryptingSink(opener: SegmentStreamOpener, dest: Writable): Writable {
  return new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      try {
        opener.write(chunk);
      } catch (e) {
        callback(e as Error);
        return;
      }
      if (dest.writableNeedDrain) dest.once('drain', () => callback());
      else callback();
    },
  });
}
