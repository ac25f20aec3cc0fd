import { canonicalUserId } from '../identity/canonical-user.js';
import type { AclAccess } from '../server/protocol.js';
import { S3_IAM_ACTIONS } from '../policy/s3-actions.js';
import { ACL_GROUPS, type AclGrant, type AclPermission } from '../storage/ports.js';

/**
 * Which ACL and which permission an S3 action consults, per AWS's "Mapping of ACL permissions and
 * access policy permissions": object reads and the object's ACP go to the object ACL; listing, writing
 * and deleting objects, and the bucket's ACP, go to the bucket ACL. Actions no ACL permission covers
 * (policies, configuration) consult no ACL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#acl-access-policy-permission-mapping
 */
export type AclTarget = { readonly on: 'bucket' | 'object'; readonly permission: AclPermission };

const MAPPING: Readonly<Record<string, AclTarget>> = {
  's3:listbucket': { on: 'bucket', permission: 'READ' },
  's3:listbucketversions': { on: 'bucket', permission: 'READ' },
  's3:listbucketmultipartuploads': { on: 'bucket', permission: 'READ' },
  's3:putobject': { on: 'bucket', permission: 'WRITE' },
  's3:deleteobject': { on: 'bucket', permission: 'WRITE' },
  's3:deleteobjectversion': { on: 'bucket', permission: 'WRITE' },
  's3:getbucketacl': { on: 'bucket', permission: 'READ_ACP' },
  's3:putbucketacl': { on: 'bucket', permission: 'WRITE_ACP' },
  's3:getobject': { on: 'object', permission: 'READ' },
  's3:getobjectversion': { on: 'object', permission: 'READ' },
  's3:getobjecttorrent': { on: 'object', permission: 'READ' },
  's3:getobjectacl': { on: 'object', permission: 'READ_ACP' },
  's3:getobjectversionacl': { on: 'object', permission: 'READ_ACP' },
  's3:putobjectacl': { on: 'object', permission: 'WRITE_ACP' },
  's3:putobjectversionacl': { on: 'object', permission: 'WRITE_ACP' },
};

export function aclTargetOf(action: string): AclTarget | undefined {
  return MAPPING[action.toLowerCase()];
}

/** The S3 actions a bucket ACL grant of `permission` allows (FULL_CONTROL: all of them), as IAM names them. */
export function bucketAclActions(permission: AclPermission): string[] {
  return Object.entries(MAPPING)
    .filter(([, t]) => t.on === 'bucket' && (permission === 'FULL_CONTROL' || t.permission === permission))
    .map(([action]) => S3_IAM_NAMES.get(action) ?? action);
}

const S3_IAM_NAMES: ReadonlyMap<string, string> = new Map([...S3_IAM_ACTIONS.keys()].map((a) => [a.toLowerCase(), a]));

/** The owner's FULL_CONTROL alone: the ACL of a bucket or object that has no grants of its own. */
export function defaultAcl(ownerAccountId: string): AclGrant[] {
  return [{ grantee: { type: 'CanonicalUser', id: canonicalUserId(ownerAccountId) }, permission: 'FULL_CONTROL' }];
}

/** Grants to everyone or to every authenticated AWS principal: what makes an ACL public. */
export function isPublicGrant(g: AclGrant): boolean {
  return g.grantee.type === 'Group' && (g.grantee.uri === ACL_GROUPS.AllUsers || g.grantee.uri === ACL_GROUPS.AuthenticatedUsers);
}

/**
 * Who an ACL gives `permission` to (FULL_CONTROL gives every permission); with `ignorePublicAcls`
 * (Block Public Access) the public grants count for nothing. The authorizer turns this into the
 * engine's ACL grant for the caller.
 */
export function aclAccess(acl: readonly AclGrant[], permission: AclPermission, options: { readonly ignorePublicAcls: boolean }): AclAccess {
  let allUsers = false;
  let authenticatedUsers = false;
  const canonicalUsers: string[] = [];
  for (const g of acl) {
    if (g.permission !== permission && g.permission !== 'FULL_CONTROL') continue;
    if (options.ignorePublicAcls && isPublicGrant(g)) continue;
    if (g.grantee.type === 'CanonicalUser') canonicalUsers.push(g.grantee.id);
    else if (g.grantee.uri === ACL_GROUPS.AllUsers) allUsers = true;
    else if (g.grantee.uri === ACL_GROUPS.AuthenticatedUsers) authenticatedUsers = true;
  }
  return { allUsers, authenticatedUsers, canonicalUsers };
}
