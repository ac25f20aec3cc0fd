import type { XmlNode } from '../../protocol/xml.js';
import { isoSeconds, members } from '../../query/render.js';
import { groupArn, userArn } from '../arn.js';
import type { AwsManagedPolicy } from '../aws-managed/catalog.js';
import type { AccessKeyRow, GroupRow, ManagedPolicyRow, Tag, UserRow } from '../store/types.js';

/** Response shapes, element order as AWS renders them. */
export function userShape(u: UserRow, extra: { tags?: readonly Tag[]; full?: boolean } = {}): XmlNode {
  return {
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: userArn(u.accountId, u.path, u.userName),
    CreateDate: isoSeconds(u.createdAt),
    PasswordLastUsed: u.passwordLastUsed && isoSeconds(u.passwordLastUsed),
    PermissionsBoundary: extra.full && u.permissionsBoundaryArn ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: u.permissionsBoundaryArn } : undefined,
    Tags: extra.tags && extra.tags.length > 0 ? tagsShape(extra.tags) : undefined,
  };
}

export function groupShape(g: GroupRow): XmlNode {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: groupArn(g.accountId, g.path, g.groupName), CreateDate: isoSeconds(g.createdAt) };
}

export function tagsShape(tags: readonly Tag[]): XmlNode {
  return members(tags.map((t) => ({ Key: t.Key, Value: t.Value })));
}

export function accessKeyMetadataShape(k: AccessKeyRow, userName: string | undefined): XmlNode {
  return { UserName: userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: isoSeconds(k.createdAt) };
}

/** A managed policy, customer or AWS, in one shape. */
export interface PolicyView {
  readonly arn: string;
  readonly policyName: string;
  readonly policyId: string;
  readonly path: string;
  readonly defaultVersionId: string;
  readonly description: string | undefined;
  readonly createDate: Date;
  readonly updateDate: Date;
  readonly awsManaged: boolean;
}

export function customerPolicyView(p: ManagedPolicyRow): PolicyView {
  return { arn: p.arn, policyName: p.policyName, policyId: p.policyId, path: p.path, defaultVersionId: p.defaultVersionId, description: p.description, createDate: p.createdAt, updateDate: p.updatedAt, awsManaged: false };
}

export function awsPolicyView(p: AwsManagedPolicy): PolicyView {
  return { arn: p.arn, policyName: p.policyName, policyId: p.policyId, path: p.path, defaultVersionId: p.defaultVersionId, description: p.description, createDate: p.createDate, updateDate: p.updateDate, awsManaged: true };
}

export function policyShape(p: PolicyView, attachmentCount: number, extra: { description?: boolean; tags?: readonly Tag[] } = {}): XmlNode {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: extra.description ? p.description : undefined,
    CreateDate: isoSeconds(p.createDate),
    UpdateDate: isoSeconds(p.updateDate),
    Tags: extra.tags && extra.tags.length > 0 ? tagsShape(extra.tags) : undefined,
  };
}

/** Policy documents are returned URL-encoded (RFC 3986), as AWS does in every IAM response. */
export function encodeDocument(document: string): string {
  return encodeURIComponent(document).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
