import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList, type IamTestBed } from './test-setup.js';

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

const trustFor = (principal: unknown, action: unknown = 'sts:AssumeRole') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: action }] });

async function createRole(t: IamTestBed, roleName: string, extra: Record<string, string> = {}) {
  return (await t.ok('CreateRole', { RoleName: roleName, AssumeRolePolicyDocument: EC2_TRUST, ...extra })).Role as Record<string, unknown>;
}

test('CreateRole/GetRole: AROA ids, ARNs with paths, URL-encoded trust policy, defaults, tags', async () => {
  const t = await iamTestBed();
  const created = await createRole(t, 'App', { Path: '/svc/', Description: 'the app', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red' });
  assert.match(String(created.RoleId), /^AROA[A-Z2-7]{17}$/);
  assert.equal(created.Arn, `arn:aws:iam::${t.root.accountId}:role/svc/App`);
  assert.equal(created.AssumeRolePolicyDocument, encodeURIComponent(EC2_TRUST));
  assert.equal(created.Description, 'the app');
  assert.deepEqual(memberList(created.Tags), [{ Key: 'team', Value: 'red' }]);
  const got = (await t.ok('GetRole', { RoleName: 'app' })).Role as Record<string, unknown>;
  assert.equal(got.RoleName, 'App');
  assert.equal(got.MaxSessionDuration, '3600');
  assert.equal(got.RoleLastUsed, '');
  assert.equal(decodeURIComponent(String(got.AssumeRolePolicyDocument)), EC2_TRUST);
  assert.deepEqual(memberList(got.Tags), [{ Key: 'team', Value: 'red' }]);
  assert.equal(await t.code('CreateRole', { RoleName: 'APP', AssumeRolePolicyDocument: EC2_TRUST }), 'EntityAlreadyExists');
  const missing = await t.call('GetRole', { RoleName: 'ghost' });
  assert.equal(missing.errorCode, 'NoSuchEntity');
  assert.equal(missing.status, 404);
});

test('CreateRole validation: names, MaxSessionDuration bounds, description, boundary', async () => {
  const t = await iamTestBed();
  const base = { AssumeRolePolicyDocument: EC2_TRUST };
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'x'.repeat(65) }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'bad name' }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { RoleName: 'nodoc' }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'short', MaxSessionDuration: '3599' }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'long', MaxSessionDuration: '43201' }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'desc', Description: 'x'.repeat(1001) }), 'ValidationError');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'b', PermissionsBoundary: 'arn:aws:iam::aws:policy/Nope' }), 'NoSuchEntity');
  assert.equal(await t.code('CreateRole', { ...base, RoleName: 'b', PermissionsBoundary: 'not-an-arn-at-all-really' }), 'InvalidInput');
  await createRole(t, 'max', { MaxSessionDuration: '43200' });
  assert.equal(((await t.ok('GetRole', { RoleName: 'max' })).Role as Record<string, unknown>).MaxSessionDuration, '43200');
});

test('trust policies are validated as AWS validates them, with the ACLSizePerRole quota', async () => {
  const t = await iamTestBed();
  const bad = async (doc: string) => t.code('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: doc });
  assert.equal(await bad('{not json'), 'MalformedPolicyDocument');
  assert.equal(await bad(trustFor({ Service: 'ec2.amazonaws.com' }, 's3:GetObject')), 'MalformedPolicyDocument');
  assert.equal(await bad(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] })), 'MalformedPolicyDocument');
  const withResource = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: t.root.accountId }, Action: 'sts:AssumeRole', Resource: '*' }] };
  assert.equal(await bad(JSON.stringify(withResource)), 'MalformedPolicyDocument');
  // A user or role principal must exist; accounts, roots, services and federated providers need not.
  const ghost = `arn:aws:iam::${t.root.accountId}:user/ghost`;
  const r = await t.call('CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: trustFor({ AWS: ghost }) });
  assert.equal(r.errorCode, 'MalformedPolicyDocument');
  assert.match(r.body, /Invalid principal in policy/);
  await t.ok('CreateUser', { UserName: 'dev', Path: '/team/' });
  assert.equal(await bad(trustFor({ AWS: `arn:aws:iam::${t.root.accountId}:user/dev` })), 'MalformedPolicyDocument');
  await t.ok('CreateRole', { RoleName: 'u', AssumeRolePolicyDocument: trustFor({ AWS: `arn:aws:iam::${t.root.accountId}:user/team/dev` }) });
  await t.ok('CreateRole', { RoleName: 'chain', AssumeRolePolicyDocument: trustFor({ AWS: `arn:aws:iam::${t.root.accountId}:role/u` }) });
  await t.ok('CreateRole', { RoleName: 'acct', AssumeRolePolicyDocument: trustFor({ AWS: ['123456789012', 'arn:aws:iam::210987654321:root'] }) });
  await t.ok('CreateRole', { RoleName: 'fed', AssumeRolePolicyDocument: trustFor({ Federated: 'accounts.google.com' }, 'sts:AssumeRoleWithWebIdentity') });
  const big = trustFor({ AWS: Array.from({ length: 200 }, (_, i) => String(100000000000 + i)) });
  const over = await t.call('CreateRole', { RoleName: 'big', AssumeRolePolicyDocument: big });
  assert.equal(over.errorCode, 'LimitExceeded');
  assert.match(over.body, /ACLSizePerRole: 2048/);
  // White space outside strings is free.
  await t.ok('CreateRole', { RoleName: 'spaced', AssumeRolePolicyDocument: JSON.stringify(JSON.parse(EC2_TRUST), null, 40) });
});

