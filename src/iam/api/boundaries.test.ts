import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed } from './test-setup.js';

const EC2_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const boundary = (arn: string) => ({ PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn });

test('Put/DeleteUserPermissionsBoundary: GetUser shows it; the policy must exist; checks carry the boundary', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'dev' });
  const put = await t.call('PutUserPermissionsBoundary', { UserName: 'dev', PermissionsBoundary: RO });
  assert.equal(put.status, 200);
  assert.deepEqual(put.checks[0], {
    action: 'iam:PutUserPermissionsBoundary',
    resource: `arn:aws:iam::${t.root.accountId}:user/dev`,
    resourceAccount: t.root.accountId,
    context: { 'iam:PermissionsBoundary': RO },
  });
  assert.deepEqual(((await t.ok('GetUser', { UserName: 'dev' })).User as Record<string, unknown>).PermissionsBoundary, boundary(RO));
  assert.equal(await t.code('PutUserPermissionsBoundary', { UserName: 'dev', PermissionsBoundary: 'arn:aws:iam::aws:policy/Nope' }), 'NoSuchEntity');
  assert.equal(await t.code('PutUserPermissionsBoundary', { UserName: 'dev', PermissionsBoundary: 'not-an-arn-at-all-really' }), 'InvalidInput');
  assert.equal(await t.code('PutUserPermissionsBoundary', { UserName: 'ghost', PermissionsBoundary: RO }), 'NoSuchEntity');
  assert.equal(await t.code('PutUserPermissionsBoundary', { UserName: 'dev' }), 'ValidationError');
  // Operations on a bounded user carry its current boundary (AWS's delegation pattern).
  const del = await t.call('DeleteUserPermissionsBoundary', { UserName: 'dev' });
  assert.equal(del.checks[0].context['iam:PermissionsBoundary'], RO);
  assert.equal(((await t.ok('GetUser', { UserName: 'dev' })).User as Record<string, unknown>).PermissionsBoundary, undefined);
  assert.equal((await t.call('DeleteUserPermissionsBoundary', { UserName: 'dev' })).status, 200);
  assert.equal(await t.code('DeleteUserPermissionsBoundary', { UserName: 'ghost' }), 'NoSuchEntity');
});

test('Put/DeleteRolePermissionsBoundary with a customer managed policy; GetRole shows it', async () => {
  const t = await iamTestBed();
  await t.ok('CreateRole', { RoleName: 'app', AssumeRolePolicyDocument: EC2_TRUST });
  const doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}';
  const arn = String(((await t.ok('CreatePolicy', { PolicyName: 'edge', PolicyDocument: doc })).Policy as Record<string, unknown>).Arn);
  await t.ok('PutRolePermissionsBoundary', { RoleName: 'app', PermissionsBoundary: arn });
  assert.deepEqual(((await t.ok('GetRole', { RoleName: 'app' })).Role as Record<string, unknown>).PermissionsBoundary, boundary(arn));
  assert.equal(await t.code('PutRolePermissionsBoundary', { RoleName: 'app', PermissionsBoundary: `arn:aws:iam::${t.root.accountId}:policy/nope` }), 'NoSuchEntity');
  assert.equal(await t.code('PutRolePermissionsBoundary', { RoleName: 'ghost', PermissionsBoundary: arn }), 'NoSuchEntity');
  // A policy in use as a boundary cannot be deleted, as AWS refuses it.
  assert.equal(await t.code('DeletePolicy', { PolicyArn: arn }), 'DeleteConflict');
  const attach = await t.call('AttachRolePolicy', { RoleName: 'app', PolicyArn: RO });
  assert.equal(attach.checks[0].context['iam:PermissionsBoundary'], arn);
  const put = await t.call('PutRolePolicy', { RoleName: 'app', PolicyName: 'p', PolicyDocument: doc });
  assert.equal(put.checks[0].context['iam:PermissionsBoundary'], arn);
  assert.equal((await t.call('GetRolePolicy', { RoleName: 'app', PolicyName: 'p' })).checks[0].context['iam:PermissionsBoundary'], undefined);
  await t.ok('DeleteRolePermissionsBoundary', { RoleName: 'app' });
  assert.equal(((await t.ok('GetRole', { RoleName: 'app' })).Role as Record<string, unknown>).PermissionsBoundary, undefined);
  await t.ok('DeletePolicy', { PolicyArn: arn });
});
