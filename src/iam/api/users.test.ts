import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';

test('CreateUser/GetUser: AWS shape, ids, ARNs with paths, tags; names unique case-insensitively', async () => {
  const t = await iamTestBed();
  const created = await t.ok('CreateUser', { UserName: 'Alice', Path: '/dev/', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'red' });
  const u = created.User as Record<string, unknown>;
  assert.match(String(u.UserId), /^AIDA[A-Z2-7]{17}$/);
  assert.equal(u.Arn, `arn:aws:iam::${t.root.accountId}:user/dev/Alice`);
  assert.equal(u.Path, '/dev/');
  assert.match(String(u.CreateDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(await t.code('CreateUser', { UserName: 'alice' }), 'EntityAlreadyExists');
  const got = (await t.ok('GetUser', { UserName: 'ALICE' })).User as Record<string, unknown>;
  assert.equal(got.UserName, 'Alice');
  assert.deepEqual(memberList(got.Tags), [{ Key: 'team', Value: 'red' }]);
  assert.equal(await t.code('GetUser', { UserName: 'bob' }), 'NoSuchEntity');
  assert.equal((await t.call('GetUser', { UserName: 'bob' })).status, 404);
  const r = await t.call('CreateUser', { UserName: 'alice' });
  assert.equal(r.status, 409);
});

test('CreateUser validation: names, paths, tags', async () => {
  const t = await iamTestBed();
  assert.equal(await t.code('CreateUser', { UserName: 'bad name' }), 'ValidationError');
  assert.equal(await t.code('CreateUser', { UserName: 'x'.repeat(65) }), 'ValidationError');
  assert.equal(await t.code('CreateUser', {}), 'ValidationError');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', Path: 'nope' }), 'ValidationError');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', Path: '/a' }), 'ValidationError');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', 'Tags.member.1.Key': 'k', 'Tags.member.2.Key': 'K' }), 'InvalidInput');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', 'Tags.member.1.Key': 'aws:x' }), 'InvalidInput');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', PermissionsBoundary: 'arn:aws:iam::aws:policy/Nope' }), 'NoSuchEntity');
  assert.equal(await t.code('CreateUser', { UserName: 'ok', PermissionsBoundary: 'not-an-arn-at-all-really' }), 'InvalidInput');
  await t.ok('CreateUser', { UserName: 'a+b=c,d.e@f-g_h' });
});

test('GetUser without a name: the caller; root gets the root shape', async () => {
  const t = await iamTestBed();
  const root = (await t.ok('GetUser')).User as Record<string, unknown>;
  assert.equal(root.UserId, t.root.accountId);
  assert.equal(root.Arn, `arn:aws:iam::${t.root.accountId}:root`);
  assert.equal(root.UserName, undefined);
  await t.ok('CreateUser', { UserName: 'bob' });
  const bob = await t.userCaller('bob');
  assert.equal(((await t.ok('GetUser', {}, bob)).User as Record<string, unknown>).UserName, 'bob');
});

test('ListUsers: PathPrefix, Marker/MaxItems pagination', async () => {
  const t = await iamTestBed();
  for (const n of ['u3', 'u1', 'U2', 'u4', 'u5']) await t.ok('CreateUser', { UserName: n, Path: n === 'u5' ? '/ops/' : '/' });
  const seen: string[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    const r = await t.ok('ListUsers', { MaxItems: '2', ...(marker ? { Marker: marker } : {}) });
    seen.push(...memberList(r.Users).map((u) => String(u.UserName)));
    marker = r.IsTruncated === 'true' ? String(r.Marker) : undefined;
    pages++;
  } while (marker);
  assert.deepEqual(seen, ['u1', 'U2', 'u3', 'u4', 'u5']);
  assert.equal(pages, 3);
  assert.deepEqual(memberList((await t.ok('ListUsers', { PathPrefix: '/ops' })).Users).map((u) => u.UserName), ['u5']);
  assert.equal(await t.code('ListUsers', { MaxItems: '0' }), 'ValidationError');
  assert.equal(await t.code('ListUsers', { MaxItems: '1001' }), 'ValidationError');
});

