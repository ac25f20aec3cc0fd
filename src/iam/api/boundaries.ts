import type { QueryContext, QueryOperation } from '../../query/types.js';
import type { IamApiDeps } from './deps.js';
import {
  boundaryContext,
  iamCheck,
  mustFindPolicy,
  mustGetRole,
  mustGetUser,
  readPolicyArn,
  roleResource,
  userResource,
  type PrincipalResource,
} from './resolve.js';
import { name, RULES } from './validate.js';

type Kind = 'User' | 'Role';

/**
 * Put/Delete{User,Role}PermissionsBoundary. The boundary is a managed policy (AWS or this account's
 * customer managed); Put carries `iam:PermissionsBoundary` = the new boundary, Delete the current one,
 * so an administrator can be allowed to change only principals that keep a given boundary.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
export function boundaryOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  const target = (ctx: QueryContext, kind: Kind): Promise<PrincipalResource> =>
    kind === 'User'
      ? userResource(deps, ctx, name(ctx.params, 'UserName', RULES.userName))
      : roleResource(deps, ctx, name(ctx.params, 'RoleName', RULES.roleName));

  async function setBoundary(ctx: QueryContext, kind: Kind, arn: string | undefined): Promise<void> {
    if (kind === 'User') {
      const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.userName));
      await store.users.setPermissionsBoundary(ctx.accountId, u.userName, arn);
    } else {
      const r = await mustGetRole(deps, ctx.accountId, name(ctx.params, 'RoleName', RULES.roleName));
      await store.roles.setPermissionsBoundary(ctx.accountId, r.roleName, arn);
    }
  }

  const ops: QueryOperation[] = [];
  for (const kind of ['User', 'Role'] as const) {
    ops.push(
      {
        name: `Put${kind}PermissionsBoundary`,
        checks: async (ctx) => {
          const r = await target(ctx, kind);
          const boundary = readPolicyArn(ctx, 'PermissionsBoundary');
          const context = { ...r.context, ...boundaryContext(boundary) };
          return [iamCheck(ctx, `Put${kind}PermissionsBoundary`, r.arn, context)];
        },
        handler: async (ctx) => {
          const policy = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx, 'PermissionsBoundary'));
          await setBoundary(ctx, kind, policy.arn);
          return undefined;
        },
      },
      {
        name: `Delete${kind}PermissionsBoundary`,
        checks: async (ctx) => {
          const r = await target(ctx, kind);
          const context = { ...r.context, ...boundaryContext(r.boundary) };
          return [iamCheck(ctx, `Delete${kind}PermissionsBoundary`, r.arn, context)];
        },
        handler: async (ctx) => {
          // Deleting a boundary that is not set succeeds, as on AWS: the principal ends without one either way.
          await setBoundary(ctx, kind, undefined);
          return undefined;
        },
      },
    );
  }
  return ops;
}
