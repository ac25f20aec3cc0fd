import { PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { prepareSmallObjects, type SmallObjectFixture, type TargetAccess } from './small-object.js';

/** Statements in the bench's bucket policy (issue #14: "a 20-statement conditional bucket policy"). */
export const BUCKET_POLICY_STATEMENTS = 20;

/**
 * A bucket policy such as real ones are: 20 statements, most with conditions, none of which refuses
 * the bench's GETs — so every statement that matches s3:GetObject has to be looked at (a deny on
 * insecure transport from elsewhere, deny-unless-encrypted uploads, grants to other accounts pinned
 * to an organization and networks, a deny outside the allowed regions...).
 */
export function benchBucketPolicy(bucket: string, accountId: string): Record<string, unknown> {
  const arn = `arn:aws:s3:::${bucket}`;
  const statements: Record<string, unknown>[] = [
    { Sid: 'DenyOtherRegions', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } },
    { Sid: 'DenyUnencryptedUploads', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `${arn}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
    { Sid: 'DenyOldTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [arn, `${arn}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    { Sid: 'OwnerAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 's3:*', Resource: [arn, `${arn}/*`] },
  ];
  for (let i = statements.length; i < BUCKET_POLICY_STATEMENTS; i++) {
    statements.push({
      Sid: `Partner${i}`,
      Effect: 'Allow',
      // Principals must exist (PutBucketPolicy checks): the owner account, pinned by conditions.
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [arn, `${arn}/shared-${i}/*`],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': `o-bench${i}` }, IpAddress: { 'aws:SourceIp': [`10.${i}.0.0/16`, '192.168.0.0/16'] } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** A copy of the small objects in a bucket of their own, with the bench bucket policy. */
export async function createBucketPolicyBench(access: TargetAccess, options: { fixture: SmallObjectFixture; bucket: string }): Promise<SmallObjectFixture> {
  const fixture: SmallObjectFixture = { ...options.fixture, bucket: options.bucket };
  await prepareSmallObjects(access, fixture);
  const config = { endpoint: `http://${access.endpoint.host}:${access.endpoint.port}`, region: access.region, credentials: access.credentials, maxAttempts: 1 };
  const sts = new STSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    const accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
    await s3.send(new PutBucketPolicyCommand({ Bucket: options.bucket, Policy: JSON.stringify(benchBucketPolicy(options.bucket, accountId)) }));
  } finally {
    s3.destroy();
    sts.destroy();
  }
  return fixture;
}
