import type { XmlNode } from '../../protocol/xml.js';
import { optionalInt, optionalString, requiredString, type QueryParams } from '../../query/params.js';
import { members } from '../../query/render.js';
import type { QueryOperation } from '../../query/types.js';
import { roleArn } from '../arn.js';
import { newUniqueId } from '../ids.js';
import type { Tag } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate, type Page } from './paginate.js';
import { boundaryContext, iamCheck, mustFindPolicy, mustGetRole, readPolicyArn, roleResource } from './resolve.js';
import { roleShape } from './role-shapes.js';
import { tagsShape } from './shapes.js';
import { validateTrustPolicy } from './trust-policy.js';
import { name, optionalPath, readTagKeys, readTags, requestTagContext, RULES } from './validate.js';

/** MaxSessionDuration bounds and default (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). */
const SESSION_DURATION = { min: 3600, max: 43200 } as const;
const DEFAULT_MAX_SESSION_DURATION = 3600;

const roleName = (p: QueryParams) => name(p, 'RoleName', RULES.roleName);

// A type literal, not an interface: it must fit XmlNode's index signature.
export type TagPage = {
  readonly Tags: XmlNode;
  readonly IsTruncated: boolean;
  readonly Marker: string | undefined;
};

/** A page of an entity's tags, in the order they were added (List*Tags). */
export function tagPage(tags: readonly Tag[], params: QueryParams): TagPage {
  const indexed = tags.map((t, i) => ({ t, key: String(i).padStart(4, '0') }));
  const page: Page<{ t: Tag; key: string }> = paginate(indexed, (x) => x.key, params);
  return { Tags: tagsShape(page.items.map((x) => x.t)), IsTruncated: page.IsTruncated, Marker: page.Marker };
}

/** CreateRole, GetRole, ListRoles, UpdateRole(Description), UpdateAssumeRolePolicy, DeleteRole and role tags. */
export function roleOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  /** `iam:<op>` on the named role's ARN, with its tags as aws:ResourceTag / iam:ResourceTag keys. */
  const onRole = (op: string): QueryOperation['checks'] => async (ctx) => {
    const r = await roleResource(deps, ctx, roleName(ctx.params));
    return [iamCheck(ctx, op, r.arn, r.context)];
  };

  return [
    {
      name: 'CreateRole',
      checks: async (ctx) => {
        const path = optionalPath(ctx.params);
        const boundary = ctx.params.get('PermissionsBoundary');
        const context = { ...requestTagContext(readTags(ctx.params)), ...boundaryContext(boundary) };
        return [iamCheck(ctx, 'CreateRole', roleArn(ctx.accountId, path, roleName(ctx.params)), context)];
      },
      handler: async (ctx) => {
        const p = ctx.params;
        // Every parameter is validated (ValidationError) before the documents and references are.
        const document = requiredString(p, 'AssumeRolePolicyDocument', RULES.policyDocument);
        const tags = readTags(p);
        const description = optionalString(p, 'Description', RULES.roleDescription);
        const maxSessionDuration = optionalInt(p, 'MaxSessionDuration', SESSION_DURATION) ?? DEFAULT_MAX_SESSION_DURATION;
        const boundary = p.has('PermissionsBoundary') ? readPolicyArn(ctx, 'PermissionsBoundary') : undefined;
        if (boundary !== undefined) await mustFindPolicy(deps, ctx.accountId, boundary);
        await validateTrustPolicy(deps, document);
        const role = await store.roles.create({
          accountId: ctx.accountId,
          roleId: newUniqueId('AROA'),
          roleName: roleName(p),
          path: optionalPath(p),
          assumeRolePolicyDocument: document,
          description,
          maxSessionDuration,
          permissionsBoundaryArn: boundary,
          tags,
          maxRolesPerAccount: deps.limits.rolesPerAccount,
        });
        return { Role: roleShape(role, 'create', tags) };
      },
    },
    {
      name: 'GetRole',
      checks: onRole('GetRole'),
      handler: async (ctx) => {
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        return { Role: roleShape(role, 'get', await store.tags.list('role', role.roleId)) };
      },
    },
    {
      name: 'ListRoles',
      checks: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/';
        return [iamCheck(ctx, 'ListRoles', roleArn(ctx.accountId, prefix, ''))];
      },
      handler: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix);
        const roles = await store.roles.list(ctx.accountId, prefix);
        const page = paginate(roles, (r) => r.roleName.toLowerCase(), ctx.params);
        const listed = members(page.items.map((r) => roleShape(r, 'list')));
        return { Roles: listed, IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'UpdateRole',
      checks: onRole('UpdateRole'),
      handler: async (ctx) => {
        const description = optionalString(ctx.params, 'Description', RULES.roleDescription);
        const maxSessionDuration = optionalInt(ctx.params, 'MaxSessionDuration', SESSION_DURATION);
        await store.roles.update(ctx.accountId, roleName(ctx.params), { description, maxSessionDuration });
        return {};
      },
    },
    {
      name: 'UpdateRoleDescription',
      checks: onRole('UpdateRoleDescription'),
      handler: async (ctx) => {
        const description = requiredString(ctx.params, 'Description', RULES.roleDescription);
        const role = await store.roles.update(ctx.accountId, roleName(ctx.params), { description });
        return { Role: roleShape(role, 'list') };
      },
    },
    {
      name: 'UpdateAssumeRolePolicy',
      checks: onRole('UpdateAssumeRolePolicy'),
      handler: async (ctx) => {
        const document = requiredString(ctx.params, 'PolicyDocument', RULES.policyDocument);
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        await validateTrustPolicy(deps, document);
        // The store bumps the trust revision: sessions are checked against the new policy at once.
        await store.roles.update(ctx.accountId, role.roleName, { assumeRolePolicyDocument: document });
        return undefined;
      },
    },
    {
      name: 'DeleteRole',
      checks: onRole('DeleteRole'),
      handler: async (ctx) => {
        await store.roles.delete(ctx.accountId, roleName(ctx.params));
        return undefined;
      },
    },
    ...roleTagOperations(deps),
  ];
}

function roleTagOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;
  return [
    {
      name: 'TagRole',
      checks: async (ctx) => {
        const r = await roleResource(deps, ctx, roleName(ctx.params));
        const requested = requestTagContext(readTags(ctx.params, 'Tags', true));
        return [iamCheck(ctx, 'TagRole', r.arn, { ...r.context, ...requested })];
      },
      handler: async (ctx) => {
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        await store.tags.tag(ctx.accountId, 'role', role.roleId, readTags(ctx.params, 'Tags', true));
        return undefined;
      },
    },
    {
      name: 'UntagRole',
      checks: async (ctx) => {
        const r = await roleResource(deps, ctx, roleName(ctx.params));
        return [iamCheck(ctx, 'UntagRole', r.arn, { ...r.context, 'aws:TagKeys': readTagKeys(ctx.params) })];
      },
      handler: async (ctx) => {
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        await store.tags.untag('role', role.roleId, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListRoleTags',
      checks: async (ctx) => {
        const r = await roleResource(deps, ctx, roleName(ctx.params));
        return [iamCheck(ctx, 'ListRoleTags', r.arn, r.context)];
      },
      handler: async (ctx) => {
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        return tagPage(await store.tags.list('role', role.roleId), ctx.params);
      },
    },
  ];
}
