import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';
import { ServiceError } from '../../errors/service-error.js';

const DOC = (bucket: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] }] });

test('CreatePolicy/GetPolicy/GetPolicyVersion: shapes and URL-encoded documents', async () => {
  const t = await iamTestBed();
  const p = (await t.ok('CreatePolicy', { PolicyName: 'OneBucket', Path: '/apps/', PolicyDocument: DOC('b1'), Description: 'one bucket' })).Policy as Record<string, string>;
  assert.equal(p.Arn, `arn:aws:iam::${t.root.accountId}:policy/apps/OneBucket`);
  assert.match(p.PolicyId, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(p.DefaultVersionId, 'v1');
  assert.equal(p.AttachmentCount, '0');
  assert.equal(p.IsAttachable, 'true');
  assert.equal(await t.code('CreatePolicy', { PolicyName: 'onebucket', PolicyDocument: DOC('b1') }), 'EntityAlreadyExists');
  const v = (await t.ok('GetPolicyVersion', { PolicyArn: p.Arn, VersionId: 'v1' })).PolicyVersion as Record<string, string>;
  assert.ok(v.Document.startsWith('%7B%22Version%22%3A%222012-10-17%22'));
  assert.equal(decodeURIComponent(v.Document), DOC('b1'));
  assert.equal(v.IsDefaultVersion, 'true');
  assert.equal(((await t.ok('GetPolicy', { PolicyArn: p.Arn })).Policy as Record<string, string>).Description, 'one bucket');
  assert.equal(await t.code('GetPolicy', { PolicyArn: `arn:aws:iam::${t.root.accountId}:policy/Nope` }), 'NoSuchEntity');
  assert.equal(await t.code('GetPolicy', { PolicyArn: 'garbage-garbage-garbage' }), 'InvalidInput');
  assert.equal(await t.code('GetPolicyVersion', { PolicyArn: p.Arn, VersionId: 'v9' }), 'NoSuchEntity');
});

test('MalformedPolicyDocument and size quota on every policy write', async () => {
  const t = await iamTestBed();
  assert.equal(await t.code('CreatePolicy', { PolicyName: 'bad', PolicyDocument: '{not json' }), 'MalformedPolicyDocument');
  assert.equal(await t.code('CreatePolicy', { PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}' }), 'MalformedPolicyDocument');
  assert.equal(await t.code('CreatePolicy', { PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"s3:*","Resource":"*"}]}' }), 'MalformedPolicyDocument');
  const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
  assert.equal(await t.code('CreatePolicy', { PolicyName: 'big', PolicyDocument: big }), 'LimitExceeded');
  await t.ok('CreateUser', { UserName: 'u' });
  assert.equal(await t.code('PutUserPolicy', { UserName: 'u', PolicyName: 'p', PolicyDocument: '[]' }), 'MalformedPolicyDocument');
  assert.equal(await t.code('PutUserPolicy', { UserName: 'u', PolicyName: 'p', PolicyDocument: big }), 'LimitExceeded');
  // The validator hook is pluggable (the policy engine's validator replaces the structural one).
  const strict = await iamTestBed({ validatePolicy: () => { throw new ServiceError('MalformedPolicyDocument', 'no', 400); } });
  assert.equal(await strict.code('CreatePolicy', { PolicyName: 'x', PolicyDocument: DOC('b') }), 'MalformedPolicyDocument');
});

test('versions: 5 at most, default protection, rollback, delete conflicts', async () => {
  const t = await iamTestBed();
  const arn = ((await t.ok('CreatePolicy', { PolicyName: 'P', PolicyDocument: DOC('v1') })).Policy as Record<string, string>).Arn;
  for (let i = 2; i <= 5; i++) {
    const v = (await t.ok('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: DOC(`v${i}`), SetAsDefault: 'true' })).PolicyVersion as Record<string, string>;
    assert.equal(v.VersionId, `v${i}`);
    assert.equal(v.IsDefaultVersion, 'true');
  }
  const sixth = await t.call('CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: DOC('v6') });
  assert.equal(sixth.errorCode, 'LimitExceeded');
  assert.equal(sixth.status, 409);
  assert.deepEqual(memberList((await t.ok('ListPolicyVersions', { PolicyArn: arn })).Versions).map((v) => [v.VersionId, v.IsDefaultVersion]), [['v5', 'true'], ['v4', 'false'], ['v3', 'false'], ['v2', 'false'], ['v1', 'false']]);
  assert.equal(await t.code('DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v5' }), 'DeleteConflict');
  await t.ok('SetDefaultPolicyVersion', { PolicyArn: arn, VersionId: 'v2' });
  assert.equal(((await t.ok('GetPolicy', { PolicyArn: arn })).Policy as Record<string, string>).DefaultVersionId, 'v2');
  await t.ok('DeletePolicyVersion', { PolicyArn: arn, VersionId: 'v5' });
  assert.equal(await t.code('DeletePolicy', { PolicyArn: arn }), 'DeleteConflict');
  for (const v of ['v1', 'v3', 'v4']) await t.ok('DeletePolicyVersion', { PolicyArn: arn, VersionId: v });
  await t.ok('CreateUser', { UserName: 'u' });
  await t.ok('AttachUserPolicy', { UserName: 'u', PolicyArn: arn });
  assert.equal(await t.code('DeletePolicy', { PolicyArn: arn }), 'DeleteConflict');
  await t.ok('DetachUserPolicy', { UserName: 'u', PolicyArn: arn });
  await t.ok('DeletePolicy', { PolicyArn: arn });
  assert.equal(await t.code('GetPolicy', { PolicyArn: arn }), 'NoSuchEntity');
  assert.equal(await t.code('CreatePolicyVersion', { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', PolicyDocument: DOC('x') }), 'AccessDenied');
});

test('attachments: iam:PolicyARN condition, counts, AWS managed policies, limits, ListEntitiesForPolicy', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'u' });
  await t.ok('CreateGroup', { GroupName: 'g' });
  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const r = await t.call('AttachUserPolicy', { UserName: 'u', PolicyArn: admin });
  assert.deepEqual(r.checks[0].context, { 'iam:PolicyARN': admin });
  assert.equal(r.checks[0].resource, `arn:aws:iam::${t.root.accountId}:user/u`);
  await t.ok('AttachGroupPolicy', { GroupName: 'g', PolicyArn: admin });
  assert.equal(((await t.ok('GetPolicy', { PolicyArn: admin })).Policy as Record<string, string>).AttachmentCount, '2');
  assert.deepEqual(memberList((await t.ok('ListAttachedUserPolicies', { UserName: 'u' })).AttachedPolicies), [{ PolicyName: 'AdministratorAccess', PolicyArn: admin }]);
  const entities = await t.ok('ListEntitiesForPolicy', { PolicyArn: admin });
  assert.deepEqual(memberList(entities.PolicyUsers).map((x) => x.UserName), ['u']);
  assert.deepEqual(memberList(entities.PolicyGroups).map((x) => x.GroupName), ['g']);
  assert.equal(await t.code('AttachUserPolicy', { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' }), 'NoSuchEntity');
  assert.equal(await t.code('DetachGroupPolicy', { GroupName: 'g', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }), 'NoSuchEntity');
  for (let i = 0; i < 9; i++) {
    const arn = ((await t.ok('CreatePolicy', { PolicyName: `p${i}`, PolicyDocument: DOC('b') })).Policy as Record<string, string>).Arn;
    await t.ok('AttachUserPolicy', { UserName: 'u', PolicyArn: arn });
  }
  assert.equal(await t.code('AttachUserPolicy', { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }), 'LimitExceeded');
});

test('ListPolicies: scopes, OnlyAttached, PathPrefix, pagination; AWS managed documents are real', async () => {
  const t = await iamTestBed();
  await t.ok('CreatePolicy', { PolicyName: 'Mine', Path: '/team/', PolicyDocument: DOC('b') });
  const local = memberList((await t.ok('ListPolicies', { Scope: 'Local' })).Policies).map((p) => p.PolicyName);
  assert.deepEqual(local, ['Mine']);
  const aws = memberList((await t.ok('ListPolicies', { Scope: 'AWS' })).Policies).map((p) => p.PolicyName);
  for (const n of ['AdministratorAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'IAMUserChangePassword', 'IAMSelfManageServiceSpecificCredentials', 'ReadOnlyAccess']) assert.ok(aws.includes(n), n);
  assert.deepEqual(memberList((await t.ok('ListPolicies', { PathPrefix: '/job-function/' })).Policies).map((p) => p.PolicyName), ['ViewOnlyAccess']);
  assert.deepEqual(memberList((await t.ok('ListPolicies', { OnlyAttached: 'true' })).Policies), []);
  const all: string[] = [];
  let marker: string | undefined;
  do {
    const r = await t.ok('ListPolicies', { MaxItems: '3', ...(marker ? { Marker: marker } : {}) });
    all.push(...memberList(r.Policies).map((p) => String(p.PolicyName)));
    marker = r.IsTruncated === 'true' ? String(r.Marker) : undefined;
  } while (marker);
  assert.equal(all.length, aws.length + 1);
  assert.equal(new Set(all).size, all.length);
  const doc = (await t.ok('GetPolicyVersion', { PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', VersionId: 'v2' })).PolicyVersion as Record<string, string>;
  assert.deepEqual(JSON.parse(decodeURIComponent(doc.Document)).Statement[0].Action, ['s3:*', 's3-object-lambda:*']);
  assert.equal(await t.code('ListPolicies', { Scope: 'Everything' }), 'ValidationError');
});

test('inline policies: put/get/list/delete with URL-encoded documents and the aggregate size quota', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'u' });
  const doc = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::new-client*"}\n}';
  await t.ok('PutUserPolicy', { UserName: 'u', PolicyName: 'inline', PolicyDocument: doc });
  const got = await t.ok('GetUserPolicy', { UserName: 'u', PolicyName: 'inline' });
  assert.equal(got.UserName, 'u');
  assert.ok(String(got.PolicyDocument).includes('%0A%20%20%22Version%22'));
  assert.equal(decodeURIComponent(String(got.PolicyDocument)), doc);
  assert.deepEqual(memberList((await t.ok('ListUserPolicies', { UserName: 'u' })).PolicyNames), ['inline'] as unknown as Record<string, unknown>[]);
  assert.equal(await t.code('GetUserPolicy', { UserName: 'u', PolicyName: 'other' }), 'NoSuchEntity');
  await t.ok('DeleteUserPolicy', { UserName: 'u', PolicyName: 'inline' });
  assert.equal(await t.code('DeleteUserPolicy', { UserName: 'u', PolicyName: 'inline' }), 'NoSuchEntity');
  const half = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 55 }, (_, i) => `arn:aws:s3:::b-${i}/*`) }] });
  await t.ok('PutUserPolicy', { UserName: 'u', PolicyName: 'a', PolicyDocument: half });
  assert.equal(await t.code('PutUserPolicy', { UserName: 'u', PolicyName: 'b', PolicyDocument: half }), 'LimitExceeded');
  await t.ok('CreateGroup', { GroupName: 'g' });
  await t.ok('PutGroupPolicy', { GroupName: 'g', PolicyName: 'a', PolicyDocument: half });
  await t.ok('PutGroupPolicy', { GroupName: 'g', PolicyName: 'b', PolicyDocument: half });
  assert.equal((await t.ok('GetGroupPolicy', { GroupName: 'g', PolicyName: 'b' })).GroupName, 'g');
});

test('policy tags', async () => {
  const t = await iamTestBed();
  const arn = ((await t.ok('CreatePolicy', { PolicyName: 'T', PolicyDocument: DOC('b'), 'Tags.member.1.Key': 'owner', 'Tags.member.1.Value': 'me' })).Policy as Record<string, unknown>).Arn as string;
  await t.ok('TagPolicy', { PolicyArn: arn, 'Tags.member.1.Key': 'env', 'Tags.member.1.Value': 'prod' });
  assert.deepEqual(memberList((await t.ok('ListPolicyTags', { PolicyArn: arn })).Tags), [{ Key: 'owner', Value: 'me' }, { Key: 'env', Value: 'prod' }]);
  await t.ok('UntagPolicy', { PolicyArn: arn, 'TagKeys.member.1': 'owner' });
  assert.deepEqual(memberList((await t.ok('ListPolicyTags', { PolicyArn: arn })).Tags), [{ Key: 'env', Value: 'prod' }]);
});
