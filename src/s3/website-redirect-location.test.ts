/**
 * `x-amz-website-redirect-location`: the header's checks, and PutObject, CopyObject and
 * CreateMultipartUpload storing it, GetObject and HeadObject answering with it, through the real
 * pipeline with the AWS SDK v3 (s3-test-server.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { isServiceError } from '../errors/service-error.js';
import { objectRecord } from '../storage/contract/fixtures.js';
import { objectResponseHeaders } from './headers.js';
import { startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';
import { MAX_WEBSITE_REDIRECT_BYTES, websiteRedirectField } from './website-redirect-location.js';

const refusedWith = (code: string, status: number) => (e: unknown) =>
  (isServiceError(e) && e.code === code && e.status === status) ||
  (e instanceof S3ServiceException && e.name === code && e.$metadata.httpStatusCode === status);

test('a path in the bucket or an http(s) URL is kept as sent', () => {
  for (const value of ['/other.html', '/', 'http://example.com', 'https://example.com/a?b=c#d', '/a b/%20']) {
    assert.deepEqual(websiteRedirectField(value), { websiteRedirectLocation: value });
  }
});

test('no header, or an empty one, is no redirect: the record gets no property', () => {
  assert.deepEqual(websiteRedirectField(undefined), {});
  assert.deepEqual(websiteRedirectField(''), {});
});

test('a value without the /, http:// or https:// prefix is 400 InvalidRedirectLocation', () => {
  for (const bad of ['other.html', 'ftp://example.com', 'HTTP://example.com', 'https:/x', ' /a', 'example.com/']) {
    assert.throws(() => websiteRedirectField(bad), refusedWith('InvalidRedirectLocation', 400), bad);
  }
});

test('at most 2 KB', () => {
  const longest = `/${'a'.repeat(MAX_WEBSITE_REDIRECT_BYTES - 1)}`;
  assert.deepEqual(websiteRedirectField(longest), { websiteRedirectLocation: longest });
  assert.throws(() => websiteRedirectField(`${longest}a`), refusedWith('InvalidRedirectLocation', 400));
});

test('the object response headers carry the stored value, and no header when there is none', () => {
  const plain = objectRecord('b', 'k', []);
  assert.equal(objectResponseHeaders(plain)['x-amz-website-redirect-location'], undefined);
  const redirected = { ...plain, websiteRedirectLocation: '/other.html' };
  assert.equal(objectResponseHeaders(redirected)['x-amz-website-redirect-location'], '/other.html');
});

describe('through the pipeline, with the SDK', () => {
  let server: S3TestServer;
  let s3: S3Client;
  const bucket = `redirect-${randomBytes(4).toString('hex')}`;
  const redirectOf = async (key: string) => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await get.Body?.transformToString();
    assert.equal(get.WebsiteRedirectLocation, head.WebsiteRedirectLocation, 'GetObject and HeadObject agree');
    return head.WebsiteRedirectLocation;
  };

  before(async () => {
    server = await startS3TestServer();
    s3 = server.client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => server.close());

  test('PutObject stores it; a bad value is refused before the body is stored', async () => {
    const put = (Key: string, WebsiteRedirectLocation?: string) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key, WebsiteRedirectLocation }));
    await put('a.html', '/b.html');
    assert.equal(await redirectOf('a.html'), '/b.html');
    await put('plain.html');
    assert.equal(await redirectOf('plain.html'), undefined);
    await assert.rejects(put('bad.html', 'b.html'), refusedWith('InvalidRedirectLocation', 400));
    const missing = s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad.html' }));
    await assert.rejects(missing, refusedWith('NotFound', 404));
  });

  test('CopyObject never copies it: the copy has the value the request gives, whatever the directive', async () => {
    const copy = (key: string, extra: { WebsiteRedirectLocation?: string; MetadataDirective?: 'COPY' | 'REPLACE' }) =>
      s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/a.html`, ...extra }));
    await copy('copied.html', {});
    assert.equal(await redirectOf('copied.html'), undefined);
    await copy('replaced.html', { MetadataDirective: 'REPLACE' });
    assert.equal(await redirectOf('replaced.html'), undefined);
    await copy('given.html', { WebsiteRedirectLocation: 'https://example.com/' });
    assert.equal(await redirectOf('given.html'), 'https://example.com/');
    await copy('given-replace.html', { MetadataDirective: 'REPLACE', WebsiteRedirectLocation: '/c.html' });
    assert.equal(await redirectOf('given-replace.html'), '/c.html');
    const bad = copy('bad.html', { WebsiteRedirectLocation: 'c.html' });
    await assert.rejects(bad, refusedWith('InvalidRedirectLocation', 400));
    // A copy onto itself that only sets the redirect location is a change S3 accepts.
    const self = new CopyObjectCommand({
      Bucket: bucket,
      Key: 'plain.html',
      CopySource: `${bucket}/plain.html`,
      WebsiteRedirectLocation: '/a.html',
    });
    await s3.send(self);
    assert.equal(await redirectOf('plain.html'), '/a.html');
  });

  test('CreateMultipartUpload: the completed object has it', async () => {
    const key = 'big.html';
    const create = (WebsiteRedirectLocation: string) =>
      s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, WebsiteRedirectLocation }));
    const { UploadId } = await create('/small.html');
    const upload = { Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: 'only part' };
    const part = await s3.send(new UploadPartCommand(upload));
    const parts = [{ PartNumber: 1, ETag: part.ETag }];
    const complete = { Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } };
    await s3.send(new CompleteMultipartUploadCommand(complete));
    assert.equal(await redirectOf(key), '/small.html');
    await assert.rejects(create('small.html'), refusedWith('InvalidRedirectLocation', 400));
  });
});
