/**
 * What an organization changes on requests, with real clients: cross-account AssumeRole into a member
 * account's OrganizationAccountAccessRole (and a role that trusts the management account, which the
 * caller's own policies must also allow), SCPs that deny a member account's users and even its root
 * (an AssumeRoot session), AssumeRoot with a task policy, OpenID Connect federation (the aws CLI's
 * `web_identity_token_file` profile; HS256 and `none` tokens refused), and an RCP that refuses web
 * identities from outside the organization.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  DescribeCreateAccountStatusCommand,
  DetachPolicyCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  EnableOrganizationsRootSessionsCommand,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, AssumeRootCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { awsCli, clientEnv, iamClient, run, s3Client, startServer, stsClient, uniqueName, type Credentials, type TestServer } from './harness.js';
import { OidcIssuer } from './oidc-issuer.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const credsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Credentials => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

describe('organizations: SCPs, RCPs, cross-account roles, AssumeRoot, web identity', () => {
  let server: TestServer;
  let orgs: OrganizationsClient;
  let iam: IAMClient;
  let management = '';
  let member = '';
  let rootId = '';
  let memberAdmin: Credentials;
  const issuer = new OidcIssuer();

  before(async () => {
    server = await startServer();
    await issuer.start();
    orgs = new OrganizationsClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: server.root, maxAttempts: 1 });
    iam = iamClient(server);
    management = (await stsClient(server).send(new GetCallerIdentityCommand({}))).Account!;
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    rootId = (await orgs.send(new ListRootsCommand({}))).Roots![0].Id!;
    await orgs.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
    await orgs.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
    const created = await orgs.send(new CreateAccountCommand({ Email: 'dev@example.com', AccountName: 'dev' }));
    const status = await orgs.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus!.Id! }));
    assert.equal(status.CreateAccountStatus!.State, 'SUCCEEDED');
    member = status.CreateAccountStatus!.AccountId!;
    // How an administrator reaches a new member account: assume its OrganizationAccountAccessRole.
    const assumed = await stsClient(server).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'admin' }));
    memberAdmin = credsOf(assumed.Credentials);
  });
  after(async () => {
    await issuer.stop();
    await server?.stop();
  });

  test('the management account reaches the member through OrganizationAccountAccessRole (aws sts assume-role)', async () => {
    const r = await awsCli(server, ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, '--role-session-name', 'cli', '--output', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { AssumedRoleUser: { Arn: string } };
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${member}:assumed-role/OrganizationAccountAccessRole/cli`);
    const who = await stsClient(server, memberAdmin).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, member);
  });

  test('cross-account AssumeRole needs the trust policy and the caller’s own identity policy', async () => {
    const memberIam = iamClient(server, memberAdmin);
    const roleName = uniqueName('from-mgmt');
    await memberIam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${management}:root` }, Action: 'sts:AssumeRole' }]) }));
    const roleArn = `arn:aws:iam::${member}:role/${roleName}`;
    const user = async (name: string, policy?: string): Promise<Credentials> => {
      await iam.send(new CreateUserCommand({ UserName: name }));
      if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
      const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    };
    const allowed = await user(uniqueName('hopper'), doc([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }]));
    const plain = await user(uniqueName('plain'));
    const out = await stsClient(server, allowed).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1' }));
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${member}:assumed-role/${roleName}/x1`);
    await assert.rejects(stsClient(server, plain).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x2' })), { name: 'AccessDenied' });
  });

  test('an SCP denies the member account’s users, whatever their policies; detached, they are allowed again', async () => {
    const memberIam = iamClient(server, memberAdmin);
    const name = uniqueName('member-admin');
    await memberIam.send(new CreateUserCommand({ UserName: name }));
    await memberIam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'admin', PolicyDocument: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }));
    const k = (await memberIam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const alice = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    await s3Client(server, alice).send(new CreateBucketCommand({ Bucket: uniqueName('before-scp') }));
    const scp = await orgs.send(new CreatePolicyCommand({ Name: uniqueName('no-buckets'), Type: 'SERVICE_CONTROL_POLICY', Description: 'no new buckets', Content: doc([{ Effect: 'Deny', Action: 's3:CreateBucket', Resource: '*' }]) }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: member }));
    await assert.rejects(s3Client(server, alice).send(new CreateBucketCommand({ Bucket: uniqueName('after-scp') })), { name: 'AccessDenied' });
    await assert.rejects(s3Client(server, memberAdmin).send(new CreateBucketCommand({ Bucket: uniqueName('after-scp') })), { name: 'AccessDenied' });
    await s3Client(server, alice).send(new ListBucketsCommand({}));
    // SCPs never apply to the management account.
    await s3Client(server).send(new CreateBucketCommand({ Bucket: uniqueName('mgmt') }));
    await orgs.send(new DetachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: member }));
    await s3Client(server, alice).send(new CreateBucketCommand({ Bucket: uniqueName('after-detach') }));
  });

  test('AssumeRoot with a task policy: a 15-minute root session limited to the task, and subject to SCPs', async () => {
    await orgs.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'iam.amazonaws.com' }));
    await iam.send(new EnableOrganizationsRootSessionsCommand({}));
    const task = { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' };
    const out = await stsClient(server).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: task, DurationSeconds: 900 }));
    assert.ok(out.Credentials!.Expiration!.getTime() - Date.now() <= 900_000 + 5_000);
    const rootSession = credsOf(out.Credentials);
    assert.equal((await stsClient(server, rootSession).send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::${member}:root`);
    await iamClient(server, rootSession).send(new ListAccessKeysCommand({}));
    await assert.rejects(iamClient(server, rootSession).send(new CreateUserCommand({ UserName: uniqueName('nope') })), { name: 'AccessDenied' });
    await assert.rejects(stsClient(server).send(new AssumeRootCommand({ TargetPrincipal: member, TaskPolicyArn: task, DurationSeconds: 901 })), { name: 'ValidationError' });
    // An SCP binds the member account's root too.
    const scp = await orgs.send(new CreatePolicyCommand({ Name: uniqueName('no-key-audit'), Type: 'SERVICE_CONTROL_POLICY', Description: 'x', Content: doc([{ Effect: 'Deny', Action: 'iam:ListAccessKeys', Resource: '*' }]) }));
    await orgs.send(new AttachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: member }));
    try {
      await assert.rejects(iamClient(server, rootSession).send(new ListAccessKeysCommand({})), { name: 'AccessDenied' });
    } finally {
      await orgs.send(new DetachPolicyCommand({ PolicyId: scp.Policy!.PolicySummary!.Id!, TargetId: member }));
    }
  });

  test('web identity federation: the CLI’s web_identity_token_file profile; HS256 and none refused; an RCP keeps outsiders out', async (t) => {
    const memberIam = iamClient(server, memberAdmin);
    const provider = await memberIam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ['sts.amazonaws.com'] }));
    const host = issuer.providerUrl;
    const roleName = uniqueName('ci');
    await memberIam.send(
      new CreateRoleCommand({
        RoleName: roleName,
        AssumeRolePolicyDocument: doc([
          {
            Effect: 'Allow',
            Principal: { Federated: provider.OpenIDConnectProviderArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${host}:sub`]: 'repo:acme/*' } },
          },
        ]),
      }),
    );
    await memberIam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'p', PolicyDocument: doc([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }]) }));
    const roleArn = `arn:aws:iam::${member}:role/${roleName}`;
    const sts = stsClient(server, { accessKeyId: 'unused', secretAccessKey: 'unused' });
    const token = issuer.sign(issuer.claims({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' }));
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'gh', WebIdentityToken: token }));
    assert.equal(out.SubjectFromWebIdentityToken, 'repo:acme/app');
    assert.equal(out.AssumedRoleUser!.Arn, `arn:aws:sts::${member}:assumed-role/${roleName}/gh`);
    await s3Client(server, credsOf(out.Credentials)).send(new ListBucketsCommand({}));
    const refused = async (tok: string) => {
      try {
        await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'gh', WebIdentityToken: tok }));
        return 'accepted';
      } catch (e) {
        return (e as { name: string }).name;
      }
    };
    assert.equal(await refused(issuer.hs256Token(issuer.claims({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' }), 'secret')), 'InvalidIdentityTokenException');
    assert.equal(await refused(issuer.noneToken(issuer.claims({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' }))), 'InvalidIdentityTokenException');
    assert.equal(await refused(issuer.sign(issuer.claims({ sub: 'repo:other/app', aud: 'sts.amazonaws.com' }))), 'AccessDenied');

    // The aws CLI: a profile with role_arn + web_identity_token_file (needs AWS_ENDPOINT_URL support).
    const version = await run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--version']);
    const modern = /botocore\/1\.(3[1-9]|[4-9]\d)|aws-cli\/2\.(1[3-9]|[2-9]\d)/.test(version.stdout + version.stderr);
    if (modern) {
      const dir = join(server.dataDir, '..');
      const tokenFile = join(dir, `${roleName}.jwt`);
      writeFileSync(tokenFile, token);
      writeFileSync(join(dir, `${roleName}.config`), `[profile ci]\nregion = us-east-1\nrole_arn = ${roleArn}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = cli\n`);
      const env: NodeJS.ProcessEnv = { ...clientEnv(server), AWS_CONFIG_FILE: join(dir, `${roleName}.config`), AWS_ENDPOINT_URL: server.endpoint, HOME: dir };
      delete env.AWS_ACCESS_KEY_ID;
      delete env.AWS_SECRET_ACCESS_KEY;
      const who = await run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['sts', 'get-caller-identity', '--profile', 'ci', '--output', 'json'], { env });
      assert.equal(who.code, 0, who.stderr);
      assert.equal(JSON.parse(who.stdout).Arn, `arn:aws:sts::${member}:assumed-role/${roleName}/cli`);
    }

    // An RCP that refuses principals outside the organization also refuses web identities.
    const rcp = await orgs.send(
      new CreatePolicyCommand({
        Name: uniqueName('org-only'),
        Type: 'RESOURCE_CONTROL_POLICY',
        Description: 'only principals of the organization',
        Content: doc([
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:*',
            Resource: '*',
            Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': (await orgs.send(new ListRootsCommand({}))).Roots![0].Arn!.split('/')[1] }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
          },
        ]),
      }),
    );
    await orgs.send(new AttachPolicyCommand({ PolicyId: rcp.Policy!.PolicySummary!.Id!, TargetId: member }));
    try {
      assert.equal(await refused(issuer.sign(issuer.claims({ sub: 'repo:acme/app', aud: 'sts.amazonaws.com' }))), 'AccessDenied');
      // Principals of the organization still get in.
      await stsClient(server).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'inside' }));
    } finally {
      await orgs.send(new DetachPolicyCommand({ PolicyId: rcp.Policy!.PolicySummary!.Id!, TargetId: member }));
    }
    if (!modern) t.diagnostic('the aws CLI predates AWS_ENDPOINT_URL: its web_identity_token_file profile was not exercised');
  });
});
