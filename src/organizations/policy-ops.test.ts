/** Organizations API: policy types, SCPs, RCPs, attachments and the checks operations declare. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMember, orgTestBed, withOrganization } from './test-setup.js';

const DENY_S3_DELETE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
});
const RCP_DENY_OUTSIDE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1234567890' } },
    },
  ],
});

test('policy types: enabling SCPs attaches FullAWSAccess everywhere; disabling detaches every SCP', async () => {
  const { t, rootId } = await withOrganization();
  const acct = await createMember(t, 'dev');
  const ou = (
    (await t.ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'OU' })).OrganizationalUnit as Record<
      string,
      string
    >
  ).Id;
  const root = (await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }))
    .Root as Record<string, unknown>;
  assert.deepEqual(root.PolicyTypes, [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }]);
  assert.equal(
    await t.code('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }),
    'PolicyTypeAlreadyEnabledException',
  );
  assert.equal(
    await t.code('EnablePolicyType', { RootId: 'r-zzzz', PolicyType: 'SERVICE_CONTROL_POLICY' }),
    'RootNotFoundException',
  );
  for (const target of [rootId, ou, acct, t.root.accountId]) {
    const p = (await t.ok('ListPoliciesForTarget', { TargetId: target, Filter: 'SERVICE_CONTROL_POLICY' }))
      .Policies as Array<Record<string, unknown>>;
    assert.deepEqual(
      p.map((x) => [x.Id, x.Name, x.AwsManaged]),
      [['p-FullAWSAccess', 'FullAWSAccess', true]],
      target,
    );
    assert.equal(p[0].Arn, 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess');
  }
  // A new OU and a new account get it too.
  const later = (
    (await t.ok('CreateOrganizationalUnit', { ParentId: rootId, Name: 'Later' })).OrganizationalUnit as Record<
      string,
      string
    >
  ).Id;
  const acct2 = await createMember(t, 'dev2');
  const targets = (await t.ok('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' })).Targets as Array<
    Record<string, string>
  >;
  assert.deepEqual(
    new Set(targets.map((x) => x.TargetId)),
    new Set([rootId, ou, later, acct, acct2, t.root.accountId]),
  );
  assert.deepEqual(
    targets.find((x) => x.TargetId === rootId),
    { TargetId: rootId, Arn: targets.find((x) => x.TargetId === rootId)?.Arn, Name: 'Root', Type: 'ROOT' },
  );
  await t.ok('DisablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  assert.deepEqual((await t.ok('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' })).Targets, []);
  assert.equal(
    await t.code('DisablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }),
    'PolicyTypeNotEnabledException',
  );
  assert.equal(
    await t.code('EnablePolicyType', { RootId: rootId, PolicyType: 'TAG_POLICY' }),
    'PolicyTypeNotAvailableForOrganizationException',
  );
});

test('SCPs: create, validate, attach, detach (never the last one), update, delete only when detached', async () => {
  const { t, org, rootId } = await withOrganization();
  const acct = await createMember(t, 'dev');
  const created = (
    await t.ok('CreatePolicy', {
      Name: 'deny-delete',
      Description: 'no deletes',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: DENY_S3_DELETE,
    })
  ).Policy as Record<string, Record<string, unknown> | string>;
  const summary = created.PolicySummary as Record<string, unknown>;
  assert.match(String(summary.Id), /^p-[a-z0-9]{8}$/);
  assert.equal(
    summary.Arn,
    `arn:aws:organizations::${t.root.accountId}:policy/${org.Id}/service_control_policy/${String(summary.Id)}`,
  );
  assert.equal(created.Content, DENY_S3_DELETE);
  const id = String(summary.Id);
  assert.equal(
    await t.code('CreatePolicy', {
      Name: 'deny-delete',
      Description: '',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: DENY_S3_DELETE,
    }),
    'DuplicatePolicyException',
  );
  const withPrincipal = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }],
  });
  assert.equal(
    await t.code('CreatePolicy', {
      Name: 'bad',
      Description: '',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: withPrincipal,
    }),
    'MalformedPolicyDocumentException',
  );
  assert.equal(
    await t.code('CreatePolicy', {
      Name: 'bad',
      Description: '',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: '{"Statement":',
    }),
    'MalformedPolicyDocumentException',
  );
  // Every character counts, white space included.
  const big = DENY_S3_DELETE.replace('{', `{${' '.repeat(5120)}`);
  const tooBig = await t.call('CreatePolicy', {
    Name: 'big',
    Description: '',
    Type: 'SERVICE_CONTROL_POLICY',
    Content: big,
  });
  assert.deepEqual(
    [tooBig.errorCode, tooBig.json.Reason],
    ['ConstraintViolationException', 'POLICY_CONTENT_LIMIT_EXCEEDED'],
  );
  assert.equal(await t.code('AttachPolicy', { PolicyId: id, TargetId: acct }), 'PolicyTypeNotEnabledException');
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  await t.ok('AttachPolicy', { PolicyId: id, TargetId: acct });
  assert.equal(await t.code('AttachPolicy', { PolicyId: id, TargetId: acct }), 'DuplicatePolicyAttachmentException');
  assert.equal(await t.code('AttachPolicy', { PolicyId: id, TargetId: '999999999999' }), 'TargetNotFoundException');
  assert.equal(await t.code('AttachPolicy', { PolicyId: 'p-zzzzzzzz', TargetId: acct }), 'PolicyNotFoundException');
  assert.equal(await t.code('DeletePolicy', { PolicyId: id }), 'PolicyInUseException');
  const lastOne = await t.call('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: rootId });
  assert.deepEqual(
    [lastOne.errorCode, lastOne.json.Reason],
    ['ConstraintViolationException', 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'],
  );
  await t.ok('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: acct });
  assert.equal(await t.code('DetachPolicy', { PolicyId: id, TargetId: acct }), 'ConstraintViolationException');
  assert.equal(await t.code('DetachPolicy', { PolicyId: id, TargetId: rootId }), 'PolicyNotAttachedException');
  await t.ok('AttachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: acct });
  await t.ok('DetachPolicy', { PolicyId: id, TargetId: acct });
  const updated = (
    await t.ok('UpdatePolicy', {
      PolicyId: id,
      Name: 'renamed',
      Content: DENY_S3_DELETE.replace('DeleteBucket', 'PutBucketPolicy'),
    })
  ).Policy as Record<string, Record<string, string>>;
  assert.equal(updated.PolicySummary.Name, 'renamed');
  assert.equal(
    await t.code('UpdatePolicy', { PolicyId: id, Content: withPrincipal }),
    'MalformedPolicyDocumentException',
  );
  const immutable = await t.call('UpdatePolicy', { PolicyId: 'p-FullAWSAccess', Name: 'mine' });
  assert.deepEqual([immutable.errorCode, immutable.json.Reason], ['InvalidInputException', 'IMMUTABLE_POLICY']);
  assert.equal(await t.code('DeletePolicy', { PolicyId: 'p-FullAWSAccess' }), 'InvalidInputException');
  const listed = (await t.ok('ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' })).Policies as Array<
    Record<string, string>
  >;
  assert.deepEqual(listed.map((p) => p.Name).sort(), ['FullAWSAccess', 'renamed']);
  await t.ok('DeletePolicy', { PolicyId: id });
  assert.equal(await t.code('DescribePolicy', { PolicyId: id }), 'PolicyNotFoundException');
});

test('at most 5 SCPs per target', async () => {
  const { t, rootId } = await withOrganization();
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = (
      await t.ok('CreatePolicy', {
        Name: `p${i}`,
        Description: '',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: DENY_S3_DELETE,
      })
    ).Policy as Record<string, Record<string, string>>;
    ids.push(p.PolicySummary.Id);
  }
  for (const id of ids.slice(0, 4)) await t.ok('AttachPolicy', { PolicyId: id, TargetId: rootId });
  const r = await t.call('AttachPolicy', { PolicyId: ids[4], TargetId: rootId });
  assert.deepEqual(
    [r.errorCode, r.json.Reason],
    ['ConstraintViolationException', 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED'],
  );
});

test('RCPs: Deny-only with Principal "*"; RCPFullAWSAccess is attached everywhere and cannot be detached', async () => {
  const { t, rootId } = await withOrganization();
  const acct = await createMember(t, 'dev');
  await t.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' });
  const onAccount = (await t.ok('ListPoliciesForTarget', { TargetId: acct, Filter: 'RESOURCE_CONTROL_POLICY' }))
    .Policies as Array<Record<string, string>>;
  assert.deepEqual(
    onAccount.map((p) => p.Id),
    ['p-RCPFullAWSAccess'],
  );
  const allow = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
  });
  assert.equal(
    await t.code('CreatePolicy', { Name: 'allow', Description: '', Type: 'RESOURCE_CONTROL_POLICY', Content: allow }),
    'MalformedPolicyDocumentException',
  );
  assert.equal(
    await t.code('CreatePolicy', {
      Name: 'scp-like',
      Description: '',
      Type: 'RESOURCE_CONTROL_POLICY',
      Content: DENY_S3_DELETE,
    }),
    'MalformedPolicyDocumentException',
  );
  const rcp = (
    await t.ok('CreatePolicy', {
      Name: 'outside',
      Description: '',
      Type: 'RESOURCE_CONTROL_POLICY',
      Content: RCP_DENY_OUTSIDE,
    })
  ).Policy as Record<string, Record<string, string>>;
  await t.ok('AttachPolicy', { PolicyId: rcp.PolicySummary.Id, TargetId: acct });
  const r = await t.call('DetachPolicy', { PolicyId: 'p-RCPFullAWSAccess', TargetId: acct });
  assert.deepEqual([r.errorCode, r.json.Reason], ['InvalidInputException', 'NON_DETACHABLE_POLICY']);
  assert.equal(
    await t.code('AttachPolicy', { PolicyId: rcp.PolicySummary.Id, TargetId: acct }),
    'DuplicatePolicyAttachmentException',
  );
});

test('checks: organizations:<Operation> on the service authorization reference ARNs', async () => {
  const { t, org, rootId } = await withOrganization();
  const acct = await createMember(t, 'dev');
  const mgmt = t.root.accountId;
  const arn = (kind: string, rest: string) => `arn:aws:organizations::${mgmt}:${kind}/${org.Id}/${rest}`;
  const describe = await t.call('DescribeAccount', { AccountId: acct });
  assert.deepEqual(
    describe.checks.map((c) => [c.action, c.resource]),
    [['organizations:DescribeAccount', arn('account', acct)]],
  );
  const attach = await t.call('AttachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: rootId });
  assert.deepEqual(
    attach.checks.map((c) => [c.action, c.resource]),
    [
      ['organizations:AttachPolicy', 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess'],
      ['organizations:AttachPolicy', arn('root', rootId)],
    ],
  );
  assert.equal(attach.checks[0].context['organizations:PolicyType'], 'SERVICE_CONTROL_POLICY');
  const tagged = await t.call('CreatePolicy', {
    Name: 'x',
    Description: '',
    Type: 'SERVICE_CONTROL_POLICY',
    Content: DENY_S3_DELETE,
    Tags: [{ Key: 'team', Value: 'sec' }],
  });
  assert.deepEqual(tagged.checks[0].context, {
    'organizations:PolicyType': 'SERVICE_CONTROL_POLICY',
    'aws:TagKeys': ['team'],
    'aws:RequestTag/team': 'sec',
  });
  const dupTags = await t.call('CreatePolicy', {
    Name: 'y',
    Description: '',
    Type: 'SERVICE_CONTROL_POLICY',
    Content: DENY_S3_DELETE,
    Tags: [
      { Key: 'a', Value: '1' },
      { Key: 'a', Value: '2' },
    ],
  });
  assert.deepEqual([dupTags.errorCode, dupTags.json.Reason], ['InvalidInputException', 'DUPLICATE_TAG_KEY']);
});
