import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { newSegmentHeader, openSegment, sealSegment, storedSize } from './segment-format.js';
import { SegmentLengthError, SegmentSealer } from './segment-sealer.js';

const CS = 64; // small chunks: every case crosses many chunk boundaries
const SIZES = [0, 1, CS - 1, CS, CS + 1, 2 * CS, 3 * CS + 5];
const SPLITS = [[1], [7, 64, 3], [CS], [CS + 1], [1000]];

function sealInPieces(sealer: SegmentSealer, plaintext: Buffer, pieces: number[]): Buffer {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < plaintext.length; i++) {
    const n = Math.max(1, pieces[i % pieces.length]);
    sealer.update(plaintext.subarray(at, at + n), out);
    at += n;
  }
  sealer.final(out);
  return Buffer.concat(out);
}

describe('SegmentSealer', () => {
  const dataKey = randomBytes(32);

  it('makes the same bytes with and without a declared size, however the plaintext is split', () => {
    for (const size of SIZES) {
      const plaintext = randomBytes(size);
      const header = newSegmentHeader();
      const whole = sealSegment(dataKey, plaintext, CS, header);
      for (const pieces of SPLITS) {
        const declared = sealInPieces(new SegmentSealer(dataKey, CS, { header, plaintextBytes: size }), plaintext, pieces);
        const undeclared = sealInPieces(new SegmentSealer(dataKey, CS, { header }), plaintext, pieces);
        assert.deepEqual(declared, whole, `declared, size ${size}, pieces ${pieces.join(',')}`);
        assert.deepEqual(undeclared, whole, `undeclared, size ${size}, pieces ${pieces.join(',')}`);
        assert.equal(declared.length, storedSize(size, CS));
        assert.deepEqual(openSegment(dataKey, declared, CS), plaintext);
      }
    }
  });

  it('with a declared size, encrypts each piece as it comes and keeps no reference to it', () => {
    const plaintext = randomBytes(3 * CS + 5);
    const sealer = new SegmentSealer(dataKey, CS, { plaintextBytes: plaintext.length });
    assert.equal(sealer.sealsAsItGoes, true);
    const out: Buffer[] = [];
    const piece = Buffer.from(plaintext.subarray(0, CS + 10));
    sealer.update(piece, out);
    // Header, one whole chunk with its tag, and the first 10 bytes of the next, before more arrives.
    assert.equal(Buffer.concat(out).length, 32 + CS + 16 + 10);
    piece.fill(0); // reused by the caller: the output must not change
    sealer.update(plaintext.subarray(CS + 10), out);
    sealer.final(out);
    assert.deepEqual(openSegment(dataKey, Buffer.concat(out), CS), plaintext);
    assert.equal(new SegmentSealer(dataKey, CS).sealsAsItGoes, false);
  });

  it('fails a body longer or shorter than declared (SegmentLengthError), never a segment of the wrong size', () => {
    const longer = new SegmentSealer(dataKey, CS, { plaintextBytes: 10 });
    assert.throws(() => longer.update(Buffer.alloc(11), []), SegmentLengthError);
    const shorter = new SegmentSealer(dataKey, CS, { plaintextBytes: CS * 2 });
    shorter.update(Buffer.alloc(CS), []);
    assert.throws(() => shorter.final([]), (e: unknown) => e instanceof SegmentLengthError && e.declared === CS * 2 && e.received === CS);
    const empty = new SegmentSealer(dataKey, CS, { plaintextBytes: 0 });
    assert.throws(() => empty.update(Buffer.alloc(1), []), SegmentLengthError);
  });
});
