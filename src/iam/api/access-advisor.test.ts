import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessActivity } from '../../audit/audit-ports.js';
import { createAccessActivityRecorder } from '../access-activity.js';
import { iamTestBed, memberList, type IamTestBed } from './test-setup.js';

const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-02T11:30:00.000Z');
const T3 = new Date('2026-03-03T12:45:00.000Z');
const NOW = new Date('2026-03-10T00:00:00.000Z');

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[]) => ({ Effect: 'Allow', Action: action, Resource: '*' });

async function bed(): Promise<IamTestBed> {
  return iamTestBed({ now: () => NOW });
}

/** Feeds uses the way the pipeline will: through the recorder, then a flush. */
async function feed(t: IamTestBed, activities: readonly Omit<AccessActivity, 'accountId'>[]): Promise<void> {
  const recorder = createAccessActivityRecorder({ store: t.store.accessActivity, onError: (e) => assert.fail(String(e)) });
  for (const a of activities) recorder.record({ accountId: t.root.accountId, ...a });
  await recorder.close();
}

async function userWithPolicy(t: IamTestBed, name: string, document: string): Promise<string> {
  const created = (await t.ok('CreateUser', { UserName: name })).User as Record<string, string>;
  await t.ok('PutUserPolicy', { UserName: name, PolicyName: 'p', PolicyDocument: document });
  return created.Arn;
}

type Service = Record<string, unknown>;

async function generateAndGet(t: IamTestBed, arn: string, granularity?: string): Promise<{ jobId: string; result: Record<string, unknown>; services: Service[] }> {
  const params: Record<string, string> = { Arn: arn, ...(granularity ? { Granularity: granularity } : {}) };
  const jobId = String((await t.ok('GenerateServiceLastAccessedDetails', params)).JobId);
  const result = await t.ok('GetServiceLastAccessedDetails', { JobId: jobId });
  return { jobId, result, services: memberList(result.ServicesLastAccessed) };
}

const byNamespace = (services: Service[], ns: string) => services.find((s) => s.ServiceNamespace === ns);

test('user report, SERVICE_LEVEL: every service its policies (and its groups\') allow, with the last use where there was one', async () => {
  const t = await bed();
  const alice = await userWithPolicy(t, 'alice', doc(allow(['s3:*', 'iam:Get*'])));
  await t.ok('CreateGroup', { GroupName: 'crypto' });
  await t.ok('AddUserToGroup', { GroupName: 'crypto', UserName: 'alice' });
  await t.ok('PutGroupPolicy', { GroupName: 'crypto', PolicyName: 'k', PolicyDocument: doc(allow('kms:Encrypt')) });
  await feed(t, [
    { entityArn: alice, actions: ['s3:PutObject'], region: 'us-east-1', at: T1 },
    { entityArn: alice, actions: ['s3:GetObject'], region: 'eu-west-1', at: T2 },
  ]);
  const { jobId, result, services } = await generateAndGet(t, alice);
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  assert.equal(result.JobStatus, 'COMPLETED');
  assert.equal(result.JobType, 'SERVICE_LEVEL');
  assert.equal(result.JobCreationDate, NOW.toISOString());
  assert.equal(result.JobCompletionDate, NOW.toISOString());
  assert.equal(result.IsTruncated, 'false');
  assert.deepEqual(services.map((s) => s.ServiceNamespace), ['iam', 'kms', 's3'], 'sorted by namespace');
  assert.deepEqual(byNamespace(services, 's3'), {
    ServiceName: 'Amazon Simple Storage Service',
    LastAuthenticated: '2026-03-02T11:30:00Z',
    ServiceNamespace: 's3',
    LastAuthenticatedEntity: alice,
    LastAuthenticatedRegion: 'eu-west-1',
    TotalAuthenticatedEntities: '1',
  });
  assert.deepEqual(byNamespace(services, 'iam'), {
    ServiceName: 'AWS Identity and Access Management',
    ServiceNamespace: 'iam',
    TotalAuthenticatedEntities: '0',
  });
});

