import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed } from './api/test-setup.js';
import { createIdentityPolicyLoader, loadIdentityPolicies } from './identity-policies.js';
import { loadAwsManagedPolicies } from './aws-managed/catalog.js';

const doc = (b: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${b}*` }] });

test('user inline + attached + each group inline + attached, with version-bearing ids and principal tags', async () => {
  const t = await iamTestBed();
  const aws = loadAwsManagedPolicies();
  await t.ok('CreateUser', { UserName: 'dev', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'blue' });
  await t.ok('PutUserPolicy', { UserName: 'dev', PolicyName: 'own', PolicyDocument: doc('own') });
  const arn = ((await t.ok('CreatePolicy', { PolicyName: 'Shared', PolicyDocument: doc('v1') })).Policy as Record<string, string>).Arn;
  await t.ok('AttachUserPolicy', { UserName: 'dev', PolicyArn: arn });
  await t.ok('CreateGroup', { GroupName: 'client' });
  await t.ok('AddUserToGroup', { GroupName: 'client', UserName: 'dev' });
  await t.ok('PutGroupPolicy', { GroupName: 'client', PolicyName: 'grp', PolicyDocument: doc('new-client') });
  await t.ok('AttachGroupPolicy', { GroupName: 'client', PolicyArn: arn });
  await t.ok('AttachGroupPolicy', { GroupName: 'client', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  const dev = await t.userCaller('dev');
  const r = await loadIdentityPolicies(t.store, dev, aws);
  assert.deepEqual(r.policies.map((p) => p.source), ['inline-user', 'managed', 'inline-group', 'managed']);
  assert.equal(r.policies[1].id, `${arn}#v1`);
  assert.equal(r.policies[3].id, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess#v3');
  assert.deepEqual(r.principalTags, { team: 'blue' });
  assert.deepEqual(await loadIdentityPolicies(t.store, t.root, aws), { policies: [], principalTags: {} });
});

test('the cached loader sees every change on the next call', async () => {
  const t = await iamTestBed();
  const loader = createIdentityPolicyLoader({ store: t.store });
  await t.ok('CreateUser', { UserName: 'dev' });
  await t.ok('CreateGroup', { GroupName: 'client' });
  await t.ok('PutGroupPolicy', { GroupName: 'client', PolicyName: 'grp', PolicyDocument: doc('new-client') });
  const dev = await t.userCaller('dev');
  assert.equal((await loader.load(dev)).policies.length, 0);
  await t.ok('AddUserToGroup', { GroupName: 'client', UserName: 'dev' });
  assert.equal((await loader.load(dev)).policies.length, 1);
  const arn = ((await t.ok('CreatePolicy', { PolicyName: 'P', PolicyDocument: doc('a') })).Policy as Record<string, string>).Arn;
  await t.ok('AttachUserPolicy', { UserName: 'dev', PolicyArn: arn });
  assert.equal((await loader.load(dev)).policies.length, 2);
  await t.ok('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: doc('b'), SetAsDefault: 'true' });
  assert.ok((await loader.load(dev)).policies.some((p) => p.id === `${arn}#v2` && p.document.includes(':::b*')));
  await t.ok('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v1' });
  assert.ok((await loader.load(dev)).policies.some((p) => p.id === `${arn}#v1`));
  await t.ok('RemoveUserFromGroup', { GroupName: 'client', UserName: 'dev' });
  assert.equal((await loader.load(dev)).policies.length, 1);
  await t.ok('DetachUserPolicy', { UserName: 'dev', PolicyArn: arn });
  assert.equal((await loader.load(dev)).policies.length, 0);
  loader.close();
});
