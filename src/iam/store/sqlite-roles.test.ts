import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceError } from '../../errors/service-error.js';
import { openMemoryIamStore } from './index.js';
import type { IamChange, IamStore } from './types.js';

const ACCT = '111122223333';
const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isServiceError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

async function storeWithAccount(): Promise<IamStore> {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCT, { isManagement: true });
  return store;
}

const role = (roleId: string, roleName: string, extra: { path?: string; maxRolesPerAccount?: number } = {}) => ({
  accountId: ACCT,
  roleId,
  roleName,
  path: extra.path ?? '/',
  assumeRolePolicyDocument: TRUST,
  maxSessionDuration: 3600,
  maxRolesPerAccount: extra.maxRolesPerAccount ?? 1000,
});

test('roles: unique names case-insensitively, the account quota, lookups, path-prefix listing', async () => {
  const store = await storeWithAccount();
  const created = await store.roles.create({ ...role('AROAAAAAAAAAAAAAAAAAA', 'App', { path: '/svc/' }), description: 'd', tags: [{ Key: 'team', Value: 'red' }] });
  assert.equal(created.trustRevision, 1);
  assert.equal(created.assumeRolePolicyDocument, TRUST);
  assert.equal(created.description, 'd');
  assert.equal(created.lastUsedAt, undefined);
  assert.equal(await code(store.roles.create(role('AROABBBBBBBBBBBBBBBBB', 'app'))), 'EntityAlreadyExists');
  await store.roles.create(role('AROACCCCCCCCCCCCCCCCC', 'Batch'));
  assert.equal(await code(store.roles.create(role('AROADDDDDDDDDDDDDDDDD', 'Third', { maxRolesPerAccount: 2 }))), 'LimitExceeded');
  assert.equal((await store.roles.getByName(ACCT, 'APP'))?.roleId, created.roleId);
  assert.equal((await store.roles.getById(created.roleId))?.roleName, 'App');
  assert.deepEqual((await store.roles.list(ACCT)).map((r) => r.roleName), ['App', 'Batch']);
  assert.deepEqual((await store.roles.list(ACCT, '/svc')).map((r) => r.roleName), ['App']);
  assert.deepEqual(await store.tags.list('role', created.roleId), [{ Key: 'team', Value: 'red' }]);
});

test('roles: update bumps the trust revision only for a new trust policy; boundary set and removed; changes emitted', async () => {
  const store = await storeWithAccount();
  const changes: IamChange[] = [];
  store.onChange((c) => changes.push(c));
  const r = await store.roles.create(role('AROAAAAAAAAAAAAAAAAAA', 'app'));
  const described = await store.roles.update(ACCT, 'APP', { description: 'x', maxSessionDuration: 7200 });
  assert.equal(described.trustRevision, 1);
  assert.equal(described.maxSessionDuration, 7200);
  const retrusted = await store.roles.update(ACCT, 'app', { assumeRolePolicyDocument: TRUST.replace('ec2', 'lambda') });
  assert.equal(retrusted.trustRevision, 2);
  assert.equal(retrusted.description, 'x');
  await store.roles.setPermissionsBoundary(ACCT, 'app', 'arn:aws:iam::aws:policy/PowerUserAccess');
  assert.equal((await store.roles.getById(r.roleId))?.permissionsBoundaryArn, 'arn:aws:iam::aws:policy/PowerUserAccess');
  await store.roles.setPermissionsBoundary(ACCT, 'app', undefined);
  assert.equal((await store.roles.getById(r.roleId))?.permissionsBoundaryArn, undefined);
  assert.equal(await code(store.roles.setPermissionsBoundary(ACCT, 'ghost', undefined)), 'NoSuchEntity');
  assert.equal(await code(store.roles.update(ACCT, 'ghost', {})), 'NoSuchEntity');
  await store.tags.tag(ACCT, 'role', r.roleId, [{ Key: 'k', Value: 'v' }]);
  assert.ok(changes.length >= 5);
  assert.ok(changes.every((c) => c.kind === 'role' && c.roleId === r.roleId));
});

