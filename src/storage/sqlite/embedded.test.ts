import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runStorageContract } from '../contract/run-storage-contract.js';
import { openEmbeddedStorage } from '../embedded.js';
import { readObjectBytes } from '../object-reader.js';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, migrate } from './migrations.js';

let dataDir = '';
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strongbox-contract-'));
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

runStorageContract('embedded (SQLite + files)', () => openEmbeddedStorage({ dataDir }));

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks).toString();
}

describe('embedded storage', () => {
  it('keeps its metadata in <dataDir>/metadata.sqlite and sweeps crash leftovers from tmp/', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-embedded-'));
    try {
      const storage = await openEmbeddedStorage({ dataDir: dir, durability: 'strict' });
      await access(join(dir, 'metadata.sqlite'));
      await writeFile(join(dir, 'tmp', '0123456789abcdef0123456789abcdef'), 'half-written');
      assert.deepEqual(await storage.sweepOrphans(), { removedBlobs: 1 });
      assert.deepEqual(await readdir(join(dir, 'tmp')), []);
      await storage.close();
      await storage.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens a data directory from before versions: its objects are null versions, writable as before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-v4-'));
    try {
      const old = new BetterSqlite3(join(dir, 'metadata.sqlite'));
      migrate(old, MIGRATIONS.slice(0, 4));
      old.prepare("INSERT INTO buckets (name, owner_account_id, region, created_at) VALUES ('b', '111122223333', 'us-east-1', 0)").run();
      old.prepare(
        `INSERT INTO objects (bucket, key, version_id, size, etag, last_modified, user_metadata, tags, storage_class, owner_account_id)
         VALUES ('b', x'6f6c64', NULL, 0, 'e', 0, '{}', '[]', 'STANDARD', '111122223333')`,
      ).run();
      old.close();
      const storage = await openEmbeddedStorage({ dataDir: dir });
      const listed = await storage.objects.listObjectVersions({ bucket: 'b', prefix: '', delimiter: '', keyMarker: '', maxKeys: 10 });
      assert.deepEqual(listed.versions.map((v) => [v.kind, v.kind === 'Object' ? v.object.versionId : '', v.isLatest]), [['Object', null, true]]);
      assert.equal((await storage.objects.getVersion('b', 'old', null))?.kind, 'Object');
      await storage.buckets.updateBucketConfig('b', { versioning: 'Enabled' });
      const next = await storage.objects.putObject({ ...(await storage.objects.getObject('b', 'old'))!, etag: 'e2' });
      assert.equal(next.outcome === 'Written' && typeof next.versionId, 'string');
      assert.equal((await storage.objects.getVersion('b', 'old', null))?.isLatest, false);
      await storage.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged PUT when the process is killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-kill-'));
    const embedded = new URL('../embedded.js', import.meta.url).href;
    // The child acknowledges a key on stdout only after blob write + metadata commit resolved.
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      import { Readable } from 'node:stream';
      const { openEmbeddedStorage } = await import(${JSON.stringify(embedded)});
      const s = await openEmbeddedStorage({ dataDir: ${JSON.stringify(dir)} });
      const { newBucketRecord } = await import(${JSON.stringify(new URL('../new-bucket.js', import.meta.url).href)});
      await s.buckets.createBucket(newBucketRecord({ name: 'b', ownerAccountId: '111122223333', region: 'us-east-1', createdAt: new Date() }));
      for (let i = 0; i < 100000; i++) {
        const key = 'k' + i;
        const blob = await s.blobs.write(Readable.from([Buffer.from('bytes of ' + key)]));
        await s.objects.putObject({ bucket: 'b', key, versionId: null, size: blob.size, etag: 'e', lastModified: new Date(),
          contentType: undefined, contentEncoding: undefined, contentDisposition: undefined, contentLanguage: undefined,
          cacheControl: undefined, expires: undefined, userMetadata: {}, tags: [], checksum: undefined, partsCount: undefined,
          segments: [blob], storageClass: 'STANDARD', ownerAccountId: '111122223333' });
        process.stdout.write(key + '\\n');
      }
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child too slow')), 10_000);
        let buffered = '';
        child.stdout.on('data', (d: Buffer) => {
          buffered += d.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          acked.push(...lines);
          if (acked.length >= 200) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
      assert.ok(acked.length >= 200, `child acknowledged ${acked.length} writes`);
      const storage = await openEmbeddedStorage({ dataDir: dir });
      await storage.sweepOrphans();
      for (const key of acked) {
        const object = await storage.objects.getObject('b', key);
        assert.ok(object, `acknowledged ${key} survived`);
        assert.equal(await collect(readObjectBytes(storage.blobs, object.segments)), `bytes of ${key}`);
      }
      await storage.close();
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
