import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';
import { CREDENTIAL_REPORT_COLUMNS } from './credential-report.js';

test('GetAccountSummary has AWS keys and live counts', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'a' });
  await t.ok('CreateGroup', { GroupName: 'g' });
  const summary = (await t.ok('GetAccountSummary')).SummaryMap as { entry: Array<Record<string, unknown>> };
  const map = Object.fromEntries(summary.entry.map((e) => [e.key, e.value]));
  assert.equal(map.Users, '1');
  assert.equal(map.Groups, '1');
  assert.equal(map.AccessKeysPerUserQuota, '2');
  assert.equal(map.AccountAccessKeysPresent, '1');
  for (const k of ['UsersQuota', 'GroupsQuota', 'Policies', 'PoliciesQuota', 'PolicyVersionsInUse', 'VersionsPerPolicyQuota', 'AttachedPoliciesPerUserQuota', 'MFADevices', 'AccountMFAEnabled', 'Roles']) assert.ok(k in map, k);
});

test('account aliases: one per account, validation, NoSuchEntity on delete', async () => {
  const t = await iamTestBed();
  assert.equal(await t.code('CreateAccountAlias', { AccountAlias: 'Bad_Alias' }), 'ValidationError');
  assert.equal(await t.code('CreateAccountAlias', { AccountAlias: 'a--b' }), 'ValidationError');
  await t.ok('CreateAccountAlias', { AccountAlias: 'my-company' });
  assert.deepEqual((await t.ok('ListAccountAliases')).AccountAliases, { member: ['my-company'] });
  assert.equal(await t.code('DeleteAccountAlias', { AccountAlias: 'other-alias' }), 'NoSuchEntity');
  await t.ok('DeleteAccountAlias', { AccountAlias: 'my-company' });
  assert.equal((await t.ok('ListAccountAliases')).AccountAliases, '');
});

test('credential report: ReportNotPresent first, then AWS columns with the root row', async () => {
  const t = await iamTestBed();
  const missing = await t.call('GetCredentialReport');
  assert.equal(missing.errorCode, 'ReportNotPresent');
  assert.equal(missing.status, 410);
  await t.ok('CreateUser', { UserName: 'alice' });
  await t.ok('CreateAccessKey', { UserName: 'alice' });
  await t.ok('CreateLoginProfile', { UserName: 'alice', Password: 'Passw0rd-Passw0rd' });
  assert.equal((await t.ok('GenerateCredentialReport')).State, 'COMPLETE');
  const r = await t.ok('GetCredentialReport');
  assert.equal(r.ReportFormat, 'text/csv');
  const lines = Buffer.from(String(r.Content), 'base64').toString('utf8').split('\n');
  assert.equal(lines[0], 'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated');
  assert.equal(lines[0].split(',').length, CREDENTIAL_REPORT_COLUMNS.length);
  const root = lines[1].split(',');
  assert.equal(root[0], '<root_account>');
  assert.equal(root[1], `arn:aws:iam::${t.root.accountId}:root`);
  assert.equal(root[8], 'true');
  const alice = lines[2].split(',');
  assert.equal(alice[0], 'alice');
  assert.equal(alice[3], 'true');
  assert.equal(alice[4], 'no_information');
  assert.match(alice[9], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.equal(alice[10], 'N/A');
  assert.equal(alice[13], 'false');
  assert.ok(lines.every((l) => l.split(',').length === CREDENTIAL_REPORT_COLUMNS.length));
});

test('GetAccountAuthorizationDetails lists users, groups and attached policies with documents', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'dev' });
  await t.ok('CreateGroup', { GroupName: 'client' });
  await t.ok('AddUserToGroup', { GroupName: 'client', UserName: 'dev' });
  await t.ok('PutUserPolicy', { UserName: 'dev', PolicyName: 'mine', PolicyDocument: '{"Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}' });
  await t.ok('AttachGroupPolicy', { GroupName: 'client', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  const r = await t.ok('GetAccountAuthorizationDetails');
  const users = memberList(r.UserDetailList);
  assert.equal(users[0].UserName, 'dev');
  assert.deepEqual(users[0].GroupList, { member: ['client'] });
  assert.equal(memberList(users[0].UserPolicyList)[0].PolicyName, 'mine');
  const groups = memberList(r.GroupDetailList);
  assert.deepEqual(memberList(groups[0].AttachedManagedPolicies), [{ PolicyName: 'AmazonS3ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }]);
  assert.deepEqual(memberList(r.Policies).map((p) => p.PolicyName), ['AmazonS3ReadOnlyAccess']);
  const onlyUsers = await t.ok('GetAccountAuthorizationDetails', { 'Filter.member.1': 'User' });
  assert.equal(onlyUsers.GroupDetailList, '');
});
