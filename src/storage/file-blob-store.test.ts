import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileBlobStore, isBlobId } from './file-blob-store.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('FileBlobStore', () => {
  let dataDir = '';
  let store: FileBlobStore;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strongbox-blobs-'));
    store = await FileBlobStore.open({ dataDir });
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores a blob under blobs/<2 hex>/<2 hex>/<id> with a random 128-bit id, private to the owner', async () => {
    const { blobId, size } = await store.write(Readable.from([Buffer.from('abc')]));
    assert.ok(isBlobId(blobId));
    assert.equal(size, 3);
    const path = join(dataDir, 'blobs', blobId.slice(0, 2), blobId.slice(2, 4), blobId);
    const info = await stat(path);
    assert.equal(info.size, 3);
    assert.equal(info.mode & 0o077, 0);
    assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
  });

  it('removes the temp file when the source fails', async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(64 * 1024, 1));
    setTimeout(() => source.destroy(new Error('aborted')), 5);
    await assert.rejects(store.write(source), /aborted/);
    assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
  });

  it('streams a large blob through in chunks without buffering it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const count = 64;
    let produced = 0;
    const source = new Readable({
      read() {
        this.push(produced++ < count ? chunk : null);
      },
    });
    const { blobId, size } = await store.write(source);
    assert.equal(size, count * chunk.length);
    let total = 0;
    let largest = 0;
    for await (const c of store.read(blobId) as AsyncIterable<Buffer>) {
      total += c.length;
      largest = Math.max(largest, c.length);
    }
    assert.equal(total, size);
    assert.ok(largest <= 1024 * 1024, `chunks stay bounded (largest ${largest})`);
    await store.delete(blobId);
  });

  it('sweeps temp files, keeps files younger than olderThanMs, and ignores foreign files', async () => {
    const dir = join(dataDir, 'sweep');
    const store = await FileBlobStore.open({ dataDir: dir });
    const tmp = join(dir, 'tmp');
    const oldTemp = join(tmp, 'crashed-write');
    const newTemp = join(tmp, 'in-flight-write');
    await writeFile(oldTemp, 'x');
    await writeFile(newTemp, 'y');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(oldTemp, anHourAgo, anHourAgo);
    const young = await store.write(Readable.from([Buffer.from('young orphan')]));
    const foreign = join(dir, 'blobs', 'README');
    await writeFile(foreign, 'not a blob');
    const first = await store.sweep(() => false, { olderThanMs: 60_000 });
    assert.equal(first.removed, 1);
    assert.deepEqual(await readdir(tmp), ['in-flight-write']);
    assert.equal((await collect(store.read(young.blobId))).toString(), 'young orphan');
    const second = await store.sweep((id) => id === young.blobId);
    assert.equal(second.removed, 1, 'the in-flight temp file; the referenced blob stays');
    assert.equal((await collect(store.read(young.blobId))).toString(), 'young orphan');
    assert.equal((await stat(foreign)).isFile(), true);
  });
});
