import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';

test('groups: create, members, list for user, rename, delete conflicts', async () => {
  const t = await iamTestBed();
  const g = (await t.ok('CreateGroup', { GroupName: 'new-client', Path: '/clients/' })).Group as Record<string, string>;
  assert.match(g.GroupId, /^AGPA[A-Z2-7]{17}$/);
  assert.equal(g.Arn, `arn:aws:iam::${t.root.accountId}:group/clients/new-client`);
  assert.equal(await t.code('CreateGroup', { GroupName: 'NEW-CLIENT' }), 'EntityAlreadyExists');
  await t.ok('CreateUser', { UserName: 'dev1' });
  await t.ok('CreateUser', { UserName: 'app' });
  await t.ok('AddUserToGroup', { GroupName: 'new-client', UserName: 'dev1' });
  await t.ok('AddUserToGroup', { GroupName: 'new-client', UserName: 'app' });
  await t.ok('AddUserToGroup', { GroupName: 'new-client', UserName: 'app' });
  assert.equal(await t.code('AddUserToGroup', { GroupName: 'new-client', UserName: 'ghost' }), 'NoSuchEntity');
  assert.equal(await t.code('AddUserToGroup', { GroupName: 'ghost', UserName: 'app' }), 'NoSuchEntity');
  const got = await t.ok('GetGroup', { GroupName: 'new-client' });
  assert.deepEqual(memberList(got.Users).map((u) => u.UserName), ['app', 'dev1']);
  assert.deepEqual(memberList((await t.ok('ListGroupsForUser', { UserName: 'dev1' })).Groups).map((x) => x.GroupName), ['new-client']);
  assert.equal(await t.code('DeleteGroup', { GroupName: 'new-client' }), 'DeleteConflict');
  await t.ok('RemoveUserFromGroup', { GroupName: 'new-client', UserName: 'dev1' });
  await t.ok('RemoveUserFromGroup', { GroupName: 'new-client', UserName: 'app' });
  await t.ok('PutGroupPolicy', { GroupName: 'new-client', PolicyName: 'p', PolicyDocument: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::new-client*"}]}' });
  assert.equal(await t.code('DeleteGroup', { GroupName: 'new-client' }), 'DeleteConflict');
  await t.ok('DeleteGroupPolicy', { GroupName: 'new-client', PolicyName: 'p' });
  await t.ok('UpdateGroup', { GroupName: 'new-client', NewGroupName: 'renamed', NewPath: '/' });
  assert.deepEqual(memberList((await t.ok('ListGroups')).Groups).map((x) => x.GroupName), ['renamed']);
  await t.ok('DeleteGroup', { GroupName: 'renamed' });
  assert.equal(await t.code('GetGroup', { GroupName: 'renamed' }), 'NoSuchEntity');
});

test('a user can be in at most 10 groups', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'joiner' });
  for (let i = 0; i < 11; i++) await t.ok('CreateGroup', { GroupName: `g${i}` });
  for (let i = 0; i < 10; i++) await t.ok('AddUserToGroup', { GroupName: `g${i}`, UserName: 'joiner' });
  assert.equal(await t.code('AddUserToGroup', { GroupName: 'g10', UserName: 'joiner' }), 'LimitExceeded');
});
