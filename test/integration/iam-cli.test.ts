/**
 * IAM with the real `aws` CLI and boto3 against the real server: the commands the seed walkthroughs
 * use (create-user, create-access-key, create-policy from a file, attach, groups), CLI pagination,
 * decoded policy documents, error codes as the CLI prints them, key rotation with two keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCli, python, startServer, uniqueName, type TestServer } from './harness.js';

const ONE_BUCKET = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::another-test-bucket'] },
    { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:PutObjectAcl'], Resource: ['arn:aws:s3:::another-test-bucket/*'] },
  ],
};

async function json(server: TestServer, args: string[], creds?: { accessKeyId: string; secretAccessKey: string }): Promise<Record<string, unknown>> {
  const r = await awsCli(server, [...args, '--output', 'json'], { creds });
  assert.equal(r.code, 0, `aws ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
}

async function cliError(server: TestServer, args: string[]): Promise<string> {
  const r = await awsCli(server, args);
  assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
  const m = /An error occurred \(([A-Za-z]+)\)/.exec(r.stderr);
  return m ? m[1] : r.stderr;
}

describe('IAM with the aws CLI and boto3', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('seed 000: user with programmatic access, custom policy from a file, attach/detach, decoded documents', async () => {
    const user = uniqueName('rails');
    const created = (await json(server, ['iam', 'create-user', '--user-name', user])).User as Record<string, string>;
    assert.equal(created.UserName, user);
    const file = join(server.dataDir, '..', `${user}.json`);
    writeFileSync(file, JSON.stringify(ONE_BUCKET, null, 4));
    const policy = (await json(server, ['iam', 'create-policy', '--policy-name', `${user}-s3`, '--policy-document', `file://${file}`])).Policy as Record<string, string>;
    await json(server, ['iam', 'attach-user-policy', '--user-name', user, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    await json(server, ['iam', 'detach-user-policy', '--user-name', user, '--policy-arn', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']);
    await json(server, ['iam', 'attach-user-policy', '--user-name', user, '--policy-arn', policy.Arn]);
    const attached = (await json(server, ['iam', 'list-attached-user-policies', '--user-name', user])).AttachedPolicies as Array<Record<string, string>>;
    assert.deepEqual(attached, [{ PolicyName: `${user}-s3`, PolicyArn: policy.Arn }]);
    // The CLI decodes the URL-encoded document back into JSON.
    const version = (await json(server, ['iam', 'get-policy-version', '--policy-arn', policy.Arn, '--version-id', 'v1'])).PolicyVersion as Record<string, unknown>;
    assert.deepEqual(version.Document, ONE_BUCKET);
    assert.equal(await cliError(server, ['iam', 'delete-policy', '--policy-arn', policy.Arn]), 'DeleteConflict');
  });

  test('seed 001: one group per client with an inline policy; developers and the app user as members', async () => {
    const group = uniqueName('new-client');
    await json(server, ['iam', 'create-group', '--group-name', group]);
    const inline = { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::new-client*' }, { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::new-client-dev*' }] };
    await json(server, ['iam', 'put-group-policy', '--group-name', group, '--policy-name', 'client-buckets', '--policy-document', JSON.stringify(inline)]);
    for (const u of ['dev-a', 'app']) {
      await json(server, ['iam', 'create-user', '--user-name', `${group}-${u}`]);
      await json(server, ['iam', 'add-user-to-group', '--group-name', group, '--user-name', `${group}-${u}`]);
    }
    const g = await json(server, ['iam', 'get-group', '--group-name', group]);
    assert.deepEqual((g.Users as Array<Record<string, string>>).map((u) => u.UserName), [`${group}-app`, `${group}-dev-a`]);
    assert.deepEqual((await json(server, ['iam', 'get-group-policy', '--group-name', group, '--policy-name', 'client-buckets'])).PolicyDocument, inline);
    await json(server, ['iam', 'remove-user-from-group', '--group-name', group, '--user-name', `${group}-dev-a`]);
    assert.deepEqual((await json(server, ['iam', 'list-groups-for-user', '--user-name', `${group}-dev-a`])).Groups, []);
    assert.equal(await cliError(server, ['iam', 'delete-group', '--group-name', group]), 'DeleteConflict');
  });

  test('key rotation with two keys; sts get-caller-identity with each; the third key is refused', async () => {
    const user = uniqueName('rotate');
    await json(server, ['iam', 'create-user', '--user-name', user]);
    const k1 = (await json(server, ['iam', 'create-access-key', '--user-name', user])).AccessKey as Record<string, string>;
    const k2 = (await json(server, ['iam', 'create-access-key', '--user-name', user])).AccessKey as Record<string, string>;
    assert.equal(await cliError(server, ['iam', 'create-access-key', '--user-name', user]), 'LimitExceeded');
    for (const k of [k1, k2]) {
      const id = await json(server, ['sts', 'get-caller-identity'], { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey });
      assert.match(String(id.Arn), new RegExp(`:user/${user}$`));
    }
    await json(server, ['iam', 'update-access-key', '--user-name', user, '--access-key-id', k1.AccessKeyId, '--status', 'Inactive']);
    const refused = await awsCli(server, ['sts', 'get-caller-identity'], { creds: { accessKeyId: k1.AccessKeyId, secretAccessKey: k1.SecretAccessKey } });
    assert.match(refused.stderr, /InvalidClientTokenId/);
    await json(server, ['iam', 'delete-access-key', '--user-name', user, '--access-key-id', k1.AccessKeyId]);
    const keys = (await json(server, ['iam', 'list-access-keys', '--user-name', user])).AccessKeyMetadata as Array<Record<string, string>>;
    assert.deepEqual(keys.map((k) => k.AccessKeyId), [k2.AccessKeyId]);
    const used = await json(server, ['iam', 'get-access-key-last-used', '--access-key-id', k2.AccessKeyId]);
    assert.equal(used.UserName, user);
  });

  test('CLI errors: NoSuchEntity, EntityAlreadyExists, ValidationError, MalformedPolicyDocument', async () => {
    assert.equal(await cliError(server, ['iam', 'get-user', '--user-name', 'nobody-at-all']), 'NoSuchEntity');
    const user = uniqueName('dup');
    await json(server, ['iam', 'create-user', '--user-name', user]);
    assert.equal(await cliError(server, ['iam', 'create-user', '--user-name', user.toUpperCase()]), 'EntityAlreadyExists');
    assert.equal(await cliError(server, ['iam', 'create-policy', '--policy-name', 'bad', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}']), 'MalformedPolicyDocument');
    assert.equal(await cliError(server, ['iam', 'create-user', '--user-name', 'a', '--path', 'no-slashes']), 'ValidationError');
  });

  test('boto3: paginators over users and policies, error codes and limits', async () => {
    const script = `
import boto3, json, os, botocore
iam = boto3.client("iam", endpoint_url=os.environ["STRONGBOX_ENDPOINT"])
prefix = "boto-${Date.now()}"
for i in range(5):
    iam.create_user(UserName=f"{prefix}-{i}", Path="/boto/")
names = [u["UserName"] for page in iam.get_paginator("list_users").paginate(PathPrefix="/boto/", PaginationConfig={"PageSize": 2}) for u in page["Users"]]
pols = [p["PolicyName"] for page in iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={"PageSize": 4}) for p in page["Policies"]]
codes = {}
def code(name, fn):
    try:
        fn()
        codes[name] = "no error"
    except botocore.exceptions.ClientError as e:
        codes[name] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
iam.create_access_key(UserName=f"{prefix}-0"); iam.create_access_key(UserName=f"{prefix}-0")
code("third_key", lambda: iam.create_access_key(UserName=f"{prefix}-0"))
code("missing", lambda: iam.get_group(GroupName="no-such-group"))
code("conflict", lambda: iam.delete_user(UserName=f"{prefix}-0"))
doc = iam.get_policy_version(PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", VersionId="v3")["PolicyVersion"]["Document"]
print(json.dumps({"names": names, "pols": pols, "codes": codes, "doc": doc}))
`;
    const r = await python(server, script);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { names: string[]; pols: string[]; codes: Record<string, [string, number]>; doc: { Statement: Array<{ Action: string[] }> } };
    assert.equal(out.names.length, 5);
    assert.ok(out.pols.includes('AdministratorAccess') && out.pols.includes('IAMUserChangePassword'));
    assert.equal(new Set(out.pols).size, out.pols.length);
    assert.deepEqual(out.codes, { third_key: ['LimitExceeded', 409], missing: ['NoSuchEntity', 404], conflict: ['DeleteConflict', 409] });
    assert.ok(out.doc.Statement[0].Action.includes('s3:Get*'));
  });
});