test('ListRoles: path prefix, Marker/MaxItems, no tags, boundary or last-used in the listing', async () => {
  const t = await iamTestBed();
  for (const n of ['r3', 'r1', 'R2', 'r4']) await createRole(t, n, { 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' });
  await createRole(t, 'ops', { Path: '/ops/', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  const seen: string[] = [];
  let marker: string | undefined;
  do {
    const r = await t.ok('ListRoles', { MaxItems: '2', ...(marker ? { Marker: marker } : {}) });
    const roles = memberList(r.Roles);
    for (const role of roles) {
      assert.equal(role.Tags, undefined);
      assert.equal(role.PermissionsBoundary, undefined);
      assert.equal(role.RoleLastUsed, undefined);
      assert.equal(role.MaxSessionDuration, '3600');
    }
    seen.push(...roles.map((x) => String(x.RoleName)));
    marker = r.IsTruncated === 'true' ? String(r.Marker) : undefined;
  } while (marker);
  assert.deepEqual(seen, ['ops', 'r1', 'R2', 'r3', 'r4']);
  assert.deepEqual(memberList((await t.ok('ListRoles', { PathPrefix: '/ops/' })).Roles).map((r) => r.RoleName), ['ops']);
  const check = (await t.call('ListRoles', { PathPrefix: '/ops/' })).checks[0];
  assert.equal(check.resource, `arn:aws:iam::${t.root.accountId}:role/ops/`);
});

test('UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy', async () => {
  const t = await iamTestBed();
  await createRole(t, 'app');
  assert.equal((await t.call('UpdateRole', { RoleName: 'app', MaxSessionDuration: '7200', Description: 'd1' })).status, 200);
  let got = (await t.ok('GetRole', { RoleName: 'app' })).Role as Record<string, unknown>;
  assert.equal(got.MaxSessionDuration, '7200');
  assert.equal(got.Description, 'd1');
  assert.equal(await t.code('UpdateRole', { RoleName: 'app', MaxSessionDuration: '100' }), 'ValidationError');
  assert.equal(await t.code('UpdateRole', { RoleName: 'ghost' }), 'NoSuchEntity');
  const described = (await t.ok('UpdateRoleDescription', { RoleName: 'app', Description: 'd2' })).Role as Record<string, unknown>;
  assert.equal(described.Description, 'd2');
  assert.equal(described.MaxSessionDuration, '7200');
  assert.equal(await t.code('UpdateRoleDescription', { RoleName: 'app' }), 'ValidationError');
  const lambda = EC2_TRUST.replace('ec2', 'lambda');
  await t.ok('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: lambda });
  got = (await t.ok('GetRole', { RoleName: 'app' })).Role as Record<string, unknown>;
  assert.equal(decodeURIComponent(String(got.AssumeRolePolicyDocument)), lambda);
  assert.equal((await t.store.roles.getByName(t.root.accountId, 'app'))?.trustRevision, 2);
  assert.equal(await t.code('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: trustFor({ Service: 'ec2.amazonaws.com' }, 's3:*') }), 'MalformedPolicyDocument');
  assert.equal(await t.code('UpdateAssumeRolePolicy', { RoleName: 'ghost', PolicyDocument: lambda }), 'NoSuchEntity');
  const r = await t.call('UpdateAssumeRolePolicy', { RoleName: 'app', PolicyDocument: lambda });
  assert.equal(r.checks[0].action, 'iam:UpdateAssumeRolePolicy');
  assert.equal(r.checks[0].resource, `arn:aws:iam::${t.root.accountId}:role/app`);
});

test('DeleteRole: DeleteConflict for inline, attached and instance profiles, not for a boundary', async () => {
  const t = await iamTestBed();
  await createRole(t, 'doomed', { PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  const doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';
  await t.ok('PutRolePolicy', { RoleName: 'doomed', PolicyName: 'p', PolicyDocument: doc });
  const conflict = await t.call('DeleteRole', { RoleName: 'doomed' });
  assert.equal(conflict.errorCode, 'DeleteConflict');
  assert.equal(conflict.status, 409);
  await t.ok('DeleteRolePolicy', { RoleName: 'doomed', PolicyName: 'p' });
  await t.ok('AttachRolePolicy', { RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.equal(await t.code('DeleteRole', { RoleName: 'doomed' }), 'DeleteConflict');
  await t.ok('DetachRolePolicy', { RoleName: 'doomed', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'ip' });
  await t.ok('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'doomed' });
  assert.equal(await t.code('DeleteRole', { RoleName: 'doomed' }), 'DeleteConflict');
  await t.ok('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'doomed' });
  await t.ok('DeleteRole', { RoleName: 'doomed' });
  assert.equal(await t.code('DeleteRole', { RoleName: 'doomed' }), 'NoSuchEntity');
});

test('TagRole/UntagRole/ListRoleTags and role condition keys', async () => {
  const t = await iamTestBed();
  await createRole(t, 'tagged', { Path: '/p/' });
  const r = await t.call('TagRole', { RoleName: 'tagged', 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'prod' });
  assert.deepEqual(r.checks[0], {
    action: 'iam:TagRole',
    resource: `arn:aws:iam::${t.root.accountId}:role/p/tagged`,
    resourceAccount: t.root.accountId,
    context: { 'aws:TagKeys': ['env'], 'aws:RequestTag/env': 'prod' },
  });
  const get = await t.call('GetRole', { RoleName: 'tagged' });
  assert.equal(get.checks[0].context['aws:ResourceTag/env'], 'prod');
  assert.equal(get.checks[0].context['iam:ResourceTag/env'], 'prod');
  await t.ok('TagRole', { RoleName: 'tagged', 'Tags.member.1.Key': 'b', 'Tags.member.1.Value': '2' });
  const page1 = await t.ok('ListRoleTags', { RoleName: 'tagged', MaxItems: '1' });
  assert.deepEqual(memberList(page1.Tags), [{ Key: 'env', Value: 'prod' }]);
  const page2 = await t.ok('ListRoleTags', { RoleName: 'tagged', Marker: String(page1.Marker) });
  assert.deepEqual(memberList(page2.Tags), [{ Key: 'b', Value: '2' }]);
  const untag = await t.call('UntagRole', { RoleName: 'tagged', 'TagKeys.member.1': 'env' });
  assert.deepEqual(untag.checks[0].context['aws:TagKeys'], ['env']);
  assert.deepEqual(memberList((await t.ok('ListRoleTags', { RoleName: 'tagged' })).Tags), [{ Key: 'b', Value: '2' }]);
  assert.equal(await t.code('TagRole', { RoleName: 'ghost', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b' }), 'NoSuchEntity');
  assert.equal(await t.code('TagRole', { RoleName: 'tagged', 'Tags.member.1.Key': 'aws:x', 'Tags.member.1.Value': 'b' }), 'InvalidInput');
  const create = await t.call('CreateRole', {
    RoleName: 'c', AssumeRolePolicyDocument: EC2_TRUST, PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b',
  });
  assert.deepEqual(create.checks[0].context, {
    'aws:TagKeys': ['a'], 'aws:RequestTag/a': 'b', 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  });
});

test('role inline policies: Put/Get/List/Delete, the 10240 aggregate quota, MalformedPolicyDocument', async () => {
  const t = await iamTestBed();
  await createRole(t, 'app');
  const doc = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(n)}/*` }] });
  await t.ok('PutRolePolicy', { RoleName: 'app', PolicyName: 'one', PolicyDocument: doc(10) });
  const got = await t.ok('GetRolePolicy', { RoleName: 'APP', PolicyName: 'one' });
  assert.equal(got.RoleName, 'app');
  assert.equal(decodeURIComponent(String(got.PolicyDocument)), doc(10));
  assert.deepEqual((await t.ok('ListRolePolicies', { RoleName: 'app' })).PolicyNames, { member: ['one'] });
  await t.ok('PutRolePolicy', { RoleName: 'app', PolicyName: 'two', PolicyDocument: doc(5000) });
  const over = await t.call('PutRolePolicy', { RoleName: 'app', PolicyName: 'three', PolicyDocument: doc(5000) });
  assert.equal(over.errorCode, 'LimitExceeded');
  assert.match(over.body, /Maximum policy size of 10240 bytes exceeded for role app/);
  assert.equal(await t.code('PutRolePolicy', { RoleName: 'app', PolicyName: 'bad', PolicyDocument: '{"Statement":[]}' }), 'MalformedPolicyDocument');
  assert.equal(await t.code('PutRolePolicy', { RoleName: 'ghost', PolicyName: 'x', PolicyDocument: doc(1) }), 'NoSuchEntity');
  await t.ok('DeleteRolePolicy', { RoleName: 'app', PolicyName: 'one' });
  assert.equal(await t.code('GetRolePolicy', { RoleName: 'app', PolicyName: 'one' }), 'NoSuchEntity');
  assert.equal(await t.code('DeleteRolePolicy', { RoleName: 'app', PolicyName: 'one' }), 'NoSuchEntity');
});

test('role managed policies: attach (quota 10, iam:PolicyARN), list, detach; ListEntitiesForPolicy shows roles', async () => {
  const t = await iamTestBed();
  await createRole(t, 'app', { Path: '/svc/' });
  const ro = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
  const attach = await t.call('AttachRolePolicy', { RoleName: 'app', PolicyArn: ro });
  assert.equal(attach.status, 200);
  assert.equal(attach.checks[0].resource, `arn:aws:iam::${t.root.accountId}:role/svc/app`);
  assert.equal(attach.checks[0].context['iam:PolicyARN'], ro);
  assert.deepEqual(memberList((await t.ok('ListAttachedRolePolicies', { RoleName: 'app' })).AttachedPolicies), [{ PolicyName: 'ReadOnlyAccess', PolicyArn: ro }]);
  const doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}';
  for (let i = 1; i < 10; i++) await t.ok('CreatePolicy', { PolicyName: `p${i}`, PolicyDocument: doc });
  for (let i = 1; i < 10; i++) await t.ok('AttachRolePolicy', { RoleName: 'app', PolicyArn: `arn:aws:iam::${t.root.accountId}:policy/p${i}` });
  await t.ok('CreatePolicy', { PolicyName: 'p10', PolicyDocument: doc });
  assert.equal(await t.code('AttachRolePolicy', { RoleName: 'app', PolicyArn: `arn:aws:iam::${t.root.accountId}:policy/p10` }), 'LimitExceeded');
  await createRole(t, 'bounded', { PermissionsBoundary: `arn:aws:iam::${t.root.accountId}:policy/p10` });
  const entities = await t.ok('ListEntitiesForPolicy', { PolicyArn: ro });
  assert.deepEqual(memberList(entities.PolicyRoles).map((r) => r.RoleName), ['app']);
  assert.match(String(memberList(entities.PolicyRoles)[0].RoleId), /^AROA/);
  const p10 = `arn:aws:iam::${t.root.accountId}:policy/p10`;
  assert.deepEqual(memberList((await t.ok('ListEntitiesForPolicy', { PolicyArn: p10 })).PolicyRoles).map((r) => r.RoleName), ['bounded']);
  const onlyPermissions = await t.ok('ListEntitiesForPolicy', { PolicyArn: p10, PolicyUsageFilter: 'PermissionsPolicy' });
  assert.deepEqual(memberList(onlyPermissions.PolicyRoles), []);
  assert.deepEqual(memberList((await t.ok('ListEntitiesForPolicy', { PolicyArn: ro, EntityFilter: 'User' })).PolicyRoles), []);
  await t.ok('DetachRolePolicy', { RoleName: 'app', PolicyArn: ro });
  assert.equal(await t.code('DetachRolePolicy', { RoleName: 'app', PolicyArn: ro }), 'NoSuchEntity');
});
