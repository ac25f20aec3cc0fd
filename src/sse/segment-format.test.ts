import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { SegmentEncryptor } from './segment-encryptor.js';
import {
  SEGMENT_HEADER_BYTES,
  SegmentCorruptError,
  TAG_BYTES,
  chunkOffset,
  newSegmentHeader,
  openSegment,
  plainSizeOf,
  sealSegment,
  storedSize,
} from './segment-format.js';
import { SegmentStreamOpener } from './segment-opener.js';

const CS = 64; // small chunks: every test crosses many chunk boundaries
const SIZES = [0, 1, CS - 1, CS, CS + 1, 3 * CS, 3 * CS + 5];

async function encryptStreamed(dataKey: Buffer, plaintext: Buffer, header: Buffer, pieces: number[]): Promise<Buffer> {
  const input: Buffer[] = [];
  for (let at = 0, i = 0; at < plaintext.length; i++) {
    const n = Math.max(1, pieces[i % pieces.length]);
    input.push(plaintext.subarray(at, at + n));
    at += n;
  }
  const enc = new SegmentEncryptor(dataKey, CS, header);
  const out: Buffer[] = [];
  Readable.from(input).pipe(enc);
  for await (const chunk of enc) out.push(chunk as Buffer);
  assert.equal(enc.plaintextBytes, plaintext.length);
  return Buffer.concat(out);
}

/** Decrypts `stored` fed in pieces of the given sizes, through the streaming opener. */
function openStreamed(dataKey: Buffer, stored: Buffer, plain: number, range: [number, number], pieces: number[]): Buffer {
  const [start, end] = range;
  const firstChunk = Math.floor(start / CS);
  const lastChunk = Math.floor(end / CS);
  const out: Buffer[] = [];
  const header = firstChunk === 0 ? undefined : stored.subarray(0, SEGMENT_HEADER_BYTES);
  const opener = new SegmentStreamOpener(dataKey, CS, [{ plainBytes: plain, firstChunk, lastChunk, skip: start - firstChunk * CS, take: end - start + 1, header }], (b) => out.push(Buffer.from(b)));
  const from = firstChunk === 0 ? 0 : chunkOffset(firstChunk, CS);
  const to = chunkOffset(lastChunk, CS) + Math.min(CS, plain - lastChunk * CS) + TAG_BYTES;
  const bytes = stored.subarray(from, to);
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, pieces[i % pieces.length]);
    opener.write(bytes.subarray(at, at + n));
    at += n;
  }
  opener.end();
  return Buffer.concat(out);
}

