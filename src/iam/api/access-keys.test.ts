import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';
import { createCredentialProvider } from '../credential-provider.js';

test('CreateAccessKey: at most 2 per user; ListAccessKeys; UpdateAccessKey is seen by the provider at once', async () => {
  const t = await iamTestBed();
  const provider = createCredentialProvider(t.store);
  await t.ok('CreateUser', { UserName: 'k' });
  const k1 = (await t.ok('CreateAccessKey', { UserName: 'k' })).AccessKey as Record<string, string>;
  assert.match(k1.AccessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.equal(k1.SecretAccessKey.length, 40);
  assert.equal(k1.Status, 'Active');
  assert.equal(k1.UserName, 'k');
  await t.ok('CreateAccessKey', { UserName: 'k' });
  const third = await t.call('CreateAccessKey', { UserName: 'k' });
  assert.equal(third.errorCode, 'LimitExceeded');
  assert.equal(third.status, 409);
  const listed = memberList((await t.ok('ListAccessKeys', { UserName: 'k' })).AccessKeyMetadata);
  assert.equal(listed.length, 2);
  assert.ok(listed.every((m) => m.SecretAccessKey === undefined));
  assert.equal((await provider.findAccessKey(k1.AccessKeyId))?.secretAccessKey, k1.SecretAccessKey);
  await t.ok('UpdateAccessKey', { UserName: 'k', AccessKeyId: k1.AccessKeyId, Status: 'Inactive' });
  assert.equal((await provider.findAccessKey(k1.AccessKeyId))?.status, 'Inactive');
  assert.equal(await t.code('UpdateAccessKey', { UserName: 'k', AccessKeyId: k1.AccessKeyId, Status: 'Paused' }), 'ValidationError');
  await provider.close();
});

test('a key is only reachable through its owner; root manages its own keys without UserName', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'a' });
  await t.ok('CreateUser', { UserName: 'b' });
  const ka = (await t.ok('CreateAccessKey', { UserName: 'a' })).AccessKey as Record<string, string>;
  assert.equal(await t.code('DeleteAccessKey', { UserName: 'b', AccessKeyId: ka.AccessKeyId }), 'NoSuchEntity');
  assert.equal(await t.code('DeleteAccessKey', { AccessKeyId: ka.AccessKeyId }), 'NoSuchEntity');
  const rootKeys = memberList((await t.ok('ListAccessKeys')).AccessKeyMetadata);
  assert.deepEqual(rootKeys.map((k) => k.AccessKeyId), [t.root.accessKeyId]);
  // A user without UserName acts on their own keys.
  const a = await t.userCaller('a');
  assert.deepEqual(memberList((await t.ok('ListAccessKeys', {}, a)).AccessKeyMetadata).map((k) => k.AccessKeyId), [ka.AccessKeyId]);
  const check = (await t.call('ListAccessKeys', {}, a)).checks[0];
  assert.equal(check.resource, `arn:aws:iam::${t.root.accountId}:user/a`);
  await t.ok('DeleteAccessKey', { AccessKeyId: ka.AccessKeyId }, a);
  assert.equal(await t.code('DeleteAccessKey', { UserName: 'a', AccessKeyId: ka.AccessKeyId }), 'NoSuchEntity');
});

test('GetAccessKeyLastUsed: N/A before use, then time/service/region after a flush', async () => {
  const t = await iamTestBed();
  const provider = createCredentialProvider(t.store, { flushIntervalMs: 60_000 });
  await t.ok('CreateUser', { UserName: 'u' });
  const k = (await t.ok('CreateAccessKey', { UserName: 'u' })).AccessKey as Record<string, string>;
  const before = await t.ok('GetAccessKeyLastUsed', { AccessKeyId: k.AccessKeyId });
  assert.deepEqual(before, { UserName: 'u', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
  provider.recordKeyUse(k.AccessKeyId, 's3', 'us-east-1', new Date('2026-01-02T03:04:05Z'));
  await provider.flush();
  const after = await t.ok('GetAccessKeyLastUsed', { AccessKeyId: k.AccessKeyId });
  assert.deepEqual(after, { UserName: 'u', AccessKeyLastUsed: { LastUsedDate: '2026-01-02T03:04:05Z', ServiceName: 's3', Region: 'us-east-1' } });
  assert.equal(await t.code('GetAccessKeyLastUsed', { AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' }), 'NoSuchEntity');
  await provider.close();
});

test('ListAccessKeys pages in creation order: MaxItems 1 with two keys loses none', async () => {
  const t = await iamTestBed();
  const u = (await t.ok('CreateUser', { UserName: 'pager' })).User as Record<string, string>;
  // The second key sorts before the first by id: a marker in key-id order would skip it.
  const create = (accessKeyId: string) =>
    t.store.accessKeys.create({ accessKeyId, accountId: t.root.accountId, userId: u.UserId, secretAccessKey: 'S'.repeat(40), maxPerOwner: 2 });
  await create('AKIAZZZZZZZZZZZZZZZZ');
  await new Promise((r) => setTimeout(r, 5));
  await create('AKIAAAAAAAAAAAAAAAAA');
  const first = await t.ok('ListAccessKeys', { UserName: 'pager', MaxItems: '1' });
  assert.equal(first.IsTruncated, 'true');
  const second = await t.ok('ListAccessKeys', { UserName: 'pager', MaxItems: '1', Marker: String(first.Marker) });
  const ids = [...memberList(first.AccessKeyMetadata), ...memberList(second.AccessKeyMetadata)].map((k) => k.AccessKeyId);
  assert.deepEqual(ids, ['AKIAZZZZZZZZZZZZZZZZ', 'AKIAAAAAAAAAAAAAAAAA']);
  assert.equal(second.IsTruncated, 'false');
});
