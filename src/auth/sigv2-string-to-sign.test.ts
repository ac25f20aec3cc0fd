/**
 * The "Authentication examples" of "Signing and authenticating REST requests (AWS signature version 2)"
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html with the example secret
 * key. The page now names the bucket `awsexamplebucket1` but still shows the signatures computed for
 * the original `johnsmith` bucket (and `johnsmith.net` host): the examples use `johnsmith`, for which
 * every published signature verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from './canonical-request.js';
import {
  canonicalizedAmzHeaders,
  canonicalizedResource,
  sigV2Signature,
  sigV2StringToSign,
  type SigV2StringToSignParts,
} from './sigv2-string-to-sign.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

type Parts = Partial<SigV2StringToSignParts> & Pick<SigV2StringToSignParts, 'method' | 'date' | 'resource'>;

function sts(parts: Parts): string {
  return sigV2StringToSign({ contentMd5: '', contentType: '', amzHeaders: '', ...parts });
}

test('doc example Object GET: virtual-hosted, the bucket from Host in the resource', () => {
  const resource = canonicalizedResource({ bucket: 'johnsmith', rawPath: '/photos/puppy.jpg', params: [] });
  const s = sts({ method: 'GET', date: 'Tue, 27 Mar 2007 19:36:42 +0000', resource });
  assert.equal(s, 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg');
  assert.equal(sigV2Signature(SECRET, s), 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=');
});

test('doc example Object PUT: Content-Type in its position, Content-MD5 empty', () => {
  const resource = canonicalizedResource({ bucket: 'johnsmith', rawPath: '/photos/puppy.jpg', params: [] });
  const s = sts({ method: 'PUT', contentType: 'image/jpeg', date: 'Tue, 27 Mar 2007 21:15:45 +0000', resource });
  assert.equal(s, 'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg');
  assert.equal(sigV2Signature(SECRET, s), 'MyyxeRY7whkBe+bq8fHCL/2kKUg=');
});

test('doc example List: trailing slash, no query parameters', () => {
  const params = parseQuery('prefix=photos&max-keys=50&marker=puppy');
  const resource = canonicalizedResource({ bucket: 'johnsmith', rawPath: '/', params });
  assert.equal(resource, '/johnsmith/');
  const s = sts({ method: 'GET', date: 'Tue, 27 Mar 2007 19:42:41 +0000', resource });
  assert.equal(sigV2Signature(SECRET, s), 'htDYFYduRNen8P9ZfE/s9SuKy0U=');
});

test('doc example Fetch: the ?acl sub-resource', () => {
  const resource = canonicalizedResource({ bucket: 'johnsmith', rawPath: '/', params: parseQuery('acl') });
  assert.equal(resource, '/johnsmith/?acl');
  const s = sts({ method: 'GET', date: 'Tue, 27 Mar 2007 19:44:46 +0000', resource });
  assert.equal(sigV2Signature(SECRET, s), 'c2WLPFtWHVgbEmeEG93a4cG37dM=');
});

test('doc example Upload: amz headers lower-cased, sorted, repeats joined, trimmed; CNAME bucket', () => {
  const amzHeaders = canonicalizedAmzHeaders([
    ['Date', 'Tue, 27 Mar 2007 21:06:08 +0000'],
    ['x-amz-acl', 'public-read'],
    ['content-type', 'application/x-download'],
    ['Content-MD5', '4gJE4saaMU4BqNR0kLY+lw=='],
    ['X-Amz-Meta-ReviewedBy', 'joe@johnsmith.net'],
    ['X-Amz-Meta-ReviewedBy', 'jane@johnsmith.net'],
    ['X-Amz-Meta-FileChecksum', '0x02661779'],
    ['X-Amz-Meta-ChecksumAlgorithm', ' crc32 '],
    ['Content-Disposition', 'attachment; filename=database.dat'],
  ]);
  assert.equal(
    amzHeaders,
    'x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
      'x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n',
  );
  const resource = canonicalizedResource({ bucket: 'static.johnsmith.net', rawPath: '/db-backup.dat.gz', params: [] });
  const s = sts({
    method: 'PUT',
    contentMd5: '4gJE4saaMU4BqNR0kLY+lw==',
    contentType: 'application/x-download',
    date: 'Tue, 27 Mar 2007 21:06:08 +0000',
    amzHeaders,
    resource,
  });
  assert.equal(sigV2Signature(SECRET, s), 'ilyl83RwaSoYIEdixDQcA4OnAnc=');
});

test('doc example List all my buckets and Unicode keys: the path as sent, escapes and case kept', () => {
  const pathStyle = (rawPath: string) => canonicalizedResource({ bucket: undefined, rawPath, params: [] });
  const all = sts({ method: 'GET', date: 'Wed, 28 Mar 2007 01:29:59 +0000', resource: pathStyle('/') });
  assert.equal(sigV2Signature(SECRET, all), 'qGdzdERIC03wnaRNKh6OqZehG9s=');
  const rawPath = '/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re';
  const unicode = sts({ method: 'GET', date: 'Wed, 28 Mar 2007 01:49:49 +0000', resource: pathStyle(rawPath) });
  assert.equal(unicode, `GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n${rawPath}`);
  assert.equal(sigV2Signature(SECRET, unicode), 'DNEZGsoieTZ92F3bUfSPQcbGmlM=');
});

test('doc example query string authentication: Expires in the Date position', () => {
  const params = parseQuery(
    'AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620',
  );
  const resource = canonicalizedResource({ bucket: 'johnsmith', rawPath: '/photos/puppy.jpg', params });
  const s = sts({ method: 'GET', date: '1175139620', resource });
  assert.equal(s, 'GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg');
  assert.equal(sigV2Signature(SECRET, s), 'NpgCjnDzrM+WFzoENXmpNDUsSn8=');
});

test('sub-resources: only the listed ones, sorted by name, values decoded; others dropped', () => {
  const params = parseQuery(
    'versionId=3%2FL4kqtJlcpX&uploads&max-keys=5&response-content-type=text%2Fplain&acl=&x-id=GetObject',
  );
  assert.equal(
    canonicalizedResource({ bucket: undefined, rawPath: '/b/k%20x', params }),
    '/b/k%20x?acl&response-content-type=text/plain&uploads&versionId=3/L4kqtJlcpX',
  );
  const resource = (rawPath: string, query: string) =>
    canonicalizedResource({ bucket: undefined, rawPath, params: parseQuery(query) });
  assert.equal(resource('/b', 'delete&tagging'), '/b/?delete&tagging');
  assert.equal(resource('/b/k', 'partNumber=2&uploadId=x'), '/b/k?partNumber=2&uploadId=x');
});

test('a bucket path-style is the same resource as virtual-hosted: /bucket/', () => {
  assert.equal(canonicalizedResource({ bucket: undefined, rawPath: '/johnsmith', params: [] }), '/johnsmith/');
  assert.equal(canonicalizedResource({ bucket: 'johnsmith', rawPath: '/', params: [] }), '/johnsmith/');
  assert.equal(canonicalizedResource({ bucket: undefined, rawPath: '/', params: [] }), '/');
  assert.equal(canonicalizedResource({ bucket: undefined, rawPath: '/johnsmith/', params: [] }), '/johnsmith/');
});

test('amz headers: none is the empty string; folded values unfolded', () => {
  assert.equal(canonicalizedAmzHeaders([['Host', 'x'], ['Date', 'y']]), '');
  assert.equal(canonicalizedAmzHeaders([['x-amz-meta-a', 'one\r\n  two']]), 'x-amz-meta-a:one two\n');
});
