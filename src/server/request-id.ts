import { randomBytes } from 'node:crypto';

/**
 * S3-style request ids: 16 upper-case hex characters. A random per-process prefix plus a counter is
 * unique, cheap on the hot path, and does not leak request volume across restarts.
 */
const PREFIX_BYTES = 4;
let prefix = randomBytes(PREFIX_BYTES).toString('hex').toUpperCase();
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) >>> 0;
  if (counter === 0) prefix = randomBytes(PREFIX_BYTES).toString('hex').toUpperCase();
  return prefix + counter.toString(16).toUpperCase().padStart(8, '0');
}
