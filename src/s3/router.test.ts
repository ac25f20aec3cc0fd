import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceError } from '../errors/service-error.js';
import { decodePathPart, matchOperation, parseQuery, parseTarget, type PathShape } from './router.js';
import { IMPLEMENTED_OPERATIONS, ROUTES } from './operations.js';

const BASE = 's3.amazonaws.com';

/** Routes a request line as the AWS docs write it: `GET /key?query`, with its Host and headers. */
function routeOf(line: string, host = `examplebucket.${BASE}`, headers: Record<string, string> = {}) {
  const [method, url] = line.split(' ');
  const q = url.indexOf('?');
  const target = parseTarget(q === -1 ? url : url.slice(0, q), host, BASE);
  const shape: PathShape = target.key !== undefined ? 'object' : target.bucket !== undefined ? 'bucket' : 'service';
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return matchOperation(ROUTES, { method, shape, query: parseQuery(q === -1 ? '' : url.slice(q + 1)), hasHeader: (h) => h in lower });
}

// Request examples from the Amazon S3 API Reference ("Examples" section of each operation page).
const DOC_EXAMPLES: readonly [string, string, string?, Record<string, string>?][] = [
  ['ListBuckets', 'GET /', BASE],
  ['ListBuckets', 'GET /?max-buckets=10&prefix=a', BASE],
  ['CreateBucket', 'PUT /'],
  ['HeadBucket', 'HEAD /'],
  ['DeleteBucket', 'DELETE /'],
  ['GetBucketLocation', 'GET /?location'],
  ['ListObjects', 'GET /?prefix=N&marker=Ned&max-keys=40'],
  ['ListObjectsV2', 'GET /?list-type=2'],
  ['ListObjectsV2', 'GET /?list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf'],
  ['ListObjectsV2', 'GET /?list-type=2&delimiter=/&prefix=photos/2006/'],
  ['ListMultipartUploads', 'GET /?uploads&max-uploads=3'],
  ['ListMultipartUploads', 'GET /?uploads&delimiter=/&prefix=photos/2006/'],
  ['DeleteObjects', 'POST /?delete'],
  ['GetBucketCors', 'GET /?cors'],
  ['PutBucketCors', 'PUT /?cors'],
  ['DeleteBucketCors', 'DELETE /?cors'],
  ['PutPublicAccessBlock', 'PUT /?publicAccessBlock'],
  ['GetPublicAccessBlock', 'GET /?publicAccessBlock'],
  ['DeletePublicAccessBlock', 'DELETE /?publicAccessBlock'],
  ['PutBucketLifecycleConfiguration', 'PUT /?lifecycle'],
  ['GetBucketLifecycleConfiguration', 'GET /?lifecycle'],
  ['DeleteBucketLifecycle', 'DELETE /?lifecycle'],
  ['PutBucketEncryption', 'PUT /?encryption'],
  ['GetBucketEncryption', 'GET /?encryption'],
  ['DeleteBucketEncryption', 'DELETE /?encryption'],
  ['GetBucketVersioning', 'GET /?versioning'],
  ['PutBucketVersioning', 'PUT /?versioning'],
  ['ListObjectVersions', 'GET /?versions'],
  ['PutObjectLockConfiguration', 'PUT /?object-lock'],
  ['GetObjectLockConfiguration', 'GET /?object-lock'],
  ['GetBucketPolicy', 'GET /?policy'],
  ['PutBucketPolicy', 'PUT /?policy'],
  ['DeleteBucketPolicy', 'DELETE /?policy'],
  ['GetBucketPolicyStatus', 'GET /?policyStatus'],
  ['GetBucketAcl', 'GET /?acl'],
  ['PutBucketAcl', 'PUT /?acl'],
  ['GetBucketOwnershipControls', 'GET /?ownershipControls'],
  ['PutBucketOwnershipControls', 'PUT /?ownershipControls'],
  ['DeleteBucketOwnershipControls', 'DELETE /?ownershipControls'],
  ['PostObject', 'POST /'],
  ['OptionsObject', 'OPTIONS /exampleobject', undefined, { Origin: 'http://www.example.com', 'Access-Control-Request-Method': 'PUT' }],
  ['PutObject', 'PUT /my-image.jpg'],
  ['GetObject', 'GET /my-image.jpg'],
  ['GetObject', 'GET /example-object?response-content-type=text/plain&response-cache-control=No-cache'],
  ['GetObject', 'GET /example-object?partNumber=2'],
  ['HeadObject', 'HEAD /my-image.jpg'],
  ['DeleteObject', 'DELETE /my-second-image.jpg'],
  ['DeleteObject', 'DELETE /my-third-image.jpg?versionId=UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ'],
  ['CopyObject', 'PUT /my-second-image.jpg', undefined, { 'x-amz-copy-source': '/bucket/my-image.jpg' }],
  ['CreateMultipartUpload', 'POST /example-object?uploads'],
  ['UploadPart', 'PUT /my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR'],
  ['UploadPartCopy', 'PUT /newobject?partNumber=2&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR', undefined, { 'x-amz-copy-source': '/source-bucket/sourceobject' }],
  ['CompleteMultipartUpload', 'POST /example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVRRRRwbG9hZA'],
  ['AbortMultipartUpload', 'DELETE /example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ'],
  ['ListParts', 'GET /example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2&part-number-marker=1'],
  ['GetObjectTagging', 'GET /example-object?tagging'],
  ['PutObjectTagging', 'PUT /object-key?tagging'],
  ['DeleteObjectTagging', 'DELETE /exampleobject?tagging'],
  ['GetObjectAcl', 'GET /my-image.jpg?acl'],
  ['PutObjectAcl', 'PUT /my-image.jpg?acl'],
  ['GetObjectAttributes', 'GET /example-object?attributes'],
  ['PutObjectRetention', 'PUT /my-image.jpg?retention&versionId=3HL4kqtJvjVBH40Nrjfkd'],
  ['GetObjectRetention', 'GET /my-image.jpg?retention'],
  ['PutObjectLegalHold', 'PUT /my-image.jpg?legal-hold'],
  ['GetObjectLegalHold', 'GET /my-image.jpg?legal-hold&versionId=3HL4kqtJvjVBH40Nrjfkd'],
  ['PutBucketLogging', 'PUT /?logging'],
  ['GetBucketLogging', 'GET /?logging'],
  ['PutBucketWebsite', 'PUT /?website'],
  ['GetBucketWebsite', 'GET /?website'],
  ['DeleteBucketWebsite', 'DELETE /?website'],
  ['PutBucketTagging', 'PUT /?tagging'],
  ['GetBucketTagging', 'GET /?tagging'],
  ['DeleteBucketTagging', 'DELETE /?tagging'],
  ['PutBucketAbac', 'PUT /?abac'],
  ['GetBucketAbac', 'GET /?abac'],
  ['RestoreObject', 'POST /object-one.csv?restore'],
  ['SelectObjectContent', 'POST /exampleobject.csv?select&select-type=2'],
];

