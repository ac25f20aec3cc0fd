import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { SendableBody } from '../sendable-body.js';

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

/** Starts `body.sendTo` into a slow sink that goes away after 30 ms, and asserts that the send fails for it. */
export async function assertSendStopsWhenDestinationGoes(body: SendableBody): Promise<void> {
  const dest = copyingSink(20);
  const sending = body.sendTo(dest);
  setTimeout(() => dest.destroy(), 30);
  await assert.rejects(sending, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
