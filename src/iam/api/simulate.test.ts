import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestBed, memberList } from './test-setup.js';
import { createMember, orgTestBed } from '../../organizations/test-setup.js';
import { createIamProtocol } from '../iam-protocol.js';
import { callQuery } from '../../query/test-client.js';

const ONE_BUCKET = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::another-test-bucket'] },
    { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], Resource: ['arn:aws:s3:::another-test-bucket/*'] },
  ],
}, null, 2);

test('SimulateCustomPolicy: allowed / implicitDeny / explicitDeny with matched statement positions', async () => {
  const t = await iamTestBed();
  const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] });
  const r = await t.ok('SimulateCustomPolicy', {
    'PolicyInputList.member.1': ONE_BUCKET,
    'PolicyInputList.member.2': deny,
    'ActionNames.member.1': 's3:GetObject',
    'ActionNames.member.2': 's3:DeleteBucket',
    'ActionNames.member.3': 's3:DeleteObject',
    'ResourceArns.member.1': 'arn:aws:s3:::another-test-bucket/test.txt',
  });
  const results = memberList(r.EvaluationResults);
  assert.deepEqual(results.map((x) => [x.EvalActionName, x.EvalDecision]), [['s3:GetObject', 'allowed'], ['s3:DeleteBucket', 'implicitDeny'], ['s3:DeleteObject', 'explicitDeny']]);
  const m = memberList(results[0].MatchedStatements)[0];
  assert.equal(m.SourcePolicyId, 'PolicyInputList.1');
  assert.deepEqual(m.StartPosition, { Line: '13', Column: '5' });
  assert.equal(memberList(memberList(r.EvaluationResults)[2].MatchedStatements)[0].SourcePolicyId, 'PolicyInputList.2');
  assert.equal(await t.code('SimulateCustomPolicy', { 'ActionNames.member.1': 's3:GetObject' }), 'ValidationError');
  assert.equal(await t.code('SimulateCustomPolicy', { 'PolicyInputList.member.1': '{bad', 'ActionNames.member.1': 's3:GetObject' }), 'InvalidInput');
});

test('SimulateCustomPolicy: context entries and missing context values', async () => {
  const t = await iamTestBed();
  const ipOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
  const base = { 'PolicyInputList.member.1': ipOnly, 'ActionNames.member.1': 's3:ListAllMyBuckets' };
  const missing = memberList((await t.ok('SimulateCustomPolicy', base)).EvaluationResults)[0];
  assert.equal(missing.EvalDecision, 'implicitDeny');
  assert.deepEqual(missing.MissingContextValues, { member: ['aws:SourceIp'] });
  const inside = memberList((await t.ok('SimulateCustomPolicy', { ...base, 'ContextEntries.member.1.ContextKeyName': 'aws:SourceIp', 'ContextEntries.member.1.ContextKeyType': 'ip', 'ContextEntries.member.1.ContextKeyValues.member.1': '10.1.2.3' })).EvaluationResults)[0];
  assert.equal(inside.EvalDecision, 'allowed');
});

