/**
 * Crash safety (DESIGN.md durability): kill -9 the server while concurrent uploads are in flight,
 * restart it on the same data directory, and prove that every acknowledged object reads back
 * byte-identical, no partial object is visible, and the start-up sweep leaves no temp files.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { childPids, s3Client, startServer } from './harness.js';

/** Deterministic bytes for (key, size): a torn or mixed-up write cannot match. */
function bodyFor(key: string, size: number): Buffer {
  const unit = Buffer.from(`${key}|`);
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, size - i));
  return out;
}

function parseKey(key: string): { size: number; generation: number } {
  const m = /-s(\d+)-g(\d+)$/.exec(key.replace(/^overwrite\//, ''));
  assert.ok(m, `unexpected key ${key}`);
  return { size: Number(m[1]), generation: Number(m[2]) };
}

test('kill -9 during concurrent uploads loses no acknowledged write and shows no partial object', (t) => crashAndCheck(t, []));

test('the same with two worker processes, all killed at once', (t) => crashAndCheck(t, ['--workers', '2']));

test('kill -9 during versioned writes and deletes loses no acknowledged version or delete marker', (t) => crashVersionsAndCheck(t, []));

test('the same with two worker processes', (t) => crashVersionsAndCheck(t, ['--workers', '2']));

/**
 * Concurrent overwrites of a few keys of a versioning-enabled bucket (inline-sized and blob-sized
 * bodies, each version's generation in its metadata) and delete markers, killed mid-flight. After the
 * restart every acknowledged version reads back byte-exact by its id, every acknowledged marker is
 * listed, and every version listed (acknowledged or not) is complete.
 */
async function crashVersionsAndCheck(t: TestContext, extraArgs: readonly string[]): Promise<void> {
  const server = await startServer({ extraArgs });
  const bucket = 'crash-versions';
  let client: S3Client = s3Client(server);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const versions = new Map<string, { key: string; body: Buffer }>();
  const markers = new Set<string>();
  let stop = false;
  let generation = 0;
  const keys = ['small', 'large', 'mixed'];
  const sizeFor = (key: string, g: number) => (key === 'small' ? 1000 + g : key === 'large' ? 300_000 + g : g % 2 === 0 ? 500 + g : 150_000 + g);
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const key = keys[(w + i) % keys.length];
      const g = ++generation;
      const size = sizeFor(key, g);
      const body = bodyFor(`${key}-g${g}`, size);
      try {
        const r = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { generation: String(g) } }));
        versions.set(r.VersionId!, { key, body });
      } catch {
        return;
      }
    }
  };
  const deleter = async () => {
    for (let i = 0; !stop; i++) {
      try {
        const r = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[i % keys.length] }));
        markers.add(r.VersionId!);
        await new Promise((res) => setTimeout(res, 50));
      } catch {
        return;
      }
    }
  };
  const workers = [0, 1, 2, 3].map(writer).concat([deleter()]);
  await new Promise((r) => setTimeout(r, 2500));
  for (const pid of childPids(server.process.pid!)) process.kill(pid, 'SIGKILL');
  await server.kill();
  stop = true;
  await Promise.all(workers);
  assert.ok(versions.size > 5 && markers.size > 2, `too few acknowledged writes before the crash (${versions.size}, ${markers.size})`);

  const restarted = await startServer({ dataDir: server.dataDir, root: server.root, extraArgs });
  try {
    client = s3Client(restarted);
    const listed = new Map<string, string>();
    const listedMarkers = new Set<string>();
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: 100 }));
      for (const v of page.Versions ?? []) listed.set(v.VersionId!, v.Key!);
      for (const m of page.DeleteMarkers ?? []) listedMarkers.add(m.VersionId!);
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    for (const [id, v] of versions) assert.equal(listed.get(id), v.key, `acknowledged version ${v.key}@${id} is missing after the crash`);
    for (const id of markers) assert.ok(listedMarkers.has(id), `acknowledged delete marker ${id} is missing after the crash`);
    for (const [id, key] of listed) {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: id }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      const g = Number(got.Metadata?.generation);
      assert.ok(bytes.equals(bodyFor(`${key}-g${g}`, sizeFor(key, g))), `${key}@${id}: partial or corrupt version visible`);
    }
    assert.deepEqual(readdirSync(join(restarted.dataDir, 'tmp')), [], 'temp files survived the start-up sweep');
    t.diagnostic(`${versions.size} acknowledged versions and ${markers.size} markers; ${listed.size} versions and ${listedMarkers.size} markers after restart, all exact`);
  } finally {
    await restarted.stop();
  }
}

