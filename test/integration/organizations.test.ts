/**
 * AWS Organizations with the real `aws organizations` CLI and boto3 against the real server: the
 * organization, SCP and RCP policy types, CreateAccount until SUCCEEDED, OUs and MoveAccount, SCPs
 * from a file attached and detached, and the error codes the CLI prints (a second organization, a
 * caller that is not the management account, an invalid SCP). Enforcement of SCPs is tested elsewhere.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, python, startServer, type Credentials, type TestServer } from './harness.js';

async function json(server: TestServer, args: string[], creds?: Credentials): Promise<Record<string, unknown>> {
  const r = await awsCli(server, [...args, '--output', 'json'], { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

async function cliError(server: TestServer, args: string[], creds?: Credentials): Promise<string> {
  const r = await awsCli(server, args, { creds });
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
  const m = /An error occurred \(([A-Za-z]+)\)/.exec(r.stderr);
  return m ? m[1] : r.stderr;
}

const DENY_BUCKET_DELETE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'NoBucketDeletes', Effect: 'Deny', Action: ['s3:DeleteBucket'], Resource: '*' }],
};

describe('Organizations with the aws CLI and boto3', () => {
  let server: TestServer;
  let managementId = '';
  let rootId = '';
  let memberId = '';
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('create-organization; a second one is AlreadyInOrganizationException', async () => {
    assert.equal(
      await cliError(server, ['organizations', 'describe-organization']),
      'AWSOrganizationsNotInUseException',
    );
    const org = (await json(server, ['organizations', 'create-organization', '--feature-set', 'ALL']))
      .Organization as Record<string, string>;
    assert.match(org.Id, /^o-[a-z0-9]{10}$/);
    assert.equal(org.FeatureSet, 'ALL');
    managementId = org.MasterAccountId;
    assert.equal((await json(server, ['sts', 'get-caller-identity'])).Account, managementId);
    assert.equal(await cliError(server, ['organizations', 'create-organization']), 'AlreadyInOrganizationException');
    const roots = (await json(server, ['organizations', 'list-roots'])).Roots as Array<Record<string, string>>;
    rootId = roots[0].Id;
    assert.match(rootId, /^r-[a-z0-9]{4}$/);
  });

  test('enable-policy-type for SCPs and RCPs', async () => {
    await json(server, [
      'organizations',
      'enable-policy-type',
      '--root-id',
      rootId,
      '--policy-type',
      'SERVICE_CONTROL_POLICY',
    ]);
    const root = (
      await json(server, [
        'organizations',
        'enable-policy-type',
        '--root-id',
        rootId,
        '--policy-type',
        'RESOURCE_CONTROL_POLICY',
      ])
    ).Root as Record<string, unknown>;
    assert.deepEqual(root.PolicyTypes, [
      { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
      { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
    ]);
    const err = await cliError(server, [
      'organizations',
      'enable-policy-type',
      '--root-id',
      rootId,
      '--policy-type',
      'SERVICE_CONTROL_POLICY',
    ]);
    assert.equal(err, 'PolicyTypeAlreadyEnabledException');
  });

  test('create-account, polled until SUCCEEDED; list-accounts; the member gets OrganizationAccountAccessRole', async () => {
    const status = (
      await json(server, ['organizations', 'create-account', '--email', 'dev@example.com', '--account-name', 'dev'])
    ).CreateAccountStatus as Record<string, string>;
    let state = status.State;
    let described: Record<string, string> = status;
    for (let i = 0; i < 20 && state === 'IN_PROGRESS'; i++) {
      described = (
        await json(server, [
          'organizations',
          'describe-create-account-status',
          '--create-account-request-id',
          status.Id,
        ])
      ).CreateAccountStatus as Record<string, string>;
      state = described.State;
    }
    assert.equal(state, 'SUCCEEDED');
    memberId = described.AccountId;
    const accounts = (await json(server, ['organizations', 'list-accounts'])).Accounts as Array<Record<string, string>>;
    assert.deepEqual(accounts.map((a) => a.Id).sort(), [managementId, memberId].sort());
    // The management account reaches the member through the role CreateAccount made.
    const roleArn = `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`;
    const creds = (await json(server, ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'admin']))
      .Credentials as Record<string, string>;
    const session = {
      accessKeyId: creds.AccessKeyId,
      secretAccessKey: creds.SecretAccessKey,
      sessionToken: creds.SessionToken,
    };
    const identity = await json(server, ['sts', 'get-caller-identity'], session);
    assert.equal(identity.Account, memberId);
    // A member may describe its organization, not manage it.
    assert.equal(
      ((await json(server, ['organizations', 'describe-organization'], session)).Organization as Record<string, string>)
        .MasterAccountId,
      managementId,
    );
    assert.equal(await cliError(server, ['organizations', 'list-accounts'], session), 'AccessDeniedException');
    assert.equal(
      await cliError(server, ['organizations', 'create-organization'], session),
      'AlreadyInOrganizationException',
    );
  });

  test('an IAM user without permissions is AccessDeniedException', async () => {
    await json(server, ['iam', 'create-user', '--user-name', 'nobody']);
    const key = (await json(server, ['iam', 'create-access-key', '--user-name', 'nobody'])).AccessKey as Record<
      string,
      string
    >;
    const creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    assert.equal(await cliError(server, ['organizations', 'list-roots'], creds), 'AccessDeniedException');
  });

  test('OUs: create-organizational-unit, move-account, list-accounts-for-parent, list-parents', async () => {
    const ou = (
      await json(server, ['organizations', 'create-organizational-unit', '--parent-id', rootId, '--name', 'Workloads'])
    ).OrganizationalUnit as Record<string, string>;
    assert.match(ou.Id, /^ou-[a-z0-9]{4}-[a-z0-9]{8}$/);
    await json(server, [
      'organizations',
      'move-account',
      '--account-id',
      memberId,
      '--source-parent-id',
      rootId,
      '--destination-parent-id',
      ou.Id,
    ]);
    const inOu = (await json(server, ['organizations', 'list-accounts-for-parent', '--parent-id', ou.Id]))
      .Accounts as Array<Record<string, string>>;
    assert.deepEqual(
      inOu.map((a) => a.Id),
      [memberId],
    );
    assert.deepEqual((await json(server, ['organizations', 'list-parents', '--child-id', memberId])).Parents, [
      { Id: ou.Id, Type: 'ORGANIZATIONAL_UNIT' },
    ]);
    assert.equal(
      await cliError(server, ['organizations', 'delete-organizational-unit', '--organizational-unit-id', ou.Id]),
      'OrganizationalUnitNotEmptyException',
    );
  });

  test('SCPs: create-policy from a file, attach, list, detach, delete; an invalid SCP is MalformedPolicyDocumentException', async () => {
    const file = join(server.dataDir, '..', `scp-${server.port}.json`);
    writeFileSync(file, JSON.stringify(DENY_BUCKET_DELETE, null, 2));
    const created = (
      await json(server, [
        'organizations',
        'create-policy',
        '--name',
        'no-bucket-deletes',
        '--description',
        'Deny s3:DeleteBucket',
        '--type',
        'SERVICE_CONTROL_POLICY',
        '--content',
        `file://${file}`,
      ])
    ).Policy as Record<string, Record<string, string> | string>;
    const id = (created.PolicySummary as Record<string, string>).Id;
    assert.deepEqual(JSON.parse(created.Content as string), DENY_BUCKET_DELETE);
    await json(server, ['organizations', 'attach-policy', '--policy-id', id, '--target-id', memberId]);
    const onMember = (
      await json(server, [
        'organizations',
        'list-policies-for-target',
        '--target-id',
        memberId,
        '--filter',
        'SERVICE_CONTROL_POLICY',
      ])
    ).Policies as Array<Record<string, string>>;
    assert.deepEqual(onMember.map((p) => p.Name).sort(), ['FullAWSAccess', 'no-bucket-deletes']);
    assert.equal(
      await cliError(server, ['organizations', 'attach-policy', '--policy-id', id, '--target-id', memberId]),
      'DuplicatePolicyAttachmentException',
    );
    assert.equal(await cliError(server, ['organizations', 'delete-policy', '--policy-id', id]), 'PolicyInUseException');
    await json(server, ['organizations', 'detach-policy', '--policy-id', id, '--target-id', memberId]);
    await json(server, ['organizations', 'delete-policy', '--policy-id', id]);
    assert.equal(
      await cliError(server, ['organizations', 'describe-policy', '--policy-id', id]),
      'PolicyNotFoundException',
    );
    const invalid = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }],
    });
    const err = await cliError(server, [
      'organizations',
      'create-policy',
      '--name',
      'bad',
      '--description',
      '',
      '--type',
      'SERVICE_CONTROL_POLICY',
      '--content',
      invalid,
    ]);
    assert.equal(err, 'MalformedPolicyDocumentException');
  });

  test('boto3: paginators, RCPs, and error codes with their Reason', async () => {
    const script = `
import boto3, botocore, json, os
c = boto3.client('organizations', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
ids = [a['Id'] for page in c.get_paginator('list_accounts').paginate(PaginationConfig={'PageSize': 1}) for a in page['Accounts']]
root = c.list_roots()['Roots'][0]['Id']
rcps = [p['Name'] for p in c.list_policies_for_target(TargetId=root, Filter='RESOURCE_CONTROL_POLICY')['Policies']]
out = {'ids': sorted(ids), 'rcps': rcps}
try:
    c.detach_policy(PolicyId='p-FullAWSAccess', TargetId=root)
except botocore.exceptions.ClientError as e:
    out['detach'] = [e.response['Error']['Code'], e.response.get('Reason')]
try:
    c.create_policy(Name='allow', Description='', Type='RESOURCE_CONTROL_POLICY',
        Content=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': '*', 'Action': '*', 'Resource': '*'}]}))
except botocore.exceptions.ClientError as e:
    out['rcp'] = e.response['Error']['Code']
print(json.dumps(out))
`;
    const r = await python(server, script);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ids: string[]; rcps: string[]; detach: [string, string]; rcp: string };
    assert.deepEqual(out.ids, [managementId, memberId].sort());
    assert.deepEqual(out.rcps, ['RCPFullAWSAccess']);
    assert.deepEqual(out.detach, ['ConstraintViolationException', 'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED']);
    assert.equal(out.rcp, 'MalformedPolicyDocumentException');
  });
});
