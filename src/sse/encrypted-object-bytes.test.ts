import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileBlobStore } from '../storage/file-blob-store.js';
import type { BlobSegment } from '../storage/ports.js';
import { isSendableBody } from '../storage/sendable-body.js';
import { assertSendStopsWhenDestinationGoes, copyingSink } from '../storage/testing/copying-sink.js';
import { openEncryptedInline, openEncryptedSegments, planEncryptedRead } from './encrypted-object-bytes.js';
import { SegmentEncryptor } from './segment-encryptor.js';
import { SEGMENT_HEADER_BYTES, SegmentCorruptError, sealSegment, storedSize } from './segment-format.js';

const CS = 1000;

describe('encrypted object bytes', () => {
  let dataDir = '';
  let store: FileBlobStore;
  const dataKey = randomBytes(32);
  const key = { dataKey, chunkSize: CS };
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strongbox-sse-'));
    store = await FileBlobStore.open({ dataDir });
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Writes each part encrypted (as UploadPart does) and returns the segments with plaintext sizes. */
  async function writeParts(parts: Buffer[]): Promise<BlobSegment[]> {
    const segments: BlobSegment[] = [];
    for (const part of parts) {
      const enc = new SegmentEncryptor(dataKey, CS);
      const written = await store.write(Readable.from([part]).pipe(enc));
      assert.equal(written.size, storedSize(part.length, CS));
      segments.push({ blobId: written.blobId, size: part.length });
    }
    return segments;
  }

  async function readAll(stream: Readable): Promise<Buffer> {
    const out: Buffer[] = [];
    for await (const c of stream) out.push(c as Buffer);
    return Buffer.concat(out);
  }

  it('plans the stored bytes of a range: from the first needed chunk to the end of the last', () => {
    const segs = [{ blobId: 'a', size: 2500 }, { blobId: 'b', size: 0 }, { blobId: 'c', size: 1000 }];
    const plan = planEncryptedRead(segs, CS, { start: 1500, end: 2600 });
    assert.equal(plan.headerBlob, 'a');
    assert.deepEqual(plan.plans.map((p) => [p.firstChunk, p.lastChunk, p.skip, p.take]), [[1, 2, 500, 1000], [0, 0, 0, 0], [0, 0, 0, 101]]);
    assert.equal(plan.storedRange?.start, SEGMENT_HEADER_BYTES + 1016);
    assert.equal(plan.storedRange?.end, storedSize(2500, CS) + storedSize(0, CS) + SEGMENT_HEADER_BYTES + 1016 - 1);
    assert.equal(planEncryptedRead(segs, CS, { start: 0, end: 10 }).headerBlob, undefined);
    assert.throws(() => planEncryptedRead(segs, CS, { start: 0, end: 3500 }), RangeError);
  });

  it('reads any range of a multipart object, as a stream and with sendTo', async () => {
    const parts = [randomBytes(2500), randomBytes(0), randomBytes(3001), randomBytes(999)];
    const whole = Buffer.concat(parts);
    const segments = await writeParts(parts);
    const ranges = [undefined, { start: 0, end: whole.length - 1 }, { start: 1499, end: 2501 }, { start: 2500, end: 2500 }, { start: 5000, end: 6499 }, { start: 6499, end: 6499 }];
    for (const range of ranges) {
      const want = range === undefined ? whole : whole.subarray(range.start, range.end + 1);
      assert.deepEqual(await readAll(await openEncryptedSegments(store, segments, key, range)), want, `stream ${JSON.stringify(range)}`);
      const body = await openEncryptedSegments(store, segments, key, range);
      assert.ok(isSendableBody(body));
      const sink = copyingSink();
      await body.sendTo(sink);
      assert.deepEqual(Buffer.concat(sink.received), want, `sendTo ${JSON.stringify(range)}`);
    }
  });

  it('stops sending when the destination goes away', async () => {
    const segments = await writeParts([randomBytes(3 * 1024 * 1024)]);
    await assertSendStopsWhenDestinationGoes((await openEncryptedSegments(store, segments, key)) as never);
  });

  it('fails a read whose blob was tampered with, and with the wrong key', async () => {
    const plain = randomBytes(5000);
    const [segment] = await writeParts([plain]);
    const other = { dataKey: randomBytes(32), chunkSize: CS };
    await assert.rejects(readAll(await openEncryptedSegments(store, [segment], other)), SegmentCorruptError);
    await assert.rejects(readAll(await openEncryptedSegments(store, [segment], other, { start: 2000, end: 2100 })), SegmentCorruptError);
  });

  it('decrypts ranges of inline bytes', () => {
    const plain = randomBytes(2345);
    const inline = sealSegment(dataKey, plain, CS);
    assert.deepEqual(openEncryptedInline(inline, key), plain);
    assert.deepEqual(openEncryptedInline(inline, key, { start: 999, end: 1000 }), plain.subarray(999, 1001));
  });
});
