/**
 * What a request asks an ACL to be: nothing, a canned ACL (`x-amz-acl`), or explicit grants
 * (`x-amz-grant-*` headers, or an AccessControlPolicy body: acl-xml.ts). Canned ACLs are expanded
 * once the owners are known (the object's owner depends on Object Ownership and the writer), and
 * CanonicalUser grantees are checked against the accounts of this server.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
 */
import { canonicalUserId } from '../identity/canonical-user.js';
import { ACL_GROUPS, type AclGrant, type AclGrantee, type AclPermission } from '../storage/ports.js';
import { invalidArgument, s3Error } from './errors.js';

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;

export type CannedAcl = (typeof CANNED_ACLS)[number];

export type RequestedAcl =
  | { readonly kind: 'None' }
  | { readonly kind: 'Canned'; readonly name: CannedAcl }
  | { readonly kind: 'Grants'; readonly grants: readonly AclGrant[] };

export const NO_ACL: RequestedAcl = Object.freeze({ kind: 'None' });

/** The grant headers and the permission each gives (x-amz-grant-write is meaningful on buckets only). */
export const GRANT_HEADERS: readonly (readonly [string, AclPermission])[] = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

/**
 * The account Amazon EC2 reads machine-image bundles with; `aws-exec-read` grants it READ. AWS
 * answers this canonical id (display name "za-team") in the expanded ACL.
 */
export const EC2_BUNDLE_READER_ID = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';

/** `s3:x-amz-acl` and `s3:x-amz-grant-*` for the headers a request carries (service authorization reference). */
export function aclConditionContext(header: (name: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const canned = header('x-amz-acl');
  if (canned !== undefined) out['s3:x-amz-acl'] = canned;
  for (const [name] of GRANT_HEADERS) {
    const v = header(name);
    if (v !== undefined) out[`s3:${name}`] = v;
  }
  return out;
}

/** Whether the request carries any ACL header (then it also needs s3:PutObjectAcl / s3:PutBucketAcl). */
export function hasAclHeaders(header: (name: string) => string | undefined): boolean {
  return header('x-amz-acl') !== undefined || GRANT_HEADERS.some(([name]) => header(name) !== undefined);
}

/**
 * The ACL the headers ask for. A canned ACL and grant headers together are InvalidRequest, as AWS
 * answers; an unknown canned ACL is InvalidArgument (AWS sends it with an empty message).
 */
export function requestedAclFromHeaders(header: (name: string) => string | undefined): RequestedAcl {
  const canned = header('x-amz-acl');
  const grantHeaders = GRANT_HEADERS.filter(([name]) => header(name) !== undefined);
  if (canned !== undefined && grantHeaders.length > 0) {
    throw s3Error('InvalidRequest', { message: 'Specifying both Canned ACLs and Header Grants is not allowed' });
  }
  if (canned !== undefined) {
    if (!(CANNED_ACLS as readonly string[]).includes(canned)) throw invalidArgument('', 'x-amz-acl', canned);
    return { kind: 'Canned', name: canned as CannedAcl };
  }
  if (grantHeaders.length === 0) return NO_ACL;
  const grants: AclGrant[] = [];
  for (const [name, permission] of grantHeaders) {
    for (const grantee of parseGrantHeader(name, header(name) as string)) grants.push({ grantee, permission });
  }
  return { kind: 'Grants', grants };
}

/**
 * One `x-amz-grant-*` value: comma-separated `type=value` pairs, the value optionally in double
 * quotes (`id="…", uri="http://acs.amazonaws.com/groups/global/AllUsers"`).
 */
export function parseGrantHeader(name: string, value: string): AclGrantee[] {
  const out: AclGrantee[] = [];
  const pair = /\s*([A-Za-z]+)\s*=\s*(?:"([^"]*)"|([^,"\s]*))\s*(?:,|$)/y;
  let at = 0;
  while (at < value.length) {
    pair.lastIndex = at;
    const m = pair.exec(value);
    if (m === null || m[0] === '') throw invalidArgument('Argument format not recognized', name, value);
    out.push(granteeOf(m[1], m[2] ?? m[3]));
    at = pair.lastIndex;
  }
  if (out.length === 0) throw invalidArgument('Argument format not recognized', name, value);
  return out;
}

/** A grantee named by kind (`id`, `uri`, `emailAddress`), as headers and bodies name them. */
export function granteeOf(kind: string, value: string): AclGrantee {
  switch (kind.toLowerCase()) {
    case 'id':
      return { type: 'CanonicalUser', id: value };
    case 'uri':
      return { type: 'Group', uri: groupUri(value) };
    case 'emailaddress':
      throw emailGranteeError();
    default:
      throw invalidArgument('Argument format not recognized', kind, value);
  }
}

