/**
 * S3 with the AWS SDK for JavaScript v3 (default checksum settings: CRC32 trailers on uploads,
 * response checksum validation on downloads) against the real server: every implemented operation,
 * presigned URLs, browser POST forms, and bad input that must leave nothing stray in the data dir.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { rawRequest } from '../../src/s3/testing/raw-request.js';
import { s3Client, startServer, uniqueName, type TestServer } from './harness.js';

const MiB = 1024 * 1024;

async function rejects(p: Promise<unknown>, code: string | undefined, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof S3ServiceException, String(e));
    if (code !== undefined) assert.equal(e.name, code);
    assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

const bytesOf = async (body: unknown) => Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

describe('S3 with the AWS SDK v3', () => {
  let server: TestServer;
  let s3: S3Client;
  const newBucket = async () => {
    const b = uniqueName('sdk');
    await s3.send(new CreateBucketCommand({ Bucket: b }));
    return b;
  };

  before(async () => {
    server = await startServer();
    s3 = s3Client(server);
  });
  after(async () => {
    s3?.destroy();
    await server?.stop();
  });

  test('buckets: create, head, location, list with pagination, delete', async () => {
    const prefix = uniqueName('lb');
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const n of names) await s3.send(new CreateBucketCommand({ Bucket: n }));
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: names[0] }))).BucketRegion, server.region);
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: names[0] }))).LocationConstraint, undefined);
    const page1 = await s3.send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2 }));
    assert.deepEqual(page1.Buckets?.map((b) => b.Name), names.slice(0, 2));
    assert.equal(page1.Prefix, prefix);
    const page2 = await s3.send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2, ContinuationToken: page1.ContinuationToken }));
    assert.deepEqual(page2.Buckets?.map((b) => b.Name), names.slice(2));
    assert.equal(page2.ContinuationToken, undefined);
    for (const n of names) await s3.send(new DeleteBucketCommand({ Bucket: n }));
    await rejects(s3.send(new HeadBucketCommand({ Bucket: names[0] })), undefined, 404);
    await rejects(s3.send(new DeleteBucketCommand({ Bucket: names[0] })), 'NoSuchBucket', 404);
    await rejects(s3.send(new CreateBucketCommand({ Bucket: 'Invalid_Name' })), 'InvalidBucketName', 400);
    await rejects(s3.send(new CreateBucketCommand({ Bucket: uniqueName('loc'), CreateBucketConfiguration: { LocationConstraint: 'xx-nowhere-1' as BucketLocationConstraint } })), 'InvalidLocationConstraint', 400);
  });

  test('objects: put/get/head with metadata, tags, checksums, ranges, conditions, overrides', async () => {
    const b = await newBucket();
    const body = randomBytes(100_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', Body: body, ContentType: 'application/x-test', CacheControl: 'max-age=60', Metadata: { team: 'blue' }, Tagging: 'a=1' }));
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', ChecksumMode: 'ENABLED' }));
    assert.ok((await bytesOf(got.Body)).equals(body));
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    assert.equal(got.CacheControl, 'max-age=60');
    assert.equal(got.TagCount, 1);
    const head = await s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin' }));
    assert.deepEqual(head.Metadata, { team: 'blue' });
    assert.equal(head.AcceptRanges, 'bytes');
    const range = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', Range: 'bytes=10-19' }));
    assert.equal(range.ContentRange, `bytes 10-19/${body.length}`);
    assert.ok((await bytesOf(range.Body)).equals(body.subarray(10, 20)));
    await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', Range: `bytes=${body.length}-` })), 'InvalidRange', 416);
    await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', IfNoneMatch: put.ETag })), undefined, 304);
    await rejects(s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', IfModifiedSince: new Date(Date.now() + 3600_000) })), undefined, 304);
    await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', IfUnmodifiedSince: new Date('2001-01-01') })), 'PreconditionFailed', 412);
    const over = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', ResponseContentType: 'text/plain', ResponseContentDisposition: 'attachment; filename="x.bin"' }));
    assert.equal(over.ContentType, 'text/plain');
    assert.equal(over.ContentDisposition, 'attachment; filename="x.bin"');
    await over.Body?.transformToByteArray();
    await rejects(s3.send(new PutObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', Body: 'x', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin', Body: 'replaced', IfMatch: put.ETag }));
    await rejects(s3.send(new GetObjectCommand({ Bucket: b, Key: 'nope' })), 'NoSuchKey', 404);
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin' }));
    await s3.send(new DeleteObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin' }));
    await rejects(s3.send(new HeadObjectCommand({ Bucket: b, Key: 'dir/ü ni+code.bin' })), undefined, 404);
  });

  test('listing: v1 and v2 with delimiters, pagination, start-after, url encoding', async () => {
    const b = await newBucket();
    const keys = ['a/1', 'a/2', 'b/x/1', 'c', 'd e', 'f+g'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/' }));
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
    assert.deepEqual(top.Contents?.map((c) => c.Key), ['c', 'd e', 'f+g']);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: b, MaxKeys: 2, ContinuationToken: token, Delimiter: '/' }));
      seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string), ...(page.Contents ?? []).map((c) => c.Key as string));
      assert.ok((page.KeyCount ?? 0) <= 2);
      token = page.NextContinuationToken;
    } while (token);
    assert.deepEqual(seen.sort(), ['a/', 'b/', 'c', 'd e', 'f+g']);
    assert.deepEqual((await s3.send(new ListObjectsV2Command({ Bucket: b, StartAfter: 'c' }))).Contents?.map((c) => c.Key), ['d e', 'f+g']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: b, Prefix: 'a/', Marker: 'a/1' }));
    assert.deepEqual(v1.Contents?.map((c) => c.Key), ['a/2']);
    assert.ok(v1.Contents?.[0].Owner?.ID);
    const enc = await s3.send(new ListObjectsV2Command({ Bucket: b, EncodingType: 'url', Prefix: 'd' }));
    assert.equal(enc.Contents?.[0].Key, 'd%20e');
  });

  test('copy, tagging, DeleteObjects', async () => {
    const b = await newBucket();
    const other = await newBucket();
    await s3.send(new PutObjectCommand({ Bucket: b, Key: 'src', Body: 'payload', Metadata: { m: '1' }, Tagging: 'x=y' }));
    const copy = await s3.send(new CopyObjectCommand({ Bucket: other, Key: 'dst', CopySource: `${b}/src` }));
    assert.equal(copy.CopyObjectResult?.ETag, `"${createHash('md5').update('payload').digest('hex')}"`);
    assert.deepEqual((await s3.send(new HeadObjectCommand({ Bucket: other, Key: 'dst' }))).Metadata, { m: '1' });
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: other, Key: 'dst' }))).TagSet, [{ Key: 'x', Value: 'y' }]);
    await rejects(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'src', CopySource: `${b}/src` })), 'InvalidRequest', 400);
    await rejects(s3.send(new CopyObjectCommand({ Bucket: b, Key: 'x', CopySource: `${b}/src`, CopySourceIfNoneMatch: copy.CopyObjectResult?.ETag })), 'PreconditionFailed', 412);
    await s3.send(new PutObjectTaggingCommand({ Bucket: b, Key: 'src', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }, { Key: 'k2', Value: '' }] } }));
    assert.equal((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'src' }))).TagSet?.length, 2);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: b, Key: 'src' }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'src' }))).TagSet, []);
    const del = await s3.send(new DeleteObjectsCommand({ Bucket: b, Delete: { Objects: [{ Key: 'src' }, { Key: 'never' }] } }));
    assert.deepEqual(del.Deleted?.map((d) => d.Key).sort(), ['never', 'src']);
    assert.equal(del.Errors, undefined);
  });

  test('multipart: parts, ListParts, ListMultipartUploads, UploadPartCopy, part reads, abort', async () => {
    const b = await newBucket();
    const p1 = randomBytes(5 * MiB);
    const p2 = randomBytes(1234);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'big', ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT', Metadata: { mp: 'yes' } }));
    const r1 = await s3.send(new UploadPartCommand({ Bucket: b, Key: 'big', UploadId: up.UploadId, PartNumber: 1, Body: p1, ChecksumAlgorithm: 'CRC32' }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: b, Key: 'big', UploadId: up.UploadId, PartNumber: 2, Body: p2, ChecksumAlgorithm: 'CRC32' }));
    const listed = await s3.send(new ListPartsCommand({ Bucket: b, Key: 'big', UploadId: up.UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 5 * MiB], [2, 1234]]);
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: b }))).Uploads?.[0].UploadId, up.UploadId);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: b,
        Key: 'big',
        UploadId: up.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag, ChecksumCRC32: r1.ChecksumCRC32 }, { PartNumber: 2, ETag: r2.ETag, ChecksumCRC32: r2.ChecksumCRC32 }] },
      }),
    );
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-2"$/);
    const whole = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'big', ChecksumMode: 'ENABLED' }));
    assert.equal(whole.ChecksumType, 'FULL_OBJECT');
    assert.deepEqual(whole.Metadata, { mp: 'yes' });
    assert.ok((await bytesOf(whole.Body)).equals(Buffer.concat([p1, p2])));
    const part = await s3.send(new GetObjectCommand({ Bucket: b, Key: 'big', PartNumber: 2 }));
    assert.equal(part.PartsCount, 2);
    assert.ok((await bytesOf(part.Body)).equals(p2));
    // A copy of a range of the multipart object into a new upload.
    const up2 = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'copy' }));
    const c1 = await s3.send(new UploadPartCopyCommand({ Bucket: b, Key: 'copy', UploadId: up2.UploadId, PartNumber: 1, CopySource: `${b}/big`, CopySourceRange: `bytes=${5 * MiB}-${5 * MiB + 1233}` }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: 'copy', UploadId: up2.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: c1.CopyPartResult?.ETag }] } }));
    assert.ok((await bytesOf((await s3.send(new GetObjectCommand({ Bucket: b, Key: 'copy' }))).Body)).equals(p2));
    const up3 = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'aborted' }));
    await s3.send(new UploadPartCommand({ Bucket: b, Key: 'aborted', UploadId: up3.UploadId, PartNumber: 1, Body: 'x' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: b, Key: 'aborted', UploadId: up3.UploadId }));
    await rejects(s3.send(new ListPartsCommand({ Bucket: b, Key: 'aborted', UploadId: up3.UploadId })), 'NoSuchUpload', 404);
    await rejects(s3.send(new UploadPartCommand({ Bucket: b, Key: 'big', UploadId: 'no-such-upload', PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
  });

  test('CORS configuration and preflight', async () => {
    const b = await newBucket();
    await s3.send(new PutBucketCorsCommand({ Bucket: b, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://app.example'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'] }] } }));
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: b }))).CORSRules?.[0].AllowedMethods, ['GET', 'PUT']);
    const ok = await rawRequest(server.endpoint, { method: 'OPTIONS', path: `/${b}/k`, headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
    const no = await rawRequest(server.endpoint, { method: 'OPTIONS', path: `/${b}/k`, headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' } });
    assert.equal(no.status, 403);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: b }));
    await rejects(s3.send(new GetBucketCorsCommand({ Bucket: b })), 'NoSuchCORSConfiguration', 404);
  });

  test('presigned GET and PUT URLs', async () => {
    const b = await newBucket();
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: b, Key: 'pre signed.txt' }), { expiresIn: 300 });
    const putRes = await fetch(putUrl, { method: 'PUT', body: 'via presigned PUT' });
    assert.equal(putRes.status, 200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: b, Key: 'pre signed.txt' }), { expiresIn: 300 });
    const getRes = await fetch(getUrl);
    assert.equal(await getRes.text(), 'via presigned PUT');
    const tampered = await fetch(getUrl.replace('pre%20signed', 'other'));
    assert.equal(tampered.status, 403);
  });

  test('browser POST upload with a signed policy', async () => {
    const b = await newBucket();
    const { url, fields } = await createPresignedPost(s3, { Bucket: b, Key: 'forms/${filename}', Conditions: [['content-length-range', 1, 1024]], Fields: { success_action_status: '201' } });
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    body.append('file', new Blob(['posted bytes']), 'hello.txt');
    const res = await fetch(url.replace(/\/$/, '') + (url.includes(b) ? '' : `/${b}`), { method: 'POST', body });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: b, Key: 'forms/hello.txt' }))).Body?.transformToString(), 'posted bytes');
  });

  test('bad input gets S3 errors and nothing escapes the data directory', async () => {
    const b = await newBucket();
    const creds = server.root;
    const signed = (method: string, path: string, extra: { query?: string; body?: string; headers?: Record<string, string> } = {}) =>
      rawRequest(server.endpoint, { method, path, credentials: creds, region: server.region, ...extra });
    assert.equal((await signed('POST', `/${b}`, { query: 'delete', body: '<Delete><Object>', headers: { 'content-md5': createHash('md5').update('<Delete><Object>').digest('base64') } })).code, 'MalformedXML');
    const escape = await signed('PUT', `/${b}/../../../../etc/strongbox-escape`, { body: 'x' });
    assert.equal(escape.status, 400);
    for (const key of ['a/../b', '..hidden', 'x%00y', '%E2%9C%93/%F0%9F%98%80']) assert.equal((await signed('PUT', `/${b}/${key}`, { body: key })).status, 200, key);
    assert.equal((await signed('PUT', `/${b}/${'k'.repeat(1025)}`, { body: 'x' })).code, 'KeyTooLongError');
    assert.equal((await signed('PUT', `/${b}/m`, { body: 'x', headers: { 'x-amz-meta-big': 'v'.repeat(2100) } })).code, 'MetadataTooLarge');
    assert.equal((await signed('PUT', '/Bad..Bucket')).code, 'InvalidBucketName');
    assert.equal((await signed('PUT', `/${b}/t`, { body: 'x', headers: { 'x-amz-tagging': 'k=' + 'v'.repeat(300) } })).code, 'InvalidTag');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(relative(server.dataDir, p));
      }
    };
    walk(server.dataDir);
    for (const f of files) {
      assert.ok(!f.includes('..') && !f.includes('strongbox-escape') && !f.includes('\u2713'), `unexpected file ${f}`);
      assert.ok(!f.startsWith('blobs/') || /^blobs\/[0-9a-f/]+$/.test(f), `blob named by something else than an id: ${f}`);
    }
  });
});