test('DeleteRole: DeleteConflict for inline policies, attached policies, instance profiles; not for a boundary', async () => {
  const store = await storeWithAccount();
  const r = await store.roles.create({ ...role('AROAAAAAAAAAAAAAAAAAA', 'app'), permissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await store.inlinePolicies.put({ accountId: ACCT, principalKind: 'role', principalId: r.roleId, policyName: 'p', document: '{}' });
  assert.equal(await code(store.roles.delete(ACCT, 'app')), 'DeleteConflict');
  await store.inlinePolicies.delete('role', r.roleId, 'p');
  const attachment = { accountId: ACCT, principalKind: 'role' as const, principalId: r.roleId, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
  await store.attachments.attach(attachment, 10);
  assert.equal(await code(store.roles.delete(ACCT, 'app')), 'DeleteConflict');
  await store.attachments.detach(attachment);
  await store.instanceProfiles.create({ accountId: ACCT, instanceProfileId: 'AIPAAAAAAAAAAAAAAAAAA', instanceProfileName: 'web', path: '/' });
  await store.instanceProfiles.addRole(ACCT, 'web', r.roleId);
  assert.equal(await code(store.roles.delete(ACCT, 'app')), 'DeleteConflict');
  await store.instanceProfiles.removeRole(ACCT, 'web', r.roleId);
  await store.tags.tag(ACCT, 'role', r.roleId, [{ Key: 'k', Value: 'v' }]);
  await store.roles.delete(ACCT, 'app');
  assert.equal(await store.roles.getById(r.roleId), undefined);
  assert.deepEqual(await store.tags.list('role', r.roleId), []);
  assert.equal(await code(store.roles.delete(ACCT, 'app')), 'NoSuchEntity');
});

test('RoleLastUsed: the latest use wins, older buffered uses do not go back in time', async () => {
  const store = await storeWithAccount();
  const r = await store.roles.create(role('AROAAAAAAAAAAAAAAAAAA', 'app'));
  await store.roles.recordUses([
    { roleId: r.roleId, at: new Date('2026-01-02T00:00:00Z'), region: 'us-east-1' },
    { roleId: r.roleId, at: new Date('2026-01-01T00:00:00Z'), region: 'eu-west-1' },
  ]);
  const got = await store.roles.getById(r.roleId);
  assert.equal(got?.lastUsedAt?.toISOString(), '2026-01-02T00:00:00.000Z');
  assert.equal(got?.lastUsedRegion, 'us-east-1');
});

test('instance profiles: one role at most, listing for a role, DeleteConflict while it holds one', async () => {
  const store = await storeWithAccount();
  const a = await store.roles.create(role('AROAAAAAAAAAAAAAAAAAA', 'a'));
  const b = await store.roles.create(role('AROABBBBBBBBBBBBBBBBB', 'b'));
  const p = await store.instanceProfiles.create({
    accountId: ACCT, instanceProfileId: 'AIPAAAAAAAAAAAAAAAAAA', instanceProfileName: 'Web', path: '/x/', tags: [{ Key: 't', Value: '1' }],
  });
  assert.deepEqual(p.roleIds, []);
  assert.equal(await code(store.instanceProfiles.create({ accountId: ACCT, instanceProfileId: 'AIPABBBBBBBBBBBBBBBBB', instanceProfileName: 'web', path: '/' })), 'EntityAlreadyExists');
  await store.instanceProfiles.addRole(ACCT, 'web', a.roleId);
  assert.equal(await code(store.instanceProfiles.addRole(ACCT, 'web', a.roleId)), 'EntityAlreadyExists');
  assert.equal(await code(store.instanceProfiles.addRole(ACCT, 'web', b.roleId)), 'LimitExceeded');
  assert.equal(await code(store.instanceProfiles.addRole(ACCT, 'ghost', b.roleId)), 'NoSuchEntity');
  assert.deepEqual((await store.instanceProfiles.getByName(ACCT, 'WEB'))?.roleIds, [a.roleId]);
  assert.deepEqual((await store.instanceProfiles.listForRole(a.roleId)).map((x) => x.instanceProfileName), ['Web']);
  assert.deepEqual(await store.instanceProfiles.listForRole(b.roleId), []);
  assert.deepEqual((await store.instanceProfiles.list(ACCT, '/x/')).map((x) => x.instanceProfileId), [p.instanceProfileId]);
  assert.deepEqual(await store.instanceProfiles.list(ACCT, '/y/'), []);
  assert.equal(await code(store.instanceProfiles.delete(ACCT, 'web')), 'DeleteConflict');
  assert.equal(await code(store.instanceProfiles.removeRole(ACCT, 'web', b.roleId)), 'NoSuchEntity');
  await store.instanceProfiles.removeRole(ACCT, 'web', a.roleId);
  await store.instanceProfiles.delete(ACCT, 'web');
  assert.equal(await store.instanceProfiles.getById(p.instanceProfileId), undefined);
  assert.deepEqual(await store.tags.list('instance-profile', p.instanceProfileId), []);
});

test('users.setPermissionsBoundary sets and removes; NoSuchEntity for a missing user', async () => {
  const store = await storeWithAccount();
  await store.users.create({ accountId: ACCT, userId: 'AIDAAAAAAAAAAAAAAAAAA', userName: 'Alice', path: '/' });
  await store.users.setPermissionsBoundary(ACCT, 'alice', 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  assert.equal((await store.users.getByName(ACCT, 'Alice'))?.permissionsBoundaryArn, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  await store.users.setPermissionsBoundary(ACCT, 'Alice', undefined);
  assert.equal((await store.users.getByName(ACCT, 'Alice'))?.permissionsBoundaryArn, undefined);
  assert.equal(await code(store.users.setPermissionsBoundary(ACCT, 'bob', undefined)), 'NoSuchEntity');
});