test('ACTION_LEVEL: tracked S3 management actions and IAM actions with their last use; object actions are not tracked', async () => {
  const t = await bed();
  const alice = await userWithPolicy(t, 'alice', doc(allow(['s3:*', 'iam:GetUser', 'iam:ListUsers', 'sts:GetCallerIdentity'])));
  await feed(t, [
    { entityArn: alice, actions: ['s3:CreateBucket'], region: 'us-east-1', at: T1 },
    { entityArn: alice, actions: ['s3:PutObject'], region: 'us-east-1', at: T3 },
    { entityArn: alice, actions: ['iam:GetUser'], region: 'us-east-1', at: T2 },
  ]);
  const { result, services } = await generateAndGet(t, alice, 'ACTION_LEVEL');
  assert.equal(result.JobType, 'ACTION_LEVEL');
  const s3 = byNamespace(services, 's3') as Service;
  assert.equal(s3.LastAuthenticated, '2026-03-03T12:45:00Z', 'the service level counts object actions too');
  const s3Tracked = memberList(s3.TrackedActionsLastAccessed);
  const names = s3Tracked.map((a) => a.ActionName);
  assert.ok(names.includes('CreateBucket') && names.includes('PutBucketPolicy') && names.includes('ListAllMyBuckets'));
  for (const dataAction of ['PutObject', 'GetObject', 'ListBucket']) assert.ok(!names.includes(dataAction), dataAction);
  assert.deepEqual(s3Tracked.find((a) => a.ActionName === 'CreateBucket'), {
    ActionName: 'CreateBucket',
    LastAccessedEntity: alice,
    LastAccessedTime: '2026-03-01T10:00:00Z',
    LastAccessedRegion: 'us-east-1',
  });
  assert.deepEqual(s3Tracked.find((a) => a.ActionName === 'PutBucketPolicy'), { ActionName: 'PutBucketPolicy' });
  const iamTracked = memberList((byNamespace(services, 'iam') as Service).TrackedActionsLastAccessed);
  assert.deepEqual(iamTracked.map((a) => a.ActionName), ['GetUser', 'ListUsers'], 'only the allowed ones');
  assert.equal(iamTracked[0].LastAccessedTime, '2026-03-02T11:30:00Z');
  assert.equal((byNamespace(services, 'sts') as Service).TrackedActionsLastAccessed, undefined, 'STS has no action-level data');
  const serviceLevel = await generateAndGet(t, alice, 'SERVICE_LEVEL');
  assert.equal((byNamespace(serviceLevel.services, 's3') as Service).TrackedActionsLastAccessed, undefined);
});

