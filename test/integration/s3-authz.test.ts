/**
 * S3 authorization outcomes end to end: IAM users and inline policies created through the real IAM
 * API, S3 requests from the AWS SDK v3 (and a browser-style POST form through fetch), answered by the
 * real server and its policy engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { iamClient, s3Client, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

let server: TestServer;
let iam: IAMClient;
let root: S3Client;
const clients: S3Client[] = [];

type Statement = Record<string, unknown>;

/** A user whose only permissions are `statements` (one inline policy), and an S3 client with its key. */
async function userWith(statements: Statement[]): Promise<{ name: string; s3: S3Client; creds: Credentials }> {
  const name = uniqueName('authz');
  await iam.send(new CreateUserCommand({ UserName: name }));
  await allow(name, 'main', statements);
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  assert.ok(key?.AccessKeyId && key.SecretAccessKey);
  const creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  const s3 = s3Client(server, creds);
  clients.push(s3);
  return { name, s3, creds };
}

async function allow(userName: string, policyName: string, statements: Statement[]): Promise<void> {
  const doc = { Version: '2012-10-17', Statement: statements };
  await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument: JSON.stringify(doc) }));
}

async function newBucket(...keys: string[]): Promise<string> {
  const bucket = uniqueName('authz-bucket');
  await root.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const k of keys) await root.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: `body of ${k}` }));
  return bucket;
}

/** The error name and HTTP status a request fails with. */
async function failure(p: Promise<unknown>): Promise<[string, number | undefined]> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof S3ServiceException, String(e));
    return [e.name, e.$metadata.httpStatusCode];
  }
  assert.fail('expected the request to fail');
}

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await root.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404) return false;
    throw e;
  }
}

