/**
 * Roles and STS with real clients against the real server: the aws CLI's role profiles
 * (`role_arn` + `source_profile`, `mfa_serial` with the code typed at its prompt), boto3 and the AWS
 * SDK v3. Covers assuming, chaining (1 h cap), trust-policy denial (also for a user whose own policy
 * allows sts:AssumeRole on *), ExternalId, session policies, an MFA-gated bucket deletion through a
 * role whose trust requires MFA, and a permissions boundary cutting AdministratorAccess down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  IAMClient,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, DecodeAuthorizationMessageCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { base32Decode, stepOf, totpCode } from '../../src/crypto/totp.js';
import { awsCli, clientEnv, iamClient, python, run, s3Client, startServer, stsClient, uniqueName, type Credentials, type TestServer } from './harness.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The CLI's role profiles need it to send STS to the server too: AWS_ENDPOINT_URL (botocore >= 1.31). */
async function cliHonoursEndpointEnv(): Promise<boolean> {
  const r = await run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--version']);
  const m = /botocore\/(\d+)\.(\d+)|aws-cli\/2\.(\d+)/.exec(r.stdout + r.stderr);
  if (!m) return false;
  return m[1] !== undefined ? Number(m[1]) > 1 || Number(m[2]) >= 31 : Number(m[3]) >= 13;
}

