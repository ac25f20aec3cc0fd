/**
 * The security-posture analysis (issue #18, "Dangerous permissions"; analyzer type
 * STRONGBOX_SECURITY_POSTURE): Security Monkey's checks over one account —
 * - DangerousPermission: users and roles outside the security team whose effective permissions allow,
 *   on every resource, `*:*`, `iam:*`, `s3:*`, the S3 ACL and policy writes, iam:PassRole, or a
 *   privilege-escalation method (dangerous-actions.ts);
 * - RootAccessKey, UserWithoutMfa, OldAccessKey (credential-checks.ts);
 * - BucketNotVersioned, BucketNotLogged, BucketNotEncrypted, BucketPublicAccessBlockOff, and
 *   AccountPublicAccessBlockOff (bucket-checks.ts).
 * Every resource analyzed is returned, with or without findings, so the job resolves findings that no
 * longer hold. Service-linked roles are left out (their policies are AWS's), as unused access does.
 *
 * Cost: O(U + R) principals, each costing its policy reads (as a request's) plus
 * 2 × |DANGEROUS_ACTIONS| (2 × 31) engine evaluations over the statements of each action's service,
 * with every policy version compiled once per analysis; O(K) keys; O(B) buckets at O(1) each, listed
 * in pages. No evaluation per resource: "every resource" is one request on a wildcard resource.
 */
import { Slices } from '../slices.js';
import type { AwsManagedPolicyCatalog } from '../../iam/aws-managed/catalog.js';
import { roleArn, rootArn, userArn } from '../../iam/arn.js';
import type { IamStore, UserRow } from '../../iam/store/types.js';
import type { RoleRow } from '../../iam/store/role-types.js';
import type { BucketRecord, BucketStore, PublicAccessBlock } from '../../storage/ports.js';
import { accountPublicAccessBlockFinding, bucketFindings } from './bucket-checks.js';
import { mfaFinding, oldKeyFindings, rootKeyFindings } from './credential-checks.js';
import { DANGEROUS_ACTIONS } from './dangerous-actions.js';
import { dangerousGrants, dangerousPermissionFinding } from './dangerous-permission.js';
import { EffectivePermissions, type AuditedPrincipal } from './effective-permissions.js';
import { grantSources, type HolderPrincipal } from './grant-sources.js';
import type { PostureFinding, PostureFindings } from './posture-types.js';
import { SecurityTeam } from './security-team.js';

export interface SecurityPostureDeps {
  readonly iam: IamStore;
  readonly buckets: Pick<BucketStore, 'listBuckets'>;
  readonly awsManaged: AwsManagedPolicyCatalog;
  /** The account's effective Block Public Access (its own, or its organization's S3 policy). */
  readonly accountPublicAccessBlock: (accountId: string) => Promise<PublicAccessBlock | undefined>;
}

export interface SecurityPostureInput {
  readonly accountId: string;
  readonly now: Date;
  /** The length of a day (shorter in tests and demonstrations: --auditor-day-seconds). */
  readonly dayMs: number;
  /** OldAccessKey's rotation age; 90 days by default (CIS AWS Foundations). */
  readonly accessKeyMaxAgeDays?: number;
  /** ARNs of users, roles and groups (a group's members are in the team): exempt from DangerousPermission. */
  readonly securityTeam: readonly string[];
}

export const DEFAULT_ACCESS_KEY_MAX_AGE_DAYS = 90;
const BUCKET_PAGE = 1000;

/** Analysis-wide state: the team, and the engine's compiled policies shared by every principal. */
interface Run {
  readonly deps: SecurityPostureDeps;
  readonly input: SecurityPostureInput;
  readonly team: SecurityTeam;
  readonly permissions: EffectivePermissions;
}

