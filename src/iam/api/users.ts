import { members, isoSeconds } from '../../query/render.js';
import type { QueryOperation } from '../../query/types.js';
import { optionalString } from '../../query/params.js';
import { rootArn, userArn } from '../arn.js';
import { iamError } from '../errors.js';
import { newUniqueId } from '../ids.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { iamCheck, mustFindPolicy, mustGetUser, readPolicyArn, userResource } from './resolve.js';
import { tagsShape, userShape } from './shapes.js';
import { name, optionalPath, readTagKeys, readTags, requestTagContext, RULES } from './validate.js';

export function userOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;
  return [
    {
      name: 'CreateUser',
      checks: async (ctx) => {
        const userName = name(ctx.params, 'UserName', RULES.userName);
        const path = optionalPath(ctx.params);
        const boundary = ctx.params.get('PermissionsBoundary');
        const context = { ...requestTagContext(readTags(ctx.params)), ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}) };
        return [iamCheck(ctx, 'CreateUser', userArn(ctx.accountId, path, userName), context)];
      },
      handler: async (ctx) => {
        const userName = name(ctx.params, 'UserName', RULES.userName);
        const path = optionalPath(ctx.params);
        const tags = readTags(ctx.params);
        let boundary: string | undefined;
        if (ctx.params.has('PermissionsBoundary')) {
          boundary = readPolicyArn(ctx, 'PermissionsBoundary');
          await mustFindPolicy(deps, ctx.accountId, boundary);
        }
        if ((await store.users.list(ctx.accountId)).length >= deps.limits.usersPerAccount) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for UsersPerAccount: ${deps.limits.usersPerAccount}` });
        }
        const u = await store.users.create({ accountId: ctx.accountId, userId: newUniqueId('AIDA'), userName, path, permissionsBoundaryArn: boundary, tags });
        return { User: userShape(u, { tags, full: true }) };
      },
    },
    {
      name: 'GetUser',
      checks: async (ctx) => {
        const userName = optionalString(ctx.params, 'UserName', RULES.existingUserName);
        if (userName === undefined) return [iamCheck(ctx, 'GetUser', ctx.caller.arn)];
        const r = await userResource(deps, ctx, userName);
        return [iamCheck(ctx, 'GetUser', r.arn, r.context)];
      },
      handler: async (ctx) => {
        const given = optionalString(ctx.params, 'UserName', RULES.existingUserName);
        if (given === undefined && ctx.caller.kind === 'Root') {
          // The root "user" as AWS returns it: account id as UserId, no name or path.
          const account = await store.accounts.get(ctx.accountId);
          return { User: { UserId: ctx.accountId, Arn: rootArn(ctx.accountId), CreateDate: account && isoSeconds(account.createdAt) } };
        }
        if (given === undefined && ctx.caller.kind !== 'User') {
          throw iamError('ValidationError', { message: 'Must specify userName when calling with non-User credentials' });
        }
        const u = await mustGetUser(deps, ctx.accountId, given ?? (ctx.caller.kind === 'User' ? ctx.caller.userName : ''));
        return { User: userShape(u, { tags: await store.tags.list('user', u.userId), full: true }) };
      },
    },
    {
      name: 'ListUsers',
      checks: async (ctx) => [iamCheck(ctx, 'ListUsers', userArn(ctx.accountId, optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/', ''))],
      handler: async (ctx) => {
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix);
        const page = paginate(await store.users.list(ctx.accountId, prefix), (u) => u.userName.toLowerCase(), ctx.params);
        return { Users: members(page.items.map((u) => userShape(u))), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'UpdateUser',
      checks: async (ctx) => {
        const userName = name(ctx.params, 'UserName', RULES.existingUserName);
        const newName = optionalString(ctx.params, 'NewUserName', RULES.userName);
        const newPath = optionalString(ctx.params, 'NewPath', RULES.path);
        const r = await userResource(deps, ctx, userName);
        const checks = [iamCheck(ctx, 'UpdateUser', r.arn, r.context)];
        // IAM: renaming or moving needs permission on both the source and the target ARN.
        if (newName !== undefined || newPath !== undefined) {
          const current = await store.users.getByName(ctx.accountId, userName);
          const target = userArn(ctx.accountId, newPath ?? current?.path ?? '/', newName ?? current?.userName ?? userName);
          if (target !== r.arn) checks.push(iamCheck(ctx, 'UpdateUser', target));
        }
        return checks;
      },
      handler: async (ctx) => {
        const userName = name(ctx.params, 'UserName', RULES.existingUserName);
        await store.users.update(ctx.accountId, userName, {
          newUserName: optionalString(ctx.params, 'NewUserName', RULES.userName),
          newPath: optionalString(ctx.params, 'NewPath', RULES.path),
        });
        return undefined;
      },
    },
    {
      name: 'DeleteUser',
      checks: async (ctx) => {
        const r = await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
        return [iamCheck(ctx, 'DeleteUser', r.arn, r.context)];
      },
      handler: async (ctx) => {
        await store.users.delete(ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        return undefined;
      },
    },
    {
      name: 'TagUser',
      checks: async (ctx) => {
        const r = await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
        return [iamCheck(ctx, 'TagUser', r.arn, { ...r.context, ...requestTagContext(readTags(ctx.params, 'Tags', true)) })];
      },
      handler: async (ctx) => {
        const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        await store.tags.tag(ctx.accountId, 'user', u.userId, readTags(ctx.params, 'Tags', true));
        return undefined;
      },
    },
    {
      name: 'UntagUser',
      checks: async (ctx) => {
        const r = await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
        return [iamCheck(ctx, 'UntagUser', r.arn, { ...r.context, 'aws:TagKeys': readTagKeys(ctx.params) })];
      },
      handler: async (ctx) => {
        const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        await store.tags.untag('user', u.userId, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListUserTags',
      checks: async (ctx) => {
        const r = await userResource(deps, ctx, name(ctx.params, 'UserName', RULES.existingUserName));
        return [iamCheck(ctx, 'ListUserTags', r.arn, r.context)];
      },
      handler: async (ctx) => {
        const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
        const tags = await store.tags.list('user', u.userId);
        const indexed = tags.map((t, i) => ({ t, key: String(i).padStart(4, '0') }));
        const page = paginate(indexed, (x) => x.key, ctx.params);
        return { Tags: tagsShape(page.items.map((x) => x.t)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}
