/**
 * S3 server access logs end to end, with the aws CLI: put-bucket-logging with the target bucket policy
 * AWS documents for the `logging.s3.amazonaws.com` service principal, some requests (a denied one
 * among them), delivery into the target bucket, and every field of every delivered line read with the
 * regular expression AWS gives Athena for S3 access logs.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { canonicalUserId } from '../../src/identity/canonical-user.js';
import { awsCli, s3Client, startServer, uniqueName, type TestServer } from './harness.js';
import { athenaFields, COLUMNS, type AccessLogColumns } from '../../src/audit/testing/athena-access-log.js';

type LogRecord = AccessLogColumns;

function parseLine(line: string): LogRecord {
  const record = athenaFields(line);
  assert.ok(record, `the Athena regex reads: ${line}`);
  // Every one of the 26 fields is present (the regex's optional tail matched).
  for (const c of COLUMNS) assert.ok(record[c] !== undefined && record[c] !== '', `field ${c} of ${line}`);
  return record;
}

const DELIVERY_MS = 1000;
const BODY = 'hello world';

async function eventually<T>(read: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every line of every log object under `prefix` in `bucket`, with the objects' keys. */
async function deliveredLogs(s3: S3Client, bucket: string, prefix: string): Promise<{ keys: string[]; lines: string[] }> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).map((o) => o.Key!);
  const lines: string[] = [];
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(object.ContentType, 'text/plain');
    const text = await object.Body!.transformToString();
    assert.ok(text.endsWith('\n'), `${key} ends with a newline`);
    lines.push(...text.slice(0, -1).split('\n'));
  }
  return { keys, lines };
}