test('which services: Allow statements only; `*` and NotAction reach the served services; named namespaces are listed', async () => {
  const t = await bed();
  const notIam = await userWithPolicy(t, 'broad', doc({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' }));
  const broad = (await generateAndGet(t, notIam)).services.map((s) => s.ServiceNamespace);
  assert.deepEqual(broad, ['cloudtrail', 'kms', 's3', 'sts', 'workloads']);
  const mixed = await userWithPolicy(
    t,
    'mixed',
    doc(allow(['s3:Get*', 'dynamodb:GetItem']), { Effect: 'Deny', Action: 'kms:*', Resource: '*' }, { Effect: 'Allow', NotAction: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
  );
  const services = (await generateAndGet(t, mixed)).services;
  assert.deepEqual(services.map((s) => s.ServiceNamespace), ['cloudtrail', 'dynamodb', 'iam', 'kms', 'organizations', 's3', 'sts', 'workloads']);
  assert.equal(byNamespace(services, 'dynamodb')?.ServiceName, 'Amazon DynamoDB');
  const admin = await userWithPolicy(t, 'admin', doc(allow('*')));
  assert.deepEqual((await generateAndGet(t, admin)).services.map((s) => s.ServiceNamespace), broad.concat(['iam', 'organizations']).sort());
  const none = await userWithPolicy(t, 'denied', doc({ Effect: 'Deny', Action: '*', Resource: '*' }));
  assert.deepEqual((await generateAndGet(t, none)).services, []);
});

test('group report: the group\'s policies; members are the entities; WithEntities lists them most recent first', async () => {
  const t = await bed();
  await t.ok('CreateGroup', { GroupName: 'devs', Path: '/eng/' });
  await t.ok('PutGroupPolicy', { GroupName: 'devs', PolicyName: 'g', PolicyDocument: doc(allow('s3:*')) });
  const arns: Record<string, string> = {};
  for (const name of ['ann', 'ben', 'cid']) {
    arns[name] = await userWithPolicy(t, name, doc(allow('kms:*')));
    await t.ok('AddUserToGroup', { GroupName: 'devs', UserName: name });
  }
  await feed(t, [
    { entityArn: arns.ann, actions: ['s3:ListAllMyBuckets'], region: 'us-east-1', at: T1 },
    { entityArn: arns.ben, actions: ['s3:CreateBucket'], region: 'us-west-2', at: T2 },
    { entityArn: arns.cid, actions: ['kms:Encrypt'], region: 'us-east-1', at: T3 },
  ]);
  const groupArn = `arn:aws:iam::${t.root.accountId}:group/eng/devs`;
  const { jobId, services } = await generateAndGet(t, groupArn);
  assert.deepEqual(services.map((s) => s.ServiceNamespace), ['s3'], 'the members\' own policies do not count');
  assert.equal(services[0].LastAuthenticatedEntity, arns.ben);
  assert.equal(services[0].TotalAuthenticatedEntities, '2');
  const withEntities = await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 's3' });
  const list = memberList(withEntities.EntityDetailsList);
  assert.deepEqual(list.map((e) => (e.EntityInfo as Record<string, string>).Name), ['ben', 'ann', 'cid']);
  assert.equal(list[0].LastAuthenticated, '2026-03-02T11:30:00Z');
  assert.equal(list[2].LastAuthenticated, undefined);
  const info = list[0].EntityInfo as Record<string, string>;
  assert.deepEqual(Object.keys(info), ['Arn', 'Name', 'Type', 'Id', 'Path']);
  assert.equal(info.Type, 'USER');
  assert.match(info.Id, /^AIDA/);
  assert.equal(withEntities.JobStatus, 'COMPLETED');
  const unlisted = await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 'kms' });
  assert.deepEqual(memberList(unlisted.EntityDetailsList), [], 'kms is not a service the group allows');
});

test('policy report: the policy\'s services; entities are its users, roles and the members of its groups', async () => {
  const t = await bed();
  const policy = (await t.ok('CreatePolicy', { PolicyName: 'Ops', PolicyDocument: doc(allow(['iam:List*', 'sts:GetCallerIdentity'])) })).Policy as Record<string, string>;
  const user = await userWithPolicy(t, 'solo', doc(allow('s3:*')));
  await t.ok('AttachUserPolicy', { UserName: 'solo', PolicyArn: policy.Arn });
  const role = (await t.ok('CreateRole', { RoleName: 'ops-role', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) })).Role as Record<string, string>;
  await t.ok('AttachRolePolicy', { RoleName: 'ops-role', PolicyArn: policy.Arn });
  await t.ok('CreateGroup', { GroupName: 'ops' });
  await t.ok('AttachGroupPolicy', { GroupName: 'ops', PolicyArn: policy.Arn });
  const member = await userWithPolicy(t, 'member', doc(allow('kms:*')));
  await t.ok('AddUserToGroup', { GroupName: 'ops', UserName: 'member' });
  await feed(t, [
    { entityArn: role.Arn, actions: ['iam:ListRoles'], region: 'us-east-1', at: T3 },
    { entityArn: user, actions: ['iam:ListUsers', 's3:CreateBucket'], region: 'us-east-1', at: T1 },
  ]);
  const { jobId, services } = await generateAndGet(t, policy.Arn);
  assert.deepEqual(services.map((s) => s.ServiceNamespace), ['iam', 'sts']);
  const iam = byNamespace(services, 'iam') as Service;
  assert.equal(iam.LastAuthenticatedEntity, role.Arn);
  assert.equal(iam.TotalAuthenticatedEntities, '2');
  const entities = memberList((await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 'iam' })).EntityDetailsList);
  assert.deepEqual(entities.map((e) => [(e.EntityInfo as Record<string, string>).Arn, (e.EntityInfo as Record<string, string>).Type]), [
    [role.Arn, 'ROLE'],
    [user, 'USER'],
    [member, 'USER'],
  ]);
  // An AWS managed policy: the services of its document (s3 and s3-object-lambda for AmazonS3ReadOnlyAccess).
  await t.ok('AttachUserPolicy', { UserName: 'solo', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  const managed = await generateAndGet(t, 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
  assert.deepEqual(managed.services.map((s) => s.ServiceNamespace), ['s3', 's3-object-lambda']);
  assert.equal(byNamespace(managed.services, 's3')?.LastAuthenticatedEntity, user);
});

test('role report: the role\'s policies, its sessions\' uses (recorded under the role ARN)', async () => {
  const t = await bed();
  const role = (await t.ok('CreateRole', { RoleName: 'app', Path: '/svc/', AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }) })).Role as Record<string, string>;
  await t.ok('PutRolePolicy', { RoleName: 'app', PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject')) });
  await feed(t, [{ entityArn: role.Arn, actions: ['s3:GetObject'], region: 'ap-south-1', at: T2 }]);
  const { jobId, services } = await generateAndGet(t, role.Arn, 'ACTION_LEVEL');
  assert.deepEqual(services, [{
    ServiceName: 'Amazon Simple Storage Service',
    LastAuthenticated: '2026-03-02T11:30:00Z',
    ServiceNamespace: 's3',
    LastAuthenticatedEntity: role.Arn,
    LastAuthenticatedRegion: 'ap-south-1',
    TotalAuthenticatedEntities: '1',
  }], 's3:GetObject alone has no tracked action');
  const entities = memberList((await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 's3' })).EntityDetailsList);
  assert.deepEqual(entities[0].EntityInfo, { Arn: role.Arn, Name: 'app', Type: 'ROLE', Id: role.RoleId, Path: '/svc/' });
});

