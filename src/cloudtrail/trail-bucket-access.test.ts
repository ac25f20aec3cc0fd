import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newBucketRecord } from '../storage/new-bucket.js';
import type { BucketRecord } from '../storage/ports.js';
import { checkTrailBucketAccess, type TrailBucketAccessInput } from './trail-bucket-access.js';

const ACCT = '111122223333';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`;

/** The bucket policy of AWS's page create-s3-bucket-policy-for-cloudtrail.html, filled in. */
function docPolicy(o: { prefix?: string; trailArn?: string } = {}): string {
  const prefix = o.prefix ? `${o.prefix}/` : '';
  const sourceArn = o.trailArn ?? TRAIL_ARN;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck20150319',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: 'arn:aws:s3:::logs',
        Condition: { StringEquals: { 'aws:SourceArn': sourceArn } },
      },
      {
        Sid: 'AWSCloudTrailWrite20150319',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::logs/${prefix}AWSLogs/${ACCT}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
      },
    ],
  });
}

function bucket(policy: string | undefined): BucketRecord {
  return newBucketRecord({
    name: 'logs', ownerAccountId: ACCT, region: 'us-east-1', createdAt: new Date(0),
    ...(policy !== undefined ? { policy: { document: policy, revision: 1 } } : {}),
  });
}

async function check(policy: string | undefined, input: Partial<TrailBucketAccessInput> = {}) {
  const b = bucket(policy);
  return checkTrailBucketAccess(
    { getBucket: async (name) => (name === b.name ? b : undefined) },
    { bucket: 'logs', accountId: ACCT, region: 'us-east-1', trailArn: TRAIL_ARN, ...input },
  );
}

describe('checkTrailBucketAccess', () => {
  it("allows the bucket policy of AWS's CloudTrail page, with and without a key prefix", async () => {
    assert.equal(await check(docPolicy()), 'Allowed');
    assert.equal(await check(docPolicy({ prefix: 'ct' }), { keyPrefix: 'ct' }), 'Allowed');
  });

  it('a missing bucket is NoSuchBucket', async () => {
    assert.equal(await check(docPolicy(), { bucket: 'nope' }), 'NoSuchBucket');
  });

  it('denies without a policy, for another trail, another prefix or another account', async () => {
    assert.equal(await check(undefined), 'Denied');
    assert.equal(await check(docPolicy({ trailArn: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/other` })), 'Denied');
    assert.equal(await check(docPolicy({ prefix: 'ct' })), 'Denied', 'the policy names a prefix the trail does not use');
    assert.equal(await check(docPolicy(), { keyPrefix: 'ct' }), 'Denied');
    assert.equal(await check(docPolicy(), { accountId: '444455556666' }), 'Denied');
  });

  it('needs both statements; a Deny for the service wins', async () => {
    const doc = JSON.parse(docPolicy()) as { Statement: Record<string, unknown>[] };
    const only = (i: number) => JSON.stringify({ ...doc, Statement: [doc.Statement[i]] });
    assert.equal(await check(only(0)), 'Denied', 'no s3:PutObject');
    assert.equal(await check(only(1)), 'Denied', 'no s3:GetBucketAcl');
    const deny = {
      Effect: 'Deny', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::logs/*',
    };
    assert.equal(await check(JSON.stringify({ ...doc, Statement: [...doc.Statement, deny] })), 'Denied');
  });

  it('reads aws:SourceAccount and s3:x-amz-acl as CloudTrail sends them', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: ['s3:GetBucketAcl', 's3:PutObject'],
        Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'],
        Condition: { StringEquals: { 'aws:SourceAccount': ACCT } },
      }],
    });
    assert.equal(await check(policy), 'Allowed');
    assert.equal(await check(policy.replace(ACCT, '444455556666')), 'Denied');
    const wrongAcl = policy.replace('"aws:SourceAccount"', '"s3:x-amz-acl":"private","aws:SourceAccount"');
    assert.equal(await check(wrongAcl), 'Denied');
  });

  it('a policy naming another service does not let CloudTrail in', async () => {
    assert.equal(await check(docPolicy().replaceAll('cloudtrail.amazonaws.com', 'logging.s3.amazonaws.com')), 'Denied');
  });
});
