/**
 * IAM users, groups and roles as AWS Config describes them (AWS::IAM::User, ::Group, ::Role: the
 * members of GetAccountAuthorizationDetails' UserDetail, GroupDetail, RoleDetail, in AWS Config's
 * lowerCamelCase: userPolicyList, groupList, attachedManagedPolicies, permissionsBoundary, ...).
 * https://docs.aws.amazon.com/config/latest/developerguide/resource-config-reference.html
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UserDetail.html
 *
 * Only what a recorded event changes is described: RoleLastUsed, PasswordLastUsed and the access
 * keys' last use move with every request, which no configuration event records, so they are left
 * out (a description that moved by itself would be attributed to the next unrelated event).
 * Deviation from AWS (additions) to AWS Config's user: accessKeys (id, status, creation; never the secret),
 * mfaDevices (serial number, enable date) and loginProfile (its presence: creation, reset required).
 */
import { groupArn, instanceProfileArn, parsePolicyArn, roleArn, userArn } from '../../iam/arn.js';
import type { IamStore, InlinePolicyRow, AttachmentRow } from '../../iam/store/types.js';
import {
  CONFIG_RESOURCE_TYPES,
  GLOBAL_REGION,
  type JsonObject,
  type JsonValue,
  type ResourceDescription,
} from './configuration-types.js';
import { iso, isoOrNull, keyValuePairs, policyJson, sortedBy, tagList, tagMap } from './description-parts.js';

export type IamReader = Pick<
  IamStore,
  | 'users'
  | 'groups'
  | 'roles'
  | 'accessKeys'
  | 'mfaDevices'
  | 'loginProfiles'
  | 'inlinePolicies'
  | 'attachments'
  | 'tags'
  | 'instanceProfiles'
  | 'policies'
>;

export async function describeUser(
  iam: IamReader,
  accountId: string,
  userName: string,
): Promise<ResourceDescription | undefined> {
  const u = await iam.users.getByName(accountId, userName);
  if (u === undefined) return undefined;
  const [inline, attached, groups, keys, devices, login, tagRows] = await Promise.all([
    iam.inlinePolicies.list('user', u.userId),
    iam.attachments.listForPrincipal('user', u.userId),
    iam.groups.listForUser(u.userId),
    iam.accessKeys.listForUser(accountId, u.userId),
    iam.mfaDevices.listForOwner(accountId, { kind: 'user', userId: u.userId }),
    iam.loginProfiles.get(u.userId),
    iam.tags.list('user', u.userId),
  ]);
  const tags = tagMap(keyValuePairs(tagRows));
  const arn = userArn(accountId, u.path, u.userName);
  const configuration: JsonObject = {
    path: u.path,
    userName: u.userName,
    userId: u.userId,
    arn,
    createDate: iso(u.createdAt),
    userPolicyList: inlineList(inline),
    groupList: groups.map((g) => g.groupName).sort(),
    attachedManagedPolicies: attachedList(attached),
    permissionsBoundary: boundaryOf(u.permissionsBoundaryArn),
    tags: tagList(tags),
    accessKeys: sortedBy(keys, (k) => k.accessKeyId).map((k) => ({
      accessKeyId: k.accessKeyId,
      status: k.status,
      createDate: iso(k.createdAt),
    })),
    mfaDevices: sortedBy(devices, (d) => d.serialNumber).map((d) => ({
      serialNumber: d.serialNumber,
      enableDate: isoOrNull(d.enabledAt),
    })),
    loginProfile:
      login === undefined
        ? null
        : { createDate: iso(login.createdAt), passwordResetRequired: login.passwordResetRequired },
  };
  return iamDescription(CONFIG_RESOURCE_TYPES.user, {
    id: u.userId,
    name: u.userName,
    arn,
    accountId,
    createdAt: u.createdAt,
    tags,
    configuration,
  });
}

