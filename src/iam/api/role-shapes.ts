import type { XmlNode } from '../../protocol/xml.js';
import { isoSeconds, members } from '../../query/render.js';
import { instanceProfileArn, roleArn } from '../arn.js';
import type { InstanceProfileRow, RoleRow, Tag } from '../store/types.js';
import { encodeDocument, tagsShape } from './shapes.js';

/**
 * Which members of the Role structure an operation returns. AWS fills them differently:
 * - `create` (CreateRole): the basics, the trust policy, and what the request set (description,
 *   boundary, tags);
 * - `list` (ListRoles, UpdateRoleDescription): "does not return PermissionsBoundary, RoleLastUsed, Tags"
 *   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html);
 * - `get` (GetRole): everything, RoleLastUsed empty until a session of the role makes a request;
 * - `profile` (the Roles of an InstanceProfile): the basics and the trust policy.
 */
export type RoleView = 'create' | 'list' | 'get' | 'profile';

export function roleShape(r: RoleRow, view: RoleView, tags: readonly Tag[] = []): XmlNode {
  const base: XmlNode = {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: roleArn(r.accountId, r.path, r.roleName),
    CreateDate: isoSeconds(r.createdAt),
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
  };
  if (view === 'profile') return base;
  const withDescription = { ...base, Description: r.description };
  if (view === 'create') {
    const boundary = boundaryShape(r.permissionsBoundaryArn);
    return { ...withDescription, PermissionsBoundary: boundary, Tags: optionalTags(tags) };
  }
  if (view === 'list') return { ...withDescription, MaxSessionDuration: r.maxSessionDuration };
  return {
    ...withDescription,
    MaxSessionDuration: r.maxSessionDuration,
    PermissionsBoundary: boundaryShape(r.permissionsBoundaryArn),
    Tags: optionalTags(tags),
    RoleLastUsed: roleLastUsedShape(r),
  };
}

export function roleLastUsedShape(r: RoleRow): XmlNode {
  return r.lastUsedAt ? { LastUsedDate: isoSeconds(r.lastUsedAt), Region: r.lastUsedRegion } : {};
}

export function boundaryShape(arn: string | undefined): XmlNode | undefined {
  if (arn === undefined) return undefined;
  return { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: arn };
}

function optionalTags(tags: readonly Tag[]): XmlNode | undefined {
  return tags.length > 0 ? tagsShape(tags) : undefined;
}

/** An InstanceProfile with its roles (required, possibly empty). */
export function instanceProfileShape(
  p: InstanceProfileRow,
  roles: readonly RoleRow[],
  tags: readonly Tag[] = [],
): XmlNode {
  return {
    Path: p.path,
    InstanceProfileName: p.instanceProfileName,
    InstanceProfileId: p.instanceProfileId,
    Arn: instanceProfileArn(p.accountId, p.path, p.instanceProfileName),
    CreateDate: isoSeconds(p.createdAt),
    Roles: members(roles.map((r) => roleShape(r, 'profile'))),
    Tags: optionalTags(tags),
  };
}
