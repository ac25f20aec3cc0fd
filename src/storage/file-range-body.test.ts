import assert from 'node:assert/strict';
import { mkdtemp, open, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AlignedBufferPool } from './aligned-buffers.js';
import { BlobCorruptError } from './blob-errors.js';
import { FileRangeBody, type DirectReadOptions } from './file-range-body.js';
import { assertSendStopsWhenDestinationGoes, copyingSink } from './testing/copying-sink.js';
import { assertFdsBackTo, cannotCountFds, openFds } from './testing/open-fds.js';

// Every test runs twice: through the page cache, and with direct reads into small aligned slots (each
// range then needs many reads, most of them starting past a slot boundary).
for (const mode of ['page cache', 'direct I/O'] as const) describe(`FileRangeBody (${mode})`, () => {
  const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 16 });
  const direct = (path: string): DirectReadOptions | undefined => (mode === 'direct I/O' ? { path, pool, minBytes: 0 } : undefined);
  let dir = '';
  const content = Buffer.alloc(5 * 1024 * 1024 + 123);
  for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 12)) & 0xff;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-range-body-'));
    await writeFile(join(dir, 'blob'), content);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const body = async (start: number, end: number) => new FileRangeBody(await open(join(dir, 'blob'), 'r'), 'b'.repeat(32), start, end, direct(join(dir, 'blob')));

  it('sends exactly the range, reusing its buffers only after the destination took them', async () => {
    for (const [start, end] of [[0, content.length - 1], [7, 3 * 1024 * 1024 + 5], [100, 100], [4096, 8191], [70_000, content.length - 2]] as const) {
      const dest = copyingSink(1);
      await (await body(start, end)).sendTo(dest);
      assert.ok(Buffer.concat(dest.received).equals(content.subarray(start, end + 1)), `range ${start}-${end}`);
    }
  });

  it('streams the same bytes to any consumer', async () => {
    const chunks: Buffer[] = [];
    for await (const c of (await body(5, content.length - 6)) as AsyncIterable<Buffer>) chunks.push(c);
    assert.ok(Buffer.concat(chunks).equals(content.subarray(5, content.length - 5)));
  });

  it('fails on a file shorter than the range, both ways, and closes the file', { skip: cannotCountFds }, async () => {
    await writeFile(join(dir, 'short'), content);
    const baseline = openFds();
    const sent = new FileRangeBody(await open(join(dir, 'short'), 'r'), 'c'.repeat(32), 0, content.length - 1, direct(join(dir, 'short')));
    const streamed = new FileRangeBody(await open(join(dir, 'short'), 'r'), 'c'.repeat(32), 0, content.length - 1, direct(join(dir, 'short')));
    await truncate(join(dir, 'short'), 2 * 1024 * 1024);
    await assert.rejects(sent.sendTo(copyingSink()), BlobCorruptError);
    await assert.rejects(async () => {
      for await (const _ of streamed) void _;
    }, BlobCorruptError);
    await assertFdsBackTo(baseline);
  });

  it('stops and closes the file when the destination goes away', { skip: cannotCountFds }, async () => {
    const baseline = openFds();
    const b = await body(0, content.length - 1);
    await assertSendStopsWhenDestinationGoes(b);
    await assertFdsBackTo(baseline);
  });
});

describe('FileRangeBody direct reads that are refused', () => {
  it('falls back to the page cache when the direct descriptor cannot be opened or refuses a read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-range-refused-'));
    try {
      const content = Buffer.alloc(300_000);
      for (let i = 0; i < content.length; i++) content[i] = (i * 7) & 0xff;
      const path = join(dir, 'blob');
      await writeFile(path, content);
      const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 4 });
      const refusing = { read: () => Promise.reject(Object.assign(new Error('EINVAL'), { code: 'EINVAL' })), close: () => Promise.resolve() };
      const openers = [() => Promise.reject(new Error('ENOENT')), () => Promise.resolve(refusing as unknown as FileHandle)];
      for (const openDirect of openers) {
        const dest = copyingSink();
        await new FileRangeBody(await open(path, 'r'), 'd'.repeat(32), 3, content.length - 1, { path, pool, minBytes: 0, openDirect }).sendTo(dest);
        assert.ok(Buffer.concat(dest.received).equals(content.subarray(3)));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
