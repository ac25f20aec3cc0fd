import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync, fsyncSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sealingKey, type SealingKey } from './sealer.js';

export const MASTER_KEY_FILE = 'master.key';

/**
 * Loads `<dataDir>/master.key` (32 raw bytes), creating it with mode 0600 on first start.
 * `wx` makes creation atomic: two processes starting on one data dir cannot both write a key.
 */
export function loadOrCreateMasterKey(dataDir: string): SealingKey {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, MASTER_KEY_FILE);
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(32));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = readFileSync(path);
  if (key.length !== 32) throw new Error(`${path} must hold exactly 32 bytes (found ${key.length}); refusing to start`);
  return sealingKey(key);
}