describe('roles and STS with the aws CLI, boto3 and the SDK', () => {
  let server: TestServer;
  let iam: IAMClient;
  let account = '';
  before(async () => {
    server = await startServer();
    iam = iamClient(server);
    account = (await stsClient(server).send(new GetCallerIdentityCommand({}))).Account ?? '';
  });
  after(async () => {
    await server?.stop();
  });

  async function userWithKey(name: string, policy?: string): Promise<Credentials & { arn: string }> {
    const u = await iam.send(new CreateUserCommand({ UserName: name }));
    if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey!, arn: u.User!.Arn! };
  }

  async function role(name: string, trust: string, permissions: string): Promise<string> {
    const r = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200 }));
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: permissions }));
    return r.Role!.Arn!;
  }

  /** A CLI environment with a config file of profiles and a credentials file, and no key in the environment. */
  function profileEnv(profiles: string, credentials: string): NodeJS.ProcessEnv {
    const dir = join(server.dataDir, '..');
    const tag = uniqueName('p');
    writeFileSync(join(dir, `${tag}-config`), profiles);
    writeFileSync(join(dir, `${tag}-credentials`), credentials);
    const env: NodeJS.ProcessEnv = { ...clientEnv(server), AWS_CONFIG_FILE: join(dir, `${tag}-config`), AWS_SHARED_CREDENTIALS_FILE: join(dir, `${tag}-credentials`), AWS_ENDPOINT_URL: server.endpoint, HOME: dir };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    return env;
  }

  const aws = (env: NodeJS.ProcessEnv, args: string[], input?: string) => run(process.env.STRONGBOX_TEST_AWS ?? 'aws', args, { env, input });

  test('aws CLI: a role profile with source_profile assumes the role; its policies apply, nothing more', async (t) => {
    if (!(await cliHonoursEndpointEnv())) return t.skip('this aws CLI predates AWS_ENDPOINT_URL (botocore 1.31 / CLI 2.13): its role profiles cannot reach a custom STS endpoint');
    const dev = await userWithKey(uniqueName('dev'));
    const bucket = uniqueName('role-bucket');
    const roleArn = await role(uniqueName('app'), doc([{ Effect: 'Allow', Principal: { AWS: dev.arn }, Action: 'sts:AssumeRole' }]), doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const env = profileEnv(
      `[profile dev]\nregion = us-east-1\n[profile app]\nregion = us-east-1\nrole_arn = ${roleArn}\nsource_profile = dev\nrole_session_name = cli-test\n`,
      `[dev]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n`,
    );
    const who = await aws(env, ['sts', 'get-caller-identity', '--profile', 'app', '--output', 'json']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(JSON.parse(who.stdout).Arn, `arn:aws:sts::${account}:assumed-role/${roleArn.split('/').pop()}/cli-test`);
    assert.equal((await aws(env, ['s3', 'mb', `s3://${bucket}`, '--profile', 'app'])).code, 0);
    const denied = await aws(env, ['iam', 'list-users', '--profile', 'app']);
    assert.match(denied.stderr, /\(AccessDenied\)/);
    // The source profile alone has no S3 permission at all.
    assert.match((await aws(env, ['s3api', 'list-buckets', '--profile', 'dev'])).stderr, /\(AccessDenied\)/);
  });

  test('trust policy: a user it does not name is refused even with sts:AssumeRole on *; ExternalId is enforced', async () => {
    const trusted = await userWithKey(uniqueName('trusted'));
    const other = await userWithKey(uniqueName('other'), doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]));
    const roleArn = await role(
      uniqueName('vendor'),
      doc([{ Effect: 'Allow', Principal: { AWS: trusted.arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'unique-42' } } }]),
      doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]),
    );
    const code = async (creds: Credentials, input: { ExternalId?: string }) => {
      try {
        await stsClient(server, creds).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1', ...input }));
        return 'ok';
      } catch (e) {
        return (e as { name: string }).name;
      }
    };
    assert.equal(await code(other, { ExternalId: 'unique-42' }), 'AccessDenied');
    assert.equal(await code(trusted, {}), 'AccessDenied');
    assert.equal(await code(trusted, { ExternalId: 'wrong-1' }), 'AccessDenied');
    assert.equal(await code(trusted, { ExternalId: 'unique-42' }), 'ok');
    assert.equal(await code(trusted, { ExternalId: 'unique-42' }), 'ok');
  });

  test('SDK v3: chaining caps the session at an hour; a session policy narrows the role', async () => {
    const dev = await userWithKey(uniqueName('chain'));
    const roleArn = await role(uniqueName('chained'), doc([{ Effect: 'Allow', Principal: { AWS: [dev.arn, `arn:aws:iam::${account}:root`] }, Action: 'sts:AssumeRole' }]), doc([{ Effect: 'Allow', Action: ['s3:*', 'sts:AssumeRole'], Resource: '*' }]));
    const first = (await stsClient(server, dev).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'first', DurationSeconds: 7200 }))).Credentials!;
    const session: Credentials = { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey!, sessionToken: first.SessionToken! };
    await assert.rejects(stsClient(server, session).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'second', DurationSeconds: 7200 })), { name: 'ValidationError' });
    const narrowed = (
      await stsClient(server, session).send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'second', DurationSeconds: 3600, Policy: doc([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListAllMyBuckets'], Resource: '*' }]) }),
      )
    ).Credentials!;
    const narrowS3 = s3Client(server, { accessKeyId: narrowed.AccessKeyId!, secretAccessKey: narrowed.SecretAccessKey!, sessionToken: narrowed.SessionToken! });
    const bucket = uniqueName('narrow');
    await s3Client(server, session).send(new CreateBucketCommand({ Bucket: bucket }));
    await s3Client(server, session).send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'v' }));
    assert.equal(await (await narrowS3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).Body!.transformToString(), 'v');
    await assert.rejects(narrowS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k2', Body: 'v' })), { name: 'AccessDenied' });
    assert.ok((await narrowS3.send(new ListBucketsCommand({}))).Buckets!.some((b) => b.Name === bucket));
  });

  test('boto3: assume_role with tags and source identity; get_caller_identity as the session', async () => {
    const dev = await userWithKey(uniqueName('py'));
    const roleArn = await role(
      uniqueName('pyrole'),
      doc([{ Effect: 'Allow', Principal: { AWS: dev.arn }, Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'] }]),
      doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red', 'aws:SourceIdentity': 'alice' } } }]),
    );
    const r = await python(
      server,
      `
import boto3, os, json
e = os.environ["STRONGBOX_ENDPOINT"]
sts = boto3.client("sts", endpoint_url=e)
out = sts.assume_role(RoleArn="${roleArn}", RoleSessionName="py", Tags=[{"Key": "team", "Value": "red"}], SourceIdentity="alice")
c = out["Credentials"]
s = boto3.Session(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
me = s.client("sts", endpoint_url=e).get_caller_identity()
s.client("s3", endpoint_url=e).list_buckets()
print(json.dumps({"arn": me["Arn"], "packed": out["PackedPolicySize"], "source": out["SourceIdentity"]}))
`,
      { creds: dev },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { arn: string; packed: number; source: string };
    assert.match(out.arn, /:assumed-role\/pyrole-[0-9a-f]+\/py$/);
    assert.equal(out.source, 'alice');
    assert.ok(out.packed > 0 && out.packed <= 100);
  });

  test('MFA: deleting a bucket takes a role whose trust requires MFA; the CLI asks for the code (mfa_serial)', async (t) => {
    const admin = await userWithKey(uniqueName('mfa-user'), doc([{ Effect: 'Allow', Action: ['s3:CreateBucket', 's3:ListAllMyBuckets'], Resource: '*' }]));
    const name = admin.arn.split('/').pop()!;
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${name}-phone` }));
    const seed = Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString('utf8');
    const seedBytes = base32Decode(seed);
    const now = stepOf(new Date());
    await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: device.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: totpCode(seedBytes, now - 2), AuthenticationCode2: totpCode(seedBytes, now - 1) }));
    const serial = device.VirtualMFADevice!.SerialNumber!;
    const roleArn = await role(
      uniqueName('deleter'),
      doc([{ Effect: 'Allow', Principal: { AWS: admin.arn }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }]),
      doc([{ Effect: 'Allow', Action: 's3:DeleteBucket', Resource: '*' }]),
    );
    const bucket = uniqueName('precious');
    await s3Client(server, admin).send(new CreateBucketCommand({ Bucket: bucket }));
    // Without MFA the role cannot be assumed.
    await assert.rejects(stsClient(server, admin).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'nomfa' })), { name: 'AccessDenied' });
    if (!(await cliHonoursEndpointEnv())) return t.skip('this aws CLI predates AWS_ENDPOINT_URL: the mfa_serial profile cannot reach a custom STS endpoint');
    const env = profileEnv(
      `[profile admin]\nregion = us-east-1\n[profile deleter]\nregion = us-east-1\nrole_arn = ${roleArn}\nsource_profile = admin\nmfa_serial = ${serial}\n`,
      `[admin]\naws_access_key_id = ${admin.accessKeyId}\naws_secret_access_key = ${admin.secretAccessKey}\n`,
    );
    // The admin itself may not delete the bucket; the MFA role may.
    assert.match((await aws(env, ['s3api', 'delete-bucket', '--bucket', bucket, '--profile', 'admin'])).stderr, /\(AccessDenied\)/);
    const code = totpCode(seedBytes, stepOf(new Date()));
    const deleted = await aws(env, ['s3api', 'delete-bucket', '--bucket', bucket, '--profile', 'deleter'], `${code}\n`);
    assert.equal(deleted.code, 0, deleted.stderr);
    // The same code is never accepted twice.
    await assert.rejects(stsClient(server, admin).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'again', SerialNumber: serial, TokenCode: code })), { name: 'AccessDenied' });
  });

  test('a permissions boundary cuts AdministratorAccess down to what it allows', async () => {
    const name = uniqueName('bounded');
    const user = await userWithKey(name);
    await iam.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' }));
    const s3 = s3Client(server, user);
    await s3.send(new ListBucketsCommand({}));
    await assert.rejects(s3.send(new CreateBucketCommand({ Bucket: uniqueName('nope') })), { name: 'AccessDenied' });
    await assert.rejects(iamClient(server, user).send(new CreateUserCommand({ UserName: uniqueName('x') })), { name: 'AccessDenied' });
  });

  test('a role with AdministratorAccess attached and a boundary: its sessions are bounded too', async () => {
    const dev = await userWithKey(uniqueName('b-dev'));
    const name = uniqueName('b-role');
    const r = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: dev.arn }, Action: 'sts:AssumeRole' }]),
        PermissionsBoundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    const c = (await stsClient(server, dev).send(new AssumeRoleCommand({ RoleArn: r.Role!.Arn!, RoleSessionName: 'bounded' }))).Credentials!;
    const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    await s3Client(server, session).send(new ListBucketsCommand({}));
    await assert.rejects(s3Client(server, session).send(new CreateBucketCommand({ Bucket: uniqueName('nope') })), { name: 'AccessDenied' });
  });

  test('a denial’s log line carries an encoded authorization message that sts decode-authorization-message opens', async () => {
    const name = uniqueName('denied');
    const denied = await userWithKey(name);
    await assert.rejects(iamClient(server, denied).send(new CreateUserCommand({ UserName: uniqueName('x') })), { name: 'AccessDenied' });
    const line = await eventually(() => server.logs().split('\n').find((l) => l.includes('"encodedAuthorizationMessage"') && l.includes(`user/${name}`)));
    const encoded = (JSON.parse(line) as { encodedAuthorizationMessage: string }).encodedAuthorizationMessage;
    // The caller itself may not decode it; root may.
    await assert.rejects(stsClient(server, denied).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded })), { name: 'AccessDenied' });
    const r = await awsCli(server, ['sts', 'decode-authorization-message', '--encoded-message', encoded, '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const decoded = JSON.parse((JSON.parse(r.stdout) as { DecodedMessage: string }).DecodedMessage) as { allowed: boolean; explicitDeny: boolean; context: { action: string; principal: { arn: string } } };
    assert.equal(decoded.allowed, false);
    assert.equal(decoded.explicitDeny, false);
    assert.equal(decoded.context.action, 'iam:CreateUser');
    assert.equal(decoded.context.principal.arn, denied.arn);
    await assert.rejects(stsClient(server).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded.slice(0, -6) + 'AAAAA=' })), { name: 'InvalidAuthorizationMessageException' });
  });

  test('a request that fails authentication is answered in its own service’s protocol (SDKs parse the code)', async () => {
    const wrongRegion = { endpoint: server.endpoint, region: 'mars-1', credentials: server.root, maxAttempts: 1 };
    await assert.rejects(new IAMClient(wrongRegion).send(new ListUsersCommand({})), { name: 'SignatureDoesNotMatch' });
    await assert.rejects(new STSClient(wrongRegion).send(new GetCallerIdentityCommand({})), { name: 'SignatureDoesNotMatch' });
    await assert.rejects(new OrganizationsClient(wrongRegion).send(new DescribeOrganizationCommand({})), { name: 'InvalidSignatureException' });
    const unknownKey = { ...wrongRegion, region: 'us-east-1', credentials: { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) } };
    await assert.rejects(new IAMClient(unknownKey).send(new ListUsersCommand({})), { name: 'InvalidClientTokenId' });
    await assert.rejects(new OrganizationsClient(unknownKey).send(new DescribeOrganizationCommand({})), { name: 'UnrecognizedClientException' });
  });
});

/** Polls until `f` returns a value (log lines are written asynchronously). */
async function eventually<T>(f: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