export async function analyzeSecurityPosture(
  deps: SecurityPostureDeps,
  input: SecurityPostureInput,
): Promise<PostureFindings[]> {
  const run: Run = {
    deps,
    input,
    team: new SecurityTeam(input.securityTeam),
    permissions: new EffectivePermissions(deps),
  };
  const accountBlock = await deps.accountPublicAccessBlock(input.accountId);
  const out: PostureFindings[] = [await accountPosture(run, accountBlock)];
  // Requests are served between steps (the analysis of a large account takes seconds).
  const slices = new Slices();
  for (const user of await deps.iam.users.list(input.accountId)) {
    out.push(await userPosture(run, user));
    await slices.yield();
  }
  for (const role of await deps.iam.roles.list(input.accountId)) {
    if (!role.path.startsWith('/aws-service-role/')) out.push(await rolePosture(run, role));
    await slices.yield();
  }
  for await (const bucket of bucketsOf(deps.buckets, input.accountId)) {
    await slices.yield();
    out.push({
      resource: `arn:aws:s3:::${bucket.name}`,
      resourceType: 'AWS::S3::Bucket',
      found: bucketFindings(bucket, accountBlock),
    });
  }
  return out;
}

async function accountPosture(run: Run, block: PublicAccessBlock | undefined): Promise<PostureFindings> {
  const { accountId } = run.input;
  const found = rootKeyFindings(accountId, await run.deps.iam.accessKeys.listForUser(accountId, undefined));
  const bpa = accountPublicAccessBlockFinding(accountId, block);
  if (bpa) found.push(bpa);
  return { resource: rootArn(accountId), resourceType: 'AWS::::Account', found };
}

async function userPosture(run: Run, user: UserRow): Promise<PostureFindings> {
  const { iam } = run.deps;
  const arn = userArn(user.accountId, user.path, user.userName);
  const groups = await iam.groups.listForUser(user.userId);
  const found: PostureFinding[] = [];
  if (!run.team.includesUser(user, groups)) {
    const holder: HolderPrincipal = { kind: 'user', id: user.userId, name: user.userName, groups };
    const dangerous = await dangerousPermission(run, { kind: 'user', row: user }, arn, holder);
    if (dangerous) found.push(dangerous);
  }
  const profile = await iam.loginProfiles.get(user.userId);
  const devices = profile
    ? await iam.mfaDevices.listForOwner(user.accountId, { kind: 'user', userId: user.userId })
    : [];
  const mfa = mfaFinding(user, profile, devices);
  if (mfa) found.push(mfa);
  const keys = await iam.accessKeys.listForUser(user.accountId, user.userId);
  found.push(
    ...oldKeyFindings(user, keys, {
      now: run.input.now,
      dayMs: run.input.dayMs,
      maxAgeDays: run.input.accessKeyMaxAgeDays ?? DEFAULT_ACCESS_KEY_MAX_AGE_DAYS,
    }),
  );
  return { resource: arn, resourceType: 'AWS::IAM::User', found };
}

async function rolePosture(run: Run, role: RoleRow): Promise<PostureFindings> {
  const arn = roleArn(role.accountId, role.path, role.roleName);
  const found: PostureFinding[] = [];
  if (!run.team.includesRole(role)) {
    const holder: HolderPrincipal = { kind: 'role', id: role.roleId, name: role.roleName, groups: [] };
    const dangerous = await dangerousPermission(run, { kind: 'role', row: role }, arn, holder);
    if (dangerous) found.push(dangerous);
  }
  return { resource: arn, resourceType: 'AWS::IAM::Role', found };
}

/** One engine pass over every dangerous action; the attachments are read only when something is found. */
async function dangerousPermission(
  run: Run,
  principal: AuditedPrincipal,
  arn: string,
  holder: HolderPrincipal,
): Promise<PostureFinding | undefined> {
  const grants = dangerousGrants(DANGEROUS_ACTIONS, await run.permissions.allowed(principal, DANGEROUS_ACTIONS));
  if (!grants) return undefined;
  const who = { kind: holder.kind, arn, name: holder.name, accountId: principal.row.accountId };
  return dangerousPermissionFinding(who, grants, await grantSources(run.deps.iam, holder));
}

async function* bucketsOf(buckets: Pick<BucketStore, 'listBuckets'>, accountId: string): AsyncGenerator<BucketRecord> {
  let after = '';
  for (;;) {
    const page = await buckets.listBuckets({ ownerAccountId: accountId, prefix: '', after, limit: BUCKET_PAGE });
    yield* page;
    if (page.length < BUCKET_PAGE) return;
    after = page[page.length - 1]!.name;
  }
}
