import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand as CreateScpCommand,
  DescribeCreateAccountStatusCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  OrganizationsClient,
  type CreateAccountStatus,
} from '@aws-sdk/client-organizations';
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { send } from './http-client.js';
import { benchPolicies, type PolicyDocument } from './iam-user.js';
import { createBucket, prepareSmallObjects, type SmallObjectFixture, type TargetAccess } from './small-object.js';
import { RequestSigner, type Credentials } from './signer.js';

/** A header-signed request is good for 15 minutes: the session must outlive every request signed with it. */
export const SIGNATURE_LIFETIME_SECONDS = 15 * 60;

/** bench-reader's sessions: a role chain (OrganizationAccountAccessRole → bench-reader) lasts one hour at most. */
export const ROLE_SESSION_SECONDS = 3600;

export const ROLE_NAME = 'bench-reader';

/** The realistic SCP of the role-session scenario, besides the FullAWSAccess that every account has. */
export interface ScpDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly ScpStatement[];
}

interface ScpStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource: '*';
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/**
 * Two guardrails as organizations write them: an unconditional Deny of actions no member may take, and
 * the region lock of the AWS example "Deny access to AWS based on the requested AWS Region" (a Deny
 * with NotAction listing the global services and a StringNotEquals on aws:RequestedRegion), so every
 * S3 request of the scenario has a conditional statement to evaluate, not only an action to match.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 */
export function benchScp(allowedRegions: readonly string[]): ScpDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ProtectOrganizationAndData',
        Effect: 'Deny',
        Action: ['organizations:LeaveOrganization', 's3:DeleteBucket', 's3:PutBucketObjectLockConfiguration'],
        Resource: '*',
      },
      {
        Sid: 'DenyAllOutsideAllowedRegions',
        Effect: 'Deny',
        NotAction: [
          'a4b:*', 'acm:*', 'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*', 'budgets:*',
          'ce:*', 'chime:*', 'cloudfront:*', 'config:*', 'cur:*', 'directconnect:*', 'ec2:DescribeRegions',
          'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways', 'fms:*', 'globalaccelerator:*', 'health:*',
          'iam:*', 'importexport:*', 'kms:*', 'mobileanalytics:*', 'networkmanager:*', 'organizations:*',
          'pricing:*', 'route53:*', 'route53domains:*', 's3:GetAccountPublic*', 's3:ListAllMyBuckets',
          's3:ListMultiRegionAccessPoints', 's3:PutAccountPublic*', 'shield:*', 'sts:*', 'support:*',
          'trustedadvisor:*', 'waf-regional:*', 'waf:*', 'wafv2:*', 'wellarchitected:*',
        ],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': allowedRegions } },
      },
    ],
  };
}

/** The trust policy of bench-reader: any principal of the member account its own policies allow. */
export function memberTrustPolicy(accountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
  });
}

export interface RoleBenchOptions {
  /** The bench objects: the member bucket gets the same keys and body under `bucket`. */
  readonly fixture: SmallObjectFixture;
  /** The member account's bucket (bucket names are global, so distinct from the fixture's). */
  readonly bucket: string;
  readonly policyCount: number;
}

/** The organization side of the scenario, ready to hand out fresh bench-reader sessions. */
export interface RoleBench {
  readonly memberAccountId: string;
  /** The member account's copy of the bench objects, read by the scenario. */
  readonly fixture: SmallObjectFixture;
  /**
   * A new bench-reader session (both hops of the chain taken anew from the management account), to be
   * signed with right away: it lives `ROLE_SESSION_SECONDS`, more than the 15 minutes of a signature.
   */
  session(): Promise<Credentials>;
}

/**
 * An organization whose member account holds the bench objects and a role `bench-reader` with the same
 * managed policies as the IAM-user scenario, under an SCP (`benchScp`) attached to that account. SCPs
 * never apply to the management account, so everything read in the scenario lives in the member, set up
 * through its OrganizationAccountAccessRole. Ends by checking that the SCP is in force (its
 * unconditional Deny refuses s3:DeleteBucket to the member's administrator), so the figure cannot come
 * from a server that skipped it.
 */
export async function createRoleBench(access: TargetAccess, options: RoleBenchOptions): Promise<RoleBench> {
  const clients = new ClientFactory(access);
  const orgs = new OrganizationsClient(clients.config(access.credentials));
  try {
    const memberAccountId = await createMemberAccount(orgs, access.region);
    const adminArn = `arn:aws:iam::${memberAccountId}:role/OrganizationAccountAccessRole`;
    const memberAdmin = await clients.assumeRole(access.credentials, { roleArn: adminArn, sessionName: 'bench-setup' });
    const memberAccess: TargetAccess = { ...access, credentials: memberAdmin };
    const fixture: SmallObjectFixture = { ...options.fixture, bucket: options.bucket };
    await prepareSmallObjects(memberAccess, fixture);
    const readerArn = await createReaderRole(new IAMClient(clients.config(memberAdmin)), {
      accountId: memberAccountId,
      policies: benchPolicies(options.bucket, options.policyCount),
    });
    await checkScpInForce(memberAccess, `${options.bucket}-scp-check`);
    return {
      memberAccountId,
      fixture,
      async session() {
        const admin = await clients.assumeRole(access.credentials, { roleArn: adminArn, sessionName: 'bench-chain' });
        const reader = { roleArn: readerArn, sessionName: 'bench', durationSeconds: ROLE_SESSION_SECONDS };
        return clients.assumeRole(admin, reader);
      },
    };
  } finally {
    orgs.destroy();
  }
}

