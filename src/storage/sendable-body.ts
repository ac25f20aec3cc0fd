import type { Readable, Writable } from 'node:stream';

/**
 * A byte stream that can also write itself to a destination directly: reading into a few buffers it
 * reuses, instead of allocating one per chunk as a stream must (a 1 GiB GET through a stream allocates
 * a thousand 1 MiB buffers and keeps the garbage collector busy). Consume it one way or the other.
 */
export interface SendableBody extends Readable {
  /**
   * Writes every byte to `dest` (without ending it), with backpressure; resolves when the last write
   * was accepted. Rejects when the source fails (the bytes sent so far are then a truncated body:
   * cut the connection) or when `dest` closes first (the error has code ERR_STREAM_PREMATURE_CLOSE).
   * Releases the source either way.
   */
  sendTo(dest: Writable): Promise<void>;
}

/** The error `sendTo` rejects with when the destination closes before the body was sent. */
export function prematureCloseError(): Error {
  return Object.assign(new Error('destination closed before the body was sent'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

export function isSendableBody(body: Readable): body is SendableBody {
  return typeof (body as Partial<SendableBody>).sendTo === 'function';
}