test('routes the request examples of the S3 API reference', () => {
  for (const [op, line, host, headers] of DOC_EXAMPLES) {
    assert.equal(routeOf(line, host, headers), op, line);
  }
});

test('path-style requests route the same as virtual-hosted ones', () => {
  assert.equal(routeOf('GET /examplebucket?list-type=2', '127.0.0.1:9000'), 'ListObjectsV2');
  assert.equal(routeOf('PUT /examplebucket/a/b.txt', '127.0.0.1:9000'), 'PutObject');
  assert.equal(routeOf('GET /examplebucket/?uploads', '127.0.0.1:9000'), 'ListMultipartUploads');
  assert.equal(routeOf('GET /', '127.0.0.1:9000'), 'ListBuckets');
});

test('methods with no rule for the shape are unmatched (MethodNotAllowed)', () => {
  assert.equal(routeOf('POST /obj'), undefined);
  assert.equal(routeOf('PATCH /obj'), undefined);
  assert.equal(routeOf('PUT /', BASE), undefined);
});

test('every implemented operation is reachable through the table', () => {
  const reachable = new Set(DOC_EXAMPLES.map(([op]) => op));
  for (const op of IMPLEMENTED_OPERATIONS) assert.ok(reachable.has(op), op);
});

test('parseTarget: percent-decoding once, + literal, // and .. kept, virtual host with port', () => {
  assert.deepEqual(parseTarget('/b/a%20b+c', 'localhost', undefined), { bucket: 'b', key: 'a b+c', style: 'path' });
  assert.deepEqual(parseTarget('/b//x/../y', 'localhost', undefined), { bucket: 'b', key: '/x/../y', style: 'path' });
  assert.deepEqual(parseTarget('/b/%2525', 'localhost', undefined), { bucket: 'b', key: '%25', style: 'path' });
  assert.deepEqual(parseTarget('/b/', 'localhost', undefined), { bucket: 'b', key: undefined, style: 'path' });
  assert.deepEqual(parseTarget('/k%C3%A9y', 'my.bucket.s3.local:9000', 's3.local'), { bucket: 'my.bucket', key: 'kéy', style: 'virtual-hosted' });
  assert.deepEqual(parseTarget('/b/k', 's3.local:9000', 's3.local'), { bucket: 'b', key: 'k', style: 'path' });
});

test('malformed percent-encoding is InvalidURI', () => {
  for (const bad of ['%', '%zz', '%C3']) {
    assert.throws(() => decodePathPart(bad), (e: unknown) => e instanceof ServiceError && e.code === 'InvalidURI');
  }
});

test('parseQuery: + is a space in queries, bare names are empty, first occurrence wins', () => {
  const q = parseQuery('uploads&prefix=a+b%2Bc&prefix=ignored&max-keys=2');
  assert.equal(q.get('uploads'), '');
  assert.equal(q.get('prefix'), 'a b+c');
  assert.equal(q.get('max-keys'), '2');
});

test('parseQuery leaves out presigned-URL authentication parameters and keeps every other x-amz one', () => {
  const q = parseQuery('X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=ab&X-Amz-Security-Token=t&response-content-type=text%2Fplain&x-id=GetObject');
  assert.deepEqual([...q.keys()], ['response-content-type', 'x-id']);
  assert.equal(q.get('response-content-type'), 'text/plain');
});