export async function describeGroup(
  iam: IamReader,
  accountId: string,
  groupName: string,
): Promise<ResourceDescription | undefined> {
  const g = await iam.groups.getByName(accountId, groupName);
  if (g === undefined) return undefined;
  const [inline, attached] = await Promise.all([
    iam.inlinePolicies.list('group', g.groupId),
    iam.attachments.listForPrincipal('group', g.groupId),
  ]);
  const arn = groupArn(accountId, g.path, g.groupName);
  const configuration: JsonObject = {
    path: g.path,
    groupName: g.groupName,
    groupId: g.groupId,
    arn,
    createDate: iso(g.createdAt),
    groupPolicyList: inlineList(inline),
    attachedManagedPolicies: attachedList(attached),
  };
  // IAM groups take no tags.
  return iamDescription(CONFIG_RESOURCE_TYPES.group, {
    id: g.groupId,
    name: g.groupName,
    arn,
    accountId,
    createdAt: g.createdAt,
    tags: {},
    configuration,
  });
}

export async function describeRole(
  iam: IamReader,
  accountId: string,
  roleName: string,
): Promise<ResourceDescription | undefined> {
  const r = await iam.roles.getByName(accountId, roleName);
  if (r === undefined) return undefined;
  const [inline, attached, profiles, tagRows] = await Promise.all([
    iam.inlinePolicies.list('role', r.roleId),
    iam.attachments.listForPrincipal('role', r.roleId),
    iam.instanceProfiles.listForRole(r.roleId),
    iam.tags.list('role', r.roleId),
  ]);
  const tags = tagMap(keyValuePairs(tagRows));
  const arn = roleArn(accountId, r.path, r.roleName);
  const configuration: JsonObject = {
    path: r.path,
    roleName: r.roleName,
    roleId: r.roleId,
    arn,
    createDate: iso(r.createdAt),
    description: r.description ?? null,
    maxSessionDuration: r.maxSessionDuration,
    assumeRolePolicyDocument: policyJson(r.assumeRolePolicyDocument),
    instanceProfileList: sortedBy(profiles, (p) => p.instanceProfileName).map((p) => ({
      path: p.path,
      instanceProfileName: p.instanceProfileName,
      instanceProfileId: p.instanceProfileId,
      arn: instanceProfileArn(accountId, p.path, p.instanceProfileName),
      createDate: iso(p.createdAt),
    })),
    rolePolicyList: inlineList(inline),
    attachedManagedPolicies: attachedList(attached),
    permissionsBoundary: boundaryOf(r.permissionsBoundaryArn),
    tags: tagList(tags),
  };
  return iamDescription(CONFIG_RESOURCE_TYPES.role, {
    id: r.roleId,
    name: r.roleName,
    arn,
    accountId,
    createdAt: r.createdAt,
    tags,
    configuration,
  });
}

interface IamParts {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly accountId: string;
  readonly createdAt: Date;
  readonly tags: Readonly<Record<string, string>>;
  readonly configuration: JsonObject;
}

/** AWS Config names IAM entities by their unique id (AIDA…, AGPA…, AROA…) and records them in `global`. */
export function iamDescription(resourceType: ResourceDescription['resourceType'], p: IamParts): ResourceDescription {
  return {
    resourceType,
    resourceId: p.id,
    resourceName: p.name,
    arn: p.arn,
    awsRegion: GLOBAL_REGION,
    accountId: p.accountId,
    resourceCreationTime: p.createdAt,
    tags: p.tags,
    configuration: p.configuration,
    supplementaryConfiguration: {},
  };
}

function inlineList(rows: readonly InlinePolicyRow[]): JsonValue[] {
  return sortedBy(rows, (p) => p.policyName).map((p) => ({
    policyName: p.policyName,
    policyDocument: policyJson(p.document),
  }));
}

function attachedList(rows: readonly AttachmentRow[]): JsonValue[] {
  return sortedBy(rows, (a) => a.policyArn).map((a) => ({
    policyName: policyNameOf(a.policyArn),
    policyArn: a.policyArn,
  }));
}

export function policyNameOf(arn: string): string {
  return parsePolicyArn(arn)?.name ?? arn.slice(arn.lastIndexOf('/') + 1);
}

function boundaryOf(arn: string | undefined): JsonValue {
  return arn === undefined
    ? null
    : { permissionsBoundaryType: 'PermissionsBoundaryPolicy', permissionsBoundaryArn: arn };
}
