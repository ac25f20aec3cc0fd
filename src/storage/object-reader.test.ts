import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { BlobCorruptError } from './blob-errors.js';
import { FileBlobStore } from './file-blob-store.js';
import { openObjectBytes, planReads } from './object-reader.js';

const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('object reader', () => {
  let dataDir = '';
  let store: FileBlobStore;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strongbox-reader-'));
    store = await FileBlobStore.open({ dataDir });
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('plans only the segments a range touches, with offsets inside each blob', () => {
    const segs = [{ blobId: 'a', size: 4 }, { blobId: 'b', size: 0 }, { blobId: 'c', size: 4 }, { blobId: 'd', size: 4 }];
    assert.deepEqual(planReads(segs, { start: 3, end: 8 }).map((r) => [r.segment.blobId, r.start, r.end]), [['a', 3, 3], ['c', 0, 3], ['d', 0, 0]]);
    assert.deepEqual(planReads(segs).map((r) => r.segment.blobId), ['a', 'c', 'd']);
    assert.throws(() => planReads(segs, { start: 5, end: 4 }), RangeError);
    assert.throws(() => planReads(segs, { start: 0, end: 12 }), RangeError);
  });

  it('releases every file handle when the client goes away mid-stream', { skip: !existsSync('/proc/self/fd') }, async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const segments = [];
    for (let i = 0; i < 5; i++) segments.push(await store.write(Readable.from([big])));
    const baseline = openFds();
    const stream = await openObjectBytes(store, segments);
    assert.equal(openFds(), baseline + 5, 'every segment is open before the first byte');
    for await (const _ of stream) break; // reads one chunk, then destroys the stream
    for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(10);
    assert.equal(openFds(), baseline);
  });

  it('streams a one-blob object straight from its file, and releases it when the client goes away', { skip: !existsSync('/proc/self/fd') }, async () => {
    const segment = await store.write(Readable.from([Buffer.alloc(5 * 1024 * 1024, 2)]));
    const whole = await openObjectBytes(store, [segment]);
    let bytes = 0;
    for await (const chunk of whole as AsyncIterable<Buffer>) bytes += chunk.length;
    assert.equal(bytes, segment.size);
    const baseline = openFds();
    const stream = await openObjectBytes(store, [segment], { start: 1, end: segment.size - 2 });
    assert.equal(openFds(), baseline + 1);
    for await (const _ of stream) break;
    for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(10);
    assert.equal(openFds(), baseline);
  });

  it('fails a one-blob stream whose file turns out shorter than its metadata, never ends it early', async () => {
    const segment = await store.write(Readable.from([Buffer.alloc(3 * 1024 * 1024, 3)]));
    const stream = await openObjectBytes(store, [segment]);
    await truncate(join(dataDir, 'blobs', segment.blobId.slice(0, 2), segment.blobId.slice(2, 4), segment.blobId), 1024);
    await assert.rejects(async () => {
      for await (const _ of stream) void _;
    }, BlobCorruptError);
  });
});