test('UpdateUser renames and moves; checks cover source and target', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'old' });
  await t.ok('CreateUser', { UserName: 'taken' });
  assert.equal(await t.code('UpdateUser', { UserName: 'old', NewUserName: 'TAKEN' }), 'EntityAlreadyExists');
  const r = await t.call('UpdateUser', { UserName: 'old', NewUserName: 'new', NewPath: '/x/' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.checks.map((c) => c.resource), [`arn:aws:iam::${t.root.accountId}:user/old`, `arn:aws:iam::${t.root.accountId}:user/x/new`]);
  assert.equal(((await t.ok('GetUser', { UserName: 'new' })).User as Record<string, unknown>).Path, '/x/');
  assert.equal(await t.code('UpdateUser', { UserName: 'ghost', NewPath: '/' }), 'NoSuchEntity');
});

test('DeleteUser: DeleteConflict while keys, policies, groups or a login profile remain', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'd' });
  const key = (await t.ok('CreateAccessKey', { UserName: 'd' })).AccessKey as Record<string, unknown>;
  assert.equal(await t.code('DeleteUser', { UserName: 'd' }), 'DeleteConflict');
  await t.ok('DeleteAccessKey', { UserName: 'd', AccessKeyId: String(key.AccessKeyId) });
  await t.ok('AttachUserPolicy', { UserName: 'd', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.equal(await t.code('DeleteUser', { UserName: 'd' }), 'DeleteConflict');
  await t.ok('DetachUserPolicy', { UserName: 'd', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  await t.ok('CreateLoginProfile', { UserName: 'd', Password: 'Aa1!aaaaaaaa' });
  assert.equal(await t.code('DeleteUser', { UserName: 'd' }), 'DeleteConflict');
  await t.ok('DeleteLoginProfile', { UserName: 'd' });
  await t.ok('DeleteUser', { UserName: 'd' });
  assert.equal(await t.code('DeleteUser', { UserName: 'd' }), 'NoSuchEntity');
});

test('TagUser/UntagUser/ListUserTags and their condition keys', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'tagged' });
  const r = await t.call('TagUser', { UserName: 'tagged', 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'prod' });
  assert.deepEqual(r.checks[0].context, { 'aws:TagKeys': ['env'], 'aws:RequestTag/env': 'prod' });
  const second = await t.call('TagUser', { UserName: 'tagged', 'Tags.member.1.Key': 'ENV', 'Tags.member.1.Value': 'dev' });
  assert.equal(second.checks[0].context['aws:ResourceTag/env'], 'prod');
  assert.deepEqual(memberList((await t.ok('ListUserTags', { UserName: 'tagged' })).Tags), [{ Key: 'ENV', Value: 'dev' }]);
  await t.ok('UntagUser', { UserName: 'tagged', 'TagKeys.member.1': 'env' });
  assert.deepEqual(memberList((await t.ok('ListUserTags', { UserName: 'tagged' })).Tags), []);
  assert.equal(await t.code('TagUser', { UserName: 'tagged' }), 'ValidationError');
  assert.equal(await t.code('TagUser', { UserName: 'ghost', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b' }), 'NoSuchEntity');
  const many: Record<string, string> = { UserName: 'tagged' };
  for (let i = 1; i <= 51; i++) many[`Tags.member.${i}.Key`] = `k${i}`;
  assert.equal(await t.code('TagUser', many), 'ValidationError');
});

test('CreateUser checks: resource ARN, tags and permissions boundary condition keys', async () => {
  const t = await iamTestBed();
  const r = await t.call('CreateUser', { UserName: 'c', Path: '/p/', PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': 'b' });
  assert.equal(r.status, 200);
  assert.deepEqual(r.checks, [{
    action: 'iam:CreateUser',
    resource: `arn:aws:iam::${t.root.accountId}:user/p/c`,
    resourceAccount: t.root.accountId,
    context: { 'aws:TagKeys': ['a'], 'aws:RequestTag/a': 'b', 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' },
  }]);
  const u = (await t.ok('GetUser', { UserName: 'c' })).User as Record<string, unknown>;
  assert.deepEqual(u.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
});