/**
 * Email grantees: AWS stopped creating new email-grantee ACLs on October 1, 2025, and no account of
 * this server is reachable by e-mail.
 * Deviation from AWS: AWS does not document the answer since then; this is the one it gave for an
 * address no account has.
 */
export function emailGranteeError() {
  return s3Error('UnresolvableGrantByEmailAddress');
}

const GROUP_URIS: readonly string[] = Object.values(ACL_GROUPS);

function groupUri(uri: string): string {
  if (!GROUP_URIS.includes(uri)) throw invalidArgument('Invalid group uri', 'uri', uri);
  return uri;
}

/** The owners a canned ACL is expanded for. On a bucket both are the bucket owner. */
export interface AclOwners {
  /** Account that owns the bucket or object the ACL belongs to. */
  readonly ownerAccountId: string;
  readonly bucketOwnerAccountId: string;
}

const user = (id: string, permission: AclPermission): AclGrant => ({
  grantee: { type: 'CanonicalUser', id },
  permission,
});
const group = (uri: string, permission: AclPermission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });

/**
 * A canned ACL's grants, per the "Canned ACL" table of the user guide: the owner's FULL_CONTROL plus
 * the named grants. `bucket-owner-read` / `bucket-owner-full-control` are ignored on buckets ("If you
 * specify this canned ACL when creating a bucket, Amazon S3 ignores it"); granting the bucket owner
 * what the object owner already has adds nothing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
 */
export function expandCannedAcl(name: CannedAcl, owners: AclOwners): AclGrant[] {
  const owner = canonicalUserId(owners.ownerAccountId);
  const bucketOwner = canonicalUserId(owners.bucketOwnerAccountId);
  const grants = [user(owner, 'FULL_CONTROL')];
  switch (name) {
    case 'public-read':
      grants.push(group(ACL_GROUPS.AllUsers, 'READ'));
      break;
    case 'public-read-write':
      grants.push(group(ACL_GROUPS.AllUsers, 'READ'), group(ACL_GROUPS.AllUsers, 'WRITE'));
      break;
    case 'authenticated-read':
      grants.push(group(ACL_GROUPS.AuthenticatedUsers, 'READ'));
      break;
    case 'aws-exec-read':
      grants.push(user(EC2_BUNDLE_READER_ID, 'READ'));
      break;
    case 'bucket-owner-read':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'READ'));
      break;
    case 'bucket-owner-full-control':
      if (bucketOwner !== owner) grants.push(user(bucketOwner, 'FULL_CONTROL'));
      break;
    case 'log-delivery-write':
      grants.push(group(ACL_GROUPS.LogDelivery, 'WRITE'), group(ACL_GROUPS.LogDelivery, 'READ_ACP'));
      break;
    case 'private':
      break;
  }
  return grants;
}

/** `private`: what an ACL is when nobody set one, so it is stored as no ACL. */
export function isCannedPrivate(requested: RequestedAcl): boolean {
  return requested.kind === 'Canned' && requested.name === 'private';
}

/** The grants a request asks for, canned ACLs expanded; undefined when it asks for nothing. */
export function requestedGrants(requested: RequestedAcl, owners: AclOwners): readonly AclGrant[] | undefined {
  if (requested.kind === 'None') return undefined;
  return requested.kind === 'Canned' ? expandCannedAcl(requested.name, owners) : requested.grants;
}

/** Whether the grants give `accountId` FULL_CONTROL and nobody anything else. */
export function grantsOnlyFullControlTo(grants: readonly AclGrant[], accountId: string): boolean {
  const id = canonicalUserId(accountId);
  const ownerFullControl = (g: AclGrant) =>
    g.grantee.type === 'CanonicalUser' && g.grantee.id === id && g.permission === 'FULL_CONTROL';
  return grants.length > 0 && grants.every(ownerFullControl);
}

/**
 * Checks every CanonicalUser grantee names an account of this server (or the EC2 bundle reader):
 * AWS refuses an unknown id with InvalidArgument "Invalid id". `known` lists accounts already known
 * to exist (owner, caller), so the common case needs no lookup.
 */
export async function assertKnownGrantees(
  grants: readonly AclGrant[],
  known: readonly string[],
  canonicalUserAccount: (id: string) => Promise<string | undefined>,
): Promise<void> {
  const ids = new Set(known.map(canonicalUserId));
  ids.add(EC2_BUNDLE_READER_ID);
  for (const g of grants) {
    if (g.grantee.type !== 'CanonicalUser' || ids.has(g.grantee.id)) continue;
    if ((await canonicalUserAccount(g.grantee.id)) === undefined) throw invalidId(g.grantee.id);
    ids.add(g.grantee.id);
  }
}

export function invalidId(id: string) {
  return invalidArgument('Invalid id', 'CanonicalUser/ID', id);
}
