/**
 * The Organizations repository: invariants checked inside the write transaction, an `organization`
 * change after every commit (and none for a refused write), and two stores on one file (two worker
 * processes) seeing each other's writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AWS_MANAGED_ORG_POLICIES } from '../../organizations/aws-managed-policies.js';
import { createOrganizationPolicyLoader } from '../../organizations/organization-policies.js';
import { openIamStore } from './index.js';
import { openMemoryIamStore } from './memory-store.js';
import type { IamChange, IamStore } from './types.js';

const MGMT = '111122223333';
const MEMBER = '444455556666';

async function withOrganization(store: IamStore): Promise<void> {
  await store.accounts.create(MGMT, { isManagement: true });
  await store.organizations.create({
    id: 'o-aaaaaaaaaa',
    managementAccountId: MGMT,
    rootId: 'r-abcd',
    featureSet: 'ALL',
    managementAccount: { name: 'mgmt', email: 'mgmt@example.com' },
    awsManagedPolicies: AWS_MANAGED_ORG_POLICIES,
  });
}

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

test('every committed write emits one organization change; a refused one emits none', async () => {
  const store = openMemoryIamStore();
  const changes: IamChange[] = [];
  store.onChange((c) => changes.push(c));
  await withOrganization(store);
  assert.deepEqual(changes, [{ kind: 'organization' }]);
  assert.equal(
    await codeOf(
      store.organizations.create({
        id: 'o-bbbbbbbbbb',
        managementAccountId: MGMT,
        rootId: 'r-efgh',
        featureSet: 'ALL',
        managementAccount: { name: 'x', email: 'x@example.com' },
        awsManagedPolicies: [],
      }),
    ),
    'AlreadyInOrganizationException',
  );
  await store.organizations.createUnit({
    id: 'ou-abcd-11111111',
    parentId: 'r-abcd',
    name: 'prod',
    createdAt: new Date(),
  });
  assert.equal(
    await codeOf(
      store.organizations.createUnit({
        id: 'ou-abcd-22222222',
        parentId: 'r-abcd',
        name: 'prod',
        createdAt: new Date(),
      }),
    ),
    'DuplicateOrganizationalUnitException',
  );
  assert.equal(changes.length, 2);
  await store.close();
});

test('enabling a type attaches its default everywhere, atomically with later accounts and OUs', async () => {
  const store = openMemoryIamStore();
  await withOrganization(store);
  await store.organizations.createUnit({
    id: 'ou-abcd-11111111',
    parentId: 'r-abcd',
    name: 'prod',
    createdAt: new Date(),
  });
  await store.organizations.enablePolicyType('SERVICE_CONTROL_POLICY');
  assert.deepEqual(
    (await store.organizations.listTargetIdsForPolicy('p-FullAWSAccess')).sort(),
    [MGMT, 'ou-abcd-11111111', 'r-abcd'].sort(),
  );
  await store.accounts.create(MEMBER, { isManagement: false });
  await store.organizations.addAccount({
    accountId: MEMBER,
    name: 'm',
    email: 'm@example.com',
    parentId: 'ou-abcd-11111111',
    joinedMethod: 'CREATED',
    joinedAt: new Date(),
    status: 'ACTIVE',
  });
  assert.deepEqual(await store.organizations.listPolicyIdsForTarget(MEMBER), ['p-FullAWSAccess']);
  assert.equal(await codeOf(store.organizations.deleteUnit('ou-abcd-11111111')), 'OrganizationalUnitNotEmptyException');
  assert.equal(await codeOf(store.organizations.delete()), 'OrganizationNotEmptyException');
  await store.organizations.removeAccount(MEMBER);
  await store.organizations.delete();
  assert.equal(await store.organizations.get(), undefined);
  assert.deepEqual(await store.organizations.listPolicies('SERVICE_CONTROL_POLICY'), []);
  await store.close();
});

test('a policy update bumps the revision only when the content changes', async () => {
  const store = openMemoryIamStore();
  await withOrganization(store);
  const p = await store.organizations.createPolicy({
    id: 'p-12345678',
    type: 'SERVICE_CONTROL_POLICY',
    name: 'a',
    description: '',
    content: '{}',
    awsManaged: false,
  });
  assert.equal(p.revision, 1);
  assert.equal((await store.organizations.updatePolicy(p.id, { name: 'b' })).revision, 1);
  assert.equal((await store.organizations.updatePolicy(p.id, { content: '{"x":1}' })).revision, 2);
  await store.close();
});

test('two stores on one file: a write through one is seen by the other, and its loader drops its cache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-org-shared-'));
  const a = openIamStore({ dataDir: dir, shared: true });
  const b = openIamStore({ dataDir: dir, shared: true });
  try {
    await withOrganization(a);
    const loader = createOrganizationPolicyLoader(b);
    assert.equal((await loader.forAccount(MGMT))?.path, 'o-aaaaaaaaaa/r-abcd/');
    await a.organizations.createUnit({
      id: 'ou-abcd-11111111',
      parentId: 'r-abcd',
      name: 'prod',
      createdAt: new Date(),
    });
    assert.equal(
      await codeOf(
        b.organizations.createUnit({ id: 'ou-abcd-22222222', parentId: 'r-abcd', name: 'prod', createdAt: new Date() }),
      ),
      'DuplicateOrganizationalUnitException',
    );
    await a.organizations.moveAccount(MGMT, 'r-abcd', 'ou-abcd-11111111');
    b.pollExternalChanges();
    assert.equal((await loader.forAccount(MGMT))?.path, 'o-aaaaaaaaaa/r-abcd/ou-abcd-11111111/');
    loader.close();
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
