/**
 * A data directory opened `shared` by several processes (the worker processes of one server). Two
 * storages in one test process stand in for two workers: they have separate connections, caches and
 * blob stores, exactly as two processes do.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bucketRecord, deleteRequest, eventually, objectRecord, readAll, writeBlob } from '../contract/fixtures.js';
import { runStorageContract } from '../contract/run-storage-contract.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../embedded.js';
import { removeHeldLinks } from '../file-blob-store.js';
import { openMetadataDatabase } from './database.js';

let contractDir = '';
before(async () => {
  contractDir = await mkdtemp(join(tmpdir(), 'strongbox-shared-contract-'));
});
after(async () => {
  await rm(contractDir, { recursive: true, force: true });
});

runStorageContract('embedded, shared by several processes', () => openEmbeddedStorage({ dataDir: contractDir, shared: true }));

function inlineRecord(key: string, etag: string, bytes: string) {
  return objectRecord('shared', key, [], { etag, inline: Buffer.from(bytes), size: Buffer.byteLength(bytes) });
}

describe('embedded storage shared by two workers', () => {
  let dir = '';
  let a: EmbeddedStorage;
  let b: EmbeddedStorage;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-shared-'));
    a = await openEmbeddedStorage({ dataDir: dir, shared: true });
    b = await openEmbeddedStorage({ dataDir: dir, shared: true });
    await a.buckets.createBucket(bucketRecord('shared'));
  });
  after(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The hard links by which processes hold retained blobs. */
  const held = async () => (await readdir(join(dir, 'tmp'))).filter((n) => n.startsWith('held.'));

  it("reads the other worker's writes after a poll, although it cached what it read before", async () => {
    const put = (s: EmbeddedStorage, etag: string) => s.objects.putObject(inlineRecord('k', etag, etag));
    await put(a, 'one');
    assert.equal((await b.objects.getObject('shared', 'k'))?.etag, 'one'); // now cached in b
    for (const [writer, reader, etag] of [[a, b, 'two'], [b, a, 'three'], [a, b, 'four']] as const) {
      await put(writer, etag);
      reader.pollExternalChanges(); // what the server does when a request starts
      const seen = await reader.objects.getObject('shared', 'k');
      assert.equal(seen?.etag, etag);
      assert.equal(seen?.inline?.toString(), etag);
    }
    await a.objects.deleteObject(deleteRequest('shared', 'k'));
    b.pollExternalChanges();
    assert.equal(await b.objects.getObject('shared', 'k'), undefined);
  });

  it("drops a cached bucket the other worker deleted, and sees one it created", async () => {
    await a.buckets.createBucket(bucketRecord('short-lived'));
    assert.ok(await b.buckets.getBucket('short-lived'));
    assert.equal((await a.buckets.deleteBucket('short-lived')).outcome, 'Deleted');
    b.pollExternalChanges();
    assert.equal(await b.buckets.getBucket('short-lived'), undefined);
  });

  it('serialises concurrent writes from both workers without losing one', async () => {
    const writes = [];
    for (let i = 0; i < 40; i++) {
      const s = i % 2 === 0 ? a : b;
      writes.push(s.objects.putObject(inlineRecord(`many/${i}`, `e${i}`, String(i))));
    }
    await Promise.all(writes);
    a.pollExternalChanges();
    b.pollExternalChanges();
    for (let i = 0; i < 40; i++) assert.equal((await (i % 2 === 0 ? b : a).objects.getObject('shared', `many/${i}`))?.etag, `e${i}`);
  });

  it("keeps a blob one worker retained when the other deletes it, until the release", async () => {
    const blob = await writeBlob(a.blobs, 'held across processes');
    const retention = await a.blobs.retain!([blob.blobId]);
    await b.blobs.delete(blob.blobId); // another process: no in-process deferral can help
    const opened = await a.blobs.open!(blob.blobId);
    assert.equal((await readAll(opened.stream())).toString(), 'held across processes');
    assert.deepEqual((await held()).filter((n) => n.startsWith(`held.${process.pid}.`)).length, 1);
    retention.release();
    // The link goes asynchronously: wait for it (up to 5 s, however loaded the machine).
    await eventually(async () => (await held()).length === 0, 5000);
    await assert.rejects(a.blobs.open!(blob.blobId), { name: 'BlobNotFoundError' });
  });

  it("removes the links of a process that exited, and only those", async () => {
    const blob = await writeBlob(a.blobs, 'held by a process that dies');
    const retention = await a.blobs.retain!([blob.blobId]);
    assert.equal(await removeHeldLinks(dir, process.pid + 1), 0);
    assert.equal((await held()).length, 1);
    assert.equal(await removeHeldLinks(dir, process.pid), 1);
    assert.deepEqual(await held(), []);
    retention.release();
    await a.blobs.delete(blob.blobId);
  });

  it('keeps a server that owns the directory alone out while workers share it', () => {
    let alone: ReturnType<typeof openMetadataDatabase> | undefined;
    try {
      assert.throws(() => {
        alone = openMetadataDatabase({ path: join(dir, 'metadata.sqlite'), busyTimeoutMs: 50 });
        alone.prepare('SELECT 1 FROM buckets').get();
      }, { code: 'SQLITE_BUSY' });
    } finally {
      alone?.close();
    }
  });
});
