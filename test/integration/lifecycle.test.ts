/**
 * Lifecycle with the real clients on a server whose lifecycle "day" lasts DAY_SECONDS seconds
 * (`--lifecycle-day-seconds`): the configuration API (aws CLI, boto3), `x-amz-expiration`, and the
 * background worker expiring current objects, noncurrent versions and delete markers and aborting
 * stale uploads; then kill -9 in the middle of a lifecycle pass.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REPO_ROOT, awsCli, childPids, python, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

const DAY_SECONDS = 2;
const SCRIPT = readFileSync(join(REPO_ROOT, 'test/integration/s3/boto3_lifecycle.py'), 'utf8');

async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function keysOf(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

async function putLifecycle(s3: S3Client, bucket: string, rules: LifecycleRule[]): Promise<void> {
  await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
}

describe('lifecycle configuration and worker', { concurrency: 3 }, () => {
  let server: TestServer;
  let s3: S3Client;
  before(async () => {
    server = await startServer({ extraArgs: ['--lifecycle-day-seconds', String(DAY_SECONDS)] });
    s3 = s3Client(server);
  });
  after(async () => server?.stop());

  async function scenario(name: string): Promise<Record<string, unknown>> {
    const r = await python(server, SCRIPT, { args: [name, uniqueName('lc')], timeoutMs: 60_000 });
    assert.equal(r.code, 0, `${name}:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  }

  test('put, get and delete a configuration with the aws CLI', async () => {
    const bucket = uniqueName('lc-cli');
    const cli = async (...args: string[]) => {
      const r = await awsCli(server, ['s3api', ...args, '--bucket', bucket]);
      return { ...r, json: r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {} };
    };
    assert.equal((await awsCli(server, ['s3api', 'create-bucket', '--bucket', bucket])).code, 0);
    const missing = await cli('get-bucket-lifecycle-configuration');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NoSuchLifecycleConfiguration/);
    const config = {
      Rules: [
        { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 30 }, Transitions: [{ Days: 10, StorageClass: 'GLACIER' }] },
        { ID: 'versions', Status: 'Disabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 5, NewerNoncurrentVersions: 3 } },
        { ID: 'uploads', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
        { ID: 'markers', Status: 'Enabled', Filter: { Prefix: 'old/' }, Expiration: { ExpiredObjectDeleteMarker: true } },
        { ID: 'small', Status: 'Enabled', Filter: { ObjectSizeLessThan: 1024 }, Expiration: { Date: '2030-01-01T00:00:00.000Z' } },
      ],
    };
    const file = join(server.dataDir, '..', `${bucket}.json`);
    writeFileSync(file, JSON.stringify(config));
    const put = await cli('put-bucket-lifecycle-configuration', '--lifecycle-configuration', `file://${file}`);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.json.TransitionDefaultMinimumObjectSize, 'all_storage_classes_128K');
    const got = await cli('get-bucket-lifecycle-configuration');
    assert.equal(got.code, 0, got.stderr);
    assert.deepEqual(got.json.Rules, config.Rules);
    assert.equal((await cli('delete-bucket-lifecycle')).code, 0);
    assert.match((await cli('get-bucket-lifecycle-configuration')).stderr, /NoSuchLifecycleConfiguration/);
  });

  test('validation errors with boto3 answer AWS codes; a refused configuration changes nothing', async () => {
    assert.deepEqual(await scenario('validation'), {
      duplicate_ids: 'InvalidArgument',
      no_action: 'InvalidRequest',
      zero_days: 'InvalidArgument',
      not_midnight: 'InvalidArgument',
      marker_with_days: 'MalformedXML',
      abort_with_tag: 'InvalidRequest',
      noncurrent_zero: 'InvalidArgument',
      size_order: 'InvalidRequest',
      ia_too_soon: 'InvalidArgument',
      valid: 'OK',
      kept_rule: 'a',
      minimum_size: 'all_storage_classes_128K',
      bad_minimum_size: 'InvalidRequest',
    });
  });

  test('x-amz-expiration on PUT, HEAD and GET of an object a rule expires, not on others', async () => {
    const r = await scenario('expiration_header');
    assert.equal(r.rule, 'expire-tmp');
    assert.equal(r.other_has_header, false);
    const seconds = r.seconds as number;
    assert.ok(seconds >= 30 * DAY_SECONDS - 1 && seconds <= 31 * DAY_SECONDS + 1, `expires in ${seconds} s`);
  });

  test('expires the current objects a rule selects once they are a day old, and only those', async () => {
    const bucket = uniqueName('lc-exp');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['tmp/a', 'tmp/b', 'keep/c', 'tmpfile']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    await putLifecycle(s3, bucket, [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }]);
    await eventually(async () => (await keysOf(s3, bucket)).length === 2, 'tmp/ is expired');
    assert.deepEqual(await keysOf(s3, bucket), ['keep/c', 'tmpfile']);
    // The worker's log line for each deletion, the hook the audit trail will use (logs are written
    // asynchronously: the line may follow the deletion it reports by a moment).
    const line = new RegExp(`"lifecycle":\\{"bucket":"${bucket}","key":"tmp/a","action":"ExpireCurrent"[^}]*"outcome":"Applied"`);
    await eventually(async () => line.test(server.logs()), 'the deletion is logged', 5_000);
  });

  test('aborts multipart uploads older than DaysAfterInitiation', async () => {
    const bucket = uniqueName('lc-mpu');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big/object' }));
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'big/object', UploadId: upload.UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    await putLifecycle(s3, bucket, [{ ID: 'abort', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    await eventually(async () => ((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).length === 0, 'the upload is aborted');
  });

  test('versioned: noncurrent versions expire, an expired current version leaves a delete marker, then the marker goes', async () => {
    const bucket = uniqueName('lc-ver');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'two' }));
    const history = async () => {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      return { versions: (page.Versions ?? []).map((v) => v.VersionId), markers: (page.DeleteMarkers ?? []).length };
    };
    // Noncurrent versions go after 1 day; current ones expire (a delete marker) after 3; lone markers go then.
    await putLifecycle(s3, bucket, [
      { ID: 'noncurrent', Status: 'Enabled', Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
      { ID: 'current', Status: 'Enabled', Filter: {}, Expiration: { Days: 3 } },
    ]);
    await eventually(async () => (await history()).versions.length === 1, 'the noncurrent version is gone');
    assert.deepEqual(await history(), { versions: [v2.VersionId], markers: 0 });
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }))).Body!.transformToString();
    assert.equal(body, 'two');
    assert.notEqual(v1.VersionId, v2.VersionId);
    await eventually(async () => (await history()).markers === 1, 'the current version expires into a delete marker', 30_000);
    await eventually(async () => {
      const h = await history();
      return h.versions.length === 0 && h.markers === 0;
    }, 'the version and then the expired delete marker are gone', 30_000);
  });
});

for (const workers of [1, 2]) {
  test(`kill -9 during a lifecycle pass loses nothing acknowledged (${workers} worker process${workers > 1 ? 'es' : ''})`, async (t) => {
    const extraArgs = ['--lifecycle-day-seconds', '1', ...(workers > 1 ? ['--workers', String(workers)] : [])];
    const server = await startServer({ extraArgs });
    let s3 = s3Client(server);
    const bucket = 'lc-crash';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const expiring = Array.from({ length: 600 }, (_, i) => `tmp/${String(i).padStart(4, '0')}`);
    const kept = new Map<string, string>();
    const putAll = async (keys: readonly string[], body: (k: string) => string) => {
      for (let i = 0; i < keys.length; i += 16) {
        await Promise.all(keys.slice(i, i + 16).map((k) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body(k) }))));
      }
    };
    await putAll(expiring, (k) => k);
    await putAll(Array.from({ length: 50 }, (_, i) => `keep/${i}`), (k) => (kept.set(k, `kept ${k}`), `kept ${k}`));
    await putLifecycle(s3, bucket, [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } }]);

    // Writers keep going while the worker deletes; the crash comes once deletions have begun.
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const key = `keep/w${w}-${i}`;
        try {
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `kept ${key}` }));
          kept.set(key, `kept ${key}`);
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2].map(writer);
    await eventually(async () => (await keysOf(s3, bucket)).filter((k) => k.startsWith('tmp/')).length < expiring.length - 20, 'deletions begin');
    for (const pid of childPids(server.process.pid!)) process.kill(pid, 'SIGKILL');
    await server.kill();
    stop = true;
    await Promise.all(writers);

    const restarted = await startServer({ dataDir: server.dataDir, root: server.root, extraArgs });
    try {
      s3 = s3Client(restarted);
      // Nothing acknowledged outside the rule is lost, and every object still listed reads back whole.
      const listed = new Set(await keysOf(s3, bucket));
      t.diagnostic(`${[...listed].filter((k) => k.startsWith('tmp/')).length} of ${expiring.length} tmp/ objects left at the crash`);
      for (const key of kept.keys()) assert.ok(listed.has(key), `acknowledged ${key} is missing after the crash`);
      for (const key of [...listed].filter((k) => k.startsWith('keep/')).slice(0, 60)) {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
        assert.equal(body, `kept ${key}`);
      }
      // The restarted server finishes the pass.
      await eventually(async () => (await keysOf(s3, bucket)).every((k) => !k.startsWith('tmp/')), 'the rest of tmp/ is expired after the restart', 30_000);
      const after = await keysOf(s3, bucket);
      for (const key of kept.keys()) assert.ok(after.includes(key), `${key} was expired though no rule selects it`);
    } finally {
      await restarted.stop();
      await server.stop();
    }
  });
}
