import { allowedPermissions } from '../iam/api/access-advisor-services.js';
import { entityPolicies } from '../iam/api/access-advisor-subject.js';
import { roleArn, userArn } from '../iam/arn.js';
import type { AwsManagedPolicyCatalog } from '../iam/aws-managed/catalog.js';
import type { AccessActivityUse, IamStore } from '../iam/store/types.js';
import type { AnalyzedFinding, FindingType } from './auditor-types.js';
import { Slices } from './slices.js';

/**
 * IAM Access Analyzer's unused access (analyzer type ACCOUNT_UNUSED_ACCESS), from what the server
 * records of each entity's use (the access advisor's last-use rows, access keys' and roles' last use,
 * passwords' last use):
 * - UnusedIAMRole: a role no session has used for `unusedAccessAge` days;
 * - UnusedIAMUserAccessKey: an active access key not used for that long;
 * - UnusedIAMUserPassword: a console password not used for that long;
 * - UnusedPermission: for a user or role that is in use, each service its policies allow that it has
 *   not used for that long, with the tracked actions (IAM, S3 bucket management) it has not used.
 * An entity, key or password younger than the age is not unused yet: its creation counts as a use.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html#access-analyzer-unused-access
 */

export interface UnusedAccessDeps {
  readonly iam: IamStore;
  readonly awsManaged: AwsManagedPolicyCatalog;
  /** The tracked actions per service (the access advisor's ACTION_LEVEL catalogue). */
  readonly trackedActions: ReadonlyMap<string, readonly string[]>;
}

export interface UnusedAccessInput {
  readonly accountId: string;
  readonly now: Date;
  /** The analyzer's unusedAccessAge, in days. */
  readonly ageDays: number;
  /** The length of a day (shorter in tests and demonstrations: --auditor-day-seconds). */
  readonly dayMs: number;
}

/** One user's or role's unused-access findings (possibly none). */
export interface EntityFindings {
  readonly resource: string;
  readonly resourceType: 'AWS::IAM::User' | 'AWS::IAM::Role';
  readonly found: readonly AnalyzedFinding[];
}

export async function analyzeUnusedAccess(deps: UnusedAccessDeps, input: UnusedAccessInput): Promise<EntityFindings[]> {
  const cutoff = input.now.getTime() - input.ageDays * input.dayMs;
  const unused = (lastUse: Date) => lastUse.getTime() < cutoff;
  const out: EntityFindings[] = [];
  const users = await deps.iam.users.list(input.accountId);
  const roles = await deps.iam.roles.list(input.accountId);
  const arns = [
    ...users.map((u) => userArn(u.accountId, u.path, u.userName)),
    ...roles.map((r) => roleArn(r.accountId, r.path, r.roleName)),
  ];
  const uses = await deps.iam.accessActivity.listForEntities(input.accountId, arns, new Date(0));
  const slices = new Slices();
  for (const u of users) {
    await slices.yield();
    const arn = userArn(u.accountId, u.path, u.userName);
    const found: AnalyzedFinding[] = [];
    const make = (key: string, findingType: FindingType, details: Record<string, unknown>) =>
      found.push({ key, resourceType: 'AWS::IAM::User', resourceOwnerAccount: u.accountId, findingType, details });
    let inUse = !unused(u.createdAt);
    const profile = await deps.iam.loginProfiles.get(u.userId);
    if (profile) {
      const last = u.passwordLastUsed ?? profile.createdAt;
      if (unused(last))
        make('password', 'UnusedIAMUserPassword', {
          unusedIamUserPasswordDetails: { lastAccessed: u.passwordLastUsed },
        });
      else if (u.passwordLastUsed) inUse = true;
    }
    for (const k of await deps.iam.accessKeys.listForUser(u.accountId, u.userId)) {
      if (k.status !== 'Active') continue;
      if (unused(k.lastUsedAt ?? k.createdAt)) {
        make(`key:${k.accessKeyId}`, 'UnusedIAMUserAccessKey', {
          unusedIamUserAccessKeyDetails: { accessKeyId: k.accessKeyId, lastAccessed: k.lastUsedAt },
        });
      } else if (k.lastUsedAt) inUse = true;
    }
    if (inUse)
      found.push(
        ...(await unusedPermissions(deps, { kind: 'user', id: u.userId, arn, accountId: u.accountId }, uses, unused)),
      );
    out.push({ resource: arn, resourceType: 'AWS::IAM::User', found });
  }
  for (const r of roles) {
    await slices.yield();
    const arn = roleArn(r.accountId, r.path, r.roleName);
    // Service-linked roles are the services' own.
    if (r.path.startsWith('/aws-service-role/')) continue;
    const found: AnalyzedFinding[] = [];
    if (unused(r.lastUsedAt ?? r.createdAt)) {
      found.push({
        key: 'role',
        resourceType: 'AWS::IAM::Role',
        resourceOwnerAccount: r.accountId,
        findingType: 'UnusedIAMRole',
        details: { unusedIamRoleDetails: { lastAccessed: r.lastUsedAt } },
      });
    } else {
      found.push(
        ...(await unusedPermissions(deps, { kind: 'role', id: r.roleId, arn, accountId: r.accountId }, uses, unused)),
      );
    }
    out.push({ resource: arn, resourceType: 'AWS::IAM::Role', found });
  }
  return out;
}

interface Entity {
  readonly kind: 'user' | 'role';
  readonly id: string;
  readonly arn: string;
  readonly accountId: string;
}

/** The services (and tracked actions) the entity's policies allow that it has not used since the cutoff. */
async function unusedPermissions(
  deps: UnusedAccessDeps,
  e: Entity,
  uses: readonly AccessActivityUse[],
  unused: (lastUse: Date) => boolean,
): Promise<AnalyzedFinding[]> {
  const allowed = allowedPermissions(
    await entityPolicies({ store: deps.iam, awsManaged: deps.awsManaged }, e),
    deps.trackedActions,
  );
  const mine = uses.filter((x) => x.entityArn === e.arn);
  const out: AnalyzedFinding[] = [];
  for (const ns of allowed.services) {
    const serviceUses = mine.filter((x) => x.serviceNamespace === ns);
    const last = latest(serviceUses);
    const actions = (allowed.trackedActions.get(ns) ?? [])
      .map((action) => ({
        action: action.slice(ns.length + 1),
        lastAccessed: latest(serviceUses.filter((x) => x.action.toLowerCase() === action.toLowerCase())),
      }))
      .filter((a) => a.lastAccessed === undefined || unused(a.lastAccessed));
    const serviceUnused = last === undefined || unused(last);
    if (!serviceUnused && actions.length === 0) continue;
    out.push({
      key: `service:${ns}`,
      resourceType: e.kind === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role',
      resourceOwnerAccount: e.accountId,
      findingType: 'UnusedPermission',
      details: {
        unusedPermissionDetails: {
          serviceNamespace: ns,
          lastAccessed: last,
          ...(actions.length > 0 ? { actions } : {}),
        },
      },
    });
  }
  return out;
}

function latest(uses: readonly AccessActivityUse[]): Date | undefined {
  let best: Date | undefined;
  for (const u of uses) if (best === undefined || u.at > best) best = u.at;
  return best;
}