describe('S3 authorization with IAM policies', () => {
  before(async () => {
    server = await startServer();
    iam = iamClient(server);
    root = s3Client(server);
  });
  after(async () => {
    for (const c of [...clients, root]) c?.destroy();
    iam?.destroy();
    await server?.stop();
  });

  test('a missing key is 403 without s3:ListBucket, 404 NoSuchKey with it', async () => {
    const bucket = await newBucket('present');
    const user = await userWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }]);
    assert.equal(await (await user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'present' }))).Body?.transformToString(), 'body of present');
    assert.deepEqual(await failure(user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' }))), ['AccessDenied', 403]);
    // A HEAD answer has no body, so only the status tells (the SDK names a bare 403 'Unknown').
    assert.equal((await failure(user.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'absent' }))))[1], 403);
    // The bucket owner's root may list: it gets 404.
    assert.deepEqual(await failure(root.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' }))), ['NoSuchKey', 404]);

    await allow(user.name, 'list', [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` }]);
    assert.deepEqual(await failure(user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' }))), ['NoSuchKey', 404]);
    assert.deepEqual(await failure(user.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'absent' }))), ['NotFound', 404]);
  });

  test('DeleteObjects deletes the permitted keys and reports AccessDenied for the others', async () => {
    const bucket = await newBucket('open/1', 'open/2', 'locked/1');
    const user = await userWith([{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/open/*` }]);
    const out = await user.s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'open/1' }, { Key: 'locked/1' }, { Key: 'open/2' }] } }),
    );
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ['open/1', 'open/2']);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['locked/1', 'AccessDenied']]);
    assert.deepEqual([await exists(bucket, 'open/1'), await exists(bucket, 'open/2'), await exists(bucket, 'locked/1')], [false, false, true]);
  });

  test('s3:authType POST allows a browser POST upload but not a header-signed or presigned PutObject', async () => {
    const bucket = await newBucket();
    const user = await userWith([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 's3:authType': 'POST' } } },
    ]);
    const presigned = await createPresignedPost(user.s3, { Bucket: bucket, Key: 'uploads/${filename}', Expires: 300 });
    const form = new FormData();
    for (const [k, v] of Object.entries(presigned.fields)) form.append(k, v);
    form.append('file', new Blob(['from a browser']), 'page.txt');
    const res = await fetch(`${server.endpoint}/${bucket}`, { method: 'POST', body: form });
    assert.equal(res.status, 204, await res.text());
    assert.equal(await (await root.send(new GetObjectCommand({ Bucket: bucket, Key: 'uploads/page.txt' }))).Body?.transformToString(), 'from a browser');

    assert.deepEqual(await failure(user.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'uploads/put.txt', Body: 'x' }))), ['AccessDenied', 403]);
    const url = await getSignedUrl(user.s3, new PutObjectCommand({ Bucket: bucket, Key: 'uploads/presigned.txt' }), { expiresIn: 300 });
    const put = await fetch(url, { method: 'PUT', body: 'x' });
    assert.equal(put.status, 403);
    assert.match(await put.text(), /<Code>AccessDenied<\/Code>/);
  });

  test('CopyObject needs s3:GetObject on the source and s3:PutObject on the target', async () => {
    const bucket = await newBucket('src/a', 'private/a');
    const user = await userWith([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/src/*` },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/dst/*` },
    ]);
    await user.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst/a', CopySource: `${bucket}/src/a` }));
    assert.equal(await (await root.send(new GetObjectCommand({ Bucket: bucket, Key: 'dst/a' }))).Body?.transformToString(), 'body of src/a');
    assert.deepEqual(await failure(user.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst/b', CopySource: `${bucket}/private/a` }))), ['AccessDenied', 403]);
    assert.deepEqual(await failure(user.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'elsewhere/a', CopySource: `${bucket}/src/a` }))), ['AccessDenied', 403]);
    assert.deepEqual([await exists(bucket, 'dst/b'), await exists(bucket, 'elsewhere/a')], [false, false]);
  });

  test('ListObjectsV2 under an s3:prefix condition: the allowed prefix lists, another prefix is denied', async () => {
    const bucket = await newBucket('home/alice/notes.txt', 'home/bob/secret.txt');
    const user = await userWith([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { 's3:prefix': ['home/alice/*'] } } },
    ]);
    const mine = await user.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'home/alice/' }));
    assert.deepEqual(mine.Contents?.map((c) => c.Key), ['home/alice/notes.txt']);
    assert.deepEqual(await failure(user.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'home/bob/' }))), ['AccessDenied', 403]);
    assert.deepEqual(await failure(user.s3.send(new ListObjectsV2Command({ Bucket: bucket }))), ['AccessDenied', 403]);
  });

  test('PutObject with x-amz-tagging also needs s3:PutObjectTagging', async () => {
    const bucket = await newBucket();
    const user = await userWith([{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` }]);
    await user.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' }));
    assert.deepEqual(await failure(user.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 'x', Tagging: 'team=red' }))), ['AccessDenied', 403]);
    assert.equal(await exists(bucket, 'tagged'), false);
    await allow(user.name, 'tagging', [{ Effect: 'Allow', Action: 's3:PutObjectTagging', Resource: `arn:aws:s3:::${bucket}/*` }]);
    await user.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 'x', Tagging: 'team=red' }));
    assert.equal(await exists(bucket, 'tagged'), true);
  });

  test('an explicit Deny of s3:DeleteObject wins over an s3:* Allow', async () => {
    const bucket = await newBucket('keep', 'keep2');
    const user = await userWith([
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ]);
    assert.equal(await (await user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'keep' }))).Body?.transformToString(), 'body of keep');
    assert.deepEqual(await failure(user.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'keep' }))), ['AccessDenied', 403]);
    const out = await user.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'keep' }, { Key: 'keep2' }] } }));
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code]), [['keep', 'AccessDenied'], ['keep2', 'AccessDenied']]);
    assert.deepEqual([await exists(bucket, 'keep'), await exists(bucket, 'keep2')], [true, true]);
    // With s3:* the user may list, so a missing key is 404 for it.
    assert.deepEqual(await failure(user.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'absent' }))), ['NoSuchKey', 404]);
  });
});
