/**
 * Workload credentials with real clients against the real server: an administrator registers a
 * workload token for an instance profile with the built CLI (`strongbox workload-token create`), and
 * apps that have only AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN (no access
 * key anywhere in their environment or configuration) reach S3 through the AWS SDK v3 and boto3.
 * Refusals: a creator without iam:PassRole (or with PassRole only for another service), a revoked
 * token, a role whose trust policy does not allow ec2.amazonaws.com.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join } from 'node:path';
import {
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  clientEnv,
  iamClient,
  REPO_ROOT,
  run,
  s3Client,
  startServer,
  stsClient,
  uniqueName,
  type Credentials,
  type ProcessResult,
  type TestServer,
} from './harness.js';

const CLI = join(REPO_ROOT, 'dist/src/cli.js');
const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const trusting = (service: string) =>
  doc([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]);

/** Lists buckets, puts an object and says who it is, with whatever credentials the SDK finds. */
const SDK_APP = `
import { S3Client, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const endpoint = process.env.STRONGBOX_ENDPOINT;
const s3 = new S3Client({ endpoint, forcePathStyle: true });
const sts = new STSClient({ endpoint });
const who = await sts.send(new GetCallerIdentityCommand({}));
const buckets = await s3.send(new ListBucketsCommand({}));
await s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: 'from-node', Body: 'hello from node' }));
console.log(JSON.stringify({ arn: who.Arn, buckets: (buckets.Buckets ?? []).map((b) => b.Name) }));
`;

const BOTO3_APP = `
import json, os, boto3
from botocore.config import Config
session = boto3.session.Session()
endpoint = os.environ['STRONGBOX_ENDPOINT']
s3 = session.client('s3', endpoint_url=endpoint, config=Config(s3={'addressing_style': 'path'}))
who = session.client('sts', endpoint_url=endpoint).get_caller_identity()
names = [b['Name'] for b in s3.list_buckets()['Buckets']]
s3.put_object(Bucket=os.environ['BUCKET'], Key='from-boto3', Body=b'hello from boto3')
print(json.dumps({'arn': who['Arn'], 'buckets': names, 'method': session.get_credentials().method}))
`;

