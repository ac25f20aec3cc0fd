/**
 * Who owns what another account writes, under each Object Ownership setting, and the checks ACL
 * headers add. Authorization itself is the authorizer's (test/integration/acl.test.ts drives the real
 * one): here every check is allowed and recorded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAclCommand,
  ListObjectsV2Command,
  PutBucketOwnershipControlsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { canonicalUserId } from '../identity/canonical-user.js';
import type { Authorizer, AuthzCheck, AuthzOutcome } from '../server/protocol.js';
import type { ObjectOwnership } from '../storage/ports.js';
import { OTHER_CREDENTIALS, TEST_ACCOUNT, startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

const OTHER_ACCOUNT = '444455556666';
const OWNER_ID = canonicalUserId(TEST_ACCOUNT);
const OTHER_ID = canonicalUserId(OTHER_ACCOUNT);

const seen: (readonly AuthzCheck[])[] = [];
class AllowAndRecord implements Authorizer {
  async authorize(_caller: unknown, checks: readonly AuthzCheck[]): Promise<AuthzOutcome> {
    seen.push(checks);
    return { decision: 'Allow' };
  }
}

let server: S3TestServer;
let owner: S3Client;
let other: S3Client;

before(async () => {
  server = await startS3TestServer({ authorizer: new AllowAndRecord() });
  owner = server.client();
  other = server.client(OTHER_CREDENTIALS);
});
after(async () => server.close());

async function newBucket(ownership: ObjectOwnership): Promise<string> {
  const name = `own-${randomBytes(5).toString('hex')}`;
  await owner.send(new CreateBucketCommand({ Bucket: name, ObjectOwnership: ownership }));
  await server.storage.buckets.updateBucketConfig(name, { publicAccessBlock: null });
  return name;
}

async function aclOf(b: string, key: string) {
  const acl = await owner.send(new GetObjectAclCommand({ Bucket: b, Key: key }));
  return { owner: acl.Owner?.ID, grants: (acl.Grants ?? []).map((g) => `${g.Grantee?.ID ?? g.Grantee?.URI} ${g.Permission}`) };
}

test('ObjectWriter: the writer owns the object; bucket-owner-full-control grants the bucket owner', async () => {
  const b = await newBucket('ObjectWriter');
  await other.send(new PutObjectCommand({ Bucket: b, Key: 'mine', Body: 'x' }));
  assert.deepEqual(await aclOf(b, 'mine'), { owner: OTHER_ID, grants: [`${OTHER_ID} FULL_CONTROL`] });
  await other.send(new PutObjectCommand({ Bucket: b, Key: 'shared', Body: 'x', ACL: 'bucket-owner-full-control' }));
  const both = [`${OTHER_ID} FULL_CONTROL`, `${OWNER_ID} FULL_CONTROL`];
  assert.deepEqual(await aclOf(b, 'shared'), { owner: OTHER_ID, grants: both });
  const listedOwners = async () =>
    (await owner.send(new ListObjectsV2Command({ Bucket: b, FetchOwner: true }))).Contents?.map((o) => o.Owner?.ID);
  assert.deepEqual(await listedOwners(), [OTHER_ID, OTHER_ID]);
  // ACLs disabled afterwards: the bucket owner owns every object, old ones included.
  const Rules = [{ ObjectOwnership: 'BucketOwnerEnforced' as const }];
  await owner.send(new PutBucketOwnershipControlsCommand({ Bucket: b, OwnershipControls: { Rules } }));
  assert.deepEqual(await listedOwners(), [OWNER_ID, OWNER_ID]);
  assert.deepEqual(await aclOf(b, 'mine'), { owner: OWNER_ID, grants: [`${OWNER_ID} FULL_CONTROL`] });
});

test('BucketOwnerPreferred: bucket-owner-full-control hands the object to the bucket owner', async () => {
  const b = await newBucket('BucketOwnerPreferred');
  await other.send(new PutObjectCommand({ Bucket: b, Key: 'given', Body: 'x', ACL: 'bucket-owner-full-control' }));
  assert.deepEqual(await aclOf(b, 'given'), { owner: OWNER_ID, grants: [`${OWNER_ID} FULL_CONTROL`] });
  await other.send(new PutObjectCommand({ Bucket: b, Key: 'kept', Body: 'x', ACL: 'bucket-owner-read' }));
  assert.deepEqual(await aclOf(b, 'kept'), { owner: OTHER_ID, grants: [`${OTHER_ID} FULL_CONTROL`, `${OWNER_ID} READ`] });
});

test('BucketOwnerEnforced: the bucket owner owns what others write', async () => {
  const b = await newBucket('BucketOwnerEnforced');
  await other.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
  assert.deepEqual(await aclOf(b, 'k'), { owner: OWNER_ID, grants: [`${OWNER_ID} FULL_CONTROL`] });
  assert.equal((await server.storage.objects.getObject(b, 'k'))?.ownerAccountId, TEST_ACCOUNT);
});

test('CopyObject and multipart uploads: the ACL of the request, carried to completion', async () => {
  const b = await newBucket('ObjectWriter');
  await owner.send(new PutObjectCommand({ Bucket: b, Key: 'src', Body: 'x', ACL: 'public-read' }));
  await other.send(new CopyObjectCommand({ Bucket: b, Key: 'copy', CopySource: `${b}/src`, ACL: 'authenticated-read' }));
  const copy = await aclOf(b, 'copy');
  assert.equal(copy.owner, OTHER_ID);
  assert.deepEqual(copy.grants, [`${OTHER_ID} FULL_CONTROL`, 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers READ']);
  const mpu = { Bucket: b, Key: 'mpu' };
  const { UploadId } = await other.send(new CreateMultipartUploadCommand({ ...mpu, ACL: 'bucket-owner-full-control' }));
  const part = await other.send(new UploadPartCommand({ ...mpu, UploadId, PartNumber: 1, Body: 'abc' }));
  const Parts = [{ PartNumber: 1, ETag: part.ETag }];
  await other.send(new CompleteMultipartUploadCommand({ ...mpu, UploadId, MultipartUpload: { Parts } }));
  assert.deepEqual(await aclOf(b, 'mpu'), { owner: OTHER_ID, grants: [`${OTHER_ID} FULL_CONTROL`, `${OWNER_ID} FULL_CONTROL`] });
});

test('ACL headers add s3:PutObjectAcl / s3:PutBucketAcl / s3:PutBucketOwnershipControls checks', async () => {
  const b = await newBucket('ObjectWriter');
  seen.length = 0;
  await owner.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x', ACL: 'private' }));
  assert.deepEqual(seen[0].map((c) => c.action), ['s3:PutObject', 's3:PutObjectAcl']);
  assert.equal(seen[0][1].context['s3:x-amz-acl'], 'private');
  seen.length = 0;
  const Bucket = `own-${randomBytes(5).toString('hex')}`;
  await owner.send(new CreateBucketCommand({ Bucket, ObjectOwnership: 'ObjectWriter', GrantFullControl: `id="${OWNER_ID}"` }));
  assert.deepEqual(seen[0].map((c) => c.action), ['s3:CreateBucket', 's3:PutBucketAcl', 's3:PutBucketOwnershipControls']);
  assert.equal(seen[0][0].context['s3:x-amz-object-ownership'], 'ObjectWriter');
  assert.equal(seen[0][0].context['s3:x-amz-grant-full-control'], `id="${OWNER_ID}"`);
  seen.length = 0;
  await owner.send(new GetObjectAclCommand({ Bucket: b, Key: 'k' }));
  assert.equal(seen[0][0].action, 's3:GetObjectAcl');
  const objectAcl = { allUsers: false, authenticatedUsers: false, canonicalUsers: [OWNER_ID] };
  assert.deepEqual(seen[0][0].acl, objectAcl, 'the object ACL takes part');
});
