/**
 * The adapter behind the real pipeline, driven by the AWS SDK v3 with its default checksum settings.
 * (The full server, CLI and boto3 are exercised in test/integration/s3-*.test.ts.)
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

let server: S3TestServer;
let s3: S3Client;
let n = 0;
const bucketName = () => `unit-${process.pid}-${++n}-${randomBytes(3).toString('hex')}`;

before(async () => {
  server = await startS3TestServer();
  s3 = server.client();
});
after(async () => server.close());

async function rejects(p: Promise<unknown>, code: string | undefined, status?: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof S3ServiceException, String(e));
    if (code !== undefined) assert.equal(e.name, code);
    if (status !== undefined) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

async function newBucket(): Promise<string> {
  const b = bucketName();
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  return b;
}

test('bucket lifecycle: create, head, location, list, delete', async () => {
  const b = await newBucket();
  const head = await s3.send(new HeadBucketCommand({ Bucket: b }));
  assert.equal(head.BucketRegion, 'us-east-1');
  const loc = await s3.send(new GetBucketLocationCommand({ Bucket: b }));
  assert.equal(loc.LocationConstraint, undefined);
  const list = await s3.send(new ListBucketsCommand({}));
  assert.ok(list.Buckets?.some((x) => x.Name === b));
  assert.match(list.Owner?.ID ?? '', /^[0-9a-f]{64}$/);
  await s3.send(new DeleteBucketCommand({ Bucket: b }));
  await rejects(s3.send(new HeadBucketCommand({ Bucket: b })), 'NotFound', 404);
});

test('CreateBucket errors: invalid name, other owner, location constraint', async () => {
  await rejects(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), 'InvalidBucketName', 400);
  const b = await newBucket();
  // us-east-1: re-creating your own bucket is 200 OK (legacy behaviour AWS documents).
  await s3.send(new CreateBucketCommand({ Bucket: b }));
  await rejects(server.client({ accessKeyId: 'AKIAS3TESTUSER000002', secretAccessKey: 'other/secret/key/000000000000000000000000' }).send(new CreateBucketCommand({ Bucket: b })), 'BucketAlreadyExists', 409);
  // This test server serves us-east-1 only: another region is not a location it has.
  await rejects(s3.send(new CreateBucketCommand({ Bucket: bucketName(), CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })), 'InvalidLocationConstraint', 400);
});

test('PutObject / GetObject / HeadObject round trip with metadata, checksum and ETag', async () => {
  const b = await newBucket();
  const body = Buffer.from('hello strongbox');
  const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt', Body: body, ContentType: 'text/plain', Metadata: { color: 'blue' }, Tagging: 'k1=v1&k2=v2' }));
  assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
  assert.ok(put.ChecksumCRC32, 'SDK default CRC32 checksum is verified and echoed');
  const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt' }));
  assert.equal(await got.Body?.transformToString(), 'hello strongbox');
  assert.equal(got.ContentType, 'text/plain');
  assert.deepEqual(got.Metadata, { color: 'blue' });
  assert.equal(got.TagCount, 2);
  assert.equal(got.ETag, put.ETag);
  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dir/a b+c.txt', ChecksumMode: 'ENABLED' }));
  assert.equal(head.ContentLength, body.length);
  assert.equal(head.ChecksumCRC32, put.ChecksumCRC32);
  assert.equal(head.ChecksumType, 'FULL_OBJECT');
  await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'missing' })), 'NoSuchKey', 404);
  await rejects(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-' + randomBytes(4).toString('hex'), Key: 'k' })), 'NoSuchBucket', 404);
});

test('GetObject ranges, conditions and overrides', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'r', Body: 'hello world' }));
  const r1 = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=4-7' }));
  assert.equal(r1.ContentRange, 'bytes 4-7/11');
  assert.equal(await r1.Body?.transformToString(), 'o wo');
  const r2 = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=-5' }));
  assert.equal(await r2.Body?.transformToString(), 'world');
  const r3 = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=6-' }));
  assert.equal(await r3.Body?.transformToString(), 'world');
  await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=40-50' })), 'InvalidRange', 416);
  const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'r' }));
  await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', IfNoneMatch: head.ETag })), undefined, 304);
  await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', IfMatch: '"nope"' })), 'PreconditionFailed', 412);
  const ok = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', IfMatch: head.ETag, IfUnmodifiedSince: new Date('2000-01-01') }));
  assert.equal(await ok.Body?.transformToString(), 'hello world');
  const o = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'r', ResponseContentType: 'application/x-test', ResponseContentDisposition: 'attachment' }));
  assert.equal(o.ContentType, 'application/x-test');
  assert.equal(o.ContentDisposition, 'attachment');
  await o.Body?.transformToString();
});

test('conditional writes: If-None-Match * and If-Match', async () => {
  const b = await newBucket();
  const first = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'one', IfNoneMatch: '*' }));
  await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'two', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
  await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'two', IfMatch: '"0000"' })), 'PreconditionFailed', 412);
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'c', Body: 'two', IfMatch: first.ETag }));
  await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'absent', Body: 'x', IfMatch: first.ETag })), 'NoSuchKey', 404);
});

test('listing v1 and v2: prefixes, delimiters, pagination, encoding', async () => {
  const b = await newBucket();
  for (const k of ['a/1', 'a/2', 'b', 'c/d/e', 'sp ace+plus']) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
  const v2 = await s3.send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/' }));
  assert.deepEqual(v2.Contents?.map((c) => c.Key), ['b', 'sp ace+plus']);
  assert.deepEqual(v2.CommonPrefixes?.map((c) => c.Prefix), ['a/', 'c/']);
  assert.equal(v2.KeyCount, 4);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: b, MaxKeys: 2, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  assert.deepEqual(keys, ['a/1', 'a/2', 'b', 'c/d/e', 'sp ace+plus']);
  const after = await s3.send(new ListObjectsV2Command({ Bucket: b, StartAfter: 'b', FetchOwner: true }));
  assert.deepEqual(after.Contents?.map((c) => c.Key), ['c/d/e', 'sp ace+plus']);
  assert.ok(after.Contents?.[0].Owner?.ID);
  const v1 = await s3.send(new ListObjectsCommand({ Bucket: b, Delimiter: '/', MaxKeys: 1 }));
  assert.equal(v1.IsTruncated, true);
  assert.equal(v1.NextMarker, 'a/');
  const enc = await s3.send(new ListObjectsV2Command({ Bucket: b, Prefix: 'sp', EncodingType: 'url' }));
  assert.equal(enc.Contents?.[0].Key, 'sp%20ace%2Bplus');
});

test('DeleteObject(s): missing keys succeed, quiet mode, bucket not empty', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'x', Body: 'x' }));
  await rejects(s3.send(new DeleteBucketCommand({ Bucket: b })), 'BucketNotEmpty', 409);
  await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'never-existed' }));
  const res = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'x' }, { Key: 'y' }] } }));
  assert.deepEqual(res.Deleted?.map((d) => d.Key).sort(), ['x', 'y']);
  const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'z' }], Quiet: true } }));
  assert.equal(quiet.Deleted, undefined);
  await s3.send(new DeleteBucketCommand({ Bucket: b }));
});

test('CopyObject: COPY and REPLACE directives, self-copy rule, conditions', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 'src key', Body: 'copy me', ContentType: 'text/x', Metadata: { a: '1' }, Tagging: 't=1' }));
  const c1 = await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/${encodeURIComponent('src key')}` }));
  assert.ok(c1.CopyObjectResult?.ETag);
  const h1 = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dst' }));
  assert.equal(h1.ContentType, 'text/x');
  assert.deepEqual(h1.Metadata, { a: '1' });
  await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst2', CopySource: `${b}/src%20key`, MetadataDirective: 'REPLACE', ContentType: 'text/y', Metadata: { b: '2' }, TaggingDirective: 'REPLACE', Tagging: 'u=2' }));
  const h2 = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dst2' }));
  assert.equal(h2.ContentType, 'text/y');
  assert.deepEqual(h2.Metadata, { b: '2' });
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'dst2' }));
  assert.deepEqual(tags.TagSet, [{ Key: 'u', Value: '2' }]);
  await rejects(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/dst` })), 'InvalidRequest', 400);
  await s3.send(new CopyObjectCommand({ Bucket: b, Key: 'dst', CopySource: `${b}/dst`, MetadataDirective: 'REPLACE', Metadata: { c: '3' } }));
  await rejects(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'd3', CopySource: `${b}/dst`, CopySourceIfMatch: '"bad"' })), 'PreconditionFailed', 412);
  await rejects(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'd3', CopySource: `${b}/nope` })), 'NoSuchKey', 404);
});

test('object tagging: put, get, delete, limits', async () => {
  const b = await newBucket();
  await s3.send(new PutObjectCommand({ Bucket: b, Key: 't', Body: 't' }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 't' }))).TagSet, []);
  await s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 't', Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 't' }))).TagSet, [{ Key: 'a', Value: 'b' }]);
  const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  await rejects(s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 't', Tagging: { TagSet: eleven } })), 'BadRequest', 400);
  await rejects(s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 't', Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] } })), 'InvalidTag', 400);
  await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'u', Body: 'u', Tagging: 'a=1&a=2' })), 'InvalidArgument', 400);
  await rejects(s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 'missing', Tagging: { TagSet: [] } })), 'NoSuchKey', 404);
});

test('metadata over 2 KB is MetadataTooLarge', async () => {
  const b = await newBucket();
  await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'm', Body: 'm', Metadata: { big: 'x'.repeat(2100) } })), 'MetadataTooLarge', 400);
});
