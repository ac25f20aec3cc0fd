import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';

const EC2_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const DOC = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

test('GetAccountAuthorizationDetails: RoleDetailList with trust policy, profiles, policies, boundary, tags, last use', async () => {
  const t = await iamTestBed();
  await t.ok('CreateRole', {
    RoleName: 'app', Path: '/svc/', AssumeRolePolicyDocument: EC2_TRUST, PermissionsBoundary: RO,
    'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red',
  });
  await t.ok('PutRolePolicy', { RoleName: 'app', PolicyName: 'inline', PolicyDocument: DOC });
  await t.ok('AttachRolePolicy', { RoleName: 'app', PolicyArn: RO });
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'ip' });
  await t.ok('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'app' });
  const role = (await t.store.roles.getByName(t.root.accountId, 'app'))!;
  await t.store.roles.recordUses([{ roleId: role.roleId, at: new Date('2026-02-03T04:05:06Z'), region: 'us-east-1' }]);
  const r = await t.ok('GetAccountAuthorizationDetails', { 'Filter.member.1': 'Role', 'Filter.member.2': 'AWSManagedPolicy' });
  const [detail] = memberList(r.RoleDetailList);
  assert.equal(detail.Arn, `arn:aws:iam::${t.root.accountId}:role/svc/app`);
  assert.equal(decodeURIComponent(String(detail.AssumeRolePolicyDocument)), EC2_TRUST);
  assert.deepEqual(memberList(detail.InstanceProfileList).map((p) => p.InstanceProfileName), ['ip']);
  assert.deepEqual(memberList(memberList(detail.InstanceProfileList)[0].Roles).map((x) => x.RoleName), ['app']);
  assert.equal(memberList(detail.RolePolicyList)[0].PolicyName, 'inline');
  assert.deepEqual(memberList(detail.AttachedManagedPolicies), [{ PolicyName: 'ReadOnlyAccess', PolicyArn: RO }]);
  assert.deepEqual(detail.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: RO });
  assert.deepEqual(memberList(detail.Tags), [{ Key: 'team', Value: 'red' }]);
  assert.deepEqual(detail.RoleLastUsed, { LastUsedDate: '2026-02-03T04:05:06Z', Region: 'us-east-1' });
  const [policy] = memberList(r.Policies);
  assert.equal(policy.Arn, RO);
  assert.equal(policy.AttachmentCount, '1');
  assert.equal(policy.PermissionsBoundaryUsageCount, '1');
  assert.equal(r.UserDetailList, '');
  assert.equal(await t.code('GetAccountAuthorizationDetails', { 'Filter.member.1': 'Robot' }), 'ValidationError');
});

test('GetAccountAuthorizationDetails pages across users, groups, roles and policies, in that order', async () => {
  const t = await iamTestBed();
  for (const n of ['u1', 'u2']) await t.ok('CreateUser', { UserName: n });
  await t.ok('CreateGroup', { GroupName: 'g1' });
  for (const n of ['r1', 'r2']) await t.ok('CreateRole', { RoleName: n, AssumeRolePolicyDocument: EC2_TRUST });
  for (const n of ['p1', 'p2']) await t.ok('CreatePolicy', { PolicyName: n, PolicyDocument: DOC });
  const seen: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const r = await t.ok('GetAccountAuthorizationDetails', { MaxItems: '2', ...(marker ? { Marker: marker } : {}) });
    seen.push(
      ...memberList(r.UserDetailList).map((x) => `user:${x.UserName}`),
      ...memberList(r.GroupDetailList).map((x) => `group:${x.GroupName}`),
      ...memberList(r.RoleDetailList).map((x) => `role:${x.RoleName}`),
      ...memberList(r.Policies).map((x) => `policy:${x.PolicyName}`),
    );
    marker = r.IsTruncated === 'true' ? String(r.Marker) : undefined;
    pages++;
  } while (marker);
  assert.deepEqual(seen, ['user:u1', 'user:u2', 'group:g1', 'role:r1', 'role:r2', 'policy:p1', 'policy:p2']);
  assert.equal(pages, 4);
  const all = await t.ok('GetAccountAuthorizationDetails');
  assert.equal(all.IsTruncated, 'false');
  assert.equal(all.Marker, undefined);
});

test('GetAccountSummary counts roles and instance profiles', async () => {
  const t = await iamTestBed({ limits: { rolesPerAccount: 7 } });
  await t.ok('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: EC2_TRUST });
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'a' });
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'b' });
  const summary = (await t.ok('GetAccountSummary')).SummaryMap as { entry: Array<Record<string, unknown>> };
  const map = Object.fromEntries(summary.entry.map((e) => [e.key, e.value]));
  assert.equal(map.Roles, '1');
  assert.equal(map.RolesQuota, '7');
  assert.equal(map.InstanceProfiles, '2');
  assert.equal(map.AssumeRolePolicySizeQuota, '2048');
  assert.equal(map.RolePolicySizeQuota, '10240');
});
