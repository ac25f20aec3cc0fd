import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openIamStore, openMemoryIamStore } from './index.js';
import type { IamStore } from './types.js';

const ACCT = '111122223333';
const OTHER = '444455556666';

async function store(now?: () => Date): Promise<IamStore> {
  const s = openMemoryIamStore({ now });
  await s.accounts.create(ACCT, { isManagement: true });
  await s.accounts.create(OTHER, { isManagement: false });
  return s;
}

const token = (tokenId: string, sha: string, extra: { accountId?: string; description?: string } = {}) => ({
  tokenId,
  accountId: extra.accountId ?? ACCT,
  instanceProfileId: 'AIPAEXAMPLE0000000001',
  tokenSha256: sha,
  description: extra.description,
  createdByArn: `arn:aws:iam::${ACCT}:root`,
});

test('workload tokens: create, find by hash, get, list oldest first', async () => {
  let t = 1_700_000_000_000;
  const s = await store(() => new Date(t));
  const a = await s.workloadTokens.create(token('wt-b', 'aa'.repeat(32), { description: 'web' }));
  assert.deepEqual(a, {
    tokenId: 'wt-b',
    accountId: ACCT,
    instanceProfileId: 'AIPAEXAMPLE0000000001',
    description: 'web',
    createdAt: new Date(t),
    createdByArn: `arn:aws:iam::${ACCT}:root`,
    revokedAt: undefined,
  });
  t += 1000;
  await s.workloadTokens.create(token('wt-a', 'bb'.repeat(32)));
  await s.workloadTokens.create(token('wt-c', 'cc'.repeat(32), { accountId: OTHER }));
  assert.equal((await s.workloadTokens.findBySha256('bb'.repeat(32)))?.tokenId, 'wt-a');
  assert.equal(await s.workloadTokens.findBySha256('dd'.repeat(32)), undefined);
  assert.equal((await s.workloadTokens.get(ACCT, 'wt-b'))?.description, 'web');
  assert.equal(await s.workloadTokens.get(OTHER, 'wt-b'), undefined, 'tokens are per account');
  assert.deepEqual((await s.workloadTokens.list(ACCT)).map((r) => r.tokenId), ['wt-b', 'wt-a']);
  assert.deepEqual((await s.workloadTokens.list(OTHER)).map((r) => r.tokenId), ['wt-c']);
  await s.close();
});

test('workload tokens: a hash is unique (a second token with the same secret is refused)', async () => {
  const s = await store();
  await s.workloadTokens.create(token('wt-a', 'aa'.repeat(32)));
  await assert.rejects(s.workloadTokens.create(token('wt-b', 'aa'.repeat(32))), /UNIQUE/);
  await s.close();
});

test('workload tokens: revoke keeps the first revocation time; another account cannot revoke', async () => {
  const s = await store();
  await s.workloadTokens.create(token('wt-a', 'aa'.repeat(32)));
  assert.equal(await s.workloadTokens.revoke(OTHER, 'wt-a', new Date(5000)), undefined);
  assert.equal((await s.workloadTokens.get(ACCT, 'wt-a'))?.revokedAt, undefined);
  assert.deepEqual((await s.workloadTokens.revoke(ACCT, 'wt-a', new Date(5000)))?.revokedAt, new Date(5000));
  assert.deepEqual((await s.workloadTokens.revoke(ACCT, 'wt-a', new Date(9000)))?.revokedAt, new Date(5000));
  assert.deepEqual((await s.workloadTokens.findBySha256('aa'.repeat(32)))?.revokedAt, new Date(5000));
  assert.equal(await s.workloadTokens.revoke(ACCT, 'wt-missing', new Date(5000)), undefined);
  await s.close();
});

test('workload tokens: only the hash is stored, never the secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strongbox-wt-'));
  try {
    const s = openIamStore({ dataDir: dir });
    await s.accounts.create(ACCT, { isManagement: true });
    await s.workloadTokens.create(token('wt-a', 'ab'.repeat(32)));
    await s.close();
    const db = new Database(join(dir, 'iam.sqlite'), { readonly: true });
    const cols = (db.prepare('PRAGMA table_info(workload_tokens)').all() as { name: string }[]).map((c) => c.name);
    db.close();
    assert.deepEqual(cols, [
      'token_id',
      'account_id',
      'instance_profile_id',
      'token_sha256',
      'description',
      'created_at',
      'created_by_arn',
      'revoked_at',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
