import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Descriptor counting needs /proc (Linux); tests that use it skip elsewhere. */
export const cannotCountFds = !existsSync('/proc/self/fd');

/** Descriptors this process has open now. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Asserts that the process is back to `baseline` descriptors, waiting up to 0.5 s for asynchronous closes. */
export async function assertFdsBackTo(baseline: number): Promise<void> {
  for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(10);
  assert.equal(openFds(), baseline);
}
