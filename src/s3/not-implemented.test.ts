/**
 * Authorize before anything else: an operation Strongbox does not implement answers a caller without
 * permission AccessDenied, as AWS does, and NotImplemented only to one the policies allow. A missing
 * bucket is still NoSuchBucket, to anyone.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketReplicationCommand,
  GetObjectTorrentCommand,
  PutBucketRequestPaymentCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ROUTES } from './operations.js';
import { S3_OPERATIONS } from '../policy/s3-actions.js';
import { OWNER, USERS, startPolicyTestServer, type PolicyTestServer } from './testing/policy-test-server.js';

let t: PolicyTestServer;
before(async () => {
  t = await startPolicyTestServer();
});
after(async () => t.close());

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    assert.ok(e instanceof S3ServiceException, String(e));
    return e.name;
  }
}

const requestPayment = (s3: S3Client, b: string) =>
  s3.send(new PutBucketRequestPaymentCommand({ Bucket: b, RequestPaymentConfiguration: { Payer: 'BucketOwner' } }));

describe('unimplemented operations are authorized before they answer', () => {
  it('AccessDenied without permission, NotImplemented with it (bucket and object operations)', async () => {
    const b = `ni-${randomBytes(4).toString('hex')}`;
    const root = t.client();
    const bob = t.client(USERS.bob.credentials);
    await root.send(new CreateBucketCommand({ Bucket: b }));
    await root.send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
    assert.equal(await code(bob.send(new GetBucketReplicationCommand({ Bucket: b }))), 'AccessDenied');
    assert.equal(await code(requestPayment(bob, b)), 'AccessDenied');
    assert.equal(await code(bob.send(new GetObjectTorrentCommand({ Bucket: b, Key: 'k' }))), 'AccessDenied');
    assert.equal(await code(root.send(new GetBucketReplicationCommand({ Bucket: b }))), 'NotImplemented');
    assert.equal(await code(requestPayment(root, b)), 'NotImplemented');
    assert.equal(await code(root.send(new GetObjectTorrentCommand({ Bucket: b, Key: 'k' }))), 'NotImplemented');
    // The check is the operation's IAM action: a bucket policy granting it lets bob through to NotImplemented.
    const grant = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWNER}:user/bob` },
      Action: ['s3:GetReplicationConfiguration', 's3:GetObjectTorrent'],
      Resource: [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`],
    };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [grant] });
    await root.send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
    assert.equal(await code(bob.send(new GetBucketReplicationCommand({ Bucket: b }))), 'NotImplemented');
    assert.equal(await code(bob.send(new GetObjectTorrentCommand({ Bucket: b, Key: 'k' }))), 'NotImplemented');
    assert.equal(await code(requestPayment(bob, b)), 'AccessDenied');
  });

  it('a missing bucket is NoSuchBucket before authorization, for any caller', async () => {
    const missing = `ni-missing-${randomBytes(4).toString('hex')}`;
    const bob = t.client(USERS.bob.credentials);
    assert.equal(await code(bob.send(new GetBucketReplicationCommand({ Bucket: missing }))), 'NoSuchBucket');
  });

  it('every routed operation has an entry in the policy engine’s S3 action table', () => {
    // PostObject is authorized as s3:PutObject by its handler; a preflight is not authorized at all.
    const ownChecks = new Set(['PostObject', 'OptionsObject']);
    for (const rule of ROUTES) assert.ok(S3_OPERATIONS[rule.op] !== undefined || ownChecks.has(rule.op), rule.op);
  });
});