test('a job is a snapshot; uses older than the 400-day tracking period do not count', async () => {
  const t = await bed();
  const alice = await userWithPolicy(t, 'alice', doc(allow(['s3:*', 'iam:*'])));
  await feed(t, [{ entityArn: alice, actions: ['iam:GetUser'], region: 'us-east-1', at: new Date(NOW.getTime() - 401 * 86_400_000) }]);
  const first = await generateAndGet(t, alice);
  assert.equal(byNamespace(first.services, 'iam')?.LastAuthenticated, undefined);
  await feed(t, [{ entityArn: alice, actions: ['s3:ListAllMyBuckets'], region: 'us-east-1', at: T1 }]);
  const again = memberList((await t.ok('GetServiceLastAccessedDetails', { JobId: first.jobId })).ServicesLastAccessed);
  assert.equal(byNamespace(again, 's3')?.LastAuthenticated, undefined, 'the old job does not change');
  const second = await generateAndGet(t, alice);
  assert.equal(byNamespace(second.services, 's3')?.LastAuthenticated, '2026-03-01T10:00:00Z');
});

test('MaxItems/Marker page through the services and the entities', async () => {
  const t = await bed();
  const alice = await userWithPolicy(t, 'alice', doc(allow(['s3:*', 'iam:*', 'kms:*', 'sts:*'])));
  const jobId = String((await t.ok('GenerateServiceLastAccessedDetails', { Arn: alice })).JobId);
  const seen: string[] = [];
  let marker: string | undefined;
  do {
    const page = await t.ok('GetServiceLastAccessedDetails', { JobId: jobId, MaxItems: '3', ...(marker ? { Marker: marker } : {}) });
    seen.push(...memberList(page.ServicesLastAccessed).map((s) => String(s.ServiceNamespace)));
    marker = page.IsTruncated === 'true' ? String(page.Marker) : undefined;
  } while (marker);
  assert.deepEqual(seen, ['iam', 'kms', 's3', 'sts']);
  await t.ok('CreateGroup', { GroupName: 'g' });
  await t.ok('PutGroupPolicy', { GroupName: 'g', PolicyName: 'p', PolicyDocument: doc(allow('s3:*')) });
  for (const n of ['u1', 'u2', 'u3']) {
    await t.ok('CreateUser', { UserName: n });
    await t.ok('AddUserToGroup', { GroupName: 'g', UserName: n });
  }
  const groupJob = String((await t.ok('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${t.root.accountId}:group/g` })).JobId);
  const p1 = await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: groupJob, ServiceNamespace: 's3', MaxItems: '2' });
  assert.equal(p1.IsTruncated, 'true');
  const p2 = await t.ok('GetServiceLastAccessedDetailsWithEntities', { JobId: groupJob, ServiceNamespace: 's3', Marker: String(p1.Marker) });
  const names = [...memberList(p1.EntityDetailsList), ...memberList(p2.EntityDetailsList)].map((e) => (e.EntityInfo as Record<string, string>).Name);
  assert.deepEqual(names.sort(), ['u1', 'u2', 'u3']);
  assert.equal(p2.IsTruncated, 'false');
});

test('errors: InvalidInput, NoSuchEntity and ValidationError as the model says', async () => {
  const t = await bed();
  const acct = t.root.accountId;
  await userWithPolicy(t, 'alice', doc(allow('s3:*')));
  const generate = (params: Record<string, string>) => t.call('GenerateServiceLastAccessedDetails', params);
  assert.equal((await generate({})).errorCode, 'ValidationError');
  assert.equal((await generate({ Arn: 'arn:aws:s3:::some-bucket-name' })).errorCode, 'InvalidInput');
  assert.equal((await generate({ Arn: `arn:aws:iam::${acct}:instance-profile/x` })).errorCode, 'InvalidInput');
  const missing = await generate({ Arn: `arn:aws:iam::${acct}:user/ghost` });
  assert.deepEqual([missing.errorCode, missing.status], ['NoSuchEntity', 404]);
  assert.equal((await generate({ Arn: `arn:aws:iam::${acct}:user/other/alice` })).errorCode, 'NoSuchEntity', 'wrong path');
  assert.equal((await generate({ Arn: `arn:aws:iam::999988887777:user/alice` })).errorCode, 'NoSuchEntity');
  assert.equal((await generate({ Arn: `arn:aws:iam::${acct}:policy/Nope` })).errorCode, 'NoSuchEntity');
  assert.equal((await generate({ Arn: `arn:aws:iam::${acct}:user/alice`, Granularity: 'FINE' })).errorCode, 'ValidationError');
  assert.equal((await t.call('GetServiceLastAccessedDetails', { JobId: 'short' })).errorCode, 'ValidationError');
  assert.equal((await t.call('GetServiceLastAccessedDetails', {})).errorCode, 'ValidationError');
  const unknown = await t.call('GetServiceLastAccessedDetails', { JobId: '00000000-0000-0000-0000-000000000000' });
  assert.deepEqual([unknown.errorCode, unknown.status], ['NoSuchEntity', 404]);
  const jobId = String((await t.ok('GenerateServiceLastAccessedDetails', { Arn: `arn:aws:iam::${acct}:user/alice` })).JobId);
  assert.equal((await t.call('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId })).errorCode, 'ValidationError');
  assert.equal((await t.call('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 'a b' })).errorCode, 'ValidationError');
  // AWS: the job id serves only the principal that generated it.
  const alice = await t.userCaller('alice');
  assert.equal(await t.code('GetServiceLastAccessedDetails', { JobId: jobId }, alice), 'NoSuchEntity');
  assert.equal(await t.code('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 's3' }, alice), 'NoSuchEntity');
});

test('authorization: Generate on the entity ARN, the two Get operations on *', async () => {
  const t = await bed();
  const alice = await userWithPolicy(t, 'alice', doc(allow('s3:*')));
  const generated = await t.call('GenerateServiceLastAccessedDetails', { Arn: alice });
  assert.deepEqual(generated.checks.map((c) => [c.action, c.resource, c.resourceAccount]), [
    ['iam:GenerateServiceLastAccessedDetails', alice, t.root.accountId],
  ]);
  const managed = await t.call('GenerateServiceLastAccessedDetails', { Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  assert.equal(managed.checks[0].resource, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
  const jobId = String((generated.xml.GenerateServiceLastAccessedDetailsResponse as Record<string, Record<string, string>>).GenerateServiceLastAccessedDetailsResult.JobId);
  const get = await t.call('GetServiceLastAccessedDetails', { JobId: jobId });
  assert.deepEqual(get.checks.map((c) => [c.action, c.resource]), [['iam:GetServiceLastAccessedDetails', '*']]);
  const withEntities = await t.call('GetServiceLastAccessedDetailsWithEntities', { JobId: jobId, ServiceNamespace: 's3' });
  assert.deepEqual(withEntities.checks.map((c) => [c.action, c.resource]), [['iam:GetServiceLastAccessedDetailsWithEntities', '*']]);
});