describe('workload credentials: SDK apps with no access key, through a workload token', () => {
  let server: TestServer;
  let iam: IAMClient;
  let account = '';
  const bucket = uniqueName('workload');
  before(async () => {
    server = await startServer();
    iam = iamClient(server);
    account = (await stsClient(server).send(new GetCallerIdentityCommand({}))).Account ?? '';
    await s3Client(server).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    await server?.stop();
  });

  /** A role trusting `service` with an S3 policy, in an instance profile of the same name. */
  async function profile(name: string, service = 'ec2.amazonaws.com'): Promise<string> {
    const r = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trusting(service) }));
    const actions = ['s3:ListAllMyBuckets', 's3:PutObject', 's3:GetObject'];
    const s3Policy = doc([{ Effect: 'Allow', Action: actions, Resource: '*' }]);
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 's3', PolicyDocument: s3Policy }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
    return r.Role!.Arn!;
  }

  async function userWithKey(name: string, policy: string): Promise<Credentials> {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  }

  /** The built CLI: `strongbox workload-token ...`, signed with `creds` (root by default). */
  const strongbox = (args: string[], creds?: Credentials): Promise<ProcessResult> =>
    run(process.execPath, [CLI, 'workload-token', ...args], { env: clientEnv(server, creds) });

  /** `create` for a profile: the exported variables, and the token id from the comment line. */
  async function createToken(profileName: string, creds?: Credentials) {
    const r = await strongbox(['create', '--instance-profile', profileName, '--description', 'test'], creds);
    assert.equal(r.code, 0, r.stderr);
    const vars: Record<string, string> = {};
    for (const m of r.stdout.matchAll(/^export (AWS_CONTAINER_\w+)=(.*)$/gm)) vars[m[1]] = m[2];
    const names = ['AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];
    assert.deepEqual(Object.keys(vars).sort(), names);
    const tokenId = /Workload token (wt-[a-z2-7]{17})/.exec(r.stdout)?.[1];
    assert.ok(tokenId, r.stdout);
    return { vars, tokenId };
  }

  /**
   * An app's environment: the container-credentials variables, region and endpoint, and nothing
   * else of AWS — no key, no profile, no config or credentials file, no instance metadata.
   */
  function appEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
    const nowhere = join(server.dataDir, '..', 'no-such-aws-file');
    return {
      ...env,
      ...vars,
      AWS_REGION: server.region,
      AWS_DEFAULT_REGION: server.region,
      AWS_CONFIG_FILE: nowhere,
      AWS_SHARED_CREDENTIALS_FILE: nowhere,
      AWS_EC2_METADATA_DISABLED: 'true',
      STRONGBOX_ENDPOINT: server.endpoint,
      BUCKET: bucket,
    };
  }

  const nodeApp = (env: NodeJS.ProcessEnv) =>
    run(process.execPath, ['--input-type=module', '-e', SDK_APP], { env, cwd: REPO_ROOT });
  const boto3App = (env: NodeJS.ProcessEnv) =>
    run(process.env.STRONGBOX_TEST_PYTHON ?? 'python3', ['-c', BOTO3_APP], { env });

  async function readObject(key: string): Promise<string> {
    const o = await s3Client(server).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return o.Body!.transformToString();
  }

  test('an AWS SDK v3 app and a boto3 app get the role session of the token, and write to S3', async () => {
    await profile('web-app');
    const { vars, tokenId } = await createToken('web-app');
    assert.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, `${server.endpoint}/_strongbox/workload-credentials`);
    assert.match(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, /^sbw_[A-Za-z0-9]{40}$/);
    const env = appEnv(vars);
    assert.equal(env.AWS_ACCESS_KEY_ID, undefined);
    const sessionArn = `arn:aws:sts::${account}:assumed-role/web-app/${tokenId}`;

    const node = await nodeApp(env);
    assert.equal(node.code, 0, node.stderr);
    const fromNode = JSON.parse(node.stdout) as { arn: string; buckets: string[] };
    assert.equal(fromNode.arn, sessionArn);
    assert.ok(fromNode.buckets.includes(bucket));
    assert.equal(await readObject('from-node'), 'hello from node');

    const py = await boto3App(env);
    assert.equal(py.code, 0, py.stderr);
    const fromPython = JSON.parse(py.stdout) as { arn: string; buckets: string[]; method: string };
    assert.equal(fromPython.arn, sessionArn);
    assert.equal(fromPython.method, 'container-role');
    assert.equal(await readObject('from-boto3'), 'hello from boto3');

    assert.ok(!server.logs().includes(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN), 'the token is never logged');
  });

  test('creating a token needs iam:PassRole on the role, for ec2.amazonaws.com', async () => {
    const roleArn = await profile('batch');
    const create = { Effect: 'Allow', Action: 'workloads:CreateWorkloadToken', Resource: '*' };
    const noPass = await userWithKey('no-pass', doc([create]));
    const refused = await strongbox(['create', '--instance-profile', 'batch'], noPass);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /AccessDeniedException/);

    const passTo = (service: string) => ({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: roleArn,
      Condition: { StringEquals: { 'iam:PassedToService': service } },
    });
    const passToLambda = passTo('lambda.amazonaws.com');
    const lambdaOnly = await userWithKey('pass-lambda', doc([create, passToLambda]));
    const toLambda = await strongbox(['create', '--instance-profile', 'batch'], lambdaOnly);
    assert.equal(toLambda.code, 1);
    assert.match(toLambda.stderr, /AccessDeniedException/);

    const passToEc2 = passTo('ec2.amazonaws.com');
    const allowed = await userWithKey('pass-ec2', doc([create, passToEc2]));
    await createToken('batch', allowed);

    const listed = await strongbox(['list'], allowed);
    assert.match(listed.stderr, /AccessDeniedException/, 'listing is its own permission');
  });

  test('a revoked token gets no credentials, and the SDK says why', async () => {
    await profile('revoked-app');
    const { vars, tokenId } = await createToken('revoked-app');
    const url = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    const headers = { Authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN };
    assert.equal((await fetch(url, { headers })).status, 200);

    const revoked = await strongbox(['revoke', tokenId]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((JSON.parse(revoked.stdout) as { WorkloadToken: { Status: string } }).WorkloadToken.Status, 'Revoked');
    const r = await fetch(url, { headers });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { Code: string }).Code, 'InvalidToken');

    const node = await nodeApp(appEnv(vars));
    assert.notEqual(node.code, 0);
    assert.match(node.stderr, /CredentialsProviderError|Could not load credentials/);
    const py = await boto3App(appEnv(vars));
    assert.notEqual(py.code, 0);
    assert.match(py.stderr, /401/);

    type Listed = { WorkloadTokens: { TokenId: string; Status: string }[] };
    const listed = JSON.parse((await strongbox(['list'])).stdout) as Listed;
    assert.equal(listed.WorkloadTokens.find((t) => t.TokenId === tokenId)?.Status, 'Revoked');
  });

  test('a role whose trust policy does not allow ec2.amazonaws.com gets no credentials', async () => {
    await profile('lambda-only', 'lambda.amazonaws.com');
    const { vars } = await createToken('lambda-only');
    const headers = { Authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN };
    const r = await fetch(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers });
    assert.equal(r.status, 403);
    assert.equal(((await r.json()) as { Code: string }).Code, 'AccessDenied');
  });

  test('an unknown token, or none, is refused; a signed request to the path is still S3', async () => {
    const url = `${server.endpoint}/_strongbox/workload-credentials`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { Authorization: `sbw_${'A'.repeat(40)}` } })).status, 401);
    const out = join(server.dataDir, '..', 'get-object-out');
    const getObject = ['s3api', 'get-object', '--bucket', '_strongbox', '--key', 'workload-credentials', out];
    const s3 = await run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--endpoint-url', server.endpoint, ...getObject], {
      env: clientEnv(server),
    });
    assert.notEqual(s3.code, 0);
    assert.match(s3.stderr, /NoSuchBucket|InvalidBucketName/);
  });
});

