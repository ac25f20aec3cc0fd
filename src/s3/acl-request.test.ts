import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { canonicalUserId } from '../identity/canonical-user.js';
import { ACL_GROUPS, type AclGrantee } from '../storage/ports.js';
import {
  EC2_BUNDLE_READER_ID,
  aclConditionContext,
  assertKnownGrantees,
  expandCannedAcl,
  grantsOnlyFullControlTo,
  parseGrantHeader,
  requestedAclFromHeaders,
} from './acl-request.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const headers = (h: Record<string, string>) => (name: string) => h[name];

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isServiceError(e) ? e.code : 'not a ServiceError';
  }
  return undefined;
}

test('grant headers: id, uri and quoted values, several grantees per header', () => {
  assert.deepEqual(parseGrantHeader('x-amz-grant-read', `id="abc", uri="${ACL_GROUPS.AllUsers}",id=def`), [
    { type: 'CanonicalUser', id: 'abc' },
    { type: 'Group', uri: ACL_GROUPS.AllUsers },
    { type: 'CanonicalUser', id: 'def' },
  ]);
  const sent = { 'x-amz-grant-read': `uri=${ACL_GROUPS.AuthenticatedUsers}`, 'x-amz-grant-write-acp': 'id=abc' };
  const requested = requestedAclFromHeaders(headers(sent));
  assert.deepEqual(requested, {
    kind: 'Grants',
    grants: [
      { grantee: { type: 'Group', uri: ACL_GROUPS.AuthenticatedUsers }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: 'abc' }, permission: 'WRITE_ACP' },
    ],
  });
});

test('grant header errors: AWS codes', () => {
  const both = { 'x-amz-acl': 'private', 'x-amz-grant-read': 'id=abc' };
  assert.equal(code(() => requestedAclFromHeaders(headers(both))), 'InvalidRequest');
  assert.equal(code(() => requestedAclFromHeaders(headers({ 'x-amz-acl': 'public' }))), 'InvalidArgument');
  const grantRead = (value: string) => code(() => parseGrantHeader('x-amz-grant-read', value));
  assert.equal(grantRead('emailAddress="a@example.com"'), 'UnresolvableGrantByEmailAddress');
  assert.equal(grantRead('uri="http://acs.amazonaws.com/groups/global/Everyone"'), 'InvalidArgument');
  assert.equal(code(() => parseGrantHeader('x-amz-grant-read', 'nonsense')), 'InvalidArgument');
  assert.equal(code(() => parseGrantHeader('x-amz-grant-read', 'arn=x')), 'InvalidArgument');
  assert.equal(code(() => parseGrantHeader('x-amz-grant-read', '')), 'InvalidArgument');
});

test('no ACL header: nothing asked; canned ACL names are kept for expansion', () => {
  assert.deepEqual(requestedAclFromHeaders(headers({})), { kind: 'None' });
  assert.deepEqual(requestedAclFromHeaders(headers({ 'x-amz-acl': 'public-read' })), { kind: 'Canned', name: 'public-read' });
});

test('canned ACL expansions follow the user guide table', () => {
  const owner = canonicalUserId(OWNER);
  const other = canonicalUserId(OTHER);
  const fc = (id: string) => ({ grantee: { type: 'CanonicalUser', id }, permission: 'FULL_CONTROL' });
  const sameOwner = { ownerAccountId: OWNER, bucketOwnerAccountId: OWNER };
  const writtenByOther = { ownerAccountId: OTHER, bucketOwnerAccountId: OWNER };
  assert.deepEqual(expandCannedAcl('private', sameOwner), [fc(owner)]);
  assert.deepEqual(expandCannedAcl('public-read-write', sameOwner), [
    fc(owner),
    { grantee: { type: 'Group', uri: ACL_GROUPS.AllUsers }, permission: 'READ' },
    { grantee: { type: 'Group', uri: ACL_GROUPS.AllUsers }, permission: 'WRITE' },
  ]);
  const read = (grantee: AclGrantee) => ({ grantee, permission: 'READ' });
  assert.deepEqual(expandCannedAcl('authenticated-read', sameOwner)[1], read({ type: 'Group', uri: ACL_GROUPS.AuthenticatedUsers }));
  assert.deepEqual(expandCannedAcl('aws-exec-read', sameOwner)[1], read({ type: 'CanonicalUser', id: EC2_BUNDLE_READER_ID }));
  assert.deepEqual(expandCannedAcl('log-delivery-write', sameOwner).slice(1), [
    { grantee: { type: 'Group', uri: ACL_GROUPS.LogDelivery }, permission: 'WRITE' },
    { grantee: { type: 'Group', uri: ACL_GROUPS.LogDelivery }, permission: 'READ_ACP' },
  ]);
  assert.deepEqual(expandCannedAcl('bucket-owner-full-control', writtenByOther), [fc(other), fc(owner)]);
  assert.deepEqual(expandCannedAcl('bucket-owner-read', writtenByOther), [fc(other), read({ type: 'CanonicalUser', id: owner })]);
  // The bucket owner writing its own object: nothing to add.
  assert.deepEqual(expandCannedAcl('bucket-owner-full-control', sameOwner), [fc(owner)]);
});

test('owner-only full control: what a bucket with ACLs disabled accepts', () => {
  const owners = { ownerAccountId: OWNER, bucketOwnerAccountId: OWNER };
  assert.equal(grantsOnlyFullControlTo(expandCannedAcl('private', owners), OWNER), true);
  assert.equal(grantsOnlyFullControlTo([], OWNER), false);
  assert.equal(grantsOnlyFullControlTo(expandCannedAcl('public-read', owners), OWNER), false);
  const ownerRead = { grantee: { type: 'CanonicalUser' as const, id: canonicalUserId(OWNER) }, permission: 'READ' as const };
  assert.equal(grantsOnlyFullControlTo([ownerRead], OWNER), false);
});

test('grantees must be accounts of this server (or the EC2 bundle reader)', async () => {
  const lookups: string[] = [];
  const directory = async (id: string) => {
    lookups.push(id);
    return id === canonicalUserId(OTHER) ? OTHER : undefined;
  };
  const grant = (id: string) => ({ grantee: { type: 'CanonicalUser' as const, id }, permission: 'READ' as const });
  await assertKnownGrantees([grant(canonicalUserId(OWNER)), grant(EC2_BUNDLE_READER_ID)], [OWNER], directory);
  assert.deepEqual(lookups, []);
  await assertKnownGrantees([grant(canonicalUserId(OTHER))], [OWNER], directory);
  const invalidId = (e: unknown) => isServiceError(e) && e.code === 'InvalidArgument' && e.message === 'Invalid id';
  await assert.rejects(assertKnownGrantees([grant('f'.repeat(64))], [OWNER], directory), invalidId);
});

test('condition keys: s3:x-amz-acl and every s3:x-amz-grant-*', () => {
  assert.deepEqual(aclConditionContext(headers({ 'x-amz-acl': 'public-read' })), { 's3:x-amz-acl': 'public-read' });
  assert.deepEqual(aclConditionContext(headers({ 'x-amz-grant-write': 'id=a', 'x-amz-grant-full-control': 'id=b' })), {
    's3:x-amz-grant-write': 'id=a',
    's3:x-amz-grant-full-control': 'id=b',
  });
});
