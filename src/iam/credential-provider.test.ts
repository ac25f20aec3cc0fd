import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemoryIamStore } from './store/index.js';
import { createCredentialProvider } from './credential-provider.js';

const ACCT = '111122223333';

test('user keys resolve to UserCaller; status and deletion changes apply at once despite the cache', async () => {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCT, { isManagement: true });
  const u = await store.users.create({ accountId: ACCT, userId: 'AIDAAAAAAAAAAAAAAAAAA', userName: 'alice', path: '/dev/' });
  await store.accessKeys.create({ accessKeyId: 'AKIA0000000000000001', accountId: ACCT, userId: u.userId, secretAccessKey: 'sec', maxPerOwner: 2 });
  const p = createCredentialProvider(store);
  const rec = await p.findAccessKey('AKIA0000000000000001');
  assert.deepEqual(rec?.caller, { kind: 'User', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/dev/alice`, userId: u.userId, userName: 'alice', path: '/dev/', accessKeyId: 'AKIA0000000000000001' });
  assert.equal(rec?.status, 'Active');
  await store.accessKeys.setStatus('AKIA0000000000000001', 'Inactive');
  assert.equal((await p.findAccessKey('AKIA0000000000000001'))?.status, 'Inactive');
  await store.users.update(ACCT, 'alice', { newUserName: 'alicia' });
  const renamed = await p.findAccessKey('AKIA0000000000000001');
  assert.equal(renamed?.caller.kind === 'User' && renamed.caller.userName, 'alicia');
  await store.accessKeys.delete('AKIA0000000000000001');
  assert.equal(await p.findAccessKey('AKIA0000000000000001'), undefined);
  assert.equal(await p.findAccessKey('AKIANOSUCHKEY0000000'), undefined);
  await p.close();
  await store.close();
});

test('key use is buffered and flushed off the request path, latest use wins', async () => {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCT, { isManagement: true });
  await store.accessKeys.create({ accessKeyId: 'AKIA0000000000000001', accountId: ACCT, userId: undefined, secretAccessKey: 'sec', maxPerOwner: 2 });
  const p = createCredentialProvider(store, { flushIntervalMs: 60_000 });
  p.recordKeyUse('AKIA0000000000000001', 's3', 'us-east-1', new Date(2000));
  p.recordKeyUse('AKIA0000000000000001', 'iam', 'us-east-1', new Date(1000));
  assert.equal((await store.accessKeys.get('AKIA0000000000000001'))?.lastUsedAt, undefined);
  await p.flush();
  const k = await store.accessKeys.get('AKIA0000000000000001');
  assert.equal(k?.lastUsedService, 's3');
  assert.equal(k?.lastUsedAt?.getTime(), 2000);
  await p.close();
  await store.close();
});
