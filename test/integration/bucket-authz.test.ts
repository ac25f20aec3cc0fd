/**
 * The resource side of S3 authorization end to end, with real clients: a policy that refuses
 * unencrypted uploads (Null condition), a cross-account grant that needs the bucket policy and the
 * other account's own identity policy, a public website-style bucket read anonymously (Block Public
 * Access off), and Block Public Access turned back on hiding the public policy and public ACL grants
 * that still exist (RestrictPublicBuckets, IgnorePublicAcls).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateAccountCommand, CreateOrganizationCommand, DescribeCreateAccountStatusCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsCli, iamClient, s3Client, startServer, stsClient, uniqueName, type Credentials, type TestServer } from './harness.js';

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('bucket policies, ACLs and Block Public Access with real clients', () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startServer();
    s3 = s3Client(server);
  });
  after(async () => {
    await server?.stop();
  });

  /** An unsigned GET, as a browser or curl sends it. */
  const anonymousGet = async (bucket: string, key: string) => (await fetch(`${server.endpoint}/${bucket}/${key}`)).status;

  test('a bucket policy refuses uploads without x-amz-server-side-encryption (Null condition)', async () => {
    const bucket = uniqueName('encrypted-only');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const policy = doc([
      { Sid: 'DenyUnencrypted', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } } },
    ]);
    const put = await awsCli(server, ['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', policy]);
    assert.equal(put.code, 0, put.stderr);
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' })), { name: 'AccessDenied' });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sealed', Body: 'x', ServerSideEncryption: 'AES256' }));
    const file = join(server.dataDir, '..', `${bucket}.txt`);
    writeFileSync(file, 'x');
    const cli = await awsCli(server, ['s3api', 'put-object', '--bucket', bucket, '--key', 'cli', '--body', file]);
    assert.match(cli.stderr, /\(AccessDenied\)/);
  });

  test('cross-account: the bucket policy and the other account’s identity policy must both allow', async () => {
    const orgs = new OrganizationsClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: server.root, maxAttempts: 1 });
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await orgs.send(new CreateAccountCommand({ Email: 'partner@example.com', AccountName: 'partner' }));
    const member = (await orgs.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus!.Id! }))).CreateAccountStatus!.AccountId!;
    const c = (await stsClient(server).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/OrganizationAccountAccessRole`, RoleSessionName: 'setup' }))).Credentials!;
    const memberAdmin: Credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const memberIam = iamClient(server, memberAdmin);
    const reader = async (name: string, policy?: string): Promise<Credentials> => {
      await memberIam.send(new CreateUserCommand({ UserName: name }));
      if (policy) await memberIam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'p', PolicyDocument: policy }));
      const k = (await memberIam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    };
    const bucket = uniqueName('shared');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'report.csv', Body: 'a,b' }));
    const allowed = await reader(uniqueName('partner-reader'), doc([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }]));
    const plain = await reader(uniqueName('partner-plain'));
    const get = (creds: Credentials) => s3Client(server, creds).send(new GetObjectCommand({ Bucket: bucket, Key: 'report.csv' }));
    // The identity policy alone is not enough across accounts.
    await assert.rejects(get(allowed), { name: 'AccessDenied' });
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: doc([{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${member}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }]) }));
    assert.equal(await (await get(allowed)).Body!.transformToString(), 'a,b');
    // The bucket policy alone is not enough either.
    await assert.rejects(get(plain), { name: 'AccessDenied' });
    await assert.rejects(s3Client(server, allowed).send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'y' })), { name: 'AccessDenied' });
  });

  test('a public website-style bucket (Block Public Access off) is read anonymously; Block Public Access back on hides it', async () => {
    const bucket = uniqueName('website');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'index.html', Body: '<h1>hello</h1>', ContentType: 'text/html' }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const publicRead = doc([{ Sid: 'PublicReadGetObject', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }]);
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead }));
    assert.equal(await anonymousGet(bucket, 'index.html'), 200);
    // Anonymous callers get 403 for a missing key: they may not list the bucket.
    assert.equal(await anonymousGet(bucket, 'missing.html'), 403);
    // RestrictPublicBuckets: the public policy still exists but lets nobody outside the account in.
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }));
    assert.equal(await anonymousGet(bucket, 'index.html'), 403);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'index.html' }))).Body!.transformToString(), '<h1>hello</h1>');
  });

  test('IgnorePublicAcls hides a public-read object ACL that still exists', async () => {
    const bucket = uniqueName('legacy-acl');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'logo.png', Body: 'png' }));
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'logo.png', ACL: 'public-read' }));
    assert.equal(await anonymousGet(bucket, 'logo.png'), 200);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
    assert.equal(await anonymousGet(bucket, 'logo.png'), 403);
    // BlockPublicAcls now refuses a new public ACL, too.
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true, BlockPublicAcls: true } }));
    await assert.rejects(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'logo.png', ACL: 'public-read' })), { name: 'AccessDenied' });
  });
});
