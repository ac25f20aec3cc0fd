/**
 * The server as a process: health probes, graceful SIGTERM (in-flight requests finish, exit 0),
 * restart with the same root credentials, and bodies that stream end to end with bounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client, startServer } from './harness.js';

/** `size` bytes of a repeating pattern, produced lazily in 1 MiB chunks. */
function generated(size: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'no VmHWM in /proc status');
  return Number(m[1]) * 1024;
}

test('health probes answer 200 while serving', async () => {
  const server = await startServer();
  try {
    for (const path of ['/health/live', '/health/ready']) {
      const r = await fetch(`${server.endpoint}${path}`);
      assert.equal(r.status, 200);
    }
  } finally {
    await server.stop();
  }
});

test('SIGTERM lets an in-flight upload finish, then exits 0; a restart keeps data and credentials', async () => {
  const server = await startServer();
  const client = s3Client(server);
  await client.send(new CreateBucketCommand({ Bucket: 'graceful' }));
  const size = 4 * 1024 * 1024;
  let sent = 0;
  // A slow client: 64 KiB every 20 ms, about 1.3 s in all.
  const slow = new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      setTimeout(() => {
        const n = Math.min(65536, size - sent);
        sent += n;
        this.push(Buffer.alloc(n, 7));
      }, 20);
    },
  });
  const put = client.send(new PutObjectCommand({ Bucket: 'graceful', Key: 'slow', Body: slow, ContentLength: size }));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(sent > 0 && sent < size, 'the upload should be in flight when SIGTERM arrives');
  const exited = new Promise<number | null>((r) => server.process.once('exit', (code) => r(code)));
  server.process.ref(); // the harness unrefs a serving child; waiting for its exit needs it referenced
  server.process.kill('SIGTERM');
  const result = await put;
  assert.ok(result.ETag);
  assert.equal(await exited, 0);

  const again = await startServer({ dataDir: server.dataDir, root: server.root });
  try {
    const head = await s3Client(again).send(new HeadObjectCommand({ Bucket: 'graceful', Key: 'slow' }));
    assert.equal(head.ContentLength, size);
  } finally {
    await again.stop();
  }
});

test('a 1 GiB upload and download stream through the server with RSS under 200 MB', async () => {
  const server = await startServer({ extraArgs: ['--log-level', 'warn'] });
  try {
    const client = s3Client(server);
    await client.send(new CreateBucketCommand({ Bucket: 'big' }));
    const size = Number(process.env.STRONGBOX_TEST_BIG_MIB ?? 1024) * 1024 * 1024;
    const expected = createHash('sha256');
    await pipeline(generated(size), new Writable({ write: (c: Buffer, _e, cb) => (expected.update(c), cb()) }));
    await client.send(new PutObjectCommand({ Bucket: 'big', Key: 'gib', Body: generated(size), ContentLength: size }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'big', Key: 'gib' }));
    const actual = createHash('sha256');
    let n = 0;
    await pipeline(got.Body as Readable, new Writable({ write: (c: Buffer, _e, cb) => ((n += c.length), actual.update(c), cb()) }));
    assert.equal(n, size);
    assert.equal(actual.digest('hex'), expected.digest('hex'));
    const peak = peakRssBytes(server.process.pid!);
    assert.ok(peak < 200 * 1024 * 1024, `server peak RSS ${Math.round(peak / 1048576)} MiB`);
  } finally {
    await server.stop();
  }
});
