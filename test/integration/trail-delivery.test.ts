/**
 * Trail delivery end to end, with the real clients: a bucket with the bucket policy AWS documents for
 * CloudTrail, `aws cloudtrail create-trail --enable-log-file-validation`, S3 data events selected,
 * logging started, object reads and writes; the trail delivers log files and signed digests, and
 * `strongbox validate-logs` (and, when it can reach us, the aws CLI's own `validate-logs`) passes, then
 * fails naming a log file altered through PutObject and one deleted.
 */
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REPO_ROOT, awsCli, clientEnv, run, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

const DELIVERY_MS = 500;
const DIGEST_MS = 3_000;
const CLI = join(REPO_ROOT, 'dist/src/cli.js');

async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function keysUnder(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function bodyOf(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** The bucket policy of create-s3-bucket-policy-for-cloudtrail.html, for one trail. */
function cloudTrailBucketPolicy(bucket: string, accountId: string, trailArn: string): string {
  const condition = { StringEquals: { 'aws:SourceArn': trailArn } };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}`, Condition: condition },
      { Sid: 'AWSCloudTrailWrite20150319', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/AWSLogs/${accountId}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } } },
    ],
  });
}

describe('trail delivery and validate-logs', () => {
  let server: TestServer;
  let s3: S3Client;
  let accountId = '';
  const trailBucket = uniqueName('trail-logs');
  const dataBucket = uniqueName('trail-data');
  const trailName = 'audit-trail';
  let trailArn = '';
  const startTime = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

  const validate = (extra: readonly string[] = []) => run(process.execPath, [CLI, 'validate-logs', '--trail-arn', trailArn,
    '--start-time', startTime, '--endpoint-url', server.endpoint, ...extra], { env: clientEnv(server) });

  /** Data-event log files delivered so far that hold a PutObject of `key`. */
  const logFilesWith = async (key: string): Promise<string[] | undefined> => {
    const logs = await keysUnder(s3, trailBucket, `AWSLogs/${accountId}/CloudTrail/`);
    const found: string[] = [];
    for (const k of logs) {
      const text = gunzipSync(await bodyOf(s3, trailBucket, k)).toString();
      const records = (JSON.parse(text) as { Records: Record<string, unknown>[] }).Records;
      if (records.some((r) => r.eventName === 'PutObject' && JSON.stringify(r.requestParameters ?? {}).includes(key))) found.push(k);
    }
    return found.length > 0 ? found : undefined;
  };

  /** Every log file listed by some digest delivered so far. */
  const digestedLogFiles = async (): Promise<Set<string>> => {
    const listed = new Set<string>();
    for (const k of await keysUnder(s3, trailBucket, `AWSLogs/${accountId}/CloudTrail-Digest/`)) {
      const doc = JSON.parse(gunzipSync(await bodyOf(s3, trailBucket, k)).toString()) as { logFiles: { s3Object: string }[] };
      for (const f of doc.logFiles) listed.add(f.s3Object);
    }
    return listed;
  };

  before(async () => {
    server = await startServer({ env: { STRONGBOX_TRAIL_DELIVERY_MS: String(DELIVERY_MS), STRONGBOX_TRAIL_DIGEST_MS: String(DIGEST_MS) } });
    s3 = s3Client(server);
    const who = await awsCli(server, ['sts', 'get-caller-identity', '--output', 'json']);
    assert.equal(who.code, 0, who.stderr);
    accountId = (JSON.parse(who.stdout) as { Account: string }).Account;
    trailArn = `arn:aws:cloudtrail:${server.region}:${accountId}:trail/${trailName}`;
    await s3.send(new CreateBucketCommand({ Bucket: trailBucket }));
    await s3.send(new CreateBucketCommand({ Bucket: dataBucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: trailBucket, Policy: cloudTrailBucketPolicy(trailBucket, accountId, trailArn) }));
  });
  after(async () => server?.stop());

  test('a trail with validation delivers data events and digests that validate-logs checks', async () => {
    const created = await awsCli(server, ['cloudtrail', 'create-trail', '--name', trailName, '--s3-bucket-name', trailBucket,
      '--enable-log-file-validation', '--output', 'json']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((JSON.parse(created.stdout) as { LogFileValidationEnabled: boolean }).LogFileValidationEnabled, true);
    const selectors = JSON.stringify([{ ReadWriteType: 'All', IncludeManagementEvents: true,
      DataResources: [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${dataBucket}/`] }] }]);
    const put = await awsCli(server, ['cloudtrail', 'put-event-selectors', '--trail-name', trailName, '--event-selectors', selectors]);
    assert.equal(put.code, 0, put.stderr);
    const started = await awsCli(server, ['cloudtrail', 'start-logging', '--name', trailName]);
    assert.equal(started.code, 0, started.stderr);

    for (const key of ['one.txt', 'two.txt', 'three.txt']) {
      await s3.send(new PutObjectCommand({ Bucket: dataBucket, Key: key, Body: `body of ${key}` }));
      await bodyOf(s3, dataBucket, key);
    }
    const delivered = await eventually(() => logFilesWith('three.txt'), 'a log file holds the PutObject of three.txt');
    assert.ok(delivered.every((k) => k.endsWith('.json.gz')));
    // A later write lands in a later file: the test alters one file and deletes another.
    await s3.send(new PutObjectCommand({ Bucket: dataBucket, Key: 'four.txt', Body: 'body of four.txt' }));
    await eventually(async () => {
      const files = await logFilesWith('four.txt');
      return files?.some((k) => !delivered.includes(k)) ? files : undefined;
    }, 'a second log file holds the PutObject of four.txt');
    // The digest period ends, and the next digest lists every file delivered so far.
    const logs = await keysUnder(s3, trailBucket, `AWSLogs/${accountId}/CloudTrail/`);
    await eventually(async () => {
      const listed = await digestedLogFiles();
      return logs.every((k) => listed.has(k)) ? true : undefined;
    }, 'a digest lists every delivered log file');
    const status = await awsCli(server, ['cloudtrail', 'get-trail-status', '--name', trailName, '--output', 'json']);
    const s = JSON.parse(status.stdout) as Record<string, unknown>;
    assert.equal(s.IsLogging, true);
    assert.ok(s.LatestDeliveryTime !== undefined && s.LatestDigestDeliveryTime !== undefined, status.stdout);
    assert.equal(s.LatestDeliveryError, undefined);

    const ok = await validate(['--verbose']);
    assert.equal(ok.code, 0, `${ok.stdout}\n${ok.stderr}`);
    assert.match(ok.stdout, /\d+\/\d+ digest files valid\n(\d+)\/\1 log files valid\n$/);
    for (const k of logs) assert.ok(ok.stdout.includes(`Log file\ts3://${trailBucket}/${k}\tvalid`), k);

    await theRealAwsCliValidates();

    // One byte of a delivered log file changed (the file rewritten with PutObject): named, exit 1.
    const altered = delivered[0];
    const text = gunzipSync(await bodyOf(s3, trailBucket, altered)).toString();
    const i = text.indexOf('three.txt');
    const edited = `${text.slice(0, i)}threE${text.slice(i + 5)}`;
    await s3.send(new PutObjectCommand({ Bucket: trailBucket, Key: altered, Body: gzipSync(Buffer.from(edited)),
      ContentType: 'application/json', ContentEncoding: 'gzip' }));
    const bad = await validate();
    assert.equal(bad.code, 1, bad.stdout);
    assert.ok(bad.stderr.includes(`Log file\ts3://${trailBucket}/${altered}\tINVALID: hash value doesn't match`), bad.stderr);

    // A delivered log file deleted: named, exit 1.
    const deleted = logs.find((k) => k !== altered)!;
    await s3.send(new DeleteObjectCommand({ Bucket: trailBucket, Key: deleted }));
    const gone = await validate();
    assert.equal(gone.code, 1, gone.stdout);
    assert.ok(gone.stderr.includes(`Log file\ts3://${trailBucket}/${deleted}\tINVALID: not found`), gone.stderr);
  });

  /**
   * `aws cloudtrail validate-logs` sends only its CloudTrail calls to --endpoint-url; its S3 client is
   * pointed at us with AWS_ENDPOINT_URL (botocore's per-session endpoint setting), so nothing leaves
   * 127.0.0.1.
   */
  async function theRealAwsCliValidates(): Promise<void> {
    const env = { ...clientEnv(server), AWS_ENDPOINT_URL: server.endpoint };
    const aws = await run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--endpoint-url', server.endpoint, 'cloudtrail',
      'validate-logs', '--trail-arn', trailArn, '--start-time', startTime], { env });
    assert.equal(aws.code, 0, `${aws.stdout}\n${aws.stderr}`);
    assert.match(aws.stdout, /(\d+)\/\1 log files valid/);
  }
});
