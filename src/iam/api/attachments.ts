import { members } from '../../query/render.js';
import { optionalEnum, optionalString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { findPolicy, groupResource, iamCheck, mustFindPolicy, namedPrincipal, readPolicyArn, userResource } from './resolve.js';
import { name, RULES } from './validate.js';

type Kind = 'User' | 'Group';

/** Attach/Detach/ListAttached for users and groups (roles join here with ROADMAP 1), and ListEntitiesForPolicy. */
export function attachmentOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  const principal = (ctx: QueryContext, kind: Kind) => namedPrincipal(deps, ctx, kind);


  async function resource(ctx: QueryContext, kind: Kind): Promise<{ arn: string; context: Readonly<Record<string, string | readonly string[]>> }> {
    if (kind === 'User') return userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
    return { arn: await groupResource(deps, ctx, name(ctx.params, 'GroupName', RULES.groupName)), context: {} };
  }

  const ops: QueryOperation[] = [];
  for (const kind of ['User', 'Group'] as const) {
    const max = kind === 'User' ? deps.limits.managedPoliciesPerUser : deps.limits.managedPoliciesPerGroup;
    ops.push(
      {
        name: `Attach${kind}Policy`,
        checks: async (ctx) => {
          const r = await resource(ctx, kind);
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
          const r = await resource(ctx, kind);
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
          const r = await resource(ctx, kind);
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
      const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/';
      const usage = optionalEnum(ctx.params, 'PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
      type Entity = { kind: 'user' | 'group'; name: string; id: string; key: string };
      const entities: Entity[] = [];
      if (usage !== 'PermissionsBoundary') {
        for (const a of await store.attachments.listForPolicy(ctx.accountId, policy.arn)) {
          if (a.principalKind === 'user' && (!filter || filter === 'User')) {
            const u = await store.users.getById(a.principalId);
            if (u && u.path.startsWith(prefix)) entities.push({ kind: 'user', name: u.userName, id: u.userId, key: `2${u.userName.toLowerCase()}` });
          } else if (a.principalKind === 'group' && (!filter || filter === 'Group')) {
            const g = (await store.groups.list(ctx.accountId)).find((x) => x.groupId === a.principalId);
            if (g && g.path.startsWith(prefix)) entities.push({ kind: 'group', name: g.groupName, id: g.groupId, key: `1${g.groupName.toLowerCase()}` });
          }
        }
      }
      if (usage !== 'PermissionsPolicy' && (!filter || filter === 'User')) {
        for (const u of await store.users.list(ctx.accountId, prefix)) {
          if (u.permissionsBoundaryArn === policy.arn && !entities.some((e) => e.id === u.userId)) entities.push({ kind: 'user', name: u.userName, id: u.userId, key: `2${u.userName.toLowerCase()}` });
        }
      }
      entities.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const page = paginate(entities, (e) => e.key, ctx.params);
      return {
        PolicyGroups: members(page.items.filter((e) => e.kind === 'group').map((e) => ({ GroupName: e.name, GroupId: e.id }))),
        PolicyUsers: members(page.items.filter((e) => e.kind === 'user').map((e) => ({ UserName: e.name, UserId: e.id }))),
        PolicyRoles: members([]),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },
  });
  return ops;
}
