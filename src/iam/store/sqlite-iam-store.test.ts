import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openIamStore, openMemoryIamStore, SCHEMA_VERSION } from './index.js';
import { isServiceError } from '../../errors/service-error.js';
import type { IamChange } from './types.js';

const ACCT = '111122223333';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

async function withUser() {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCT, { isManagement: true });
  const user = await store.users.create({ accountId: ACCT, userId: 'AIDAAAAAAAAAAAAAAAAAA', userName: 'Alice', path: '/' });
  return { store, user };
}

test('schema is versioned and the file store persists secrets sealed, in WAL mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-iam-'));
  try {
    const s = openIamStore({ dataDir: dir });
    await s.accounts.create(ACCT, { isManagement: true });
    await s.accessKeys.create({ accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', accountId: ACCT, userId: undefined, secretAccessKey: 'SECRETSECRETSECRET', maxPerOwner: 2 });
    await s.close();
    const raw = new Database(join(dir, 'iam.sqlite'), { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const row = raw.prepare('SELECT secret_sealed FROM access_keys').get() as { secret_sealed: string };
    raw.close();
    assert.ok(!row.secret_sealed.includes('SECRETSECRETSECRET'));
    assert.ok(!readFileSync(join(dir, 'iam.sqlite')).includes('SECRETSECRETSECRET'));
    const again = openIamStore({ dataDir: dir });
    assert.equal((await again.accessKeys.getWithSecret('AKIAAAAAAAAAAAAAAAAA'))?.secretAccessKey, 'SECRETSECRETSECRET');
    assert.equal((await again.accounts.getManagement())?.accountId, ACCT);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('user names are unique case-insensitively; rename keeps the id', async () => {
  const { store, user } = await withUser();
  assert.equal(await code(store.users.create({ accountId: ACCT, userId: 'AIDABBBBBBBBBBBBBBBBB', userName: 'alice', path: '/' })), 'EntityAlreadyExists');
  assert.equal((await store.users.getByName(ACCT, 'ALICE'))?.userId, user.userId);
  const renamed = await store.users.update(ACCT, 'alice', { newUserName: 'Bob', newPath: '/dev/' });
  assert.equal(renamed.userId, user.userId);
  assert.equal(renamed.path, '/dev/');
  assert.equal(await code(store.users.update(ACCT, 'nobody', { newPath: '/' })), 'NoSuchEntity');
  assert.deepEqual((await store.users.list(ACCT, '/de')).map((u) => u.userName), ['Bob']);
  assert.deepEqual(await store.users.list(ACCT, '/x/'), []);
});

test('access keys: at most N per owner, status, deletion, last use, change events', async () => {
  const { store, user } = await withUser();
  const events: IamChange[] = [];
  store.onChange((c) => events.push(c));
  const mk = (id: string) => store.accessKeys.create({ accessKeyId: id, accountId: ACCT, userId: user.userId, secretAccessKey: 's', maxPerOwner: 2 });
  await mk('AKIA0000000000000001');
  await mk('AKIA0000000000000002');
  assert.equal(await code(mk('AKIA0000000000000003')), 'LimitExceeded');
  await store.accessKeys.setStatus('AKIA0000000000000001', 'Inactive');
  assert.equal((await store.accessKeys.get('AKIA0000000000000001'))?.status, 'Inactive');
  await store.accessKeys.recordUses([{ accessKeyId: 'AKIA0000000000000002', at: new Date(5000), service: 's3', region: 'us-east-1' }]);
  await store.accessKeys.recordUses([{ accessKeyId: 'AKIA0000000000000002', at: new Date(1000), service: 'iam', region: 'us-east-1' }]);
  const used = await store.accessKeys.get('AKIA0000000000000002');
  assert.equal(used?.lastUsedService, 's3');
  assert.equal(used?.lastUsedAt?.getTime(), 5000);
  assert.equal(await code(store.accessKeys.delete('AKIA0000000000000009')), 'NoSuchEntity');
  assert.ok(events.filter((e) => e.kind === 'accessKey').length >= 3);
});

test('DeleteUser conflicts while subordinate entities remain', async () => {
  const { store, user } = await withUser();
  await store.accessKeys.create({ accessKeyId: 'AKIA0000000000000001', accountId: ACCT, userId: user.userId, secretAccessKey: 's', maxPerOwner: 2 });
  assert.equal(await code(store.users.delete(ACCT, 'Alice')), 'DeleteConflict');
  await store.accessKeys.delete('AKIA0000000000000001');
  await store.inlinePolicies.put({ accountId: ACCT, principalKind: 'user', principalId: user.userId, policyName: 'p', document: '{}' });
  assert.equal(await code(store.users.delete(ACCT, 'Alice')), 'DeleteConflict');
  await store.inlinePolicies.delete('user', user.userId, 'p');
  const g = await store.groups.create({ accountId: ACCT, groupId: 'AGPAAAAAAAAAAAAAAAAAA', groupName: 'devs', path: '/' });
  await store.groups.addMember(ACCT, g.groupId, user.userId, 10);
  assert.equal(await code(store.users.delete(ACCT, 'Alice')), 'DeleteConflict');
  assert.equal(await code(store.groups.delete(ACCT, 'devs')), 'DeleteConflict');
  await store.groups.removeMember(ACCT, g.groupId, user.userId);
  await store.tags.tag(ACCT, 'user', user.userId, [{ Key: 'team', Value: 'a' }]);
  await store.users.delete(ACCT, 'alice');
  assert.equal(await store.users.getByName(ACCT, 'Alice'), undefined);
  assert.deepEqual(await store.tags.list('user', user.userId), []);
  assert.equal(await code(store.users.delete(ACCT, 'Alice')), 'NoSuchEntity');
});

test('managed policies: versions, the 5-version limit, default protection, delete conflicts', async () => {
  const { store, user } = await withUser();
  const arn = `arn:aws:iam::${ACCT}:policy/P`;
  await store.policies.create({ accountId: ACCT, policyId: 'ANPAAAAAAAAAAAAAAAAAA', policyName: 'P', path: '/', arn, document: '{"v":1}' });
  assert.equal(await code(store.policies.create({ accountId: ACCT, policyId: 'ANPABBBBBBBBBBBBBBBBB', policyName: 'p', path: '/', arn: arn + 'x', document: '{}' })), 'EntityAlreadyExists');
  for (let i = 2; i <= 5; i++) await store.policies.createVersion(arn, `{"v":${i}}`, { setAsDefault: i === 3, maxVersions: 5 });
  assert.equal(await code(store.policies.createVersion(arn, '{}', { setAsDefault: false, maxVersions: 5 })), 'LimitExceeded');
  assert.equal((await store.policies.get(arn))?.defaultVersionId, 'v3');
  assert.equal(await code(store.policies.deleteVersion(arn, 'v3')), 'DeleteConflict');
  assert.equal(await code(store.policies.deleteVersion(arn, 'v9')), 'NoSuchEntity');
  await store.policies.deleteVersion(arn, 'v5');
  const v6 = await store.policies.createVersion(arn, '{"v":6}', { setAsDefault: false, maxVersions: 5 });
  assert.equal(v6.versionId, 'v6');
  await store.policies.setDefaultVersion(arn, 'v1');
  assert.equal(await code(store.policies.setDefaultVersion(arn, 'v5')), 'NoSuchEntity');
  assert.equal(await code(store.policies.delete(arn)), 'DeleteConflict');
  for (const v of ['v2', 'v3', 'v4', 'v6']) await store.policies.deleteVersion(arn, v);
  const att = { accountId: ACCT, principalKind: 'user' as const, principalId: user.userId, policyArn: arn };
  await store.attachments.attach(att, 10);
  await store.attachments.attach(att, 10);
  assert.equal((await store.attachments.countsByPolicy(ACCT)).get(arn), 1);
  assert.equal(await code(store.policies.delete(arn)), 'DeleteConflict');
  assert.equal(await store.attachments.detach(att), true);
  await store.policies.delete(arn);
  assert.equal(await store.policies.get(arn), undefined);
});

test('attachment and tag limits; tag keys are case-insensitive', async () => {
  const { store, user } = await withUser();
  for (let i = 0; i < 2; i++) await store.attachments.attach({ accountId: ACCT, principalKind: 'user', principalId: user.userId, policyArn: `arn:aws:iam::aws:policy/P${i}` }, 2);
  assert.equal(await code(store.attachments.attach({ accountId: ACCT, principalKind: 'user', principalId: user.userId, policyArn: 'arn:aws:iam::aws:policy/P9' }, 2)), 'LimitExceeded');
  await store.tags.tag(ACCT, 'user', user.userId, [{ Key: 'Team', Value: 'a' }]);
  await store.tags.tag(ACCT, 'user', user.userId, [{ Key: 'team', Value: 'b' }]);
  assert.deepEqual(await store.tags.list('user', user.userId), [{ Key: 'team', Value: 'b' }]);
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
  assert.equal(await code(store.tags.tag(ACCT, 'user', user.userId, many)), 'LimitExceeded');
  assert.equal((await store.tags.list('user', user.userId)).length, 1);
  await store.tags.untag('user', user.userId, ['TEAM']);
  assert.deepEqual(await store.tags.list('user', user.userId), []);
});

test('inline policies bump their revision; aliases are globally unique', async () => {
  const { store, user } = await withUser();
  await store.inlinePolicies.put({ accountId: ACCT, principalKind: 'user', principalId: user.userId, policyName: 'p', document: '{"a":1}' });
  await store.inlinePolicies.put({ accountId: ACCT, principalKind: 'user', principalId: user.userId, policyName: 'p', document: '{"a":2}' });
  const p = await store.inlinePolicies.get('user', user.userId, 'p');
  assert.equal(p?.revision, 2);
  assert.equal(p?.document, '{"a":2}');
  await store.accounts.create('444455556666', { isManagement: false });
  await store.settings.setAlias(ACCT, 'my-alias');
  assert.equal(await code(store.settings.setAlias('444455556666', 'my-alias')), 'EntityAlreadyExists');
  await store.settings.setAlias(ACCT, 'other-alias');
  assert.deepEqual(await store.settings.listAliases(ACCT), ['other-alias']);
});
