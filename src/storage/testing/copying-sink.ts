import { Writable } from 'node:stream';

/**
 * A destination for `sendTo` tests that keeps a copy of every chunk it is given (senders reuse their
 * buffers), optionally slow: each write completes `delayMs` later.
 */
export function copyingSink(delayMs = 0): Writable & { received: Buffer[] } {
  const received: Buffer[] = [];
  const w = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _e, cb) {
      received.push(Buffer.from(chunk));
      if (delayMs > 0) setTimeout(cb, delayMs);
      else cb();
    },
  });
  return Object.assign(w, { received });
}