/** AWS's example bucket policy for log delivery, restricted to `source` of `account`. */
function loggingPolicy(target: string, prefix: string, source: string, account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'S3ServerAccessLogsPolicy',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: ['s3:PutObject'],
        Resource: `arn:aws:s3:::${target}/${prefix}*`,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${source}` }, StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  });
}

describe('S3 server access logs', () => {
  let server: TestServer;
  let s3: S3Client;
  let account: string;
  const cli = async (...args: string[]) => awsCli(server, args);
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `aws ${args.join(' ')}:\n${r.stderr}`);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  };
  const fileOf = (name: string, content: string) => {
    const path = join(server.dataDir, '..', `${uniqueName(name)}.json`);
    writeFileSync(path, content);
    return `file://${path}`;
  };

  before(async () => {
    server = await startServer({ env: { STRONGBOX_ACCESS_LOG_DELIVERY_MS: String(DELIVERY_MS) } });
    s3 = s3Client(server);
    account = String((await ok('sts', 'get-caller-identity')).Account);
  });
  after(async () => server?.stop());

  test('put/get-bucket-logging, AWS error codes for unusable targets', async () => {
    const source = uniqueName('al-src');
    const target = uniqueName('al-dst');
    await ok('s3api', 'create-bucket', '--bucket', source);
    await ok('s3api', 'create-bucket', '--bucket', target);
    const status = (t: string, extra: Record<string, unknown> = {}) =>
      fileOf('status', JSON.stringify({ LoggingEnabled: { TargetBucket: t, TargetPrefix: 'logs/', ...extra } }));
    assert.deepEqual(await ok('s3api', 'get-bucket-logging', '--bucket', source), {});

    const missing = await cli('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status', status(uniqueName('none')));
    assert.match(missing.stderr, /InvalidTargetBucketForLogging/);
    const grants = [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers' }, Permission: 'READ' }];
    const withGrants = await cli('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status', status(target, { TargetGrants: grants }));
    assert.match(withGrants.stderr, /AccessControlListNotSupported/, 'the target enforces bucket-owner ownership');

    const partitioned = { TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'DeliveryTime' } } };
    await ok('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status', status(target, partitioned));
    assert.deepEqual(await ok('s3api', 'get-bucket-logging', '--bucket', source), {
      LoggingEnabled: { TargetBucket: target, TargetPrefix: 'logs/', ...partitioned },
    });
    await ok('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status', '{}');
    assert.deepEqual(await ok('s3api', 'get-bucket-logging', '--bucket', source), {});
  });

  test('delivers every request, a denied one with its error code, in lines a standard parser reads field by field', async () => {
    const source = uniqueName('al-src');
    const target = uniqueName('al-dst');
    await ok('s3api', 'create-bucket', '--bucket', source);
    await ok('s3api', 'create-bucket', '--bucket', target);
    await ok('s3api', 'put-bucket-policy', '--bucket', target, '--policy', loggingPolicy(target, 'logs/', source, account));
    await ok('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status',
      JSON.stringify({ LoggingEnabled: { TargetBucket: target, TargetPrefix: 'logs/' } }));
    const started = Date.now() - 1000;

    const bodyFile = join(server.dataDir, '..', `${uniqueName('body')}.txt`);
    writeFileSync(bodyFile, BODY);
    await ok('s3api', 'put-object', '--bucket', source, '--key', 'a b.txt', '--body', bodyFile);
    await ok('s3api', 'get-object', '--bucket', source, '--key', 'a b.txt', join(server.dataDir, '..', uniqueName('out')));
    await ok('s3api', 'head-object', '--bucket', source, '--key', 'a b.txt');
    assert.match((await cli('s3api', 'head-object', '--bucket', source, '--key', 'missing.txt')).stderr, /404/);
    const anonymous = await fetch(`${server.endpoint}/${source}/a%20b.txt`, { headers: { 'user-agent': 'anonymous-curl/1' } });
    assert.equal(anonymous.status, 403);
    await anonymous.arrayBuffer();

    const logs = await eventually(async () => {
      const found = await deliveredLogs(s3, target, 'logs/');
      const records = found.lines.map(parseLine);
      return records.some((r) => r.useragent.includes('anonymous-curl')) && records.length >= 5 ? { ...found, records } : undefined;
    }, 'the access logs are delivered');

    for (const key of logs.keys) assert.match(key, /^logs\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$/);
    const root = `arn:aws:iam::${account}:root`;
    for (const r of logs.records) {
      assert.equal(r.bucketowner, canonicalUserId(account));
      assert.equal(r.bucket_name, source);
      const time = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}:\d{2}:\d{2}) \+0000$/.exec(r.requestdatetime);
      assert.ok(time, r.requestdatetime);
      const at = Date.parse(`${time[2]} ${time[1]} ${time[3]} ${time[4]} UTC`);
      assert.ok(at >= started && at <= Date.now(), `${r.requestdatetime} is the request's time`);
      assert.equal(r.remoteip, '127.0.0.1');
      assert.notEqual(r.requestid, '-');
      assert.match(r.totaltime, /^\d+$/);
      assert.match(r.turnaroundtime, /^(\d+|-)$/);
      assert.match(r.bytessent, /^(\d+|-)$/);
      assert.equal(r.referrer, '"-"');
      assert.equal(r.versionid, '-');
      assert.notEqual(r.hostid, '-');
      assert.equal(r.ciphersuite, '-');
      assert.equal(r.endpoint, `127.0.0.1:${server.port}`);
      assert.equal(r.tlsversion, '-');
      assert.equal(r.accesspointarn, '-');
      assert.equal(r.aclrequired, '-');
      const signed = r.requester !== '-';
      assert.equal(r.requester, signed ? root : '-');
      assert.equal(r.sigv, signed ? 'SigV4' : '-');
      assert.equal(r.authtype, signed ? 'AuthHeader' : '-');
      if (signed) assert.match(r.useragent, /^"aws-cli\//);
    }
    const one = (operation: string, key: string, status: string) => {
      const found = logs.records.filter((r) => r.operation === operation && r.key === key && r.httpstatus === status);
      assert.equal(found.length, 1, `one ${operation} ${key} ${status} in\n${logs.lines.join('\n')}`);
      return found[0];
    };
    const put = one('REST.PUT.OBJECT', 'a%20b.txt', '200');
    assert.match(put.request_uri, new RegExp(`^"PUT /${source}/a%20b\\.txt(\\?[^ ]*)? HTTP/1\\.1"$`));
    assert.deepEqual([put.errorcode, put.bytessent, put.objectsize], ['-', '-', String(BODY.length)]);
    const get = one('REST.GET.OBJECT', 'a%20b.txt', '200');
    assert.match(get.request_uri, new RegExp(`^"GET /${source}/a%20b\\.txt(\\?[^ ]*)? HTTP/1\\.1"$`));
    assert.deepEqual([get.errorcode, get.bytessent, get.objectsize], ['-', String(BODY.length), String(BODY.length)]);
    const head = one('REST.HEAD.OBJECT', 'a%20b.txt', '200');
    assert.deepEqual([head.bytessent, head.objectsize], ['-', String(BODY.length)]);
    assert.equal(one('REST.HEAD.OBJECT', 'missing.txt', '404').errorcode, 'NoSuchKey');
    const denied = one('REST.GET.OBJECT', 'a%20b.txt', '403');
    assert.deepEqual([denied.errorcode, denied.requester, denied.useragent], ['AccessDenied', '-', '"anonymous-curl/1"']);
  });

  test('partitioned keys; nothing delivered into a bucket whose policy does not allow the logging service', async () => {
    const source = uniqueName('al-src');
    const allowed = uniqueName('al-dst');
    const refusing = uniqueName('al-no');
    const other = uniqueName('al-src2');
    for (const b of [source, allowed, refusing, other]) await ok('s3api', 'create-bucket', '--bucket', b);
    await ok('s3api', 'put-bucket-policy', '--bucket', allowed, '--policy', loggingPolicy(allowed, 'p/', source, account));
    const partitioned = { TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } } };
    await ok('s3api', 'put-bucket-logging', '--bucket', source, '--bucket-logging-status',
      JSON.stringify({ LoggingEnabled: { TargetBucket: allowed, TargetPrefix: 'p/', ...partitioned } }));
    await ok('s3api', 'put-bucket-logging', '--bucket', other, '--bucket-logging-status',
      JSON.stringify({ LoggingEnabled: { TargetBucket: refusing, TargetPrefix: 'p/' } }));
    await ok('s3api', 'list-objects-v2', '--bucket', other);
    await ok('s3api', 'list-objects-v2', '--bucket', source);

    const logs = await eventually(async () => {
      const found = await deliveredLogs(s3, allowed, 'p/');
      return found.lines.some((l) => parseLine(l).operation === 'REST.GET.BUCKET') ? found : undefined;
    }, 'the partitioned logs are delivered');
    const day = new Date().toISOString().slice(0, 10);
    const [y, m, d] = day.split('-');
    for (const key of logs.keys) {
      assert.match(key, new RegExp(`^p/${account}/us-east-1/${source}/${y}/${m}/${d}/${day}-00-00-00-[0-9A-F]{16}$`));
    }
    // The refusing target's delivery ran in the same pass as the allowed one: it got nothing.
    await new Promise((r) => setTimeout(r, DELIVERY_MS));
    assert.deepEqual((await deliveredLogs(s3, refusing, '')).keys, []);
    assert.match(server.logs(), /does not allow log delivery/);
  });
});
