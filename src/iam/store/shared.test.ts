/**
 * The IAM store shared by the worker processes of one server: two stores on one file stand in for two
 * workers. Each caches what it read; a change made through the other must apply on the next lookup.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IamCredentialProvider } from '../credential-provider.js';
import { createIdentityPolicyLoader } from '../identity-policies.js';
import { openIamStore } from './index.js';
import type { IamStore } from './types.js';

const ACCT = '111122223333';
const KEY = 'AKIAAAAAAAAAAAAAAAA1';
const USER = { kind: 'User', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/Alice`, userId: 'AIDAAAAAAAAAAAAAAAAAA', userName: 'Alice', path: '/', accessKeyId: KEY } as const;

describe('IAM store shared by two workers', () => {
  let dir = '';
  let a: IamStore;
  let b: IamStore;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-iam-shared-'));
    a = openIamStore({ dataDir: dir, shared: true });
    b = openIamStore({ dataDir: dir, shared: true });
    await a.accounts.create(ACCT, { isManagement: true });
    await a.users.create({ accountId: ACCT, userId: USER.userId, userName: 'Alice', path: '/' });
    await a.accessKeys.create({ accessKeyId: KEY, accountId: ACCT, userId: USER.userId, secretAccessKey: 'S'.repeat(40), maxPerOwner: 2 });
  });
  after(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a key once the other worker deactivated it and a poll saw it", async () => {
    const provider = new IamCredentialProvider(b);
    try {
      assert.equal((await provider.findAccessKey(KEY))?.status, 'Active'); // cached in b
      await a.accessKeys.setStatus(KEY, 'Inactive');
      b.pollExternalChanges(); // what the server does when a request starts
      assert.equal((await provider.findAccessKey(KEY))?.status, 'Inactive');
      await a.accessKeys.delete(KEY);
      b.pollExternalChanges();
      assert.equal(await provider.findAccessKey(KEY), undefined);
    } finally {
      await provider.close();
    }
  });

  it("applies a policy the other worker attached after a poll", async () => {
    const loader = createIdentityPolicyLoader({ store: b });
    try {
      assert.equal((await loader.load(USER)).policies.length, 0); // cached in b
      await a.inlinePolicies.put({ accountId: ACCT, principalKind: 'user', principalId: USER.userId, policyName: 'p', document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' });
      b.pollExternalChanges();
      assert.equal((await loader.load(USER)).policies.length, 1);
    } finally {
      loader.close();
    }
  });

  it('reports no external change when only this worker wrote', async () => {
    const changes: string[] = [];
    const stop = a.onChange((c) => {
      if (c.kind === 'external') changes.push(c.kind);
    });
    await a.users.create({ accountId: ACCT, userId: 'AIDAAAAAAAAAAAAAAAAAB', userName: 'Bob', path: '/' });
    a.pollExternalChanges();
    stop();
    assert.deepEqual(changes, []);
  });
});
