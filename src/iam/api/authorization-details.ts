import type { XmlNode } from '../../protocol/xml.js';
import { constraintError } from '../../query/params.js';
import { isoSeconds, members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { roleArn } from '../arn.js';
import type { GroupRow, PrincipalKind, RoleRow, UserRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { findPolicy, iamCheck } from './resolve.js';
import { boundaryShape, instanceProfileShape, roleLastUsedShape } from './role-shapes.js';
import { encodeDocument, groupShape, tagsShape, userShape, type PolicyView } from './shapes.js';

const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityType = (typeof ENTITY_TYPES)[number];

/** One entry of the whole result; only the entries of the requested page are rendered. */
interface Entry {
  readonly list: 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies';
  /** Sort and marker key: users, groups, roles, then policies, each by name. */
  readonly key: string;
  readonly render: () => Promise<XmlNode>;
}

/**
 * GetAccountAuthorizationDetails: every user, group, role and policy of the account with their
 * policies, paged with Marker/MaxItems across the whole result in that order (a page may end in the
 * middle of the users and the next one continue into the groups), as AWS pages it.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
 */
export function accountAuthorizationDetailsOperation(deps: IamApiDeps): QueryOperation {
  return {
    name: 'GetAccountAuthorizationDetails',
    checks: async (ctx) => [iamCheck(ctx, 'GetAccountAuthorizationDetails', '*')],
    handler: async (ctx) => {
      const filters = readFilters(ctx);
      const want = (f: EntityType) => filters.size === 0 || filters.has(f);
      const entries = await collectEntries(deps, ctx.accountId, want);
      entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const page = paginate(entries, (e) => e.key, ctx.params);
      const lists: Record<Entry['list'], XmlNode[]> = {
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
      };
      for (const e of page.items) lists[e.list].push(await e.render());
      return {
        UserDetailList: members(lists.UserDetailList),
        GroupDetailList: members(lists.GroupDetailList),
        RoleDetailList: members(lists.RoleDetailList),
        Policies: members(lists.Policies),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  };
}

function readFilters(ctx: QueryContext): Set<EntityType> {
  const given = ctx.params.list('Filter') ?? [];
  given.forEach((f, i) => {
    if (!(ENTITY_TYPES as readonly string[]).includes(f)) {
      throw constraintError(f, `filter.${i + 1}`, `Member must satisfy enum value set: [${ENTITY_TYPES.join(', ')}]`);
    }
  });
  return new Set(given as EntityType[]);
}

async function collectEntries(deps: IamApiDeps, accountId: string, want: (f: EntityType) => boolean): Promise<Entry[]> {
  const { store } = deps;
  const details = detailRenderers(deps, accountId);
  const entries: Entry[] = [];
  if (want('User')) {
    for (const u of await store.users.list(accountId)) {
      entries.push({ list: 'UserDetailList', key: `1${u.userName.toLowerCase()}`, render: () => details.user(u) });
    }
  }
  if (want('Group')) {
    for (const g of await store.groups.list(accountId)) {
      entries.push({ list: 'GroupDetailList', key: `2${g.groupName.toLowerCase()}`, render: () => details.group(g) });
    }
  }
  if (want('Role')) {
    for (const r of await store.roles.list(accountId)) {
      entries.push({ list: 'RoleDetailList', key: `3${r.roleName.toLowerCase()}`, render: () => details.role(r) });
    }
  }
  const views: PolicyView[] = [];
  if (want('LocalManagedPolicy')) {
    for (const p of await store.policies.list(accountId)) {
      views.push((await findPolicy(deps, accountId, p.arn)) as PolicyView);
    }
  }
  if (want('AWSManagedPolicy')) {
    // AWS lists only the AWS managed policies that are attached in the account.
    const counts = await store.attachments.countsByPolicy(accountId);
    for (const p of deps.awsManaged.list()) {
      if ((counts.get(p.arn) ?? 0) > 0) views.push((await findPolicy(deps, accountId, p.arn)) as PolicyView);
    }
  }
  for (const v of views) {
    // Names may repeat between AWS and customer managed policies: the policy id breaks the tie.
    const key = `4${v.policyName.toLowerCase()} ${v.policyId}`;
    entries.push({ list: 'Policies', key, render: () => details.policy(v) });
  }
  return entries;
}

/** The detail structures, each rendered on demand (only for the page being returned). */
function detailRenderers(deps: IamApiDeps, accountId: string) {
  const { store } = deps;
  const inlineList = async (kind: PrincipalKind, id: string): Promise<XmlNode> => {
    const inline = await store.inlinePolicies.list(kind, id);
    return members(inline.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDocument(p.document) })));
  };
  async function attached(kind: PrincipalKind, id: string): Promise<XmlNode> {
    const out: XmlNode[] = [];
    for (const a of await store.attachments.listForPrincipal(kind, id)) {
      const p = await findPolicy(deps, accountId, a.policyArn);
      if (p) out.push({ PolicyName: p.policyName, PolicyArn: p.arn });
    }
    return members(out);
  }
  let counts: Promise<{ attached: Map<string, number>; boundaries: Map<string, number> }> | undefined;
  const usageCounts = () => (counts ??= policyUsageCounts(deps, accountId));

  return {
    async user(u: UserRow): Promise<XmlNode> {
      const tags = await store.tags.list('user', u.userId);
      const base = userShape(u, { full: true });
      return {
        Path: base.Path, UserName: base.UserName, UserId: base.UserId, Arn: base.Arn, CreateDate: base.CreateDate,
        UserPolicyList: await inlineList('user', u.userId),
        GroupList: members((await store.groups.listForUser(u.userId)).map((g) => g.groupName)),
        AttachedManagedPolicies: await attached('user', u.userId),
        PermissionsBoundary: base.PermissionsBoundary,
        Tags: tags.length > 0 ? tagsShape(tags) : undefined,
      };
    },
    async group(g: GroupRow): Promise<XmlNode> {
      return {
        ...groupShape(g),
        GroupPolicyList: await inlineList('group', g.groupId),
        AttachedManagedPolicies: await attached('group', g.groupId),
      };
    },
    async role(r: RoleRow): Promise<XmlNode> {
      const tags = await store.tags.list('role', r.roleId);
      const profiles: XmlNode[] = [];
      for (const p of await store.instanceProfiles.listForRole(r.roleId)) {
        const roles = (await Promise.all(p.roleIds.map((id) => store.roles.getById(id))))
          .filter((x): x is RoleRow => x !== undefined);
        profiles.push(instanceProfileShape(p, roles));
      }
      return {
        Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: roleArn(r.accountId, r.path, r.roleName),
        CreateDate: isoSeconds(r.createdAt),
        AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
        InstanceProfileList: members(profiles),
        RolePolicyList: await inlineList('role', r.roleId),
        AttachedManagedPolicies: await attached('role', r.roleId),
        PermissionsBoundary: boundaryShape(r.permissionsBoundaryArn),
        Tags: tags.length > 0 ? tagsShape(tags) : undefined,
        RoleLastUsed: roleLastUsedShape(r),
      };
    },
    async policy(p: PolicyView): Promise<XmlNode> {
      const versions = p.awsManaged
        ? [{ document: deps.awsManaged.get(p.arn)?.document ?? '', versionId: p.defaultVersionId, createdAt: p.updateDate }]
        : (await store.policies.listVersions(p.arn))
          .map((v) => ({ document: v.document, versionId: v.versionId, createdAt: v.createdAt }));
      const { attached: attachedCounts, boundaries } = await usageCounts();
      return {
        PolicyName: p.policyName, PolicyId: p.policyId, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersionId,
        AttachmentCount: attachedCounts.get(p.arn) ?? 0, PermissionsBoundaryUsageCount: boundaries.get(p.arn) ?? 0,
        IsAttachable: true, Description: p.description,
        CreateDate: isoSeconds(p.createDate), UpdateDate: isoSeconds(p.updateDate),
        PolicyVersionList: members(versions.map((v) => ({
          Document: encodeDocument(v.document),
          VersionId: v.versionId,
          IsDefaultVersion: v.versionId === p.defaultVersionId,
          CreateDate: isoSeconds(v.createdAt),
        }))),
      };
    },
  };
}

async function policyUsageCounts(deps: IamApiDeps, accountId: string) {
  const boundaries = new Map<string, number>();
  const count = (arn: string | undefined) => arn !== undefined && boundaries.set(arn, (boundaries.get(arn) ?? 0) + 1);
  for (const u of await deps.store.users.list(accountId)) count(u.permissionsBoundaryArn);
  for (const r of await deps.store.roles.list(accountId)) count(r.permissionsBoundaryArn);
  return { attached: await deps.store.attachments.countsByPolicy(accountId), boundaries };
}
