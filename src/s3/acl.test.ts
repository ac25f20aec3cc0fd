/**
 * ACL and Object Ownership operations through the real SDK: what a new bucket answers, ACLs refused
 * while disabled, the ownership-controls round trip, ACLs once enabled, Block Public Access's
 * BlockPublicAcls, CreateBucket's ACL and ownership headers, and the errors SDKs let through.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  type CreateBucketCommandInput,
  type PutBucketAclCommandInput,
  type PutObjectAclCommandInput,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { canonicalUserId } from '../identity/canonical-user.js';
import { ACL_GROUPS, type ObjectOwnership } from '../storage/ports.js';
import { rawRequest } from './testing/raw-request.js';
import { TEST_ACCOUNT, TEST_CREDENTIALS, startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

let server: S3TestServer;
let s3: S3Client;
const OWNER_ID = canonicalUserId(TEST_ACCOUNT);
const OWNER_FC = `${OWNER_ID} FULL_CONTROL`;
const ALL_USERS_READ = { Grantee: { Type: 'Group' as const, URI: ACL_GROUPS.AllUsers }, Permission: 'READ' as const };
const OWNER_FULL_CONTROL = { Grantee: { Type: 'CanonicalUser' as const, ID: OWNER_ID }, Permission: 'FULL_CONTROL' as const };

before(async () => {
  server = await startS3TestServer();
  s3 = server.client();
});
after(async () => server.close());

async function newBucket(ownership?: ObjectOwnership, options: { blockPublicAccess?: boolean } = {}): Promise<string> {
  const name = `acl-${randomBytes(5).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: name, ObjectOwnership: ownership }));
  // A test-only path: Block Public Access belongs to another operation family.
  if (options.blockPublicAccess === false) await server.storage.buckets.updateBucketConfig(name, { publicAccessBlock: null });
  return name;
}

/** The error code a request fails with; undefined when it succeeds. */
async function errorCode(send: Promise<unknown>): Promise<string | undefined> {
  try {
    await send;
  } catch (e) {
    return (e as { name?: string }).name;
  }
  return undefined;
}

type Grants = { Grants?: { Grantee?: { ID?: string; URI?: string }; Permission?: string }[] };
const grantsOf = (r: Grants) => (r.Grants ?? []).map((g) => `${g.Grantee?.ID ?? g.Grantee?.URI} ${g.Permission}`).sort();

const putObject = (Bucket: string, Key: string, extra: Partial<PutObjectCommandInput> = {}) =>
  s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x', ...extra }));
const putObjectAcl = (Bucket: string, Key: string, extra: Partial<PutObjectAclCommandInput>) =>
  s3.send(new PutObjectAclCommand({ Bucket, Key, ...extra }));
const putBucketAcl = (Bucket: string, extra: Partial<PutBucketAclCommandInput>) =>
  s3.send(new PutBucketAclCommand({ Bucket, ...extra }));
const objectGrants = async (Bucket: string, Key: string) => grantsOf(await s3.send(new GetObjectAclCommand({ Bucket, Key })));
const bucketGrants = async (Bucket: string) => grantsOf(await s3.send(new GetBucketAclCommand({ Bucket })));
const putOwnership = (Bucket: string, ...owners: string[]) => {
  const Rules = owners.map((o) => ({ ObjectOwnership: o as ObjectOwnership }));
  return s3.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules } }));
};
const ownershipOf = async (Bucket: string) =>
  (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls?.Rules?.map((r) => r.ObjectOwnership);

test('a new bucket: ACLs disabled, the owner FULL_CONTROL, the same canonical id as ListBuckets', async () => {
  const b = await newBucket();
  const acl = await s3.send(new GetBucketAclCommand({ Bucket: b }));
  assert.equal(acl.Owner?.ID, OWNER_ID);
  assert.deepEqual(grantsOf(acl), [OWNER_FC]);
  assert.equal((await s3.send(new ListBucketsCommand({}))).Owner?.ID, OWNER_ID);
  assert.deepEqual(await ownershipOf(b), ['BucketOwnerEnforced']);
});

test('with ACLs disabled only the bucket owner full control is accepted, and changes nothing', async () => {
  const b = await newBucket();
  assert.equal(await errorCode(putBucketAcl(b, { ACL: 'public-read' })), 'AccessControlListNotSupported');
  assert.equal(await errorCode(putBucketAcl(b, { ACL: 'private' })), 'AccessControlListNotSupported');
  await putBucketAcl(b, { AccessControlPolicy: { Owner: { ID: OWNER_ID }, Grants: [OWNER_FULL_CONTROL] } });
  assert.equal(await errorCode(putObject(b, 'k', { ACL: 'public-read' })), 'AccessControlListNotSupported');
  await putObject(b, 'k', { ACL: 'bucket-owner-full-control' });
  await putObjectAcl(b, 'k', { ACL: 'bucket-owner-full-control' });
  const grantRead = { GrantRead: `uri="${ACL_GROUPS.AllUsers}"` };
  assert.equal(await errorCode(putObjectAcl(b, 'k', grantRead)), 'AccessControlListNotSupported');
  assert.deepEqual(await objectGrants(b, 'k'), [OWNER_FC]);
});

test('ownership controls: put, get, delete (then OwnershipControlsNotFoundError), malformed bodies', async () => {
  const b = await newBucket();
  await putOwnership(b, 'ObjectWriter');
  assert.deepEqual(await ownershipOf(b), ['ObjectWriter']);
  await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: b }));
  assert.equal(await errorCode(ownershipOf(b)), 'OwnershipControlsNotFoundError');
  assert.equal(await errorCode(putOwnership(b, 'Everyone')), 'MalformedXML');
  assert.equal(await errorCode(putOwnership(b, 'ObjectWriter', 'BucketOwnerPreferred')), 'MalformedXML');
  await putOwnership(b, 'BucketOwnerPreferred');
  assert.deepEqual(await ownershipOf(b), ['BucketOwnerPreferred']);
});

