import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openIamStore, openMemoryIamStore } from './index.js';
import { MIGRATIONS } from './schema.js';
import type { AccessActivityUse, AccessAdvisorJobRow } from './types.js';

const ACCT = '111122223333';
const OTHER = '444455556666';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const BOB = `arn:aws:iam::${ACCT}:user/bob`;
const T0 = 1_700_000_000_000;

type UseExtra = Partial<AccessActivityUse>;
const use = (entityArn: string, action: string, at: number, extra: UseExtra = {}): AccessActivityUse => ({
  accountId: ACCT,
  entityArn,
  serviceNamespace: action.slice(0, action.indexOf(':')).toLowerCase(),
  action,
  region: 'us-east-1',
  at: new Date(at),
  ...extra,
});

const job = (jobId: string, createdAt: number, extra: Partial<AccessAdvisorJobRow> = {}): AccessAdvisorJobRow => ({
  jobId,
  accountId: ACCT,
  createdByArn: `arn:aws:iam::${ACCT}:root`,
  jobType: 'SERVICE_LEVEL',
  createdAt: new Date(createdAt),
  completedAt: new Date(createdAt),
  report: '{"services":[]}',
  ...extra,
});

const byAction = (rows: readonly AccessActivityUse[]) => [...rows].sort((a, b) => a.action.localeCompare(b.action));

test('access activity: upsert per (account, entity, namespace, action); the newest use wins in any order', async () => {
  const s = openMemoryIamStore();
  await s.accessActivity.recordUses([use(ALICE, 's3:PutObject', T0 + 5000), use(ALICE, 's3:GetObject', T0)]);
  // An older use arriving late (another worker's batch) neither moves the time back nor changes the region.
  await s.accessActivity.recordUses([use(ALICE, 's3:PutObject', T0 + 1000, { region: 'eu-west-1' })]);
  await s.accessActivity.recordUses([use(ALICE, 's3:GetObject', T0 + 9000, { region: 'eu-west-1' })]);
  const rows = byAction(await s.accessActivity.listForEntities(ACCT, [ALICE], new Date(0)));
  const expected = [use(ALICE, 's3:GetObject', T0 + 9000, { region: 'eu-west-1' }), use(ALICE, 's3:PutObject', T0 + 5000)];
  assert.deepEqual(rows, expected);
  await s.close();
});

test('access activity: listForEntities filters by account, entities and the tracking period', async () => {
  const s = openMemoryIamStore();
  await s.accessActivity.recordUses([
    use(ALICE, 'iam:ListUsers', T0),
    use(BOB, 'iam:ListUsers', T0 + 10),
    use(ALICE, 's3:ListAllMyBuckets', T0 - 1),
    use(ALICE, 'iam:ListRoles', T0, { accountId: OTHER }),
  ]);
  const since = new Date(T0);
  const actions = async (account: string, arns: string[]) =>
    (await s.accessActivity.listForEntities(account, arns, since)).map((r) => r.action);
  assert.deepEqual(await actions(ACCT, [ALICE]), ['iam:ListUsers']);
  assert.equal((await s.accessActivity.listForEntities(ACCT, [ALICE, BOB], since)).length, 2);
  assert.deepEqual(await s.accessActivity.listForEntities(ACCT, [], since), []);
  assert.deepEqual(await actions(OTHER, [ALICE]), ['iam:ListRoles']);
  await s.close();
});

test('access advisor jobs: stored per account; putJob expires old jobs and old activity', async () => {
  const s = openMemoryIamStore();
  const day = 86_400_000;
  await s.accessActivity.recordUses([use(ALICE, 's3:GetObject', T0 - 500 * day), use(ALICE, 's3:PutObject', T0)]);
  await s.accessActivity.putJob(job('11111111-1111-1111-1111-111111111111', T0 - 40 * day), {
    expireJobsBefore: new Date(T0 - 60 * day),
    expireUsesBefore: new Date(T0 - 400 * day),
  });
  const fresh = job('22222222-2222-2222-2222-222222222222', T0, { jobType: 'ACTION_LEVEL' });
  await s.accessActivity.putJob(fresh, {
    expireJobsBefore: new Date(T0 - 30 * day),
    expireUsesBefore: new Date(T0 - 400 * day),
  });
  assert.deepEqual(await s.accessActivity.getJob(ACCT, fresh.jobId), fresh);
  assert.equal(await s.accessActivity.getJob(OTHER, fresh.jobId), undefined, 'jobs are per account');
  assert.equal(await s.accessActivity.getJob(ACCT, '11111111-1111-1111-1111-111111111111'), undefined, 'expired');
  const left = await s.accessActivity.listForEntities(ACCT, [ALICE], new Date(0));
  assert.deepEqual(left.map((r) => r.action), ['s3:PutObject']);
  await s.close();
});

test('access activity: two connections on one iam.sqlite interleave batches without SQLITE_BUSY', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-access-activity-'));
  try {
    const a = openIamStore({ dataDir: dir, shared: true });
    const b = openIamStore({ dataDir: dir, shared: true });
    const batches: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      const store = i % 2 === 0 ? a : b;
      const batch = [use(ALICE, 's3:PutObject', T0 + i), use(BOB, `s3:Get${i % 5}`, T0 + i)];
      batches.push(store.accessActivity.recordUses(batch));
    }
    await Promise.all(batches);
    const rows = byAction(await a.accessActivity.listForEntities(ACCT, [ALICE, BOB], new Date(0)));
    assert.equal(rows.length, 6);
    assert.equal(rows.find((r) => r.entityArn === ALICE)?.at.getTime(), T0 + 49);
    await a.close();
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 6 upgrades an iam.sqlite at schema 5 and keeps its rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-access-activity-mig-'));
  try {
    const db = new Database(join(dir, 'iam.sqlite'));
    for (let v = 0; v < 5; v++) db.exec(MIGRATIONS[v]);
    db.pragma('user_version = 5');
    db.prepare('INSERT INTO accounts (account_id, is_management, created_at) VALUES (?, 1, ?)').run(ACCT, T0);
    db.close();
    const s = openIamStore({ dataDir: dir });
    assert.equal((await s.accounts.get(ACCT))?.isManagement, true);
    await s.accessActivity.recordUses([use(ALICE, 'iam:GetUser', T0)]);
    assert.equal((await s.accessActivity.listForEntities(ACCT, [ALICE], new Date(0))).length, 1);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
