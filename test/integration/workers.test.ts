/**
 * `--workers 2`: one primary and two worker processes sharing one data directory. Every request here
 * goes on a new connection, which the primary hands to the workers in turn, so consecutive requests
 * land on different processes: a write on one must be seen by the next request on the other, and an
 * IAM change must apply on every worker at once.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, DeleteAccessKeyCommand, DeleteUserPolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { SERVER_V8_FLAGS } from '../../src/server/v8-flags.js';
import { childPids, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

/** No keep-alive: each request opens its own connection, so requests alternate between the workers. */
function clientConfig(server: TestServer, credentials: Credentials) {
  return { endpoint: server.endpoint, region: server.region, credentials, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: false }) } };
}

function workerPids(server: TestServer): number[] {
  return childPids(server.process.pid!);
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    if (e instanceof S3ServiceException) return e.name;
    throw e;
  }
}

describe('a server with two worker processes', () => {
  let server: TestServer;
  let s3: S3Client;
  let iam: IAMClient;
  const bucket = uniqueName('workers');
  before(async () => {
    server = await startServer({ extraArgs: ['--workers', '2'] });
    s3 = new S3Client({ ...clientConfig(server, server.root), forcePathStyle: true });
    iam = new IAMClient(clientConfig(server, server.root));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    await server?.stop();
  });

  it('serves from both workers, each with its own request-id prefix', async () => {
    assert.equal(workerPids(server).length, 2);
    const prefixes = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      prefixes.add(out.$metadata.requestId?.slice(0, 8) ?? '');
    }
    assert.equal(prefixes.size, 2, `request ids ${[...prefixes].join(', ')}`);
  });

  it('reads every overwrite at once, whichever worker wrote it and whichever reads it', async () => {
    for (let i = 0; i < 12; i++) {
      // Large enough for a blob file on some rounds, small (inline) on others.
      const body = i % 3 === 0 ? Buffer.alloc(100 * 1024, i) : Buffer.from(`version ${i}`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: body }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), `round ${i}`);
    }
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
    for (let i = 0; i < 4; i++) assert.equal(await errorCode(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k' }))), 'NotFound');
  });

  it('applies IAM changes on every worker on the next request', async () => {
    const userName = uniqueName('worker-user');
    await iam.send(new CreateUserCommand({ UserName: userName }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
    const user = new S3Client({ ...clientConfig(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }), forcePathStyle: true });
    const list = () => errorCode(user.send(new ListObjectsV2Command({ Bucket: bucket })));
    for (let i = 0; i < 4; i++) assert.equal(await list(), 'AccessDenied'); // both workers cache "no policies"
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` }] };
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'list', PolicyDocument: JSON.stringify(policy) }));
    for (let i = 0; i < 4; i++) assert.equal(await list(), 'no error');
    await iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: 'list' }));
    for (let i = 0; i < 4; i++) assert.equal(await list(), 'AccessDenied');
    await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId! }));
    for (let i = 0; i < 4; i++) assert.equal(await list(), 'InvalidAccessKeyId');
  });

  it('replaces a worker that dies, removes the blob links it held, and keeps serving', async () => {
    const [victim, survivor] = workerPids(server);
    // Links as a worker makes them to hold a retained blob (file-blob-store.ts): the victim's must go
    // when it dies, the survivor's stay.
    const link = (pid: number) => join(server.dataDir, 'tmp', `held.${pid}.${'ab'.repeat(16)}.0123456789abcdef`);
    writeFileSync(link(victim), 'held');
    writeFileSync(link(survivor), 'held');
    process.kill(victim, 'SIGKILL');
    const until = Date.now() + 10_000;
    while (workerPids(server).filter((p) => p !== victim).length < 2) {
      assert.ok(Date.now() < until, 'no replacement worker within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 4; i++) assert.equal(await errorCode(s3.send(new ListObjectsV2Command({ Bucket: bucket }))), 'no error');
    // The primary's log line is written within its batching delay.
    for (const stop = Date.now() + 2000; !/worker process exited; starting another/.test(server.logs()); ) {
      assert.ok(Date.now() < stop, 'the primary did not log the worker exit');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const stop = Date.now() + 2000; existsSync(link(victim)); ) {
      assert.ok(Date.now() < stop, "the dead worker's link is still there");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(existsSync(link(survivor)), "a live worker's link was removed");
    unlinkSync(link(survivor));
  });

  it('refuses a second server on the same data directory', async () => {
    await assert.rejects(startServer({ dataDir: server.dataDir, root: server.root }), /in use by another Strongbox server/);
  });

  it('fails to start, instead of retrying, when its workers cannot listen', async () => {
    // The port is taken (by this server): every worker's listen fails, and so does the start.
    await assert.rejects(startServer({ extraArgs: ['--workers', '2', '--address', `127.0.0.1:${server.port}`] }), /EADDRINUSE[\s\S]*before it listened/);
  });

  it("runs its workers with the server's V8 flags, which its own command line lacks", () => {
    const args = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(!args(server.process.pid!).includes(SERVER_V8_FLAGS[0]));
    const workers = workerPids(server);
    assert.equal(workers.length, 2);
    for (const pid of workers) for (const flag of SERVER_V8_FLAGS) assert.ok(args(pid).includes(flag), `worker ${pid}: ${args(pid).join(' ')}`);
  });

  it('stops every process on SIGTERM', async () => {
    const pids = workerPids(server);
    await server.stop({ keepData: true });
    assert.equal(server.process.exitCode, 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    // The directory is free again: a one-process server starts on it and sees the data.
    const again = await startServer({ dataDir: server.dataDir, root: server.root });
    try {
      const out = await new S3Client({ ...clientConfig(again, again.root), forcePathStyle: true }).send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.equal(out.KeyCount, 0);
    } finally {
      await again.stop();
    }
  });
});
