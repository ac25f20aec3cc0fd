import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { hasDisposableChunks, markDisposableChunks, releaseChunk } from './disposable-chunks.js';

test('releaseChunk frees a chunk that is its whole ArrayBuffer, and nothing else', async () => {
  const whole = Buffer.from(Buffer.alloc(64 * 1024, 1));
  releaseChunk(whole);
  assert.equal(whole.length, 0, 'detached');

  const backing = Buffer.alloc(64 * 1024, 2);
  const slice = backing.subarray(0, 32 * 1024);
  releaseChunk(slice);
  assert.equal(slice.length, 32 * 1024, 'a slice of a larger buffer is left alone');
  assert.equal(backing[0], 2);

  const small = Buffer.from(Buffer.alloc(1024, 3));
  releaseChunk(small);
  assert.equal(small.length, 1024, 'small chunks are left to the collector');

  const shared = Buffer.from(new SharedArrayBuffer(64 * 1024));
  releaseChunk(shared);
  assert.equal(shared.length, 64 * 1024, 'shared memory is never detached');

  // Many releases in a row (the scratch channel is renewed) keep working and keep nothing alive.
  const many = Array.from({ length: 200 }, () => Buffer.from(Buffer.alloc(16 * 1024, 4)));
  for (const b of many) releaseChunk(b);
  assert.ok(many.every((b) => b.length === 0));
});

test('a stream is marked as having disposable chunks only when told so', () => {
  const plain = new PassThrough();
  assert.equal(hasDisposableChunks(plain), false);
  assert.equal(hasDisposableChunks(markDisposableChunks(plain)), true);
  assert.equal(hasDisposableChunks(new PassThrough()), false);
});
