/**
 * Bucket policies end to end with the real clients: the aws CLI (`s3api put-bucket-policy --policy
 * file://…`, get-bucket-policy, get-bucket-policy-status, delete-bucket-policy), boto3 and the AWS SDK
 * v3, against the real server: S3's validation errors, NoSuchBucketPolicy, Block Public Access's
 * BlockPublicPolicy, IsPublic on AWS's documented examples, the owner root's lock-out recovery, the
 * bucket owner's account rule, and unimplemented operations authorized before they answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  awsCli,
  iamClient,
  python,
  s3Client,
  startServer,
  uniqueName,
  type Credentials,
  type TestServer,
} from './harness.js';

type Statement = Record<string, unknown>;
const doc = (statements: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const both = (b: string) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`];

describe('bucket policies with the aws CLI, boto3 and the SDK v3', () => {
  let server: TestServer;
  let work: string;
  let iam: IAMClient;
  let root: S3Client;
  let account: string;

  before(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'strongbox-bucket-policy-'));
    iam = iamClient(server);
    root = s3Client(server);
    const identity = await awsCli(server, ['sts', 'get-caller-identity', '--output', 'json']);
    account = JSON.parse(identity.stdout).Account as string;
  });
  after(async () => {
    root?.destroy();
    iam?.destroy();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Runs the CLI; the parsed JSON output, or the error code it printed. */
  async function cli(args: string[]): Promise<{ ok: true; out: Record<string, unknown> } | { ok: false; code: string }> {
    const r = await awsCli(server, [...args, '--output', 'json']);
    if (r.code !== 0) return { ok: false, code: /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr };
    return { ok: true, out: r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>) };
  }
  async function cliOk(args: string[]): Promise<Record<string, unknown>> {
    const r = await cli(args);
    assert.ok(r.ok, `aws ${args.join(' ')}: ${r.ok ? '' : r.code}`);
    return r.out;
  }
  async function cliCode(args: string[]): Promise<string> {
    const r = await cli(args);
    assert.ok(!r.ok, `expected aws ${args.join(' ')} to fail`);
    return r.code;
  }
  function policyFile(text: string): string {
    const file = join(work, `${uniqueName('policy')}.json`);
    writeFileSync(file, text);
    return `file://${file}`;
  }
  const putPolicy = (b: string, text: string) =>
    cli(['s3api', 'put-bucket-policy', '--bucket', b, '--policy', policyFile(text)]);
  async function isPublic(b: string): Promise<boolean> {
    const out = await cliOk(['s3api', 'get-bucket-policy-status', '--bucket', b]);
    return (out.PolicyStatus as { IsPublic: boolean }).IsPublic;
  }
  async function newBucket(options: { publicAccessBlock: 'on' | 'off' } = { publicAccessBlock: 'on' }): Promise<string> {
    const b = uniqueName('bp');
    await cliOk(['s3api', 'create-bucket', '--bucket', b]);
    if (options.publicAccessBlock === 'off') await cliOk(['s3api', 'delete-public-access-block', '--bucket', b]);
    return b;
  }
  async function user(statements: Statement[]): Promise<{ arn: string; creds: Credentials }> {
    const name = uniqueName('bpuser');
    const created = await iam.send(new CreateUserCommand({ UserName: name }));
    if (statements.length > 0) {
      await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: doc(statements) }));
    }
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
    assert.ok(key?.AccessKeyId && key.SecretAccessKey && created.User?.Arn);
    return { arn: created.User.Arn, creds: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } };
  }

  test('CLI: put, get, status, delete; MalformedPolicy; NoSuchBucketPolicy', async () => {
    const b = await newBucket();
    assert.equal(await cliCode(['s3api', 'get-bucket-policy', '--bucket', b]), 'NoSuchBucketPolicy');
    assert.equal(await cliCode(['s3api', 'get-bucket-policy-status', '--bucket', b]), 'NoSuchBucketPolicy');
    const read = { Effect: 'Allow', Principal: { AWS: account }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` };
    const grant = (extra: Statement) => doc([{ ...read, ...extra }]);
    const bad: [string, Statement][] = [
      ['principal', { Principal: { AWS: 'AKIAIOSFODNN7EXAMPLE' } }],
      ['action', { Action: 's3:GetObjekt' }],
      ['resource', { Resource: 'arn:aws:s3:::some-other-bucket/*' }],
      ['unknown user', { Principal: { AWS: `arn:aws:iam::${account}:user/${uniqueName('ghost')}` } }],
      ['unknown account', { Principal: { AWS: '999988887777' } }],
    ];
    for (const [what, extra] of bad) {
      const r = await putPolicy(b, grant(extra));
      assert.ok(!r.ok && r.code === 'MalformedPolicy', `${what}: ${r.ok ? 'accepted' : r.code}`);
    }
    const text = grant({ Sid: 'AccountRead' });
    const put = await putPolicy(b, text);
    assert.ok(put.ok);
    assert.equal((await cliOk(['s3api', 'get-bucket-policy', '--bucket', b])).Policy, text);
    assert.equal(await isPublic(b), false);
    await cliOk(['s3api', 'delete-bucket-policy', '--bucket', b]);
    assert.equal(await cliCode(['s3api', 'get-bucket-policy', '--bucket', b]), 'NoSuchBucketPolicy');
  });

  test("CLI: BlockPublicPolicy refuses a public policy; with it off, IsPublic on AWS's examples", async () => {
    const blocked = await newBucket();
    const everyone = (b: string, action: string, extra: Statement = {}) =>
      ({ Effect: 'Allow', Principal: '*', Action: action, Resource: `arn:aws:s3:::${b}/*`, ...extra });
    const publicRead = (b: string) => doc([everyone(b, 's3:GetObject', { Sid: 'PublicReadGetObject' })]);
    const when = (operator: string, key: string, value: string) => ({ Condition: { [operator]: { [key]: value } } });
    const refused = await putPolicy(blocked, publicRead(blocked));
    assert.ok(!refused.ok && refused.code === 'AccessDenied', refused.ok ? 'accepted' : refused.code);

    const b = await newBucket({ publicAccessBlock: 'off' });
    const examples: [string, string, boolean][] = [
      ['public read', publicRead(b), true],
      ['wildcard aws:SourceVpc', doc([everyone(b, 's3:PutObject', when('StringLike', 'aws:SourceVpc', 'vpc-*'))]), true],
      ['fixed aws:SourceVpc', doc([everyone(b, 's3:PutObject', when('StringEquals', 'aws:SourceVpc', 'vpc-91237329'))]), false],
      ['service and account', doc([
        everyone(b, 's3:PutObject', { Principal: { Service: 'cloudtrail.amazonaws.com' } }),
        { Effect: 'Allow', Principal: { AWS: account }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` },
      ]), false],
      ['broad aws:SourceIp', doc([everyone(b, 's3:GetObject', when('IpAddress', 'aws:SourceIp', '0.0.0.0/1'))]), true],
      ['narrow aws:SourceIp', doc([everyone(b, 's3:GetObject', when('IpAddress', 'aws:SourceIp', '192.0.2.0/24'))]), false],
    ];
    for (const [name, text, expected] of examples) {
      const r = await putPolicy(b, text);
      assert.ok(r.ok, `${name}: ${r.ok ? '' : r.code}`);
      assert.equal(await isPublic(b), expected, name);
    }
  });

  test('boto3: an existing user as principal, an unknown one refused, status, delete, anonymous callers refused', async () => {
    const b = await newBucket({ publicAccessBlock: 'off' });
    const alice = await user([]);
    const script = `
import json, os, sys, boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
ep = os.environ["STRONGBOX_ENDPOINT"]
cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=ep, config=cfg)
anon = boto3.client("s3", endpoint_url=ep, config=cfg.merge(Config(signature_version=UNSIGNED)))
bucket, alice, account = sys.argv[1], sys.argv[2], sys.argv[3]
def code(f):
    try:
        f()
        return "OK"
    except ClientError as e:
        return e.response["Error"]["Code"]
def policy(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "s3:*",
        "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"]}]})
out = {}
out["existing_user"] = code(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=policy({"AWS": alice})))
out["ghost_user"] = code(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=policy({"AWS": alice + "-ghost"})))
out["public_before"] = s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"]
out["everyone"] = code(lambda: s3.put_bucket_policy(Bucket=bucket, Policy=policy("*")))
out["public_after"] = s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"]
out["anon_put"] = code(lambda: anon.put_bucket_policy(Bucket=bucket, Policy=policy({"AWS": account})))
out["anon_get"] = code(lambda: anon.get_bucket_policy(Bucket=bucket))
out["anon_delete"] = code(lambda: anon.delete_bucket_policy(Bucket=bucket))
out["unchanged"] = s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy("*")
out["delete"] = code(lambda: s3.delete_bucket_policy(Bucket=bucket))
out["after_delete"] = code(lambda: s3.get_bucket_policy(Bucket=bucket))
print(json.dumps(out))
`;
    const r = await python(server, script, { args: [b, alice.arn, account] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop() as string), {
      existing_user: 'OK',
      ghost_user: 'MalformedPolicy',
      public_before: false,
      everyone: 'OK',
      public_after: true,
      anon_put: 'MethodNotAllowed',
      anon_get: 'MethodNotAllowed',
      anon_delete: 'MethodNotAllowed',
      unchanged: true,
      delete: 'OK',
      after_delete: 'NoSuchBucketPolicy',
    });
  });

  test('SDK v3: a user with s3:* locked out by a role-only policy; the root deletes it, the user is back', async () => {
    const b = await newBucket();
    const admin = await user([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    const s3 = s3Client(server, admin.creds);
    try {
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
      const roleOnly = doc([
        { Sid: 'OnlyTheRole', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: both(b),
          Condition: { StringNotLike: { 'aws:userId': ['AROAEXAMPLEROLEID0001:*', account] } } },
      ]);
      // The user writes the policy that locks everyone else (itself included) out.
      await s3.send(new PutBucketPolicyCommand({ Bucket: b, Policy: roleOnly }));
      for (const send of [
        () => s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' })),
        () => s3.send(new GetBucketPolicyCommand({ Bucket: b })),
        () => s3.send(new DeleteBucketPolicyCommand({ Bucket: b })),
      ]) {
        await assert.rejects(send(), (e: unknown) => e instanceof S3ServiceException && e.name === 'AccessDenied');
      }
      assert.equal((await root.send(new GetBucketPolicyCommand({ Bucket: b }))).Policy, roleOnly);
      await root.send(new DeleteBucketPolicyCommand({ Bucket: b }));
      assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: b, Key: 'k' }))).Body?.transformToString(), 'x');
    } finally {
      s3.destroy();
    }
  });

  test('SDK v3: an unimplemented operation answers AccessDenied before NotImplemented', async () => {
    const b = uniqueName('bp-ni');
    await root.send(new CreateBucketCommand({ Bucket: b }));
    const nobody = await user([]);
    const s3 = s3Client(server, nobody.creds);
    try {
      const codeOf = (c: S3Client) =>
        c.send(new GetBucketReplicationCommand({ Bucket: b })).then(() => 'OK', (e: Error) => e.name);
      assert.equal(await codeOf(s3), 'AccessDenied');
      assert.equal(await codeOf(root), 'NotImplemented');
    } finally {
      s3.destroy();
    }
  });
});
