import { optionalString, type QueryParams } from '../../query/params.js';
import { members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { instanceProfileArn } from '../arn.js';
import { iamError } from '../errors.js';
import { newUniqueId } from '../ids.js';
import type { InstanceProfileRow, RoleRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { iamCheck, mustGetRole, roleResource, type Context } from './resolve.js';
import { instanceProfileShape } from './role-shapes.js';
import { tagPage } from './roles.js';
import { name, optionalPath, readTagKeys, readTags, requestTagContext, resourceTagContext, RULES } from './validate.js';

const profileName = (p: QueryParams) => name(p, 'InstanceProfileName', RULES.instanceProfileName);
const roleName = (p: QueryParams) => name(p, 'RoleName', RULES.roleName);

/**
 * Instance profiles: containers for one role, which whoever runs a workload hands its credentials
 * out from. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html
 */
export function instanceProfileOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function mustGetProfile(ctx: QueryContext): Promise<InstanceProfileRow> {
    const n = profileName(ctx.params);
    const p = await store.instanceProfiles.getByName(ctx.accountId, n);
    if (!p) throw iamError('NoSuchEntity', { message: `Instance Profile ${n} cannot be found.` });
    return p;
  }

  /** The named profile's ARN (with its real path when it exists) and its tags as condition keys. */
  async function profileResource(ctx: QueryContext): Promise<{ arn: string; context: Context }> {
    const n = profileName(ctx.params);
    const p = await store.instanceProfiles.getByName(ctx.accountId, n);
    if (!p) return { arn: instanceProfileArn(ctx.accountId, '/', n), context: {} };
    const tags = await store.tags.list('instance-profile', p.instanceProfileId);
    return { arn: instanceProfileArn(p.accountId, p.path, p.instanceProfileName), context: resourceTagContext(tags) };
  }

  type ExtraContext = (ctx: QueryContext) => Context;
  const onProfile = (op: string, extra: ExtraContext = () => ({})): QueryOperation['checks'] => async (ctx) => {
    const r = await profileResource(ctx);
    return [iamCheck(ctx, op, r.arn, { ...r.context, ...extra(ctx) })];
  };

  async function rolesOf(p: InstanceProfileRow): Promise<RoleRow[]> {
    const roles: RoleRow[] = [];
    for (const id of p.roleIds) {
      const r = await store.roles.getById(id);
      if (r) roles.push(r);
    }
    return roles;
  }

  async function shapes(profiles: readonly InstanceProfileRow[]) {
    const out = [];
    for (const p of profiles) out.push(instanceProfileShape(p, await rolesOf(p)));
    return members(out);
  }

  return [
    {
      name: 'CreateInstanceProfile',
      checks: async (ctx) => {
        const arn = instanceProfileArn(ctx.accountId, optionalPath(ctx.params), profileName(ctx.params));
        return [iamCheck(ctx, 'CreateInstanceProfile', arn, requestTagContext(readTags(ctx.params)))];
      },
      handler: async (ctx) => {
        const tags = readTags(ctx.params);
        const quota = deps.limits.instanceProfilesPerAccount;
        if ((await store.instanceProfiles.list(ctx.accountId)).length >= quota) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for InstanceProfilesPerAccount: ${quota}` });
        }
        const p = await store.instanceProfiles.create({
          accountId: ctx.accountId,
          instanceProfileId: newUniqueId('AIPA'),
          instanceProfileName: profileName(ctx.params),
          path: optionalPath(ctx.params),
          tags,
        });
        return { InstanceProfile: instanceProfileShape(p, [], tags) };
      },
    },
    {
      name: 'GetInstanceProfile',
      checks: onProfile('GetInstanceProfile'),
      handler: async (ctx) => {
        const p = await mustGetProfile(ctx);
        const tags = await store.tags.list('instance-profile', p.instanceProfileId);
        return { InstanceProfile: instanceProfileShape(p, await rolesOf(p), tags) };
      },
    },
    {
      name: 'ListInstanceProfiles',
      checks: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/';
        return [iamCheck(ctx, 'ListInstanceProfiles', instanceProfileArn(ctx.accountId, prefix, ''))];
      },
      handler: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix);
        const all = await store.instanceProfiles.list(ctx.accountId, prefix);
        const page = paginate(all, (p) => p.instanceProfileName.toLowerCase(), ctx.params);
        return { InstanceProfiles: await shapes(page.items), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'DeleteInstanceProfile',
      checks: onProfile('DeleteInstanceProfile'),
      handler: async (ctx) => {
        await store.instanceProfiles.delete(ctx.accountId, profileName(ctx.params));
        return undefined;
      },
    },
    ...profileRoleOperations(deps, { mustGetProfile, onProfile, shapes }),
    ...profileTagOperations(deps, { mustGetProfile, onProfile }),
  ];
}

interface ProfileHelpers {
  mustGetProfile(ctx: QueryContext): Promise<InstanceProfileRow>;
  onProfile(op: string, extra?: (ctx: QueryContext) => Context): QueryOperation['checks'];
}

function profileRoleOperations(
  deps: IamApiDeps,
  h: ProfileHelpers & { shapes(p: readonly InstanceProfileRow[]): Promise<ReturnType<typeof members>> },
): QueryOperation[] {
  const { store } = deps;
  return [
    {
      name: 'AddRoleToInstanceProfile',
      // AWS: "The caller of this operation must be granted the PassRole permission on the IAM role"
      // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddRoleToInstanceProfile.html).
      checks: async (ctx) => {
        const [add] = await h.onProfile('AddRoleToInstanceProfile')(ctx);
        const role = await roleResource(deps, ctx, roleName(ctx.params));
        return [add, iamCheck(ctx, 'PassRole', role.arn)];
      },
      handler: async (ctx) => {
        const p = await h.mustGetProfile(ctx);
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        await store.instanceProfiles.addRole(ctx.accountId, p.instanceProfileName, role.roleId);
        return undefined;
      },
    },
    {
      name: 'RemoveRoleFromInstanceProfile',
      checks: h.onProfile('RemoveRoleFromInstanceProfile'),
      handler: async (ctx) => {
        const p = await h.mustGetProfile(ctx);
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        await store.instanceProfiles.removeRole(ctx.accountId, p.instanceProfileName, role.roleId);
        return undefined;
      },
    },
    {
      name: 'ListInstanceProfilesForRole',
      checks: async (ctx) => {
        const r = await roleResource(deps, ctx, roleName(ctx.params));
        return [iamCheck(ctx, 'ListInstanceProfilesForRole', r.arn, r.context)];
      },
      handler: async (ctx) => {
        const role = await mustGetRole(deps, ctx.accountId, roleName(ctx.params));
        const all = await store.instanceProfiles.listForRole(role.roleId);
        const page = paginate(all, (p) => p.instanceProfileName.toLowerCase(), ctx.params);
        return { InstanceProfiles: await h.shapes(page.items), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}

function profileTagOperations(deps: IamApiDeps, h: ProfileHelpers): QueryOperation[] {
  const { store } = deps;
  return [
    {
      name: 'TagInstanceProfile',
      checks: h.onProfile('TagInstanceProfile', (ctx) => requestTagContext(readTags(ctx.params, 'Tags', true))),
      handler: async (ctx) => {
        const p = await h.mustGetProfile(ctx);
        const tags = readTags(ctx.params, 'Tags', true);
        await store.tags.tag(ctx.accountId, 'instance-profile', p.instanceProfileId, tags);
        return undefined;
      },
    },
    {
      name: 'UntagInstanceProfile',
      checks: h.onProfile('UntagInstanceProfile', (ctx) => ({ 'aws:TagKeys': readTagKeys(ctx.params) })),
      handler: async (ctx) => {
        const p = await h.mustGetProfile(ctx);
        await store.tags.untag('instance-profile', p.instanceProfileId, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListInstanceProfileTags',
      checks: h.onProfile('ListInstanceProfileTags'),
      handler: async (ctx) => {
        const p = await h.mustGetProfile(ctx);
        return tagPage(await store.tags.list('instance-profile', p.instanceProfileId), ctx.params);
      },
    },
  ];
}
