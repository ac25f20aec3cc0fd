/** Organizations API: the organization, accounts (CreateAccount), OUs, pagination and member access. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMember, orgTestBed, withOrganization } from './test-setup.js';

test('CreateOrganization: ids and ARNs in AWS formats; a second one is AlreadyInOrganizationException', async () => {
  const t = await orgTestBed();
  assert.equal(await t.code('DescribeOrganization'), 'AWSOrganizationsNotInUseException');
  assert.equal(await t.code('ListAccounts'), 'AWSOrganizationsNotInUseException');
  const org = (await t.ok('CreateOrganization', {})).Organization as Record<string, unknown>;
  assert.match(String(org.Id), /^o-[a-z0-9]{10}$/);
  assert.equal(org.FeatureSet, 'ALL');
  assert.equal(org.MasterAccountId, t.root.accountId);
  assert.equal(org.Arn, `arn:aws:organizations::${t.root.accountId}:organization/${String(org.Id)}`);
  assert.equal(
    org.MasterAccountArn,
    `arn:aws:organizations::${t.root.accountId}:account/${String(org.Id)}/${t.root.accountId}`,
  );
  assert.equal(await t.code('CreateOrganization', {}), 'AlreadyInOrganizationException');
  const roots = (await t.ok('ListRoots')).Roots as Array<Record<string, unknown>>;
  assert.equal(roots.length, 1);
  assert.match(String(roots[0].Id), /^r-[a-z0-9]{4}$/);
  assert.deepEqual(roots[0].PolicyTypes, []);
  const accounts = (await t.ok('ListAccounts')).Accounts as Array<Record<string, unknown>>;
  assert.deepEqual(
    accounts.map((a) => a.Id),
    [t.root.accountId],
  );
  assert.equal(typeof accounts[0].JoinedTimestamp, 'number');
});

test('CreateOrganization validates FeatureSet; checks name organizations:<Operation>', async () => {
  const t = await orgTestBed();
  const bad = await t.call('CreateOrganization', { FeatureSet: 'SOME' });
  assert.deepEqual([bad.errorCode, bad.json.Reason], ['InvalidInputException', 'INVALID_ENUM']);
  const r = await t.call('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' });
  assert.deepEqual(
    r.checks.map((c) => [c.action, c.resource, c.resourceAccount]),
    [['organizations:CreateOrganization', '*', t.root.accountId]],
  );
  const roots = (await t.ok('ListRoots')).Roots as Array<Record<string, string>>;
  assert.equal(
    await t.code('EnablePolicyType', { RootId: roots[0].Id, PolicyType: 'SERVICE_CONTROL_POLICY' }),
    'PolicyTypeNotAvailableForOrganizationException',
  );
});

test('CreateAccount: SUCCEEDED, a member in the root with OrganizationAccountAccessRole and AdministratorAccess', async () => {
  const { t, org, rootId } = await withOrganization();
  const created = (
    await t.ok('CreateAccount', { Email: 'dev@example.com', AccountName: 'dev', Tags: [{ Key: 'env', Value: 'dev' }] })
  ).CreateAccountStatus as Record<string, string>;
  assert.match(created.Id, /^car-[a-z0-9]{8,32}$/);
  assert.equal(created.State, 'IN_PROGRESS');
  const status = (await t.ok('DescribeCreateAccountStatus', { CreateAccountRequestId: created.Id }))
    .CreateAccountStatus as Record<string, string>;
  assert.equal(status.State, 'SUCCEEDED');
  assert.match(status.AccountId, /^\d{12}$/);
  const account = (await t.ok('DescribeAccount', { AccountId: status.AccountId })).Account as Record<string, string>;
  assert.deepEqual(
    [account.Name, account.Email, account.Status, account.JoinedMethod],
    ['dev', 'dev@example.com', 'ACTIVE', 'CREATED'],
  );
  assert.equal(account.Arn, `arn:aws:organizations::${t.root.accountId}:account/${org.Id}/${status.AccountId}`);
  const role = await t.store.roles.getByName(status.AccountId, 'OrganizationAccountAccessRole');
  assert.ok(role);
  assert.deepEqual(JSON.parse(role.assumeRolePolicyDocument).Statement[0].Principal, {
    AWS: `arn:aws:iam::${t.root.accountId}:root`,
  });
  const attached = await t.store.attachments.listForPrincipal('role', role.roleId);
  assert.deepEqual(
    attached.map((a) => a.policyArn),
    ['arn:aws:iam::aws:policy/AdministratorAccess'],
  );
  assert.deepEqual((await t.store.accounts.get(status.AccountId))?.isManagement, false);
  const parents = (await t.ok('ListParents', { ChildId: status.AccountId })).Parents as Array<Record<string, string>>;
  assert.deepEqual(parents, [{ Id: rootId, Type: 'ROOT' }]);
  assert.deepEqual(await t.store.organizations.listTags(status.AccountId), [{ Key: 'env', Value: 'dev' }]);
});

test('CreateAccount: a custom RoleName, a taken e-mail FAILS the request, ListCreateAccountStatus filters by state', async () => {
  const { t } = await withOrganization();
  const ok = (await t.ok('CreateAccount', { Email: 'a@example.com', AccountName: 'a', RoleName: 'Admin' }))
    .CreateAccountStatus as Record<string, string>;
  const okStatus = (await t.ok('DescribeCreateAccountStatus', { CreateAccountRequestId: ok.Id }))
    .CreateAccountStatus as Record<string, string>;
  assert.ok(await t.store.roles.getByName(okStatus.AccountId, 'Admin'));
  const dup = (await t.ok('CreateAccount', { Email: 'A@example.com', AccountName: 'b' })).CreateAccountStatus as Record<
    string,
    string
  >;
  const failed = (await t.ok('DescribeCreateAccountStatus', { CreateAccountRequestId: dup.Id }))
    .CreateAccountStatus as Record<string, string>;
  assert.deepEqual([failed.State, failed.FailureReason], ['FAILED', 'EMAIL_ALREADY_EXISTS']);
  const onlyFailed = (await t.ok('ListCreateAccountStatus', { States: ['FAILED'] })).CreateAccountStatuses as Array<
    Record<string, string>
  >;
  assert.deepEqual(
    onlyFailed.map((s) => s.Id),
    [dup.Id],
  );
  assert.equal(((await t.ok('ListCreateAccountStatus')).CreateAccountStatuses as unknown[]).length, 2);
  assert.equal(
    await t.code('DescribeCreateAccountStatus', { CreateAccountRequestId: 'car-00000000' }),
    'CreateAccountStatusNotFoundException',
  );
  const invalid = await t.call('CreateAccount', { Email: 'not-an-email', AccountName: 'x' });
  assert.deepEqual([invalid.errorCode, invalid.json.Reason], ['InvalidInputException', 'INVALID_PATTERN']);
  assert.equal((await t.call('CreateAccount', { Email: 'x@example.com' })).json.Reason, 'INPUT_REQUIRED');
});

test('the account quota is a ConstraintViolationException', async () => {
  const t = await orgTestBed({ limits: { accounts: 2 } });
  await t.ok('CreateOrganization', {});
  await createMember(t, 'one');
  const r = await t.call('CreateAccount', { Email: 'two@example.com', AccountName: 'two' });
  assert.deepEqual([r.errorCode, r.json.Reason], ['ConstraintViolationException', 'ACCOUNT_NUMBER_LIMIT_EXCEEDED']);
});

test('members: DescribeOrganization works, management operations are AccessDeniedException, CreateOrganization AlreadyInOrganization', async () => {
  const { t, org } = await withOrganization();
  const member = t.rootOf(await createMember(t, 'member'));
  assert.equal(((await t.ok('DescribeOrganization', {}, member)).Organization as Record<string, string>).Id, org.Id);
  for (const op of ['ListAccounts', 'ListRoots', 'ListCreateAccountStatus'])
    assert.equal(await t.code(op, {}, member), 'AccessDeniedException', op);
  assert.equal(
    await t.code('CreateAccount', { Email: 'x@example.com', AccountName: 'x' }, member),
    'AccessDeniedException',
  );
  assert.equal(await t.code('ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' }, member), 'AccessDeniedException');
  assert.equal(await t.code('DeleteOrganization', {}, member), 'AccessDeniedException');
  assert.equal(await t.code('CreateOrganization', {}, member), 'AlreadyInOrganizationException');
  const denied = await t.call('ListAccounts', {}, member);
  assert.equal(denied.status, 400);
});

test('DeleteOrganization: OrganizationNotEmptyException with members; without them the organization is gone', async () => {
  const { t } = await withOrganization();
  await createMember(t, 'member');
  assert.equal(await t.code('DeleteOrganization'), 'OrganizationNotEmptyException');
  const t2 = (await withOrganization()).t;
  await t2.ok('DeleteOrganization');
  assert.equal(await t2.code('DescribeOrganization'), 'AWSOrganizationsNotInUseException');
  await t2.ok('CreateOrganization', {});
});

test('OUs: create, describe, rename, nest, list, move accounts, delete only when empty', async () => {
  const { t, org, rootId } = await withOrganization();
  const acct = await createMember(t, 'dev');
  const ou = (await t.ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'Workloads' }))
    .OrganizationalUnit as Record<string, string>;
  assert.match(ou.Id, new RegExp(`^ou-${rootId.slice(2)}-[a-z0-9]{8}$`));
  assert.equal(ou.Arn, `arn:aws:organizations::${t.root.accountId}:ou/${org.Id}/${ou.Id}`);
  assert.equal(ou.Path, `${org.Id}/${rootId}/${ou.Id}/`);
  assert.equal(
    await t.code('CreateOrganizationalUnit', { ParentId: rootId, Name: 'Workloads' }),
    'DuplicateOrganizationalUnitException',
  );
  assert.equal(
    await t.code('CreateOrganizationalUnit', { ParentId: `ou-${rootId.slice(2)}-zzzzzzzz`, Name: 'x' }),
    'ParentNotFoundException',
  );
  const prod = (await t.ok('CreateOrganizationalUnit', { ParentId: ou.Id, Name: 'Prod' })).OrganizationalUnit as Record<
    string,
    string
  >;
  const renamed = (await t.ok('UpdateOrganizationalUnit', { OrganizationalUnitId: prod.Id, Name: 'Production' }))
    .OrganizationalUnit as Record<string, string>;
  assert.equal(renamed.Name, 'Production');
  assert.equal(
    (
      (await t.ok('DescribeOrganizationalUnit', { OrganizationalUnitId: prod.Id })).OrganizationalUnit as Record<
        string,
        string
      >
    ).Path,
    `${org.Id}/${rootId}/${ou.Id}/${prod.Id}/`,
  );
  const units = (await t.ok('ListOrganizationalUnitsForParent', { ParentId: ou.Id })).OrganizationalUnits as Array<
    Record<string, string>
  >;
  assert.deepEqual(
    units.map((u) => u.Name),
    ['Production'],
  );
  assert.deepEqual((await t.ok('ListChildren', { ParentId: rootId, ChildType: 'ORGANIZATIONAL_UNIT' })).Children, [
    { Id: ou.Id, Type: 'ORGANIZATIONAL_UNIT' },
  ]);
  await t.ok('MoveAccount', { AccountId: acct, SourceParentId: rootId, DestinationParentId: prod.Id });
  assert.equal(
    await t.code('MoveAccount', { AccountId: acct, SourceParentId: rootId, DestinationParentId: prod.Id }),
    'SourceParentNotFoundException',
  );
  assert.equal(
    await t.code('MoveAccount', { AccountId: acct, SourceParentId: prod.Id, DestinationParentId: prod.Id }),
    'DuplicateAccountException',
  );
  assert.equal(
    await t.code('MoveAccount', {
      AccountId: acct,
      SourceParentId: prod.Id,
      DestinationParentId: `ou-${rootId.slice(2)}-zzzzzzzz`,
    }),
    'DestinationParentNotFoundException',
  );
  assert.equal(
    await t.code('MoveAccount', { AccountId: '999999999999', SourceParentId: rootId, DestinationParentId: prod.Id }),
    'AccountNotFoundException',
  );
  assert.deepEqual((await t.ok('ListParents', { ChildId: acct })).Parents, [
    { Id: prod.Id, Type: 'ORGANIZATIONAL_UNIT' },
  ]);
  assert.deepEqual(
    ((await t.ok('ListAccountsForParent', { ParentId: prod.Id })).Accounts as Array<Record<string, string>>).map(
      (a) => a.Id,
    ),
    [acct],
  );
  assert.deepEqual((await t.ok('ListChildren', { ParentId: prod.Id, ChildType: 'ACCOUNT' })).Children, [
    { Id: acct, Type: 'ACCOUNT' },
  ]);
  assert.equal(
    await t.code('DeleteOrganizationalUnit', { OrganizationalUnitId: prod.Id }),
    'OrganizationalUnitNotEmptyException',
  );
  assert.equal(
    await t.code('DeleteOrganizationalUnit', { OrganizationalUnitId: ou.Id }),
    'OrganizationalUnitNotEmptyException',
  );
  await t.ok('MoveAccount', { AccountId: acct, SourceParentId: prod.Id, DestinationParentId: rootId });
  await t.ok('DeleteOrganizationalUnit', { OrganizationalUnitId: prod.Id });
  assert.equal(
    await t.code('DescribeOrganizationalUnit', { OrganizationalUnitId: prod.Id }),
    'OrganizationalUnitNotFoundException',
  );
  assert.equal(await t.code('ListParents', { ChildId: prod.Id }), 'ChildNotFoundException');
  assert.equal((await t.call('ListChildren', { ParentId: rootId, ChildType: 'X' })).json.Reason, 'INVALID_ENUM');
});

test('OU depth is limited to 5 levels under the root', async () => {
  const { t, rootId } = await withOrganization();
  let parent = rootId;
  for (let i = 0; i < 5; i++)
    parent = (
      (await t.ok('CreateOrganizationalUnit', { ParentId: parent, Name: `l${i}` })).OrganizationalUnit as Record<
        string,
        string
      >
    ).Id;
  const r = await t.call('CreateOrganizationalUnit', { ParentId: parent, Name: 'too-deep' });
  assert.deepEqual([r.errorCode, r.json.Reason], ['ConstraintViolationException', 'OU_DEPTH_LIMIT_EXCEEDED']);
});

test('ListAccounts paginates with NextToken/MaxResults; a foreign token is INVALID_NEXT_TOKEN', async () => {
  const { t } = await withOrganization();
  for (const n of ['a', 'b', 'c']) await createMember(t, n);
  const first = await t.ok('ListAccounts', { MaxResults: 3 });
  assert.equal((first.Accounts as unknown[]).length, 3);
  assert.equal(typeof first.NextToken, 'string');
  const second = await t.ok('ListAccounts', { MaxResults: 3, NextToken: first.NextToken });
  assert.equal((second.Accounts as unknown[]).length, 1);
  assert.equal(second.NextToken, undefined);
  const all = [
    ...(first.Accounts as Array<Record<string, string>>),
    ...(second.Accounts as Array<Record<string, string>>),
  ].map((a) => a.Id);
  assert.equal(new Set(all).size, 4);
  assert.equal((await t.call('ListAccounts', { MaxResults: 21 })).json.Reason, 'MAX_VALUE_EXCEEDED');
  assert.equal((await t.call('ListAccounts', { NextToken: 'garbage' })).json.Reason, 'INVALID_NEXT_TOKEN');
});

test('trusted access: EnableAWSServiceAccess, ListAWSServiceAccessForOrganization, DisableAWSServiceAccess', async () => {
  const { t } = await withOrganization();
  await t.ok('EnableAWSServiceAccess', { ServicePrincipal: 'iam.amazonaws.com' });
  await t.ok('EnableAWSServiceAccess', { ServicePrincipal: 'iam.amazonaws.com' });
  const listed = (await t.ok('ListAWSServiceAccessForOrganization')).EnabledServicePrincipals as Array<
    Record<string, unknown>
  >;
  assert.deepEqual(
    listed.map((s) => s.ServicePrincipal),
    ['iam.amazonaws.com'],
  );
  assert.equal(typeof listed[0].DateEnabled, 'number');
  const bad = await t.call('EnableAWSServiceAccess', { ServicePrincipal: 'nonsense' });
  assert.deepEqual([bad.errorCode, bad.json.Reason], ['InvalidInputException', 'UNRECOGNIZED_SERVICE_PRINCIPAL']);
  await t.ok('DisableAWSServiceAccess', { ServicePrincipal: 'iam.amazonaws.com' });
  assert.deepEqual((await t.ok('ListAWSServiceAccessForOrganization')).EnabledServicePrincipals, []);
});
