/**
 * The AccessControlPolicy document: read from PutBucketAcl / PutObjectAcl bodies, written by
 * GetBucketAcl / GetObjectAcl. A Grantee's kind is its `xsi:type` attribute, which the generic
 * XML reader (xml-parse.ts) drops, so this document has its own reader; its problems are
 * MalformedACLError, as S3 answers.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml } from '../protocol/xml.js';
import type { AclGrant, AclGrantee, AclPermission } from '../storage/ports.js';
import { emailGranteeError, granteeOf } from './acl-request.js';
import { s3Error } from './errors.js';
import { ownerNode } from './owner.js';
import { S3_XMLNS } from './render.js';
import { decodeEntities } from './xml-parse.js';

const PERMISSIONS: readonly AclPermission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** A parsed AccessControlPolicy: the owner id it names and its grants. */
export interface AccessControlPolicy {
  readonly ownerId: string;
  readonly grants: readonly AclGrant[];
}

type Node = { readonly [name: string]: unknown };

function malformed() {
  return s3Error('MalformedACLError');
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === 'Grant',
});

/** Reads a PutBucketAcl / PutObjectAcl body. The Owner element is required, its ID too. */
export function parseAccessControlPolicy(text: string): AccessControlPolicy {
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw malformed();
  const doc = parser.parse(text) as Node;
  const root = doc.AccessControlPolicy;
  if (Object.keys(doc).filter((k) => !k.startsWith('@')).length !== 1 || !isNode(root)) throw malformed();
  const owner = root.Owner;
  const ownerId = isNode(owner) ? text_(owner.ID) : undefined;
  if (ownerId === undefined || ownerId === '') throw malformed();
  const list = root.AccessControlList;
  if (list !== undefined && list !== '' && !isNode(list)) throw malformed();
  const grants = isNode(list) ? ((list.Grant as unknown[] | undefined) ?? []).map(readGrant) : [];
  return { ownerId, grants };
}

function readGrant(g: unknown): AclGrant {
  if (!isNode(g) || !isNode(g.Grantee)) throw malformed();
  const permission = text_(g.Permission);
  if (permission === undefined || !(PERMISSIONS as readonly string[]).includes(permission)) throw malformed();
  return { grantee: readGrantee(g.Grantee), permission: permission as AclPermission };
}

function readGrantee(g: Node): AclGrantee {
  const type = g['@type'];
  const value = (name: string): string => {
    const v = text_(g[name]);
    if (v === undefined || v === '') throw malformed();
    return v;
  };
  switch (type) {
    case 'CanonicalUser':
      return granteeOf('id', value('ID'));
    case 'Group':
      return granteeOf('uri', value('URI'));
    case 'AmazonCustomerByEmail':
      throw emailGranteeError();
    default:
      throw malformed();
  }
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An element's text (entities decoded); undefined when absent or not a text element. */
function text_(v: unknown): string | undefined {
  if (typeof v === 'string') return decodeEntities(v);
  if (isNode(v) && Object.keys(v).every((k) => k.startsWith('@'))) {
    const t = v['#text'];
    return typeof t === 'string' ? decodeEntities(t) : '';
  }
  return undefined;
}

function granteeXml(g: AclGrantee): string {
  const open = `<Grantee xmlns:xsi="${XSI}" xsi:type="${g.type}">`;
  const who = g.type === 'CanonicalUser' ? `<ID>${escapeXml(g.id)}</ID>` : `<URI>${escapeXml(g.uri)}</URI>`;
  return `${open}${who}</Grantee>`;
}

/**
 * The GetBucketAcl / GetObjectAcl answer. Grantees carry no DisplayName (S3 stopped returning it in
 * 2025); the Owner is written as every other S3 Owner element is (owner.ts).
 */
export function accessControlPolicyXml(ownerAccountId: string, grants: readonly AclGrant[]): string {
  const owner = ownerNode(ownerAccountId);
  const ownerXml = Object.entries(owner)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  const grantXml = grants
    .map((g) => `<Grant>${granteeXml(g.grantee)}<Permission>${g.permission}</Permission></Grant>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<AccessControlPolicy xmlns="${S3_XMLNS}"><Owner>${ownerXml}</Owner>` +
    `<AccessControlList>${grantXml}</AccessControlList></AccessControlPolicy>`
  );
}