async function crashAndCheck(t: TestContext, extraArgs: readonly string[]): Promise<void> {
  const server = await startServer({ extraArgs });
  const bucket = 'crash-test';
  let client: S3Client = s3Client(server);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));

  const acknowledged = new Map<string, Buffer>();
  /** Latest acknowledged generation per overwritten key, and the one in flight at the crash. */
  const overwrites = new Map<string, { acked?: number; inFlight?: number }>();
  let stop = false;
  const sizes = [0, 1, 4096, 65_537, 1_048_576 + 3, 3 * 1024 * 1024];

  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const size = sizes[(w + i) % sizes.length];
      const key = `w${w}/obj-${i}-s${size}-g0`;
      const body = bodyFor(key, size);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        acknowledged.set(key, body);
      } catch {
        return; // the server died under us
      }
    }
  };
  const overwriter = async (w: number) => {
    const name = `overwrite/key${w}`;
    const state: { acked?: number; inFlight?: number } = {};
    overwrites.set(name, state);
    for (let g = 1; !stop; g++) {
      state.inFlight = g;
      const size = 200_000 + g;
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: bodyFor(`${name}-s${size}-g${g}`, size), Metadata: { generation: String(g), size: String(size) } }));
        state.acked = g;
      } catch {
        return;
      }
    }
  };
  const multipart = async () => {
    for (let i = 0; !stop; i++) {
      const size = 11 * 1024 * 1024;
      const key = `mpu/obj-${i}-s${size}-g0`;
      const body = bodyFor(key, size);
      try {
        await new Upload({ client, params: { Bucket: bucket, Key: key, Body: body }, partSize: 5 * 1024 * 1024, queueSize: 2 }).done();
        acknowledged.set(key, body);
      } catch {
        return;
      }
    }
  };

  const workers = [0, 1, 2, 3].map(writer).concat([0, 1].map(overwriter), [multipart()]);
  await new Promise((r) => setTimeout(r, 2500));
  // Workers first (a primary's death alone would let them exit on their own terms), in one instant.
  for (const pid of childPids(server.process.pid!)) process.kill(pid, 'SIGKILL');
  await server.kill();
  stop = true;
  await Promise.all(workers);
  assert.ok(acknowledged.size > 5, `too few acknowledged writes before the crash (${acknowledged.size})`);

  const restarted = await startServer({ dataDir: server.dataDir, root: server.root, extraArgs });
  try {
    client = s3Client(restarted);
    const listed: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) listed.push(o.Key!);
      token = page.NextContinuationToken;
    } while (token);

    for (const key of acknowledged.keys()) assert.ok(listed.includes(key), `acknowledged ${key} is missing after the crash`);
    for (const key of listed) {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      if (key.startsWith('overwrite/')) {
        const g = Number(got.Metadata?.generation);
        const size = Number(got.Metadata?.size);
        const state = overwrites.get(key)!;
        assert.ok(g >= (state.acked ?? 0) && g <= (state.inFlight ?? 0), `${key}: generation ${g} outside [${state.acked}, ${state.inFlight}]`);
        assert.ok(bytes.equals(bodyFor(`${key}-s${size}-g${g}`, size)), `${key}: torn overwrite`);
      } else {
        const { size } = parseKey(key);
        // Acknowledged or not, anything visible must be complete and exact.
        assert.ok(bytes.equals(bodyFor(key, size)), `${key}: partial or corrupt object visible`);
      }
    }
    assert.deepEqual(readdirSync(join(restarted.dataDir, 'tmp')), [], 'temp files survived the start-up sweep');
    t.diagnostic(`${acknowledged.size} acknowledged objects, ${listed.length} visible after restart, all exact`);
  } finally {
    await restarted.stop();
  }
}

