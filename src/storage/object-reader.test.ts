import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BlobCorruptError } from './blob-errors.js';
import { FileBlobStore } from './file-blob-store.js';
import { openObjectBytes, planReads } from './object-reader.js';
import type { BlobStore } from './ports.js';
import { isSendableBody } from './sendable-body.js';
import { assertSendStopsWhenDestinationGoes, copyingSink } from './testing/copying-sink.js';
import { assertFdsBackTo, cannotCountFds, openFds } from './testing/open-fds.js';

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

  it('releases every file handle when the client goes away mid-stream', { skip: cannotCountFds }, async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const segments = [];
    for (let i = 0; i < 5; i++) segments.push(await store.write(Readable.from([big])));
    const baseline = openFds();
    const stream = await openObjectBytes(store, segments);
    assert.equal(openFds(), baseline + 5, 'every segment is open before the first byte');
    for await (const _ of stream) break; // reads one chunk, then destroys the stream
    await assertFdsBackTo(baseline);
  });

  it('streams a one-blob object straight from its file, and releases it when the client goes away', { skip: cannotCountFds }, async () => {
    const segment = await store.write(Readable.from([Buffer.alloc(5 * 1024 * 1024, 2)]));
    const whole = await openObjectBytes(store, [segment]);
    let bytes = 0;
    for await (const chunk of whole as AsyncIterable<Buffer>) bytes += chunk.length;
    assert.equal(bytes, segment.size);
    const baseline = openFds();
    const stream = await openObjectBytes(store, [segment], { start: 1, end: segment.size - 2 });
    assert.equal(openFds(), baseline + 1);
    for await (const _ of stream) break;
    await assertFdsBackTo(baseline);
  });

  it('fails a one-blob stream whose file turns out shorter than its metadata, never ends it early', async () => {
    const segment = await store.write(Readable.from([Buffer.alloc(3 * 1024 * 1024, 3)]));
    const stream = await openObjectBytes(store, [segment]);
    await truncate(join(dataDir, 'blobs', segment.blobId.slice(0, 2), segment.blobId.slice(2, 4), segment.blobId), 1024);
    await assert.rejects(async () => {
      for await (const _ of stream) void _;
    }, BlobCorruptError);
  });

  it('sends a multi-segment object segment by segment, any range across them, byte for byte', async () => {
    const parts = [3 * 1024 * 1024 + 17, 1, 9 * 1024 * 1024 + 5, 700_000];
    const bytes = Buffer.alloc(parts.reduce((a, b) => a + b, 0));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + (i >> 11)) & 0xff;
    const segments = [];
    for (let at = 0, i = 0; i < parts.length; at += parts[i], i++) segments.push(await store.write(Readable.from([bytes.subarray(at, at + parts[i])])));
    for (const range of [undefined, { start: 5, end: bytes.length - 3 }, { start: parts[0] - 2, end: parts[0] + 2 }, { start: parts[0] + 1, end: parts[0] + parts[2] }]) {
      const body = await openObjectBytes(store, segments, range);
      assert.ok(isSendableBody(body));
      const dest = copyingSink();
      await body.sendTo(dest);
      const want = range === undefined ? bytes : bytes.subarray(range.start, range.end + 1);
      assert.ok(Buffer.concat(dest.received).equals(want), `range ${JSON.stringify(range)}`);
      // The same range as a stream gives the same bytes.
      const chunks: Buffer[] = [];
      for await (const c of (await openObjectBytes(store, segments, range)) as AsyncIterable<Buffer>) chunks.push(c);
      assert.ok(Buffer.concat(chunks).equals(want));
    }
  });

  it('releases every file handle when the destination goes away mid-send', { skip: cannotCountFds }, async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 4);
    const segments = [];
    for (let i = 0; i < 5; i++) segments.push(await store.write(Readable.from([big])));
    const baseline = openFds();
    const body = await openObjectBytes(store, segments);
    assert.ok(isSendableBody(body));
    await assertSendStopsWhenDestinationGoes(body);
    await assertFdsBackTo(baseline);
  });

  it('sends segments of a store whose blobs are plain streams, with backpressure and the length check', async () => {
    const files = new Map([['a', Buffer.from('hello ')], ['b', Buffer.from('segmented ')], ['c', Buffer.from('world')]]);
    let closed = 0;
    const plain: BlobStore = {
      write: () => Promise.reject(new Error('read-only')),
      read: () => Readable.from([]),
      delete: () => Promise.resolve(),
      sweep: () => Promise.resolve({ removed: 0 }),
      async open(blobId) {
        const data = files.get(blobId) as Buffer;
        return {
          size: data.length,
          stream: (range) => Readable.from([data.subarray(range?.start ?? 0, (range?.end ?? data.length - 1) + 1)]),
          close: async () => void (closed += 1),
        };
      },
    };
    const segments = [...files].map(([blobId, data]) => ({ blobId, size: data.length }));
    const body = await openObjectBytes(plain, segments, { start: 2, end: 18 });
    assert.ok(isSendableBody(body));
    const dest = copyingSink(1);
    await body.sendTo(dest);
    await new Promise<void>((resolve) => dest.end(resolve)); // sendTo resolves once the writes were accepted
    assert.equal(Buffer.concat(dest.received).toString(), 'llo segmented wor');
    assert.equal(closed, 0, 'each blob was handed to its stream, which owns it');
  });
});

