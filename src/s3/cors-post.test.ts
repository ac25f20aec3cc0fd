/**
 * Bucket CORS (configuration, preflight, actual-request headers) and browser POST uploads, through
 * the real pipeline. The POST policy verifier is a stand-in here (src/auth owns the real one).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { rawRequest } from './testing/raw-request.js';
import { startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

let server: S3TestServer;
let s3: S3Client;
let bucket: string;
before(async () => {
  server = await startS3TestServer();
  s3 = server.client();
  bucket = `cors-${randomBytes(4).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => server.close());

const options = (headers: Record<string, string>, path = `/${bucket}/obj`) => rawRequest(server.endpoint, { method: 'OPTIONS', path, headers });

test('CORS: configuration round trip, validation, preflight and actual requests', async () => {
  const pre = await options({ origin: 'https://app.example.com', 'access-control-request-method': 'GET' });
  assert.equal(pre.status, 403);
  assert.equal(pre.code, 'AccessForbidden');
  await assert.rejects(s3.send(new GetBucketCorsCommand({ Bucket: bucket })), (e: unknown) => e instanceof S3ServiceException && e.name === 'NoSuchCORSConfiguration');
  await assert.rejects(
    s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }] } })),
    (e: unknown) => e instanceof S3ServiceException && e.name === 'InvalidRequest',
  );
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          { ID: 'app', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['x-amz-*', 'content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 },
          { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
        ],
      },
    }),
  );
  const got = await s3.send(new GetBucketCorsCommand({ Bucket: bucket }));
  assert.equal(got.CORSRules?.length, 2);
  assert.deepEqual(got.CORSRules?.[0].AllowedHeaders, ['x-amz-*', 'content-type']);
  const ok = await options({ origin: 'https://app.example.com', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'Content-Type,X-Amz-Date' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(ok.headers['access-control-allow-methods'], 'GET, PUT');
  assert.equal(ok.headers['access-control-allow-headers'], 'content-type, x-amz-date');
  assert.equal(ok.headers['access-control-max-age'], '600');
  assert.equal(ok.headers['access-control-allow-credentials'], 'true');
  const star = await options({ origin: 'http://elsewhere.test', 'access-control-request-method': 'GET' });
  assert.equal(star.headers['access-control-allow-origin'], '*');
  const denied = await options({ origin: 'http://elsewhere.test', 'access-control-request-method': 'DELETE' });
  assert.equal(denied.status, 403);
  assert.equal(denied.code, 'AccessForbidden');
  assert.equal((await options({ 'access-control-request-method': 'GET' })).status, 400);
  const noBucket = await options({ origin: 'http://a.test', 'access-control-request-method': 'GET' }, `/missing-${randomBytes(4).toString('hex')}/k`);
  assert.equal(noBucket.code, 'AccessForbidden');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'x' }));
  const actual = await rawRequest(server.endpoint, { method: 'GET', path: `/${bucket}/obj`, headers: { origin: 'https://www.example.com' }, credentials: { accessKeyId: 'AKIAS3TESTROOT000001', secretAccessKey: 'test/secret/key/0000000000000000000000000' } });
  assert.equal(actual.status, 200);
  assert.equal(actual.headers['access-control-allow-origin'], 'https://www.example.com');
  assert.equal(actual.headers['access-control-expose-headers'], 'ETag');
  await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  assert.equal((await options({ origin: 'https://app.example.com', 'access-control-request-method': 'GET' })).status, 403);
});

function form(fields: [string, string][], file: { name?: string; filename?: string; body: Buffer }, boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const fn = file.filename === undefined ? '' : `; filename="${file.filename}"`;
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"${fn}\r\nContent-Type: application/octet-stream\r\n\r\n`));
  parts.push(file.body, Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="submit"\r\n\r\nUpload\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

const post = (body: Buffer, boundary: string, contentType = `multipart/form-data; boundary=${boundary}`) =>
  rawRequest(server.endpoint, { method: 'POST', path: `/${bucket}`, headers: { 'content-type': contentType }, body });

/** Form fields of a POST policy signed by @aws-sdk/s3-presigned-post, as a browser would send them. */
async function signedFields(key: string, fields: Record<string, string> = {}, max = 4 * 1024 * 1024): Promise<[string, string][]> {
  const presigned = await createPresignedPost(s3, { Bucket: bucket, Key: key, Fields: fields, Conditions: [['content-length-range', 1, max]], Expires: 600 });
  return Object.entries(presigned.fields);
}

