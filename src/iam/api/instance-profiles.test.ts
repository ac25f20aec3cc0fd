import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';

const EC2_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';

test('CreateInstanceProfile/GetInstanceProfile: AIPA ids, ARNs, Roles always present, tags', async () => {
  const t = await iamTestBed();
  const created = (await t.ok('CreateInstanceProfile', {
    InstanceProfileName: 'Web', Path: '/app/', 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'prod',
  })).InstanceProfile as Record<string, unknown>;
  assert.match(String(created.InstanceProfileId), /^AIPA[A-Z2-7]{17}$/);
  assert.equal(created.Arn, `arn:aws:iam::${t.root.accountId}:instance-profile/app/Web`);
  assert.equal(created.Roles, '');
  assert.deepEqual(memberList(created.Tags), [{ Key: 'env', Value: 'prod' }]);
  assert.equal(await t.code('CreateInstanceProfile', { InstanceProfileName: 'web' }), 'EntityAlreadyExists');
  assert.equal(await t.code('CreateInstanceProfile', { InstanceProfileName: 'bad name' }), 'ValidationError');
  await t.ok('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: EC2_TRUST });
  await t.ok('AddRoleToInstanceProfile', { InstanceProfileName: 'web', RoleName: 'app' });
  const got = (await t.ok('GetInstanceProfile', { InstanceProfileName: 'WEB' })).InstanceProfile as Record<string, unknown>;
  const roles = memberList(got.Roles);
  assert.deepEqual(roles.map((r) => r.RoleName), ['app']);
  assert.equal(decodeURIComponent(String(roles[0].AssumeRolePolicyDocument)), EC2_TRUST);
  const check = (await t.call('GetInstanceProfile', { InstanceProfileName: 'web' })).checks[0];
  assert.equal(check.resource, `arn:aws:iam::${t.root.accountId}:instance-profile/app/Web`);
  assert.equal(check.context['aws:ResourceTag/env'], 'prod');
  assert.equal(await t.code('GetInstanceProfile', { InstanceProfileName: 'ghost' }), 'NoSuchEntity');
});

test('AddRoleToInstanceProfile: one role (LimitExceeded), PassRole checked; remove; list for a role', async () => {
  const t = await iamTestBed();
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'ip' });
  await t.ok('CreateRole', { RoleName: 'a', AssumeRolePolicyDocument: EC2_TRUST });
  await t.ok('CreateRole', { RoleName: 'b', AssumeRolePolicyDocument: EC2_TRUST });
  const add = await t.call('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'a' });
  assert.equal(add.status, 200);
  assert.deepEqual(add.checks.map((c) => [c.action, c.resource]), [
    ['iam:AddRoleToInstanceProfile', `arn:aws:iam::${t.root.accountId}:instance-profile/ip`],
    ['iam:PassRole', `arn:aws:iam::${t.root.accountId}:role/a`],
  ]);
  const limit = await t.call('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'b' });
  assert.equal(limit.errorCode, 'LimitExceeded');
  assert.match(limit.body, /InstanceSessionsPerInstanceProfile: 1/);
  assert.equal(await t.code('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'a' }), 'EntityAlreadyExists');
  assert.equal(await t.code('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'ghost' }), 'NoSuchEntity');
  assert.equal(await t.code('AddRoleToInstanceProfile', { InstanceProfileName: 'ghost', RoleName: 'a' }), 'NoSuchEntity');
  const forA = await t.ok('ListInstanceProfilesForRole', { RoleName: 'a' });
  assert.deepEqual(memberList(forA.InstanceProfiles).map((p) => p.InstanceProfileName), ['ip']);
  assert.deepEqual(memberList((await t.ok('ListInstanceProfilesForRole', { RoleName: 'b' })).InstanceProfiles), []);
  assert.equal(await t.code('ListInstanceProfilesForRole', { RoleName: 'ghost' }), 'NoSuchEntity');
  assert.equal(await t.code('DeleteInstanceProfile', { InstanceProfileName: 'ip' }), 'DeleteConflict');
  assert.equal(await t.code('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'b' }), 'NoSuchEntity');
  await t.ok('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'a' });
  await t.ok('AddRoleToInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'b' });
  await t.ok('RemoveRoleFromInstanceProfile', { InstanceProfileName: 'ip', RoleName: 'b' });
  await t.ok('DeleteInstanceProfile', { InstanceProfileName: 'ip' });
  assert.equal(await t.code('DeleteInstanceProfile', { InstanceProfileName: 'ip' }), 'NoSuchEntity');
});

test('ListInstanceProfiles: path prefix and pagination; profile tags', async () => {
  const t = await iamTestBed();
  for (const n of ['p3', 'p1', 'P2']) await t.ok('CreateInstanceProfile', { InstanceProfileName: n });
  await t.ok('CreateInstanceProfile', { InstanceProfileName: 'ops', Path: '/ops/' });
  const first = await t.ok('ListInstanceProfiles', { MaxItems: '3' });
  assert.equal(first.IsTruncated, 'true');
  const rest = await t.ok('ListInstanceProfiles', { MaxItems: '3', Marker: String(first.Marker) });
  const names = [...memberList(first.InstanceProfiles), ...memberList(rest.InstanceProfiles)].map((p) => p.InstanceProfileName);
  assert.deepEqual(names, ['ops', 'p1', 'P2', 'p3']);
  assert.deepEqual(memberList((await t.ok('ListInstanceProfiles', { PathPrefix: '/ops/' })).InstanceProfiles).map((p) => p.InstanceProfileName), ['ops']);
  const tag = await t.call('TagInstanceProfile', { InstanceProfileName: 'p1', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' });
  assert.deepEqual(tag.checks[0].context, { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': '1' });
  assert.deepEqual(memberList((await t.ok('ListInstanceProfileTags', { InstanceProfileName: 'p1' })).Tags), [{ Key: 'a', Value: '1' }]);
  await t.ok('UntagInstanceProfile', { InstanceProfileName: 'p1', 'TagKeys.member.1': 'A' });
  assert.deepEqual(memberList((await t.ok('ListInstanceProfileTags', { InstanceProfileName: 'p1' })).Tags), []);
  assert.equal(await t.code('TagInstanceProfile', { InstanceProfileName: 'ghost', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1' }), 'NoSuchEntity');
});
