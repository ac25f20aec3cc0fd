/** Account settings: the account-level S3 Block Public Access (migration 5). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openIamStore, openMemoryIamStore } from './index.js';
import type { IamChange } from './types.js';

const ACCT = '111122223333';
const OTHER = '444455556666';
const SETTINGS = {
  blockPublicAcls: true,
  ignorePublicAcls: false,
  blockPublicPolicy: true,
  restrictPublicBuckets: false,
};

test('public access block: put, get, delete (whether there was one), each write emits a change', async () => {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCT, { isManagement: true });
  await store.accounts.create(OTHER, { isManagement: false });
  const changes: IamChange[] = [];
  store.onChange((c) => changes.push(c));
  assert.equal(await store.settings.getPublicAccessBlock(ACCT), undefined);
  await store.settings.putPublicAccessBlock(ACCT, SETTINGS);
  assert.deepEqual(await store.settings.getPublicAccessBlock(ACCT), SETTINGS);
  assert.equal(await store.settings.getPublicAccessBlock(OTHER), undefined);
  const flipped = { ...SETTINGS, blockPublicAcls: false, ignorePublicAcls: true };
  await store.settings.putPublicAccessBlock(ACCT, flipped);
  assert.deepEqual(await store.settings.getPublicAccessBlock(ACCT), flipped);
  assert.equal(await store.settings.deletePublicAccessBlock(ACCT), true);
  assert.equal(await store.settings.deletePublicAccessBlock(ACCT), false);
  assert.equal(await store.settings.getPublicAccessBlock(ACCT), undefined);
  assert.deepEqual(changes, [
    { kind: 'publicAccessBlock', accountId: ACCT },
    { kind: 'publicAccessBlock', accountId: ACCT },
    { kind: 'publicAccessBlock', accountId: ACCT },
  ]);
  await store.close();
});

test('public access block: survives a reopen; only existing accounts can have one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-iam-pab-'));
  try {
    const s = openIamStore({ dataDir: dir });
    await s.accounts.create(ACCT, { isManagement: true });
    await s.settings.putPublicAccessBlock(ACCT, SETTINGS);
    await assert.rejects(s.settings.putPublicAccessBlock('999999999999', SETTINGS), /FOREIGN KEY/);
    await s.close();
    const again = openIamStore({ dataDir: dir });
    assert.deepEqual(await again.settings.getPublicAccessBlock(ACCT), SETTINGS);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