test('PostObject: signed form, ${filename}, 201 body, redirect, tags, metadata, streaming file part', async () => {
  const boundary = '----strongbox' + randomBytes(8).toString('hex');
  // A file whose bytes contain near-misses of the delimiter, bigger than any one socket chunk.
  const file = Buffer.concat([randomBytes(300_000), Buffer.from(`\r\n--${boundary.slice(0, -1)}x`), randomBytes(300_000)]);
  const fields = await signedFields('uploads/${filename}', {
    success_action_status: '201',
    'Content-Type': 'image/png',
    'x-amz-meta-owner': 'mary',
    tagging: '<Tagging><TagSet><Tag><Key>t</Key><Value>1</Value></Tag></TagSet></Tagging>',
  });
  const res = await post(form(fields, { filename: 'C:\\pics\\cat.png', body: file }, boundary), boundary);
  assert.equal(res.status, 201, res.body.toString());
  const etag = `"${createHash('md5').update(file).digest('hex')}"`;
  assert.match(res.body.toString(), new RegExp(`<PostResponse><Location>[^<]+/${bucket}/uploads%2Fcat\\.png</Location><Bucket>${bucket}</Bucket><Key>uploads/cat.png</Key><ETag>${etag.replace(/"/g, '&quot;')}</ETag></PostResponse>`));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'uploads/cat.png' }));
  assert.equal(got.ContentType, 'image/png');
  assert.deepEqual(got.Metadata, { owner: 'mary' });
  assert.ok(Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).equals(file));
  assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'uploads/cat.png' }))).TagSet, [{ Key: 't', Value: '1' }]);

  const redirect = await post(form(await signedFields('r.txt', { success_action_redirect: 'http://app.test/done?x=1' }), { filename: 'r.txt', body: Buffer.from('r') }, boundary), boundary);
  assert.equal(redirect.status, 303);
  const loc = new URL(String(redirect.headers.location));
  assert.equal(loc.searchParams.get('key'), 'r.txt');
  assert.equal(loc.searchParams.get('bucket'), bucket);
  assert.equal(loc.searchParams.get('x'), '1');
  const plain = await post(form(await signedFields('p'), { filename: 'p', body: Buffer.from('p') }, boundary), boundary);
  assert.equal(plain.status, 204);
});

test('PostObject errors', async () => {
  const boundary = 'b0undary';
  assert.equal((await post(Buffer.from('x'), boundary, 'text/plain')).code, 'PreconditionFailed');
  const noKey = (await signedFields('k')).filter(([k]) => k !== 'key');
  assert.equal((await post(form(noKey, { filename: 'f', body: Buffer.from('f') }, boundary), boundary)).code, 'InvalidArgument');
  // Fields after the file are ignored: a key sent last is missing.
  const late = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nbody\r\n--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--${boundary}--\r\n`);
  assert.equal((await post(late, boundary)).code, 'InvalidArgument');
  assert.equal((await post(form(await signedFields('big', {}, 1000), { filename: 'f', body: Buffer.alloc(1001) }, boundary), boundary)).code, 'EntityTooLarge');
  assert.equal((await post(form(await signedFields('empty'), { filename: 'f', body: Buffer.alloc(0) }, boundary), boundary)).code, 'EntityTooSmall');
  const tampered = (await signedFields('t')).map(([k, v]): [string, string] => [k, k === 'key' ? 'other' : v]);
  assert.equal((await post(form(tampered, { filename: 'f', body: Buffer.from('f') }, boundary), boundary)).code, 'AccessDenied');
  const extra = [...(await signedFields('x')), ['x-amz-meta-sneaky', '1'] as [string, string]];
  assert.equal((await post(form(extra, { filename: 'f', body: Buffer.from('f') }, boundary), boundary)).code, 'AccessDenied');
  const badSig = (await signedFields('s')).map(([k, v]): [string, string] => [k, k.toLowerCase() === 'x-amz-signature' ? '0'.repeat(64) : v]);
  assert.equal((await post(form(badSig, { filename: 'f', body: Buffer.from('f') }, boundary), boundary)).code, 'SignatureDoesNotMatch');
  assert.equal((await post(form([['key', 'anon']], { filename: 'f', body: Buffer.from('a') }, boundary), boundary)).code, 'AccessDenied');
  assert.equal((await post(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n${'k'.repeat(21 * 1024)}\r\n`), boundary)).code, 'MaxPostPreDataLengthExceeded');
  assert.equal((await post(Buffer.from(`--${boundary}--\r\n`), boundary)).code, 'IncorrectNumberOfFilesInPostRequest');
});
