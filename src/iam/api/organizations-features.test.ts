import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Caller, RootCaller } from '../../identity/caller.js';
import { callJson } from '../../json-protocol/test-client.js';
import { createOrganizationsProtocol } from '../../organizations/organizations-protocol.js';
import { iamTestBed } from './test-setup.js';

async function setup() {
  const t = await iamTestBed();
  const orgs = createOrganizationsProtocol({ store: t.store });
  const org = async (op: string, input: Record<string, unknown> = {}, caller: Caller = t.root) => {
    const r = await callJson(orgs, caller, `AWSOrganizationsV20161128.${op}`, input);
    assert.equal(r.status, 200, `${op}: ${r.body}`);
    return r.json;
  };
  return { t, org };
}

test('root access features need an organization, all features and trusted access for IAM', async () => {
  const { t, org } = await setup();
  assert.equal(await t.code('EnableOrganizationsRootCredentialsManagement'), 'OrganizationNotFoundException');
  assert.equal(await t.code('ListOrganizationsFeatures'), 'OrganizationNotFoundException');
  await org('CreateOrganization');
  assert.equal(await t.code('EnableOrganizationsRootSessions'), 'ServiceAccessNotEnabledException');
  await org('EnableAWSServiceAccess', { ServicePrincipal: 'iam.amazonaws.com' });
  const enabled = await t.ok('EnableOrganizationsRootCredentialsManagement');
  assert.match(String(enabled.OrganizationId), /^o-[a-z0-9]{10}$/);
  assert.deepEqual(enabled.EnabledFeatures, { member: ['RootCredentialsManagement'] });
  await t.ok('EnableOrganizationsRootSessions');
  assert.deepEqual(((await t.ok('ListOrganizationsFeatures')).EnabledFeatures as { member: string[] }).member, [
    'RootCredentialsManagement',
    'RootSessions',
  ]);
  const org1 = await t.store.organizations.get();
  assert.deepEqual([org1?.rootCredentialsManagement, org1?.rootSessions], [true, true]);
  await t.ok('DisableOrganizationsRootCredentialsManagement');
  await t.ok('DisableOrganizationsRootSessions');
  assert.equal((await t.ok('ListOrganizationsFeatures')).EnabledFeatures, '');
});

test('a billing-only organization is OrganizationNotInAllFeaturesModeException', async () => {
  const { t, org } = await setup();
  await org('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' });
  assert.equal(await t.code('EnableOrganizationsRootSessions'), 'OrganizationNotInAllFeaturesModeException');
});

test('member accounts: CallerIsNotManagementAccountException to enable, AccountNotManagementOrDelegatedAdministrator otherwise', async () => {
  const { t, org } = await setup();
  await org('CreateOrganization');
  await org('EnableAWSServiceAccess', { ServicePrincipal: 'iam.amazonaws.com' });
  const created = (await org('CreateAccount', { Email: 'm@example.com', AccountName: 'm' }))
    .CreateAccountStatus as Record<string, string>;
  const status = (await org('DescribeCreateAccountStatus', { CreateAccountRequestId: created.Id }))
    .CreateAccountStatus as Record<string, string>;
  const member: RootCaller = {
    kind: 'Root',
    accountId: status.AccountId,
    arn: `arn:aws:iam::${status.AccountId}:root`,
    accessKeyId: 'AKIATESTTESTTESTTEST',
  };
  assert.equal(
    await t.code('EnableOrganizationsRootCredentialsManagement', {}, member),
    'CallerIsNotManagementAccountException',
  );
  assert.equal(
    await t.code('DisableOrganizationsRootSessions', {}, member),
    'AccountNotManagementOrDelegatedAdministratorException',
  );
  assert.equal(
    await t.code('ListOrganizationsFeatures', {}, member),
    'AccountNotManagementOrDelegatedAdministratorException',
  );
  const r = await t.call('ListOrganizationsFeatures');
  assert.deepEqual(
    r.checks.map((c) => [c.action, c.resource]),
    [['iam:ListOrganizationsFeatures', '*']],
  );
});
