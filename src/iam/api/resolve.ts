import type { AuthzCheck } from '../../server/protocol.js';
import type { QueryContext } from '../../query/types.js';
import { groupArn, parsePolicyArn, policyArn, roleArn, userArn } from '../arn.js';
import { iamError } from '../errors.js';
import type { GroupRow, PrincipalKind, RoleRow, UserRow } from '../store/types.js';
import { customerPolicyView, awsPolicyView, type PolicyView } from './shapes.js';
import type { IamApiDeps } from './deps.js';
import { optionalString } from '../../query/params.js';
import { name, RULES, resourceTagContext } from './validate.js';

export type Context = Readonly<Record<string, string | readonly string[]>>;

/** One check of `iam:<action>` on `resource`, owned by the caller's account unless `*` or AWS managed. */
export function iamCheck(ctx: QueryContext, action: string, resource: string, context: Context = {}): AuthzCheck {
  const owned = resource !== '*' && !resource.startsWith('arn:aws:iam::aws:');
  return { action: `iam:${action}`, resource, resourceAccount: owned ? ctx.accountId : undefined, context };
}

export async function mustGetUser(deps: IamApiDeps, accountId: string, userName: string): Promise<UserRow> {
  const u = await deps.store.users.getByName(accountId, userName);
  if (!u) throw iamError('NoSuchEntity', { message: `The user with name ${userName} cannot be found.` });
  return u;
}

export async function mustGetRole(deps: IamApiDeps, accountId: string, roleName: string): Promise<RoleRow> {
  const r = await deps.store.roles.getByName(accountId, roleName);
  if (!r) throw iamError('NoSuchEntity', { message: `The role with name ${roleName} cannot be found.` });
  return r;
}

export async function mustGetGroup(deps: IamApiDeps, accountId: string, groupName: string): Promise<GroupRow> {
  const g = await deps.store.groups.getByName(accountId, groupName);
  if (!g) throw iamError('NoSuchEntity', { message: `The group with name ${groupName} cannot be found.` });
  return g;
}

/**
 * The resource ARN of a named user for authorization: with its real path when it exists (policies
 * may match `user/dev/*`), plus its tags as aws:ResourceTag keys; `user/<name>` when it does not.
 */
export async function userResource(deps: IamApiDeps, ctx: QueryContext, userName: string): Promise<PrincipalResource> {
  const u = await deps.store.users.getByName(ctx.accountId, userName);
  if (!u) return { arn: userArn(ctx.accountId, '/', userName), context: {}, boundary: undefined };
  const context = resourceTagContext(await deps.store.tags.list('user', u.userId));
  return { arn: userArn(u.accountId, u.path, u.userName), context, boundary: u.permissionsBoundaryArn };
}

/** A user or role as a resource: its ARN, its tags as condition keys, and its current permissions boundary. */
export interface PrincipalResource {
  readonly arn: string;
  readonly context: Context;
  readonly boundary: string | undefined;
}

/** The role counterpart of `userResource`: `role/<name>` when it does not exist. */
export async function roleResource(deps: IamApiDeps, ctx: QueryContext, roleName: string): Promise<PrincipalResource> {
  const r = await deps.store.roles.getByName(ctx.accountId, roleName);
  if (!r) return { arn: roleArn(ctx.accountId, '/', roleName), context: {}, boundary: undefined };
  const context = resourceTagContext(await deps.store.tags.list('role', r.roleId));
  return { arn: roleArn(r.accountId, r.path, r.roleName), context, boundary: r.permissionsBoundaryArn };
}

/**
 * `iam:PermissionsBoundary` of an operation on an existing user or role: the boundary it has now.
 * AWS sets the key for Put/Delete/Attach/Detach {User,Role}Policy and Delete{User,Role}PermissionsBoundary,
 * which is what lets an administrator delegate IAM work only on principals that keep a boundary.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
 */
