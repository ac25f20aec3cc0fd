import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { canonicalUserId } from '../identity/canonical-user.js';
import { ACL_GROUPS } from '../storage/ports.js';
import { accessControlPolicyXml, parseAccessControlPolicy } from './acl-xml.js';

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const policy = (owner: string, grants: string) =>
  '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  `${owner}<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
const grant = (grantee: string, permission = 'READ') =>
  `<Grant><Grantee ${XSI} ${grantee}</Grantee><Permission>${permission}</Permission></Grant>`;
const OWNER = '<Owner><ID>abc</ID><DisplayName>ignored</DisplayName></Owner>';

function code(xml: string): string | undefined {
  try {
    parseAccessControlPolicy(xml);
  } catch (e) {
    return isServiceError(e) ? e.code : 'not a ServiceError';
  }
  return undefined;
}

test('reads owner and grants; the grantee kind is the xsi:type attribute', () => {
  const user = grant('xsi:type="CanonicalUser"><ID>abc</ID><DisplayName>me</DisplayName>', 'FULL_CONTROL');
  const xml = policy(OWNER, user + grant(`xsi:type="Group"><URI>${ACL_GROUPS.AllUsers}</URI>`));
  assert.deepEqual(parseAccessControlPolicy(xml), {
    ownerId: 'abc',
    grants: [
      { grantee: { type: 'CanonicalUser', id: 'abc' }, permission: 'FULL_CONTROL' },
      { grantee: { type: 'Group', uri: ACL_GROUPS.AllUsers }, permission: 'READ' },
    ],
  });
  assert.deepEqual(parseAccessControlPolicy(policy(OWNER, '')).grants, []);
});

test('malformed documents are MalformedACLError; email grantees and unknown groups keep their own codes', () => {
  assert.equal(code('<AccessControlPolicy><Owner><ID>abc</ID></Owner>'), 'MalformedACLError');
  assert.equal(code('<Other/>'), 'MalformedACLError');
  assert.equal(code(policy('', grant('xsi:type="CanonicalUser"><ID>abc</ID>'))), 'MalformedACLError');
  assert.equal(code(policy('<Owner></Owner>', '')), 'MalformedACLError');
  assert.equal(code(policy(OWNER, grant('xsi:type="CanonicalUser"><ID>abc</ID>', 'EVERYTHING'))), 'MalformedACLError');
  assert.equal(code(policy(OWNER, grant('xsi:type="Robot"><ID>abc</ID>'))), 'MalformedACLError');
  assert.equal(code(policy(OWNER, grant('><ID>abc</ID>'))), 'MalformedACLError');
  assert.equal(code(policy(OWNER, grant('xsi:type="CanonicalUser"><URI>x</URI>'))), 'MalformedACLError');
  assert.equal(code(policy(OWNER, '<Grant><Permission>READ</Permission></Grant>')), 'MalformedACLError');
  const email = grant('xsi:type="AmazonCustomerByEmail"><EmailAddress>a@example.com</EmailAddress>');
  assert.equal(code(policy(OWNER, email)), 'UnresolvableGrantByEmailAddress');
  assert.equal(code(policy(OWNER, grant('xsi:type="Group"><URI>http://example.com/everyone</URI>'))), 'InvalidArgument');
});

test('writes the AccessControlPolicy answer with typed grantees', () => {
  const xml = accessControlPolicyXml('111122223333', [
    { grantee: { type: 'CanonicalUser', id: canonicalUserId('111122223333') }, permission: 'FULL_CONTROL' },
    { grantee: { type: 'Group', uri: ACL_GROUPS.AllUsers }, permission: 'READ' },
  ]);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'));
  assert.match(xml, /<Owner><ID>[0-9a-f]{64}<\/ID>/);
  assert.ok(xml.includes(grant(`xsi:type="Group"><URI>${ACL_GROUPS.AllUsers}</URI>`)));
  // What GetObjectAcl answers, PutObjectAcl reads back.
  assert.equal(parseAccessControlPolicy(xml).grants.length, 2);
});
