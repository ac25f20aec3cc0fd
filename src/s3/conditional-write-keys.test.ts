/**
 * A bucket policy that requires conditional writes, as the S3 User Guide writes it ("Enforce
 * conditional writes on Amazon S3 buckets", example 3): PutObject, CompleteMultipartUpload and
 * CopyObject need If-None-Match or If-Match (s3:if-none-match / s3:if-match), while the steps of a
 * multipart upload before completion are exempted by s3:ObjectCreationOperation = false.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { USERS, startPolicyTestServer, type PolicyTestServer } from './testing/policy-test-server.js';

let t: PolicyTestServer;
before(async () => {
  t = await startPolicyTestServer();
});
after(async () => t.close());

async function denied(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof S3ServiceException && e.name === 'AccessDenied');
}

const setPolicy = (b: string, statements: unknown[]) => {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: statements });
  return t.client().send(new PutBucketPolicyCommand({ Bucket: b, Policy: policy }));
};

it('example 3: plain writes are denied; conditional writes and the steps of a multipart upload pass', async () => {
  const b = `cw-${randomBytes(4).toString('hex')}`;
  await t.client().send(new CreateBucketCommand({ Bucket: b }));
  const blockNonConditional = {
    Sid: 'BlockNonConditionalObjectCreation',
    Effect: 'Deny',
    Principal: { AWS: USERS.alice.caller.kind === 'User' ? USERS.alice.caller.arn : '' },
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${b}/*`,
    Condition: {
      Null: { 's3:if-none-match': 'true', 's3:if-match': 'true' },
      Bool: { 's3:ObjectCreationOperation': 'true' },
    },
  };
  await setPolicy(b, [blockNonConditional]);
  const alice = t.client(USERS.alice.credentials);

  await denied(alice.send(new PutObjectCommand({ Bucket: b, Key: 'plain', Body: 'x' })));
  const created = await alice.send(new PutObjectCommand({ Bucket: b, Key: 'once', Body: 'x', IfNoneMatch: '*' }));
  await alice.send(new PutObjectCommand({ Bucket: b, Key: 'once', Body: 'y', IfMatch: created.ETag }));

  await denied(alice.send(new CopyObjectCommand({ Bucket: b, Key: 'copy', CopySource: `${b}/once` })));
  await alice.send(new CopyObjectCommand({ Bucket: b, Key: 'copy', CopySource: `${b}/once`, IfNoneMatch: '*' }));

  // CreateMultipartUpload and UploadPart carry s3:ObjectCreationOperation = false: the Deny skips them.
  const upload = await alice.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mpu' }));
  const part = await alice.send(
    new UploadPartCommand({ Bucket: b, Key: 'mpu', UploadId: upload.UploadId, PartNumber: 1, Body: 'part' }),
  );
  const complete = (extra: { IfNoneMatch?: string }) =>
    alice.send(
      new CompleteMultipartUploadCommand({
        Bucket: b,
        Key: 'mpu',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        ...extra,
      }),
    );
  await denied(complete({}));
  await complete({ IfNoneMatch: '*' });
});

it('example 1: an Allow for If-None-Match writes, and for the parts (s3:ObjectCreationOperation false)', async () => {
  const b = `cw-${randomBytes(4).toString('hex')}`;
  await t.client().send(new CreateBucketCommand({ Bucket: b }));
  const bobArn = USERS.bob.caller.kind === 'User' ? USERS.bob.caller.arn : '';
  const allow = (sid: string, condition: object) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: bobArn },
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${b}/*`,
    Condition: condition,
  });
  const statements = [
    allow('AllowConditionalPut', { Null: { 's3:if-none-match': 'false' } }),
    allow('AllowConditionalPutwithMPUs', { Bool: { 's3:ObjectCreationOperation': 'false' } }),
  ];
  await setPolicy(b, statements);
  const bob = t.client(USERS.bob.credentials);
  await denied(bob.send(new PutObjectCommand({ Bucket: b, Key: 'plain', Body: 'x' })));
  await bob.send(new PutObjectCommand({ Bucket: b, Key: 'new', Body: 'x', IfNoneMatch: '*' }));
  const upload = await bob.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mpu' }));
  const { UploadId } = upload;
  const part = await bob.send(new UploadPartCommand({ Bucket: b, Key: 'mpu', UploadId, PartNumber: 1, Body: 'part' }));
  const MultipartUpload = { Parts: [{ PartNumber: 1, ETag: part.ETag }] };
  await denied(bob.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: 'mpu', UploadId, MultipartUpload })));
  const conditional = { Bucket: b, Key: 'mpu', UploadId, MultipartUpload, IfNoneMatch: '*' };
  await bob.send(new CompleteMultipartUploadCommand(conditional));
});