/** One GET on a new connection (so a server with workers hands each to the next worker): its status. */
function statusOnNewConnection(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { Authorization: token } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('workload credentials with --workers 2', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ extraArgs: ['--workers', '2'] });
  });
  after(async () => {
    await server?.stop();
  });

  test('every worker serves a token, and every worker refuses it once it is revoked', async () => {
    const iam = iamClient(server);
    await iam.send(new CreateRoleCommand({ RoleName: 'w', AssumeRolePolicyDocument: trusting('ec2.amazonaws.com') }));
    await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'w' }));
    await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'w', RoleName: 'w' }));
    const created = await run(process.execPath, [CLI, 'workload-token', 'create', '--instance-profile', 'w'], {
      env: clientEnv(server),
    });
    assert.equal(created.code, 0, created.stderr);
    const url = /AWS_CONTAINER_CREDENTIALS_FULL_URI=(\S+)/.exec(created.stdout)![1];
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)/.exec(created.stdout)![1];
    const tokenId = /(wt-[a-z2-7]{17})/.exec(created.stdout)![1];
    const statuses = async () => Promise.all(Array.from({ length: 6 }, () => statusOnNewConnection(url, token)));
    assert.deepEqual(await statuses(), [200, 200, 200, 200, 200, 200]);
    const revoked = await run(process.execPath, [CLI, 'workload-token', 'revoke', tokenId], { env: clientEnv(server) });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(await statuses(), [401, 401, 401, 401, 401, 401]);
  });
});
