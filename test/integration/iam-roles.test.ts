/**
 * Roles, instance profiles and permissions boundaries with the real `aws` CLI and boto3 against the
 * real server: a trust policy from a file, decoded documents, role policies, CLI pagination,
 * DeleteConflict, the instance-profile round trip, and the boundary delegation pattern enforced.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, python, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

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

describe('IAM roles with the aws CLI and boto3', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('create-role from a file, get-role decodes it, role policies, delete-role DeleteConflict then success', async () => {
    const role = uniqueName('app');
    const file = join(server.dataDir, '..', `${role}-trust.json`);
    writeFileSync(file, JSON.stringify(EC2_TRUST, null, 2));
    const created = (await json(server, ['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', `file://${file}`,
      '--description', 'web tier', '--max-session-duration', '7200'])).Role as Record<string, unknown>;
    assert.match(String(created.RoleId), /^AROA[A-Z2-7]{17}$/);
    const got = (await json(server, ['iam', 'get-role', '--role-name', role])).Role as Record<string, unknown>;
    assert.deepEqual(got.AssumeRolePolicyDocument, EC2_TRUST);
    assert.equal(got.MaxSessionDuration, 7200);
    assert.equal(got.Description, 'web tier');
    assert.deepEqual(got.RoleLastUsed, {});

    const policyFile = join(server.dataDir, '..', `${role}-policy.json`);
    const inline = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::web/*' }] };
    writeFileSync(policyFile, JSON.stringify(inline));
    await json(server, ['iam', 'put-role-policy', '--role-name', role, '--policy-name', 'web', '--policy-document', `file://${policyFile}`]);
    assert.deepEqual((await json(server, ['iam', 'get-role-policy', '--role-name', role, '--policy-name', 'web'])).PolicyDocument, inline);
    assert.deepEqual((await json(server, ['iam', 'list-role-policies', '--role-name', role])).PolicyNames, ['web']);
    await json(server, ['iam', 'attach-role-policy', '--role-name', role, '--policy-arn', READ_ONLY]);
    const attached = (await json(server, ['iam', 'list-attached-role-policies', '--role-name', role])).AttachedPolicies;
    assert.deepEqual(attached, [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
    const entities = await json(server, ['iam', 'list-entities-for-policy', '--policy-arn', READ_ONLY]);
    assert.deepEqual((entities.PolicyRoles as Array<Record<string, string>>).map((r) => r.RoleName), [role]);

    assert.equal(await cliError(server, ['iam', 'delete-role', '--role-name', role]), 'DeleteConflict');
    await json(server, ['iam', 'delete-role-policy', '--role-name', role, '--policy-name', 'web']);
    assert.equal(await cliError(server, ['iam', 'delete-role', '--role-name', role]), 'DeleteConflict');
    await json(server, ['iam', 'detach-role-policy', '--role-name', role, '--policy-arn', READ_ONLY]);
    await json(server, ['iam', 'delete-role', '--role-name', role]);
    assert.equal(await cliError(server, ['iam', 'get-role', '--role-name', role]), 'NoSuchEntity');
  });

  test('create-role refuses a malformed trust policy and an unknown principal', async () => {
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 's3:GetObject' }] });
    assert.equal(await cliError(server, ['iam', 'create-role', '--role-name', uniqueName('bad'), '--assume-role-policy-document', bad]), 'MalformedPolicyDocument');
    const ghost = JSON.stringify({ ...EC2_TRUST, Statement: [{ ...EC2_TRUST.Statement[0], Principal: { AWS: 'arn:aws:iam::123456789012:user/ghost' } }] });
    assert.equal(await cliError(server, ['iam', 'create-role', '--role-name', uniqueName('bad'), '--assume-role-policy-document', ghost]), 'MalformedPolicyDocument');
  });

  test('list-roles pages with --max-items and --starting-token', async () => {
    const prefix = uniqueName('page');
    const names = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const n of names) {
      await json(server, ['iam', 'create-role', '--role-name', n, '--path', `/${prefix}/`, '--assume-role-policy-document', JSON.stringify(EC2_TRUST)]);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await json(server, ['iam', 'list-roles', '--path-prefix', `/${prefix}/`, '--max-items', '2', ...(token ? ['--starting-token', token] : [])]);
      seen.push(...(r.Roles as Array<Record<string, string>>).map((x) => x.RoleName));
      token = r.NextToken as string | undefined;
      pages++;
    } while (token);
    assert.deepEqual(seen, names);
    assert.equal(pages, 3);
  });

  test('instance profile round trip with boto3', async () => {
    const script = `
import boto3, json, os, sys
iam = boto3.client('iam', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
role, profile = sys.argv[1], sys.argv[2]
trust = json.dumps(${JSON.stringify(EC2_TRUST)})
iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust, Tags=[{'Key': 'tier', 'Value': 'web'}])
created = iam.create_instance_profile(InstanceProfileName=profile, Path='/web/')['InstanceProfile']
iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
try:
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    second = 'no error'
except iam.exceptions.EntityAlreadyExistsException:
    second = 'EntityAlreadyExists'
got = iam.get_instance_profile(InstanceProfileName=profile)['InstanceProfile']
listed = iam.list_instance_profiles_for_role(RoleName=role)['InstanceProfiles']
try:
    iam.delete_instance_profile(InstanceProfileName=profile)
    conflict = 'no error'
except iam.exceptions.DeleteConflictException:
    conflict = 'DeleteConflict'
try:
    iam.delete_role(RoleName=role)
    role_conflict = 'no error'
except iam.exceptions.DeleteConflictException:
    role_conflict = 'DeleteConflict'
iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
iam.delete_instance_profile(InstanceProfileName=profile)
iam.delete_role(RoleName=role)
print(json.dumps({
    'id': created['InstanceProfileId'], 'arn': created['Arn'], 'second': second,
    'roles': [r['RoleName'] for r in got['Roles']], 'trust': got['Roles'][0]['AssumeRolePolicyDocument'],
    'listed': [p['InstanceProfileName'] for p in listed], 'conflict': conflict, 'role_conflict': role_conflict,
    'after': [p['InstanceProfileName'] for p in iam.list_instance_profiles(PathPrefix='/web/')['InstanceProfiles']],
}))
`;
    const role = uniqueName('ip-role');
    const profile = uniqueName('ip');
    const r = await python(server, script, { args: [role, profile] });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.match(String(out.id), /^AIPA[A-Z2-7]{17}$/);
    assert.match(String(out.arn), new RegExp(`^arn:aws:iam::\\d{12}:instance-profile/web/${profile}$`));
    assert.equal(out.second, 'EntityAlreadyExists');
    assert.deepEqual(out.roles, [role]);
    assert.deepEqual(out.trust, EC2_TRUST);
    assert.deepEqual(out.listed, [profile]);
    assert.equal(out.conflict, 'DeleteConflict');
    assert.equal(out.role_conflict, 'DeleteConflict');
    assert.deepEqual(out.after, []);
  });

  test('boundary delegation: an administrator may only create and change principals that keep the boundary', async () => {
    const admin = uniqueName('delegate');
    const boundaryName = uniqueName('boundary');
    const boundaryDoc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    const boundary = ((await json(server, ['iam', 'create-policy', '--policy-name', boundaryName, '--policy-document', boundaryDoc])).Policy as Record<string, string>).Arn;
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
    const delegation = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: ['iam:CreateUser', 'iam:CreateRole', 'iam:AttachUserPolicy', 'iam:PutRolePolicy'],
        Resource: '*',
        Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
      }],
    });
    await json(server, ['iam', 'create-user', '--user-name', admin]);
    await json(server, ['iam', 'put-user-policy', '--user-name', admin, '--policy-name', 'delegate', '--policy-document', delegation]);
    const key = (await json(server, ['iam', 'create-access-key', '--user-name', admin])).AccessKey as Record<string, string>;
    const creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };

    const bounded = uniqueName('bounded');
    assert.equal(await cliError(server, ['iam', 'create-user', '--user-name', bounded], creds), 'AccessDenied');
    await json(server, ['iam', 'create-user', '--user-name', bounded, '--permissions-boundary', boundary], creds);
    await json(server, ['iam', 'attach-user-policy', '--user-name', bounded, '--policy-arn', READ_ONLY], creds);
    const free = uniqueName('free');
    await json(server, ['iam', 'create-user', '--user-name', free]);
    assert.equal(await cliError(server, ['iam', 'attach-user-policy', '--user-name', free, '--policy-arn', READ_ONLY], creds), 'AccessDenied');

    const trust = JSON.stringify(EC2_TRUST);
    const role = uniqueName('brole');
    assert.equal(await cliError(server, ['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust], creds), 'AccessDenied');
    await json(server, ['iam', 'create-role', '--role-name', role, '--assume-role-policy-document', trust, '--permissions-boundary', boundary], creds);
    await json(server, ['iam', 'put-role-policy', '--role-name', role, '--policy-name', 'p', '--policy-document', boundaryDoc], creds);
    const got = (await json(server, ['iam', 'get-role', '--role-name', role])).Role as Record<string, unknown>;
    assert.deepEqual(got.PermissionsBoundary, { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundary });
    // Once the boundary is gone, the delegate can no longer change the role.
    await json(server, ['iam', 'delete-role-permissions-boundary', '--role-name', role]);
    assert.equal(await cliError(server, ['iam', 'put-role-policy', '--role-name', role, '--policy-name', 'q', '--policy-document', boundaryDoc], creds), 'AccessDenied');
  });
});
