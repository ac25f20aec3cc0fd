/**
 * S3 Block Public Access with real clients against the real server: the bucket level with `aws s3api`
 * (new buckets all on, put / get / delete, AWS's refusals), the account level through S3 Control with
 * `aws s3control` and boto3 (which address `<account>.<endpoint host>` and so reach Strongbox as their
 * HTTP proxy, `HTTP_PROXY`), a request for another account refused, the account level combining with
 * the bucket's (a public bucket policy refused by the account's BlockPublicPolicy alone), and an
 * organization's S3 policy forcing it, with account-level changes refused until it is detached.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { iamClient, proxiedClientEnv, run, s3ControlCli, startServer, uniqueName } from './harness.js';
import type { Credentials, ProcessResult, TestServer } from './harness.js';

const OTHER_ACCOUNT = '999988887777';

describe('Block Public Access: bucket, account (S3 Control) and organization levels', () => {
  let server: TestServer;
  let account = '';

  before(async () => {
    server = await startServer();
    account = /"accountId":"(\d{12})"/.exec(server.logs())![1];
  });
  after(async () => {
    await server?.stop();
  });

  const { aws, json, fails } = s3ControlCli(() => server);
  const control = (op: string, ...args: string[]) => ['s3control', op, '--account-id', account, ...args];
  const settings = (v: Record<string, unknown>) => v.PublicAccessBlockConfiguration;
  /** `--public-access-block-configuration` in the CLI's shorthand. */
  const config = (shorthand: string) => ['--public-access-block-configuration', shorthand];
  const bucketOp = (op: string, bucket: string, ...args: string[]) => ['s3api', op, '--bucket', bucket, ...args];
  const every = (on: boolean) => ({
    BlockPublicAcls: on,
    IgnorePublicAcls: on,
    BlockPublicPolicy: on,
    RestrictPublicBuckets: on,
  });
  const NONE_ON = every(false);
  const ALL_ON = every(true);
  const publicPolicy = (bucket: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
    });

  test('bucket level: a new bucket has all four on; put, get, delete; AWS refusals', async () => {
    const b = uniqueName('pab');
    await json(bucketOp('create-bucket', b));
    assert.deepEqual(settings(await json(bucketOp('get-public-access-block', b))), ALL_ON);
    await json(bucketOp('put-public-access-block', b, ...config('BlockPublicAcls=true,RestrictPublicBuckets=true')));
    const got = settings(await json(bucketOp('get-public-access-block', b)));
    assert.deepEqual(got, { ...NONE_ON, BlockPublicAcls: true, RestrictPublicBuckets: true });
    assert.equal(await fails(bucketOp('put-public-access-block', b, ...config('{}'))), 'InvalidRequest');
    await json(bucketOp('delete-public-access-block', b));
    await json(bucketOp('delete-public-access-block', b));
    assert.equal(await fails(bucketOp('get-public-access-block', b)), 'NoSuchPublicAccessBlockConfiguration');
    assert.equal(await fails(bucketOp('get-public-access-block', uniqueName('missing'))), 'NoSuchBucket');
  });

  test('account level with aws s3control: none at first, put, get, delete; another account: AccessDenied', async () => {
    assert.equal(await fails(control('get-public-access-block')), 'NoSuchPublicAccessBlockConfiguration');
    await json(control('put-public-access-block', ...config('BlockPublicPolicy=true,IgnorePublicAcls=true')));
    const got = settings(await json(control('get-public-access-block')));
    assert.deepEqual(got, { ...NONE_ON, IgnorePublicAcls: true, BlockPublicPolicy: true });
    const other = (op: string, ...args: string[]) => ['s3control', op, '--account-id', OTHER_ACCOUNT, ...args];
    assert.equal(await fails(other('get-public-access-block')), 'AccessDenied');
    assert.equal(await fails(other('delete-public-access-block')), 'AccessDenied');
    assert.equal(await fails(other('put-public-access-block', ...config('BlockPublicAcls=true'))), 'AccessDenied');
    await json(control('delete-public-access-block'));
    assert.equal(await fails(control('get-public-access-block')), 'NoSuchPublicAccessBlockConfiguration');
  });

  test('account level: IAM users need s3:GetAccountPublicAccessBlock / s3:PutAccountPublicAccessBlock', async () => {
    const iam = iamClient(server);
    const name = uniqueName('bpa-user');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    assert.equal(await fails(control('get-public-access-block'), creds), 'AccessDenied');
    const allowGet = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetAccountPublicAccessBlock', Resource: '*' }],
    });
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'get', PolicyDocument: allowGet }));
    // Allowed now: what is left is that there is no configuration.
    assert.equal(await fails(control('get-public-access-block'), creds), 'NoSuchPublicAccessBlockConfiguration');
    assert.equal(await fails(control('delete-public-access-block'), creds), 'AccessDenied');
  });

  test('account level with boto3 through HTTP_PROXY', async () => {
    const script = `
import json, os, sys, boto3, botocore
c = boto3.client('s3control', endpoint_url=os.environ['STRONGBOX_ENDPOINT'])
account, other = sys.argv[1], sys.argv[2]
out = {}
c.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={'RestrictPublicBuckets': True})
out['get'] = c.get_public_access_block(AccountId=account)['PublicAccessBlockConfiguration']
try:
    c.get_public_access_block(AccountId=other)
except botocore.exceptions.ClientError as e:
    out['other'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
c.delete_public_access_block(AccountId=account)
try:
    c.get_public_access_block(AccountId=account)
except c.exceptions.NoSuchPublicAccessBlockConfiguration as e:
    out['missing'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;
    const args = ['-c', script, account, OTHER_ACCOUNT];
    const r = await run(process.env.STRONGBOX_TEST_PYTHON ?? 'python3', args, { env: proxiedClientEnv(server) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      get: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true },
      other: ['AccessDenied', 403],
      missing: ['NoSuchPublicAccessBlockConfiguration', 404],
    });
  });

  test('account and bucket levels combine: the account BlockPublicPolicy alone refuses a public policy', async () => {
    const b = uniqueName('pab-combined');
    await json(bucketOp('create-bucket', b));
    await json(bucketOp('delete-public-access-block', b));
    await json(control('put-public-access-block', ...config('BlockPublicPolicy=true')));
    try {
      // The bucket has no configuration of its own: the account's setting is what refuses.
      assert.equal(await fails(bucketOp('put-bucket-policy', b, '--policy', publicPolicy(b))), 'AccessDenied');
      await json(control('put-public-access-block', ...config('BlockPublicPolicy=false')));
      await json(bucketOp('put-bucket-policy', b, '--policy', publicPolicy(b)));
      assert.deepEqual(await json(bucketOp('get-bucket-policy-status', b)), { PolicyStatus: { IsPublic: true } });
    } finally {
      await json(control('delete-public-access-block'));
    }
  });

  test('organization level: an S3 policy forces BPA; account-level changes refused until it is detached', async () => {
    const orgs = (args: string[]) => json(['organizations', ...args]);
    await orgs(['create-organization']);
    const rootId = String(((await orgs(['list-roots'])).Roots as Array<Record<string, string>>)[0].Id);
    await orgs(['enable-policy-type', '--root-id', rootId, '--policy-type', 'S3_POLICY']);
    const content = JSON.stringify({ s3_attributes: { public_access_block_configuration: { '@@assign': 'all' } } });
    const createPolicy = (name: string, text: string) =>
      ['create-policy', '--name', name, '--description', 'BPA', '--type', 'S3_POLICY', '--content', text];
    const created = await orgs(createPolicy('block-all', content));
    const policyId = String((created.Policy as { PolicySummary: { Id: string } }).PolicySummary.Id);
    const bad = content.replace('"all"', '"some"');
    assert.equal(await fails(['organizations', ...createPolicy('bad', bad)]), 'MalformedPolicyDocumentException');

    await json(control('put-public-access-block', ...config('BlockPublicAcls=true')));
    const b = uniqueName('pab-org');
    await json(bucketOp('create-bucket', b));
    await json(bucketOp('delete-public-access-block', b));

    await orgs(['attach-policy', '--policy-id', policyId, '--target-id', rootId]);
    assert.deepEqual(settings(await json(control('get-public-access-block'))), ALL_ON);
    assert.equal(await fails(control('put-public-access-block', ...config('BlockPublicPolicy=false'))), 'AccessDenied');
    assert.equal(await fails(control('delete-public-access-block')), 'AccessDenied');
    assert.equal(await fails(bucketOp('put-bucket-policy', b, '--policy', publicPolicy(b))), 'AccessDenied');

    // Detached: the account's own settings, kept all along, come back.
    await orgs(['detach-policy', '--policy-id', policyId, '--target-id', rootId]);
    assert.deepEqual(settings(await json(control('get-public-access-block'))), { ...NONE_ON, BlockPublicAcls: true });
    await json(bucketOp('put-bucket-policy', b, '--policy', publicPolicy(b)));
    await json(control('delete-public-access-block'));
  });
});
