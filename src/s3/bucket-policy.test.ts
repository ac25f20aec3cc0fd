/**
 * Bucket policy operations through the real pipeline and the real PolicyAuthorizer: round trip,
 * S3's validation, Block Public Access's BlockPublicPolicy, IsPublic, the owner root's lock-out
 * recovery, the bucket owner's account rule (405) and anonymous callers.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { rawRequest } from './testing/raw-request.js';
import {
  OTHER,
  OTHER_ROOT,
  OWNER,
  USERS,
  startPolicyTestServer,
  type Credentials,
  type PolicyTestServer,
} from './testing/policy-test-server.js';

let t: PolicyTestServer;
before(async () => {
  t = await startPolicyTestServer();
});
after(async () => t.close());

const newName = () => `bp-${process.pid}-${randomBytes(4).toString('hex')}`;
const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const both = (b: string) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`];

async function newBucket(options: { publicAccessBlock?: 'off' } = {}): Promise<string> {
  const b = newName();
  await t.client().send(new CreateBucketCommand({ Bucket: b }));
  // Block Public Access off (what DeletePublicAccessBlock stores), set on the store directly.
  if (options.publicAccessBlock === 'off') {
    await t.server.storage.buckets.updateBucketConfig(b, { publicAccessBlock: null });
  }
  return b;
}

async function fails(p: Promise<unknown>, code: string, status?: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof S3ServiceException, String(e));
    assert.equal(e.name, code);
    if (status !== undefined) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

const put = (b: string, text: string, who?: Credentials) =>
  t.client(who).send(new PutBucketPolicyCommand({ Bucket: b, Policy: text }));
const get = (b: string, who?: Credentials) => t.client(who).send(new GetBucketPolicyCommand({ Bucket: b }));
const del = (b: string, who?: Credentials) => t.client(who).send(new DeleteBucketPolicyCommand({ Bucket: b }));
const isPublic = async (b: string) =>
  (await t.client().send(new GetBucketPolicyStatusCommand({ Bucket: b }))).PolicyStatus?.IsPublic;
const objects = (b: string) => `arn:aws:s3:::${b}/*`;

describe('PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy / GetBucketPolicyStatus', () => {
  it('round trip: the document comes back exactly as stored; a missing policy is NoSuchBucketPolicy', async () => {
    const b = await newBucket();
    await fails(get(b), 'NoSuchBucketPolicy', 404);
    await fails(t.client().send(new GetBucketPolicyStatusCommand({ Bucket: b })), 'NoSuchBucketPolicy', 404);
    const text =
      `{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${OTHER}"},\n` +
      `    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${b}/*"}]\n}`;
    const r = await put(b, text);
    assert.equal(r.$metadata.httpStatusCode, 204);
    assert.equal((await get(b)).Policy, text);
    assert.equal(await isPublic(b), false);
    assert.equal((await del(b)).$metadata.httpStatusCode, 204);
    await fails(get(b), 'NoSuchBucketPolicy', 404);
    // Deleting a policy that is not there is 204 too.
    assert.equal((await del(b)).$metadata.httpStatusCode, 204);
  });

  it("validation: S3's MalformedPolicy for bad actions, resources, principals; PolicyTooLarge past 20 KB", async () => {
    const b = await newBucket();
    const stmt = (extra: object) =>
      policy([{ Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetObject', Resource: objects(b), ...extra }]);
    await fails(put(b, 'not json'), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Action: 's3:GetObjekt' })), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Resource: 'arn:aws:s3:::another-bucket/*' })), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Principal: { AWS: 'not-a-principal' } })), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Principal: { AWS: `arn:aws:iam::${OWNER}:user/ghost` } })), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Principal: { AWS: '999988887777' } })), 'MalformedPolicy', 400);
    await fails(put(b, stmt({ Principal: { AWS: 'arn:aws:iam::999988887777:root' } })), 'MalformedPolicy', 400);
    await put(b, stmt({ Principal: { AWS: [`arn:aws:iam::${OWNER}:user/alice`, `arn:aws:iam::${OTHER}:root`] } }));
    // White space does not count towards the quota; other characters do.
    const padded = stmt({ Sid: 'x'.repeat(100) }).replace('{', '{' + ' '.repeat(30_000));
    await put(b, padded);
    await fails(put(b, stmt({ Sid: 'x'.repeat(20_480) })), 'PolicyTooLarge', 400);
    assert.equal((await get(b)).Policy, padded);
  });

  it('BlockPublicPolicy (on for new buckets) refuses a public policy; off, IsPublic says true', async () => {
    const read = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject' };
    const publicRead = (b: string) => policy([{ ...read, Resource: objects(b) }]);
    const blocked = await newBucket();
    await assert.rejects(put(blocked, publicRead(blocked)), (e: S3ServiceException) => {
      assert.equal(e.name, 'AccessDenied');
      assert.match(e.message, /because public policies are blocked by the BlockPublicPolicy block public access setting/u);
      return true;
    });
    await fails(get(blocked), 'NoSuchBucketPolicy');
    const open = await newBucket({ publicAccessBlock: 'off' });
    await put(open, publicRead(open));
    assert.equal(await isPublic(open), true);
    // Pinned to a VPC endpoint, the same grant is not public (and BlockPublicPolicy lets it through).
    const condition = { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } };
    const pinned = policy([{ ...read, Resource: objects(blocked), Condition: condition }]);
    await put(blocked, pinned);
    assert.equal(await isPublic(blocked), false);
  });
});

describe('who may read, replace and delete a bucket policy', () => {
  it("the owner account's root recovers from a policy that denies everyone; nobody else gets past it", async () => {
    const b = await newBucket();
    const { alice } = USERS;
    const denyAll = policy([{ Sid: 'LockedOut', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: both(b) }]);
    await put(b, denyAll, alice.credentials);
    const putObject = new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' });
    await fails(t.client(alice.credentials).send(putObject), 'AccessDenied', 403);
    await fails(get(b, alice.credentials), 'AccessDenied', 403);
    await fails(put(b, denyAll, alice.credentials), 'AccessDenied', 403);
    await fails(del(b, alice.credentials), 'AccessDenied', 403);
    // The root: every other action stays denied, the three policy actions do not.
    await fails(t.client().send(new GetObjectCommand({ Bucket: b, Key: 'k' })), 'AccessDenied', 403);
    assert.equal((await get(b)).Policy, denyAll);
    await put(b, denyAll);
    await del(b);
    // Once the root removed it, alice's s3:* works again.
    const readPolicy = { Effect: 'Allow', Principal: { AWS: OWNER }, Action: 's3:GetBucketPolicy', Resource: both(b)[0] };
    await put(b, policy([readPolicy]), alice.credentials);
  });

  it("another account's principals: 405 MethodNotAllowed even when both sides allow, 403 without a grant", async () => {
    const b = await newBucket();
    const { olivia } = USERS;
    await fails(get(b, olivia.credentials), 'AccessDenied', 403);
    const actions = ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'];
    await put(b, policy([{ Effect: 'Allow', Principal: { AWS: OTHER }, Action: actions, Resource: both(b)[0] }]));
    await fails(get(b, olivia.credentials), 'MethodNotAllowed', 405);
    await fails(del(b, OTHER_ROOT), 'MethodNotAllowed', 405);
    assert.ok((await get(b)).Policy);
  });

  it('an anonymous caller never reads, replaces or deletes a policy, even one granting s3:* to everyone', async () => {
    const b = await newBucket({ publicAccessBlock: 'off' });
    const everything = policy([{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: both(b) }]);
    await put(b, everything);
    await t.client().send(new PutObjectCommand({ Bucket: b, Key: 'public.txt', Body: 'hello' }));
    const read = await rawRequest(t.server.endpoint, { method: 'GET', path: `/${b}/public.txt` });
    assert.equal(read.status, 200);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const body = method === 'PUT' ? everything : undefined;
      const r = await rawRequest(t.server.endpoint, { method, path: `/${b}`, query: 'policy', body });
      assert.equal(r.status, 405, method);
      assert.equal(r.code, 'MethodNotAllowed');
    }
    assert.equal((await get(b)).Policy, everything);
    const status = await rawRequest(t.server.endpoint, { method: 'GET', path: `/${b}`, query: 'policyStatus' });
    assert.equal(status.status, 200);
    const xmlns = 'http://s3.amazonaws.com/doc/2006-03-01/';
    assert.ok(status.body.toString().includes(`<PolicyStatus xmlns="${xmlns}"><IsPublic>true</IsPublic></PolicyStatus>`));
  });
});