test('ACLs enabled: canned, header and body ACLs are stored; disabling them needs an owner-only bucket ACL', async () => {
  const b = await newBucket('ObjectWriter', { blockPublicAccess: false });
  await putObject(b, 'legacy', { ACL: 'public-read' });
  assert.deepEqual(await objectGrants(b, 'legacy'), [OWNER_FC, `${ACL_GROUPS.AllUsers} READ`]);
  await putObjectAcl(b, 'legacy', { GrantRead: `uri="${ACL_GROUPS.AuthenticatedUsers}"` });
  // Grant headers replace the ACL: the owner's FULL_CONTROL is not added.
  assert.deepEqual(await objectGrants(b, 'legacy'), [`${ACL_GROUPS.AuthenticatedUsers} READ`]);
  const publicRead = { Owner: { ID: OWNER_ID }, Grants: [OWNER_FULL_CONTROL, ALL_USERS_READ] };
  await putBucketAcl(b, { AccessControlPolicy: publicRead });
  assert.deepEqual(await bucketGrants(b), [OWNER_FC, `${ACL_GROUPS.AllUsers} READ`]);
  assert.equal(await errorCode(putOwnership(b, 'BucketOwnerEnforced')), 'InvalidBucketAclWithObjectOwnership');
  await putBucketAcl(b, { ACL: 'private' });
  await putOwnership(b, 'BucketOwnerEnforced');
  // Reads show the bucket owner's full control while ACLs are disabled, whatever was stored.
  assert.deepEqual(await objectGrants(b, 'legacy'), [OWNER_FC]);
});

test('BlockPublicAcls refuses public ACLs on writes and ACL puts with AccessDenied', async () => {
  const b = await newBucket('ObjectWriter');
  assert.equal(await errorCode(putObject(b, 'k', { ACL: 'public-read' })), 'AccessDenied');
  await putObject(b, 'k', { ACL: 'aws-exec-read' });
  assert.equal(await errorCode(putObjectAcl(b, 'k', { GrantRead: `uri="${ACL_GROUPS.AuthenticatedUsers}"` })), 'AccessDenied');
  assert.equal(await errorCode(putBucketAcl(b, { ACL: 'public-read-write' })), 'AccessDenied');
  await putBucketAcl(b, { GrantWrite: `uri="${ACL_GROUPS.LogDelivery}"` });
});

test('CreateBucket: ACLs need another ownership, public ACLs a bucket without Block Public Access', async () => {
  const name = () => `acl-${randomBytes(5).toString('hex')}`;
  const create = (extra: Partial<CreateBucketCommandInput>) => s3.send(new CreateBucketCommand({ Bucket: name(), ...extra }));
  assert.equal(await errorCode(create({ ACL: 'authenticated-read' })), 'InvalidBucketAclWithObjectOwnership');
  const publicAcl = create({ ACL: 'public-read', ObjectOwnership: 'ObjectWriter' });
  assert.equal(await errorCode(publicAcl), 'InvalidBucketAclWithBlockPublicAccessError');
  assert.equal(await errorCode(create({ ObjectOwnership: 'Nobody' as ObjectOwnership })), 'InvalidArgument');
  await create({ ACL: 'private' });
  const b = name();
  const GrantReadACP = `id="${OWNER_ID}"`;
  await s3.send(new CreateBucketCommand({ Bucket: b, ObjectOwnership: 'BucketOwnerPreferred', GrantReadACP }));
  assert.deepEqual(await ownershipOf(b), ['BucketOwnerPreferred']);
  assert.deepEqual(await bucketGrants(b), [`${OWNER_ID} READ_ACP`]);
});

test('ACL put errors: nothing asked, headers and a body, unknown ids, e-mail grantees, missing key', async () => {
  const b = await newBucket('ObjectWriter', { blockPublicAccess: false });
  await putObject(b, 'k');
  const put = async (path: string, headers: Record<string, string>, body = '') =>
    rawRequest(server.endpoint, { credentials: TEST_CREDENTIALS, method: 'PUT', path, query: 'acl', headers, body });
  const code = async (path: string, headers: Record<string, string>, body = '') => (await put(path, headers, body)).code;
  assert.equal(await code(`/${b}/k`, {}), 'MissingSecurityHeader');
  const doc = `<AccessControlPolicy><Owner><ID>${OWNER_ID}</ID></Owner><AccessControlList/></AccessControlPolicy>`;
  assert.equal(await code(`/${b}/k`, { 'x-amz-acl': 'private' }, doc), 'UnexpectedContent');
  assert.equal(await code(`/${b}`, { 'x-amz-grant-read': `id="${'0'.repeat(64)}"` }), 'InvalidArgument');
  const email = { 'x-amz-grant-read': 'emailAddress="someone@example.com"' };
  assert.equal(await code(`/${b}/k`, email), 'UnresolvableGrantByEmailAddress');
  assert.equal(await code(`/${b}/k`, {}, doc.replace(OWNER_ID, 'f'.repeat(64))), 'InvalidArgument');
  const noOwner = '<AccessControlPolicy><AccessControlList/></AccessControlPolicy>';
  assert.equal(await code(`/${b}/k`, {}, noOwner), 'MalformedACLError');
  assert.equal(await code(`/${b}/missing`, { 'x-amz-acl': 'private' }), 'NoSuchKey');
  assert.equal((await put(`/${b}/k`, {}, doc)).status, 200);
  // An ACL with no grants at all is an ACL like any other.
  assert.deepEqual(await objectGrants(b, 'k'), []);
});