test('SimulatePrincipalPolicy: a user\'s own, attached and group policies, with sources', async () => {
  const t = await iamTestBed();
  await t.ok('CreateUser', { UserName: 'app', Path: '/clients/' });
  await t.ok('CreateGroup', { GroupName: 'new-client' });
  await t.ok('AddUserToGroup', { GroupName: 'new-client', UserName: 'app' });
  await t.ok('PutGroupPolicy', { GroupName: 'new-client', PolicyName: 'buckets', PolicyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::new-client*' }] }) });
  await t.ok('AttachUserPolicy', { UserName: 'app', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
  const arn = `arn:aws:iam::${t.root.accountId}:user/clients/app`;
  const r = await t.call('SimulatePrincipalPolicy', {
    PolicySourceArn: arn,
    'ActionNames.member.1': 's3:PutObject',
    'ActionNames.member.2': 'iam:ListUsers',
    'ActionNames.member.3': 's3:PutObject',
    'ResourceArns.member.1': 'arn:aws:s3:::new-client-dev/key',
  });
  assert.equal(r.checks[0].resource, arn);
  const results = memberList(((r.xml.SimulatePrincipalPolicyResponse as Record<string, unknown>).SimulatePrincipalPolicyResult as Record<string, unknown>).EvaluationResults);
  assert.deepEqual(results.map((x) => x.EvalDecision), ['allowed', 'allowed', 'allowed']);
  assert.deepEqual(memberList(results[0].MatchedStatements).map((m) => [m.SourcePolicyId, m.SourcePolicyType]), [['buckets', 'group']]);
  assert.deepEqual(memberList(results[1].MatchedStatements).map((m) => [m.SourcePolicyId, m.SourcePolicyType]), [['IAMReadOnlyAccess', 'aws-managed']]);
  const other = memberList((await t.ok('SimulatePrincipalPolicy', { PolicySourceArn: arn, 'ActionNames.member.1': 's3:GetObject', 'ResourceArns.member.1': 'arn:aws:s3:::other-client/key' })).EvaluationResults);
  assert.equal(other[0].EvalDecision, 'implicitDeny');
  assert.equal(await t.code('SimulatePrincipalPolicy', { PolicySourceArn: `arn:aws:iam::${t.root.accountId}:user/ghost`, 'ActionNames.member.1': 's3:GetObject' }), 'NoSuchEntity');
});

test('SimulateCustomPolicy: any resource policy (IAM grammar, Resource "*"); CallerArn must be a user', async () => {
  const t = await iamTestBed();
  const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] });
  const queuePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }] });
  const base = { 'PolicyInputList.member.1': allowAll, 'ActionNames.member.1': 'sqs:SendMessage', ResourcePolicy: queuePolicy };
  const r = memberList((await t.ok('SimulateCustomPolicy', base)).EvaluationResults)[0];
  assert.equal(r.EvalDecision, 'explicitDeny');
  assert.equal(await t.code('SimulateCustomPolicy', { ...base, CallerArn: `arn:aws:sts::${t.root.accountId}:assumed-role/r/s` }), 'InvalidInput');
  assert.equal(await t.code('SimulateCustomPolicy', { ...base, CallerArn: `arn:aws:iam::${t.root.accountId}:role/r` }), 'InvalidInput');
  await t.ok('SimulateCustomPolicy', { ...base, CallerArn: `arn:aws:iam::${t.root.accountId}:user/dev/alice` });
});

test('SimulatePrincipalPolicy: a member account role with its boundary and the account SCPs', async () => {
  const o = await orgTestBed();
  await o.ok('CreateOrganization', { FeatureSet: 'ALL' });
  const rootId = ((await o.ok('ListRoots')).Roots as Array<Record<string, string>>)[0].Id;
  await o.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  const member = await createMember(o, 'dev');
  const deny = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }] });
  const scp = (await o.ok('CreatePolicy', { Name: 'no-deletes', Type: 'SERVICE_CONTROL_POLICY', Description: 'x', Content: deny })).Policy as { PolicySummary: { Id: string } };
  await o.ok('AttachPolicy', { PolicyId: scp.PolicySummary.Id, TargetId: member });
  const iam = createIamProtocol({ store: o.store });
  const memberRoot = o.rootOf(member);
  const simulate = async (actions: string[]) => {
    const params: Record<string, string> = { Action: 'SimulatePrincipalPolicy', Version: '2010-05-08', PolicySourceArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole` };
    actions.forEach((a, i) => (params[`ActionNames.member.${i + 1}`] = a));
    const r = await callQuery(iam, memberRoot, params);
    assert.equal(r.status, 200, r.body);
    return memberList(((r.xml.SimulatePrincipalPolicyResponse as Record<string, unknown>).SimulatePrincipalPolicyResult as Record<string, unknown>).EvaluationResults);
  };
  const [get, del] = await simulate(['s3:GetObject', 's3:DeleteObject']);
  assert.equal(get.EvalDecision, 'allowed');
  assert.deepEqual(get.OrganizationsDecisionDetail, { AllowedByOrganizations: 'true' });
  assert.equal(del.EvalDecision, 'explicitDeny');
  assert.deepEqual(del.OrganizationsDecisionDetail, { AllowedByOrganizations: 'false' });
  const boundary = await callQuery(iam, memberRoot, { Action: 'PutRolePermissionsBoundary', Version: '2010-05-08', RoleName: 'OrganizationAccountAccessRole', PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
  assert.equal(boundary.status, 200, boundary.body);
  const [put] = await simulate(['s3:PutObject']);
  assert.equal(put.EvalDecision, 'implicitDeny');
  assert.deepEqual(put.PermissionsBoundaryDecisionDetail, { AllowedByPermissionsBoundary: 'false' });
});
