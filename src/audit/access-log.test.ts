import { test } from 'node:test';
import assert from 'node:assert/strict';
import { athenaFields, type AccessLogColumns } from './testing/athena-access-log.js';
import { accessLogLine, accessLogOperation, hasAccessLog } from './access-log.js';
import { ACCESS_LOG_OPERATIONS } from './access-log-operations.js';
import type { RequestRecord } from './request-record.js';
import { IMPLEMENTED_OPERATIONS } from '../s3/operations.js';

/**
 * The `input.regex` of the CREATE TABLE AWS documents for Athena
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html),
 * with Hive's string escaping undone.
 */
function athena(line: string): AccessLogColumns {
  assert.ok(!line.includes('\n'), 'one record is one line');
  const fields = athenaFields(line);
  assert.ok(fields, `the Athena regex reads ${line}`);
  return fields;
}

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const ALICE = 'arn:aws:iam::123456789012:user/alice';

function getRecord(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: '3E57427F3EXAMPLE',
    eventTime: new Date(Date.UTC(2019, 1, 6, 0, 0, 38, 512)),
    service: 's3',
    region: 'us-east-1',
    operation: 'GetObject',
    caller: { kind: 'User', accountId: '123456789012', arn: ALICE } as unknown as RequestRecord['caller'],
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    authenticationType: 'AuthHeader',
    signatureVersion: 'SigV4',
    sourceIp: '192.0.2.3',
    userAgent: 'aws-cli/2.15.0 Python/3.11',
    host: 'photos.s3.localhost:9000',
    tls: { version: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
    http: { method: 'GET', uri: '/photos/2019/puppy.jpg?x-id=GetObject', version: 'HTTP/1.1' },
    status: 200,
    bytesIn: 0,
    bytesOut: 4096,
    totalTimeMs: 12.4,
    turnAroundTimeMs: 3,
    completed: true,
    s3: {
      bucket: 'photos',
      bucketOwnerAccountId: '123456789012',
      bucketOwnerCanonicalId: OWNER,
      key: '2019/puppy.jpg',
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      objectSize: 4096,
      hostId: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6Uk=',
    },
    ...over,
  };
}

test('access log: a GET has every field in AWS order, read back by the Athena regex', () => {
  const line = accessLogLine(getRecord());
  assert.equal(
    line,
    `${OWNER} photos [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ${ALICE} 3E57427F3EXAMPLE REST.GET.OBJECT ` +
      '2019/puppy.jpg "GET /photos/2019/puppy.jpg?x-id=GetObject HTTP/1.1" 200 - 4096 4096 12 3 "-" ' +
      '"aws-cli/2.15.0 Python/3.11" 3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6Uk= ' +
      'SigV4 TLS_AES_128_GCM_SHA256 AuthHeader photos.s3.localhost:9000 TLSv1.3 - -',
  );
  assert.deepEqual(athena(line), {
    bucketowner: OWNER,
    bucket_name: 'photos',
    requestdatetime: '06/Feb/2019:00:00:38 +0000',
    remoteip: '192.0.2.3',
    requester: ALICE,
    requestid: '3E57427F3EXAMPLE',
    operation: 'REST.GET.OBJECT',
    key: '2019/puppy.jpg',
    request_uri: '"GET /photos/2019/puppy.jpg?x-id=GetObject HTTP/1.1"',
    httpstatus: '200',
    errorcode: '-',
    bytessent: '4096',
    objectsize: '4096',
    totaltime: '12',
    turnaroundtime: '3',
    referrer: '"-"',
    useragent: '"aws-cli/2.15.0 Python/3.11"',
    versionid: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
    hostid: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6Uk=',
    sigv: 'SigV4',
    ciphersuite: 'TLS_AES_128_GCM_SHA256',
    authtype: 'AuthHeader',
    endpoint: 'photos.s3.localhost:9000',
    tlsversion: 'TLSv1.3',
    accesspointarn: '-',
    aclrequired: '-',
  });
});

test('access log: an anonymous GET over plain HTTP logs - for requester, signature, auth, TLS; aclRequired Yes', () => {
  const rec = getRecord({
    caller: { kind: 'Anonymous' },
    accessKeyId: undefined,
    authenticationType: 'Anonymous',
    signatureVersion: undefined,
    tls: undefined,
    userAgent: undefined,
    referer: 'http://example.com/page one',
    http: { method: 'GET', uri: '/photos/2019/puppy.jpg', version: 'HTTP/1.1' },
    s3: { ...getRecord().s3!, versionId: undefined, aclRequired: true },
  });
  const f = athena(accessLogLine(rec));
  assert.equal(f.requester, '-');
  assert.equal(f.sigv, '-');
  assert.equal(f.authtype, '-');
  assert.equal(f.ciphersuite, '-');
  assert.equal(f.tlsversion, '-');
  assert.equal(f.useragent, '"-"');
  assert.equal(f.referrer, '"http://example.com/page%20one"');
  assert.equal(f.versionid, '-');
  assert.equal(f.aclrequired, 'Yes');
  assert.equal(f.request_uri, '"GET /photos/2019/puppy.jpg HTTP/1.1"');
  assert.equal(f.endpoint, 'photos.s3.localhost:9000');
});