/** SDK clients for the target, with any credentials. */
class ClientFactory {
  constructor(private readonly access: TargetAccess) {}

  config(credentials: Credentials) {
    const { host, port } = this.access.endpoint;
    return { endpoint: `http://${host}:${port}`, region: this.access.region, credentials, maxAttempts: 1 };
  }

  /** sts:AssumeRole as `caller`; the session must outlive the requests signed with it (15 minutes). */
  async assumeRole(
    caller: Credentials,
    options: { roleArn: string; sessionName: string; durationSeconds?: number },
  ): Promise<Credentials> {
    const sts = new STSClient(this.config(caller));
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error(`AssumeRole ${options.roleArn} returned no credentials`);
      }
      const remaining = (c.Expiration.getTime() - Date.now()) / 1000;
      if (remaining < SIGNATURE_LIFETIME_SECONDS) {
        throw new Error(`AssumeRole ${options.roleArn}: the session ends in ${Math.round(remaining)} s`);
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } finally {
      sts.destroy();
    }
  }
}

/** CreateOrganization, SCPs enabled, one member account with the bench SCP attached; its id. */
async function createMemberAccount(orgs: OrganizationsClient, region: string): Promise<string> {
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await orgs.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
  if (!rootId) throw new Error('ListRoots returned no root');
  await orgs.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'SERVICE_CONTROL_POLICY' }));
  const created = await orgs.send(
    new CreateAccountCommand({ Email: 'bench-member@example.com', AccountName: 'bench-member' }),
  );
  const requestId = created.CreateAccountStatus?.Id;
  if (!requestId) throw new Error('CreateAccount returned no request id');
  const accountId = await waitForAccount(orgs, requestId);
  const scp = await orgs.send(
    new CreateScpCommand({
      Name: 'bench-guardrails',
      Type: 'SERVICE_CONTROL_POLICY',
      Description: 'protect the organization and the data; allowed regions only',
      Content: JSON.stringify(benchScp([region, 'eu-west-1'])),
    }),
  );
  const policyId = scp.Policy?.PolicySummary?.Id;
  if (!policyId) throw new Error('CreatePolicy (SCP) returned no id');
  await orgs.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: accountId }));
  return accountId;
}

/** CreateAccount is asynchronous in AWS: its status is polled until it leaves IN_PROGRESS (30 s at most). */
async function waitForAccount(orgs: OrganizationsClient, requestId: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const described = await orgs.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId }));
    const status: CreateAccountStatus | undefined = described.CreateAccountStatus;
    if (status?.State === 'SUCCEEDED' && status.AccountId) return status.AccountId;
    if (status?.State === 'FAILED') throw new Error(`CreateAccount failed: ${status.FailureReason ?? 'no reason'}`);
    if (Date.now() > deadline) throw new Error(`CreateAccount still ${status?.State ?? 'unknown'} after 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** bench-reader (path /bench/): trusts its account, holds the IAM-user scenario's managed policies; its ARN. */
async function createReaderRole(
  iam: IAMClient,
  options: { accountId: string; policies: readonly PolicyDocument[] },
): Promise<string> {
  try {
    const trust = memberTrustPolicy(options.accountId);
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: ROLE_NAME, Path: '/bench/', AssumeRolePolicyDocument: trust }),
    );
    const roleArn = role.Role?.Arn;
    if (!roleArn) throw new Error('CreateRole returned no Arn');
    for (const [i, doc] of options.policies.entries()) {
      const name = `${ROLE_NAME}-policy-${i}`;
      const created = await iam.send(
        new CreatePolicyCommand({ PolicyName: name, Path: '/bench/', PolicyDocument: JSON.stringify(doc) }),
      );
      const arn = created.Policy?.Arn;
      if (!arn) throw new Error('CreatePolicy returned no Arn');
      await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: arn }));
    }
    return roleArn;
  } finally {
    iam.destroy();
  }
}

/** The member's administrator (AdministratorAccess) may not delete an empty bucket: only the SCP says so. */
async function checkScpInForce(memberAccess: TargetAccess, bucket: string): Promise<void> {
  const signer = new RequestSigner(memberAccess);
  await createBucket(memberAccess, signer, bucket);
  const res = await send(memberAccess.endpoint, await signer.headerSigned('DELETE', `/${bucket}`));
  if (res.status !== 403 || !res.excerpt.includes('<Code>AccessDenied</Code>')) {
    const answer = `HTTP ${res.status}: ${res.excerpt.slice(0, 200)}`;
    throw new Error(`the SCP is not in force: DeleteBucket by the member's administrator → ${answer}`);
  }
}
