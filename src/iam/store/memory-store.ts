import { randomBytes } from 'node:crypto';
import { Sealer, sealingKey } from '../../crypto/sealer.js';
import { createSqliteIamStore } from './sqlite-iam-store.js';
import type { IamStore } from './types.js';

/** An in-memory SQLite IAM store with a throwaway key: for unit tests (ours and other layers'). */
export function openMemoryIamStore(options: { now?: () => Date } = {}): IamStore {
  return createSqliteIamStore({ path: ':memory:', sealer: new Sealer(sealingKey(randomBytes(32))), now: options.now });
}
