import { members } from '../../query/render.js';
import { optionalEnum, optionalString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import {
  boundaryContext, type Context, findPolicy, groupResource, iamCheck, mustFindPolicy, namedPrincipal, readPolicyArn, roleResource, userResource,
} from './resolve.js';
import { name, RULES } from './validate.js';

type Kind = 'User' | 'Group' | 'Role';

/** Attach/Detach/ListAttached for users, groups and roles, and ListEntitiesForPolicy. */
export function attachmentOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  const principal = (ctx: QueryContext, kind: Kind) => namedPrincipal(deps, ctx, kind);


  /** The principal's ARN and tags; Attach/Detach on a user or role also carry its boundary (iam:PermissionsBoundary). */
  async function resource(ctx: QueryContext, kind: Kind, o: { withBoundary: boolean }): Promise<{ arn: string; context: Context }> {
    if (kind === 'Group') return { arn: await groupResource(deps, ctx, name(ctx.params, 'GroupName', RULES.groupName)), context: {} };
    const r = kind === 'User'
      ? await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName))
      : await roleResource(deps, ctx, name(ctx.params, 'RoleName', RULES.roleName));
    return { arn: r.arn, context: o.withBoundary ? { ...r.context, ...boundaryContext(r.boundary) } : r.context };
  }
  const maxAttached: Record<Kind, number> = {
    User: deps.limits.managedPoliciesPerUser,
    Group: deps.limits.managedPoliciesPerGroup,
    Role: deps.limits.managedPoliciesPerRole,
  };

  const ops: QueryOperation[] = [];
  for (const kind of ['User', 'Group', 'Role'] as const) {
    const max = maxAttached[kind];
    ops.push(
      {
        name: `Attach${kind}Policy`,
        checks: async (ctx) => {
          const r = await resource(ctx, kind, { withBoundary: true });
          return [iamCheck(ctx, `Attach${kind}Policy`, r.arn, { ...r.context, 'iam:PolicyARN': readPolicyArn(ctx) })];
        },
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const policy = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx));
          await store.attachments.attach({ accountId: ctx.accountId, principalKind: p.kind, principalId: p.id, policyArn: policy.arn }, max);
          return undefined;
        },
      },
      {
        name: `Detach${kind}Policy`,
        checks: async (ctx) => {
          const r = await resource(ctx, kind, { withBoundary: true });
          return [iamCheck(ctx, `Detach${kind}Policy`, r.arn, { ...r.context, 'iam:PolicyARN': readPolicyArn(ctx) })];
        },
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const arn = readPolicyArn(ctx);
          if (!(await store.attachments.detach({ accountId: ctx.accountId, principalKind: p.kind, principalId: p.id, policyArn: arn }))) {
            throw iamError('NoSuchEntity', { message: `Policy ${arn} was not found.` });
          }
          return undefined;
        },
      },
      {
        name: `ListAttached${kind}Policies`,
        checks: async (ctx) => {
          const r = await resource(ctx, kind, { withBoundary: false });
          return [iamCheck(ctx, `ListAttached${kind}Policies`, r.arn, r.context)];
        },
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const prefix = optionalString(ctx.params, 'PathPrefix', RULES.policyPath) ?? '/';
          const attached = [];
          for (const a of await store.attachments.listForPrincipal(p.kind, p.id)) {
            const view = await findPolicy(deps, ctx.accountId, a.policyArn);
            if (view && view.path.startsWith(prefix)) attached.push(view);
          }
          const page = paginate(attached.map((v, i) => ({ v, key: String(i).padStart(4, '0') })), (x) => x.key, ctx.params);
          return { AttachedPolicies: members(page.items.map(({ v }) => ({ PolicyName: v.policyName, PolicyArn: v.arn }))), IsTruncated: page.IsTruncated, Marker: page.Marker };
        },
      },
    );
  }

  ops.push({
    name: 'ListEntitiesForPolicy',
    checks: async (ctx) => [iamCheck(ctx, 'ListEntitiesForPolicy', readPolicyArn(ctx))],
    handler: async (ctx) => {
      const policy = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx));
      const filter = optionalEnum(ctx.params, 'EntityFilter', ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const);
      const usage = optionalEnum(ctx.params, 'PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
      const entities = await entitiesForPolicy(deps, ctx.accountId, policy.arn, {
        kinds: new Set(filter === 'User' || filter === 'Group' || filter === 'Role' ? [filter] : ['User', 'Group', 'Role']),
        pathPrefix: optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/',
        asPermissions: usage !== 'PermissionsBoundary',
        asBoundary: usage !== 'PermissionsPolicy',
      });
      const page = paginate(entities, (e) => e.key, ctx.params);
      const of = (kind: Kind) => page.items.filter((e) => e.kind === kind);
      return {
        PolicyGroups: members(of('Group').map((e) => ({ GroupName: e.name, GroupId: e.id }))),
        PolicyUsers: members(of('User').map((e) => ({ UserName: e.name, UserId: e.id }))),
        PolicyRoles: members(of('Role').map((e) => ({ RoleName: e.name, RoleId: e.id }))),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  });
  return ops;
}

interface PolicyEntity {
  readonly kind: Kind;
  readonly name: string;
  readonly id: string;
  /** Pagination key: groups, then users, then roles, each by name. */
  readonly key: string;
}

/**
 * The principals that use a policy: attached (permissions policy) and/or as permissions boundary
 * (users and roles only; groups have none), under a path prefix, each once.
 */
async function entitiesForPolicy(
  deps: IamApiDeps,
  accountId: string,
  arn: string,
  o: { kinds: ReadonlySet<Kind>; pathPrefix: string; asPermissions: boolean; asBoundary: boolean },
): Promise<PolicyEntity[]> {
  const { store } = deps;
  const found = new Map<string, PolicyEntity>();
  const add = (kind: Kind, e: { name: string; id: string; path: string }) => {
    if (!o.kinds.has(kind) || !e.path.startsWith(o.pathPrefix)) return;
    found.set(e.id, { kind, name: e.name, id: e.id, key: `${KIND_ORDER[kind]}${e.name.toLowerCase()}` });
  };
  if (o.asPermissions) {
    const groups = o.kinds.has('Group') ? await store.groups.list(accountId) : [];
    for (const a of await store.attachments.listForPolicy(accountId, arn)) {
      if (a.principalKind === 'user') {
        const u = await store.users.getById(a.principalId);
        if (u) add('User', { name: u.userName, id: u.userId, path: u.path });
      } else if (a.principalKind === 'group') {
        const g = groups.find((x) => x.groupId === a.principalId);
        if (g) add('Group', { name: g.groupName, id: g.groupId, path: g.path });
      } else {
        const r = await store.roles.getById(a.principalId);
        if (r) add('Role', { name: r.roleName, id: r.roleId, path: r.path });
      }
    }
  }
  if (o.asBoundary) {
    for (const u of o.kinds.has('User') ? await store.users.list(accountId) : []) {
      if (u.permissionsBoundaryArn === arn) add('User', { name: u.userName, id: u.userId, path: u.path });
    }
    for (const r of o.kinds.has('Role') ? await store.roles.list(accountId) : []) {
      if (r.permissionsBoundaryArn === arn) add('Role', { name: r.roleName, id: r.roleId, path: r.path });
    }
  }
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const KIND_ORDER: Record<Kind, string> = { Group: '1', User: '2', Role: '3' };