test('access log: a denied PUT logs its status and error code, - for zero bytes sent and unknown size', () => {
  const rec = getRecord({
    operation: 'PutObject',
    authenticationType: 'QueryString',
    http: { method: 'PUT', uri: '/photos/new.txt?X-Amz-Signature=abc', version: 'HTTP/1.1' },
    status: 403,
    errorCode: 'AccessDenied',
    decision: 'ExplicitDeny',
    bytesIn: 11,
    bytesOut: 0,
    turnAroundTimeMs: undefined,
    s3: { bucket: 'photos', bucketOwnerCanonicalId: OWNER, key: 'new.txt' },
  });
  const f = athena(accessLogLine(rec));
  assert.equal(f.operation, 'REST.PUT.OBJECT');
  assert.equal(f.httpstatus, '403');
  assert.equal(f.errorcode, 'AccessDenied');
  assert.equal(f.bytessent, '-');
  assert.equal(f.objectsize, '-');
  assert.equal(f.turnaroundtime, '-');
  assert.equal(f.versionid, '-');
  assert.equal(f.hostid, '-');
  assert.equal(f.authtype, 'QueryString');
  assert.equal(f.key, 'new.txt');
});

test('access log: a key with spaces and unicode is URL-encoded; quotes and newlines cannot break the line', () => {
  const rec = getRecord({
    userAgent: 'evil "agent"\n injected',
    http: { method: 'GET', uri: '/photos/my%20file%20%C3%BC.txt', version: 'HTTP/1.1' },
    s3: { ...getRecord().s3!, key: 'dir/my file ü+(1).txt' },
  });
  const line = accessLogLine(rec);
  const f = athena(line);
  assert.equal(f.key, 'dir/my%20file%20%C3%BC%2B%281%29.txt');
  assert.equal(decodeURIComponent(f.key), 'dir/my file ü+(1).txt');
  assert.equal(f.request_uri, '"GET /photos/my%20file%20%C3%BC.txt HTTP/1.1"');
  assert.equal(f.useragent, '"evil %22agent%22%0A injected"');
  assert.equal(f.versionid, '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY', 'fields after the user agent stay aligned');
  assert.equal(f.aclrequired, '-');
});

test('access log: an IAM call, or an S3 request with no bucket, has no access log line', () => {
  const iam = getRecord({ service: 'iam', operation: 'CreateUser', s3: undefined });
  assert.equal(hasAccessLog(iam), false);
  assert.throws(() => accessLogLine(iam), TypeError);
  const listBuckets = getRecord({ operation: 'ListBuckets', s3: {} });
  assert.equal(hasAccessLog(listBuckets), false);
  assert.throws(() => accessLogLine(listBuckets), TypeError);
});

test('access log: operation names for the brief\'s examples, and every routed S3 operation has one', () => {
  const op = (operation: string | undefined, method: string, key?: string) =>
    accessLogOperation(getRecord({ operation, http: { method, uri: '/', version: 'HTTP/1.1' }, s3: { bucket: 'b', key } }));
  assert.equal(op('ListObjectsV2', 'GET'), 'REST.GET.BUCKET');
  assert.equal(op('HeadObject', 'HEAD', 'k'), 'REST.HEAD.OBJECT');
  assert.equal(op('DeleteObject', 'DELETE', 'k'), 'REST.DELETE.OBJECT');
  assert.equal(op('DeleteObjects', 'POST'), 'REST.POST.MULTI_OBJECT_DELETE');
  assert.equal(op('UploadPart', 'PUT', 'k'), 'REST.PUT.PART');
  assert.equal(op('CreateMultipartUpload', 'POST', 'k'), 'REST.POST.UPLOADS');
  assert.equal(op('CopyObject', 'PUT', 'k'), 'REST.COPY.OBJECT');
  assert.equal(op('GetBucketAcl', 'GET'), 'REST.GET.ACL');
  assert.equal(op('PutBucketVersioning', 'PUT'), 'REST.PUT.VERSIONING');
  assert.equal(op('GetBucketLogging', 'GET'), 'REST.GET.LOGGING_STATUS');
  // Refused before routing: derived from the method and what was addressed.
  assert.equal(op(undefined, 'PUT', 'k'), 'REST.PUT.OBJECT');
  assert.equal(op(undefined, 'GET'), 'REST.GET.BUCKET');
  for (const name of IMPLEMENTED_OPERATIONS) assert.match(ACCESS_LOG_OPERATIONS[name], /^REST\.[A-Z]+\.[A-Z_]+$/, name);
});
