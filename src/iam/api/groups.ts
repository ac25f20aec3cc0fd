import { members } from '../../query/render.js';
import { optionalString } from '../../query/params.js';
import type { QueryOperation } from '../../query/types.js';
import { groupArn } from '../arn.js';
import { iamError } from '../errors.js';
import { newUniqueId } from '../ids.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { groupResource, iamCheck, mustGetGroup, mustGetUser, userResource } from './resolve.js';
import { groupShape, userShape } from './shapes.js';
import { name, optionalPath, RULES } from './validate.js';

export function groupOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;
  const groupName = (p: Parameters<typeof name>[0]) => name(p, 'GroupName', RULES.groupName);
  const groupScoped = (opName: string): QueryOperation['checks'] => async (ctx) => [iamCheck(ctx, opName, await groupResource(deps, ctx, groupName(ctx.params)))];

  return [
    {
      name: 'CreateGroup',
      checks: async (ctx) => [iamCheck(ctx, 'CreateGroup', groupArn(ctx.accountId, optionalPath(ctx.params), groupName(ctx.params)))],
      handler: async (ctx) => {
        const n = groupName(ctx.params);
        const path = optionalPath(ctx.params);
        if ((await store.groups.list(ctx.accountId)).length >= deps.limits.groupsPerAccount) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for GroupsPerAccount: ${deps.limits.groupsPerAccount}` });
        }
        const g = await store.groups.create({ accountId: ctx.accountId, groupId: newUniqueId('AGPA'), groupName: n, path });
        return { Group: groupShape(g) };
      },
    },
    {
      name: 'GetGroup',
      checks: groupScoped('GetGroup'),
      handler: async (ctx) => {
        const g = await mustGetGroup(deps, ctx.accountId, groupName(ctx.params));
        const page = paginate(await store.groups.listMembers(g.groupId), (u) => u.userName.toLowerCase(), ctx.params);
        return { Group: groupShape(g), Users: members(page.items.map((u) => userShape(u))), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'ListGroups',
      checks: async (ctx) => [iamCheck(ctx, 'ListGroups', groupArn(ctx.accountId, optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/', ''))],
      handler: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix);
        const page = paginate(await store.groups.list(ctx.accountId, prefix), (g) => g.groupName.toLowerCase(), ctx.params);
        return { Groups: members(page.items.map(groupShape)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'UpdateGroup',
      checks: async (ctx) => {
        const current = await store.groups.getByName(ctx.accountId, groupName(ctx.params));
        const arn = await groupResource(deps, ctx, groupName(ctx.params));
        const newName = optionalString(ctx.params, 'NewGroupName', RULES.groupName);
        const newPath = optionalString(ctx.params, 'NewPath', RULES.path);
        const target = groupArn(ctx.accountId, newPath ?? current?.path ?? '/', newName ?? current?.groupName ?? groupName(ctx.params));
        return target === arn ? [iamCheck(ctx, 'UpdateGroup', arn)] : [iamCheck(ctx, 'UpdateGroup', arn), iamCheck(ctx, 'UpdateGroup', target)];
      },
      handler: async (ctx) => {
        await store.groups.update(ctx.accountId, groupName(ctx.params), {
          newGroupName: optionalString(ctx.params, 'NewGroupName', RULES.groupName),
          newPath: optionalString(ctx.params, 'NewPath', RULES.path),
        });
        return undefined;
      },
    },
    {
      name: 'DeleteGroup',
      checks: groupScoped('DeleteGroup'),
      handler: async (ctx) => {
        await store.groups.delete(ctx.accountId, groupName(ctx.params));
        return undefined;
      },
    },
    {
      name: 'AddUserToGroup',
      checks: groupScoped('AddUserToGroup'),
      handler: async (ctx) => {
        const g = await mustGetGroup(deps, ctx.accountId, groupName(ctx.params));
        const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        await store.groups.addMember(ctx.accountId, g.groupId, u.userId, deps.limits.groupsPerUser);
        return undefined;
      },
    },
    {
      name: 'RemoveUserFromGroup',
      checks: groupScoped('RemoveUserFromGroup'),
      handler: async (ctx) => {
        const g = await mustGetGroup(deps, ctx.accountId, groupName(ctx.params));
        const userName = name(ctx.params, 'UserName', RULES.existingUserName);
        const u = await mustGetUser(deps, ctx.accountId, userName);
        if (!(await store.groups.removeMember(ctx.accountId, g.groupId, u.userId))) {
          throw iamError('NoSuchEntity', { message: `User ${userName} is not in group ${g.groupName}.` });
        }
        return undefined;
      },
    },
    {
      name: 'ListGroupsForUser',
      checks: async (ctx) => {
        const r = await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
        return [iamCheck(ctx, 'ListGroupsForUser', r.arn, r.context)];
      },
      handler: async (ctx) => {
        const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        const page = paginate(await store.groups.listForUser(u.userId), (g) => g.groupName.toLowerCase(), ctx.params);
        return { Groups: members(page.items.map(groupShape)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}
