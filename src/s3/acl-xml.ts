/**
 * The AccessControlPolicy document: read from PutBucketAcl / PutObjectAcl bodies, written by
 * GetBucketAcl / GetObjectAcl. A Grantee's kind is its `xsi:type` attribute, which the generic
 * XML element view (xml-parse.ts) drops, so this document is read from the XML tree itself; its
 * problems are MalformedACLError, as S3 answers.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
 */
import { escapeXml } from '../protocol/xml.js';
import type { AclGrant, AclGrantee, AclPermission } from '../storage/ports.js';
import { emailGranteeError, granteeOf } from './acl-request.js';
import { s3Error } from './errors.js';
import { ownerNode } from './owner.js';
import { S3_XMLNS } from './render.js';
import { readXml, XmlNotWellFormed, type XmlNode } from './xml-reader.js';

const PERMISSIONS: readonly AclPermission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** A parsed AccessControlPolicy: the owner id it names and its grants. */
export interface AccessControlPolicy {
  readonly ownerId: string;
  readonly grants: readonly AclGrant[];
}

function malformed() {
  return s3Error('MalformedACLError');
}

/** Reads a PutBucketAcl / PutObjectAcl body. The Owner element is required, its ID too. */
export function parseAccessControlPolicy(text: string): AccessControlPolicy {
  let root: XmlNode;
  try {
    root = readXml(text);
  } catch (e) {
    if (e instanceof XmlNotWellFormed) throw malformed();
    throw e;
  }
  if (root.name !== 'AccessControlPolicy') throw malformed();
  const owner = single(root, 'Owner');
  const ownerId = owner === undefined ? undefined : textOf(single(owner, 'ID'));
  if (ownerId === undefined || ownerId === '') throw malformed();
  const list = single(root, 'AccessControlList');
  if (list !== undefined && list.children.length === 0 && list.text.trim() !== '') throw malformed();
  const grants = list === undefined ? [] : list.children.filter((c) => c.name === 'Grant').map(readGrant);
  return { ownerId, grants };
}

/** The one child named `name`, undefined when absent; a repeated one is malformed. */
function single(el: XmlNode, name: string): XmlNode | undefined {
  let found: XmlNode | undefined;
  for (const c of el.children) {
    if (c.name !== name) continue;
    if (found !== undefined) throw malformed();
    found = c;
  }
  return found;
}

/** An element's text, trimmed; undefined when absent or when it has child elements. */
function textOf(el: XmlNode | undefined): string | undefined {
  return el === undefined || el.children.length > 0 ? undefined : el.text.trim();
}

function readGrant(g: XmlNode): AclGrant {
  const grantee = single(g, 'Grantee');
  if (grantee === undefined) throw malformed();
  const permission = textOf(single(g, 'Permission'));
  if (permission === undefined || !(PERMISSIONS as readonly string[]).includes(permission)) throw malformed();
  return { grantee: readGrantee(grantee), permission: permission as AclPermission };
}

function readGrantee(g: XmlNode): AclGrantee {
  const value = (name: string): string => {
    const v = textOf(single(g, name));
    if (v === undefined || v === '') throw malformed();
    return v;
  };
  switch (g.attributes.get('type')) {
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