describe('segment format', () => {
  const dataKey = randomBytes(32);

  it('sizes: stored = header + plaintext + one tag per chunk, and back', () => {
    for (const n of [...SIZES, 10_000]) {
      assert.equal(plainSizeOf(storedSize(n, CS), CS), n);
      assert.equal(storedSize(n, CS) - SEGMENT_HEADER_BYTES - n, TAG_BYTES * Math.max(1, Math.ceil(n / CS)));
    }
    assert.equal(plainSizeOf(SEGMENT_HEADER_BYTES + 3, CS), undefined);
    assert.equal(plainSizeOf(storedSize(CS, CS) + 1, CS), undefined);
  });

  it('round-trips every size, in memory and streamed in uneven pieces, with the same bytes', async () => {
    for (const n of SIZES) {
      const plain = randomBytes(n);
      const header = newSegmentHeader();
      const sealed = sealSegment(dataKey, plain, CS, header);
      assert.equal(sealed.length, storedSize(n, CS));
      assert.ok(n < 16 || sealed.indexOf(plain.subarray(0, 16)) === -1, 'the plaintext does not appear in the stored bytes');
      assert.deepEqual(openSegment(dataKey, sealed, CS), plain);
      assert.deepEqual(await encryptStreamed(dataKey, plain, header, [7, 100, 1, 64]), sealed);
    }
  });

  it('decrypts ranges across chunk boundaries, whatever the buffers the bytes come in', () => {
    const n = 5 * CS + 17;
    const plain = randomBytes(n);
    const sealed = sealSegment(dataKey, plain, CS);
    const ranges: [number, number][] = [[0, 0], [0, n - 1], [CS - 1, CS], [CS, 2 * CS - 1], [10, 3 * CS + 2], [n - 1, n - 1], [4 * CS + 3, n - 1]];
    for (const [start, end] of ranges) {
      const want = plain.subarray(start, end + 1);
      assert.deepEqual(openSegment(dataKey, sealed, CS, { start, end }), want, `in memory ${start}-${end}`);
      for (const pieces of [[1], [13, 3], [1000]]) {
        assert.deepEqual(openStreamed(dataKey, sealed, n, [start, end], pieces), want, `streamed ${start}-${end} in ${pieces}`);
      }
    }
  });

  it('refuses a tampered byte anywhere: ciphertext, tag or header', () => {
    const plain = randomBytes(3 * CS);
    const sealed = sealSegment(dataKey, plain, CS);
    for (const at of [SEGMENT_HEADER_BYTES + 5, chunkOffset(1, CS) + CS + 3, 12, 2]) {
      const bad = Buffer.from(sealed);
      bad[at] ^= 1;
      assert.throws(() => openSegment(dataKey, bad, CS), SegmentCorruptError, `byte ${at}`);
      assert.throws(() => openStreamed(dataKey, bad, plain.length, [0, plain.length - 1], [50]), SegmentCorruptError);
    }
  });

  it('refuses chunks in another order, and a segment cut at a chunk boundary', () => {
    const plain = randomBytes(3 * CS);
    const sealed = sealSegment(dataKey, plain, CS);
    const c = (i: number) => sealed.subarray(chunkOffset(i, CS), chunkOffset(i + 1, CS));
    const header = sealed.subarray(0, SEGMENT_HEADER_BYTES);
    const swapped = Buffer.concat([header, c(1), c(0), c(2)]);
    assert.throws(() => openSegment(dataKey, swapped, CS), SegmentCorruptError);
    // Two whole chunks are the valid length of a 2-chunk segment, but chunk 1 was not sealed as the last.
    const cut = Buffer.concat([header, c(0), c(1)]);
    assert.equal(plainSizeOf(cut.length, CS), 2 * CS);
    assert.throws(() => openSegment(dataKey, cut, CS), SegmentCorruptError);
    // A stream that ends early is refused too.
    const opener = new SegmentStreamOpener(dataKey, CS, [{ plainBytes: 3 * CS, firstChunk: 0, lastChunk: 2, skip: 0, take: 3 * CS }], () => undefined);
    opener.write(cut);
    assert.throws(() => opener.end(), SegmentCorruptError);
  });

  it('refuses the wrong key, and a header copied onto another segment', () => {
    const sealed = sealSegment(dataKey, randomBytes(100), CS);
    assert.throws(() => openSegment(randomBytes(32), sealed, CS), SegmentCorruptError);
    const other = sealSegment(dataKey, randomBytes(100), CS);
    const mixed = Buffer.concat([other.subarray(0, SEGMENT_HEADER_BYTES), sealed.subarray(SEGMENT_HEADER_BYTES)]);
    assert.throws(() => openSegment(dataKey, mixed, CS), SegmentCorruptError);
  });

  it('direct key mode: the data key is the segment key; a flipped mode byte fails authentication', () => {
    const plain = randomBytes(3 * CS + 1);
    const sealed = sealSegment(dataKey, plain, CS, newSegmentHeader(randomBytes, 'direct'));
    assert.deepEqual(openSegment(dataKey, sealed, CS), plain);
    for (const mode of [0, 2]) {
      const bad = Buffer.from(sealed);
      bad[4] = mode;
      assert.throws(() => openSegment(dataKey, bad, CS), SegmentCorruptError);
    }
  });

  it('gives every segment its own key: the same plaintext never gives the same bytes', () => {
    const plain = Buffer.alloc(200, 7);
    const a = sealSegment(dataKey, plain, CS);
    const b = sealSegment(dataKey, plain, CS);
    assert.notDeepEqual(a.subarray(SEGMENT_HEADER_BYTES), b.subarray(SEGMENT_HEADER_BYTES));
  });
});