export function boundaryContext(boundary: string | undefined): Context {
  return boundary === undefined ? {} : { 'iam:PermissionsBoundary': boundary };
}

export async function groupResource(deps: IamApiDeps, ctx: QueryContext, name: string): Promise<string> {
  const g = await deps.store.groups.getByName(ctx.accountId, name);
  return groupArn(ctx.accountId, g ? g.path : '/', g ? g.groupName : name);
}

/**
 * The user an access-key or password operation targets: `UserName` if given, else the caller
 * (IAM: "If you do not specify a user name, IAM determines the user name implicitly based on the
 * AWS access key ID signing the request"). Root targets itself (root keys); a role session must name a user.
 */
export type SelfOrUser = { kind: 'root' } | { kind: 'user'; userName: string };

export function targetOf(ctx: QueryContext, param = 'UserName'): SelfOrUser {
  const given = optionalString(ctx.params, param, RULES.existingUserName);
  if (given !== undefined) return { kind: 'user', userName: given };
  switch (ctx.caller.kind) {
    case 'Root':
      return { kind: 'root' };
    case 'User':
      return { kind: 'user', userName: ctx.caller.userName };
    default:
      throw iamError('ValidationError', { message: 'Must specify userName when calling with non-User credentials' });
  }
}

export async function targetResource(deps: IamApiDeps, ctx: QueryContext, t: SelfOrUser): Promise<{ arn: string; context: Context }> {
  return t.kind === 'root' ? { arn: ctx.caller.arn, context: {} } : userResource(deps, ctx, t.userName);
}

/** Checks that a policy ARN is well formed; InvalidInput otherwise (as AWS). */
export function readPolicyArn(ctx: QueryContext, param = 'PolicyArn'): string {
  const arn = optionalString(ctx.params, param, RULES.arn);
  if (arn === undefined) throw iamError('ValidationError', { message: `1 validation error detected: Value null at '${ctx.params.memberPath(param)}' failed to satisfy constraint: Member must not be null` });
  if (!parsePolicyArn(arn)) throw iamError('InvalidInput', { message: `ARN ${arn} is not valid.` });
  return arn;
}

/** A managed policy visible to the account: its own customer managed ones and AWS's. */
export async function findPolicy(deps: IamApiDeps, accountId: string, arn: string): Promise<PolicyView | undefined> {
  const parsed = parsePolicyArn(arn);
  if (!parsed) return undefined;
  if (parsed.owner === 'aws') {
    const p = deps.awsManaged.get(arn);
    return p && awsPolicyView(p);
  }
  if (parsed.owner !== accountId) return undefined;
  const row = await deps.store.policies.get(arn);
  return row && customerPolicyView(row);
}

export async function mustFindPolicy(deps: IamApiDeps, accountId: string, arn: string): Promise<PolicyView> {
  const p = await findPolicy(deps, accountId, arn);
  if (!p) throw iamError('NoSuchEntity', { message: `Policy ${arn} does not exist or is not attachable.` });
  return p;
}

export { policyArn };

/** The user (`UserName`), group (`GroupName`) or role (`RoleName`) a policy operation names; NoSuchEntity when missing. */
export async function namedPrincipal(
  deps: IamApiDeps,
  ctx: QueryContext,
  kind: 'User' | 'Group' | 'Role',
): Promise<{ kind: PrincipalKind; id: string; name: string }> {
  if (kind === 'Role') {
    const r = await mustGetRole(deps, ctx.accountId, name(ctx.params, 'RoleName', RULES.roleName));
    return { kind: 'role', id: r.roleId, name: r.roleName };
  }
  if (kind === 'User') {
    const u = await mustGetUser(deps, ctx.accountId, name(ctx.params, 'UserName', RULES.existingUserName));
    return { kind: 'user', id: u.userId, name: u.userName };
  }
  const g = await mustGetGroup(deps, ctx.accountId, name(ctx.params, 'GroupName', RULES.groupName));
  return { kind: 'group', id: g.groupId, name: g.groupName };
}
