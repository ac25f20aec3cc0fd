import { members } from '../../query/render.js';
import { requiredString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { policySize } from './policy-validation.js';
import { boundaryContext, groupResource, iamCheck, namedPrincipal, roleResource, userResource } from './resolve.js';
import { encodeDocument } from './shapes.js';
import { name, RULES } from './validate.js';

type Kind = 'User' | 'Group' | 'Role';

/** Put/Get/Delete/List {User,Group,Role}Policy. Documents come back URL-encoded, as AWS returns them. */
export function inlinePolicyOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  const principal = (ctx: QueryContext, kind: Kind) => namedPrincipal(deps, ctx, kind);


  // Put/Delete on a user or role carry its current boundary as iam:PermissionsBoundary (AWS's delegation pattern).
  const withBoundary = (opName: string) => opName.startsWith('Put') || opName.startsWith('Delete');
  const scoped = (kind: Kind, opName: string): QueryOperation['checks'] => async (ctx) => {
    if (kind === 'Group') {
      return [iamCheck(ctx, opName, await groupResource(deps, ctx, name(ctx.params, 'GroupName', RULES.groupName)))];
    }
    const r = kind === 'User'
      ? await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName))
      : await roleResource(deps, ctx, name(ctx.params, 'RoleName', RULES.roleName));
    const boundary = withBoundary(opName) ? boundaryContext(r.boundary) : {};
    return [iamCheck(ctx, opName, r.arn, { ...r.context, ...boundary })];
  };
  const quotas: Record<Kind, number> = {
    User: deps.limits.inlineUserPolicySize,
    Group: deps.limits.inlineGroupPolicySize,
    Role: deps.limits.inlineRolePolicySize,
  };

  const ops: QueryOperation[] = [];
  for (const kind of ['User', 'Group', 'Role'] as const) {
    const nameKey = `${kind}Name`;
    const quota = quotas[kind];
    ops.push(
      {
        name: `Put${kind}Policy`,
        checks: scoped(kind, `Put${kind}Policy`),
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const policyName = name(ctx.params, 'PolicyName', RULES.policyName);
          const document = requiredString(ctx.params, 'PolicyDocument', RULES.policyDocument);
          // The quota is on the sum of a principal's inline policies.
          const others = (await store.inlinePolicies.list(p.kind, p.id)).filter((x) => x.policyName !== policyName);
          const total = others.reduce((n, x) => n + policySize(x.document), policySize(document));
          if (total > quota) throw iamError('LimitExceeded', { message: `Maximum policy size of ${quota} bytes exceeded for ${kind.toLowerCase()} ${p.name}` });
          deps.validatePolicy(document, { managed: false });
          await store.inlinePolicies.put({ accountId: ctx.accountId, principalKind: p.kind, principalId: p.id, policyName, document });
          return undefined;
        },
      },
      {
        name: `Get${kind}Policy`,
        checks: scoped(kind, `Get${kind}Policy`),
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const policyName = name(ctx.params, 'PolicyName', RULES.policyName);
          const row = await store.inlinePolicies.get(p.kind, p.id, policyName);
          if (!row) throw iamError('NoSuchEntity', { message: `The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.` });
          return { [nameKey]: p.name, PolicyName: row.policyName, PolicyDocument: encodeDocument(row.document) };
        },
      },
      {
        name: `Delete${kind}Policy`,
        checks: scoped(kind, `Delete${kind}Policy`),
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const policyName = name(ctx.params, 'PolicyName', RULES.policyName);
          if (!(await store.inlinePolicies.delete(p.kind, p.id, policyName))) {
            throw iamError('NoSuchEntity', { message: `The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.` });
          }
          return undefined;
        },
      },
      {
        name: `List${kind}Policies`,
        checks: scoped(kind, `List${kind}Policies`),
        handler: async (ctx) => {
          const p = await principal(ctx, kind);
          const page = paginate(await store.inlinePolicies.list(p.kind, p.id), (x) => x.policyName, ctx.params);
          return { PolicyNames: members(page.items.map((x) => x.policyName)), IsTruncated: page.IsTruncated, Marker: page.Marker };
        },
      },
    );
  }
  return ops;
}
