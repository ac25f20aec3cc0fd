import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOrganizationPolicyLoader } from './organization-policies.js';
import { createMember, orgTestBed } from './test-setup.js';

const DENY = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: action, Resource: '*' }] });

test('forAccount: org id, aws:PrincipalOrgPaths, SCPs and RCPs by level; none for the management account', async () => {
  const t = await orgTestBed();
  const loader = createOrganizationPolicyLoader(t.store);
  assert.equal(await loader.forAccount(t.root.accountId), undefined);
  const org = (await t.ok('CreateOrganization', {})).Organization as Record<string, string>;
  const rootId = ((await t.ok('ListRoots')).Roots as Array<Record<string, string>>)[0].Id;
  const ou = (
    (await t.ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'prod' })).OrganizationalUnit as Record<
      string,
      string
    >
  ).Id;
  const acct = await createMember(t, 'app');
  await t.ok('MoveAccount', { AccountId: acct, SourceParentId: rootId, DestinationParentId: ou });

  const plain = await loader.forAccount(acct);
  assert.deepEqual(plain, {
    organizationId: org.Id,
    managementAccountId: t.root.accountId,
    path: `${org.Id}/${rootId}/${ou}/`,
  });

  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' });
  const scp = (
    (
      await t.ok('CreatePolicy', {
        Name: 'no-delete',
        Description: '',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: DENY('s3:DeleteBucket'),
      })
    ).Policy as Record<string, Record<string, string>>
  ).PolicySummary.Id;
  await t.ok('AttachPolicy', { PolicyId: scp, TargetId: ou });

  const loaded = await loader.forAccount(acct);
  assert.ok(loaded?.scps && loaded.rcps);
  assert.deepEqual(
    loaded.scps.map((level) => level.map((p) => p.id)),
    [['org:p-FullAWSAccess#1'], ['org:p-FullAWSAccess#1', `org:${scp}#1`].sort(), ['org:p-FullAWSAccess#1']],
  );
  assert.equal(loaded.scps[1].find((p) => p.id === `org:${scp}#1`)?.document, DENY('s3:DeleteBucket'));
  assert.deepEqual(
    loaded.rcps.map((level) => level.map((p) => p.id)),
    [['org:p-RCPFullAWSAccess#1'], ['org:p-RCPFullAWSAccess#1'], ['org:p-RCPFullAWSAccess#1']],
  );

  const mgmt = await loader.forAccount(t.root.accountId);
  assert.deepEqual(mgmt, {
    organizationId: org.Id,
    managementAccountId: t.root.accountId,
    path: `${org.Id}/${rootId}/`,
  });
  assert.equal(await loader.forAccount('999999999999'), undefined);

  // Any organization change drops the cache: a new revision names the new content.
  await t.ok('UpdatePolicy', { PolicyId: scp, Content: DENY('s3:PutBucketPolicy') });
  const after = await loader.forAccount(acct);
  assert.ok(after?.scps?.[1].some((p) => p.id === `org:${scp}#2` && p.document === DENY('s3:PutBucketPolicy')));
  await t.ok('DisablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  assert.equal((await loader.forAccount(acct))?.scps, undefined);
  loader.close();
});

test('the cache serves repeated reads and is dropped by invalidate()', async () => {
  const t = await orgTestBed();
  const loader = createOrganizationPolicyLoader(t.store);
  await t.ok('CreateOrganization', {});
  const first = await loader.forAccount(t.root.accountId);
  assert.equal(await loader.forAccount(t.root.accountId), first);
  loader.invalidate();
  const second = await loader.forAccount(t.root.accountId);
  assert.notEqual(second, first);
  assert.deepEqual(second, first);
  loader.close();
});
