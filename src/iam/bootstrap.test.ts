import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemoryIamStore } from './store/index.js';
import { bootstrapManagementAccount } from './bootstrap.js';
import { createCredentialProvider } from './credential-provider.js';

test('first start creates the account and a generated root key; later starts reuse them', async () => {
  const store = openMemoryIamStore();
  const first = await bootstrapManagementAccount(store);
  assert.equal(first.created, true);
  assert.match(first.accountId, /^\d{12}$/);
  assert.match(first.rootAccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.match(first.rootSecretAccessKey ?? '', /^[A-Za-z0-9+/]{40}$/);
  const second = await bootstrapManagementAccount(store);
  assert.deepEqual(second, { accountId: first.accountId, rootAccessKeyId: first.rootAccessKeyId, rootSecretAccessKey: undefined, created: false });
  await store.close();
});

test('given root credentials become the root key and resolve to the root caller', async () => {
  const store = openMemoryIamStore();
  const r = await bootstrapManagementAccount(store, { rootAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', rootSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  assert.equal(r.rootAccessKeyId, 'AKIAIOSFODNN7EXAMPLE');
  const provider = createCredentialProvider(store);
  const rec = await provider.findAccessKey('AKIAIOSFODNN7EXAMPLE');
  assert.equal(rec?.secretAccessKey, 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  assert.deepEqual(rec?.caller, { kind: 'Root', accountId: r.accountId, arn: `arn:aws:iam::${r.accountId}:root`, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
  await provider.close();
  await store.close();
});

test('half-given or malformed root credentials are refused', async () => {
  const store = openMemoryIamStore();
  await assert.rejects(bootstrapManagementAccount(store, { rootAccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }));
  await assert.rejects(bootstrapManagementAccount(store, { rootAccessKeyId: 'bad id!', rootSecretAccessKey: 'longenoughsecret' }));
  assert.equal(await store.accounts.getManagement(), undefined);
});
