import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { mkdtemp, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { AlignedBufferPool } from './aligned-buffers.js';
import { BlobFileWriter, type DirectWriteOptions } from './blob-file-writer.js';

/** `total` bytes of a pattern, delivered in chunks of the given sizes (cycled). */
function body(total: number, chunkSizes: readonly number[]): { bytes: Buffer; source: () => Readable } {
  const bytes = Buffer.alloc(total);
  for (let i = 0; i < total; i++) bytes[i] = (i * 131 + (i >> 13)) & 0xff;
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < total; k++) {
    const n = Math.min(chunkSizes[k % chunkSizes.length], total - at);
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return { bytes, source: () => Readable.from(chunks) };
}

const realDirect = (path: string): Promise<FileHandle> => open(path, constants.O_WRONLY | (constants.O_DIRECT ?? 0));

describe('BlobFileWriter', () => {
  let dir = '';
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-blob-writer-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `source` through a writer with `direct` options; returns what the file holds and the writer. */
  async function write(source: Readable, direct?: (path: string) => DirectWriteOptions): Promise<{ file: Buffer; writer: BlobFileWriter }> {
    const path = join(dir, `blob-${n++}`);
    const handle = await open(path, 'wx', 0o600);
    try {
      const writer = new BlobFileWriter(handle, direct === undefined ? {} : { direct: direct(path) });
      await pipeline(source, writer);
      return { file: await readFile(path), writer };
    } finally {
      await handle.close();
    }
  }

  it('writes every byte in order through the page cache', async () => {
    const { bytes, source } = body(1_000_003, [65_536, 1, 70_001]);
    const { file, writer } = await write(source());
    assert.ok(file.equals(bytes));
    assert.equal(writer.bytesWritten, bytes.length);
  });

  it('switches to direct I/O at an aligned offset and ends with the unaligned tail, whatever the chunk sizes', async () => {
    const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 8 });
    for (const [total, chunks, afterBytes] of [
      [1_000_003, [65_536], 5_000],
      [777_777, [1, 4095, 65_537, 300_000], 8192],
      [3 * 65_536, [65_536], 65_536],
      [10_000, [999], 0],
      [4096, [4096], 4096],
    ] as const) {
      let directWrites = 0;
      const { bytes, source } = body(total, chunks);
      const { file, writer } = await write(source(), (path) => ({
        path,
        pool,
        afterBytes,
        async openDirect(p) {
          const h = await realDirect(p);
          const write = h.write.bind(h) as (...a: unknown[]) => Promise<unknown>;
          return Object.assign(h, { write: (...a: unknown[]) => ((directWrites += 1), write(...a)) });
        },
      }));
      assert.ok(file.equals(bytes), `${total} bytes in chunks of ${chunks.join(',')}, direct after ${afterBytes}`);
      assert.equal(writer.bytesWritten, total);
      if (total - Math.ceil(afterBytes / 4096) * 4096 >= 4096) assert.ok(directWrites > 0, 'the direct descriptor was used');
    }
    // Every slot came back: the pool can hand out all of them again.
    assert.equal(pool.acquire(8).length, 8);
  });

  it('writes through the page cache when direct I/O is unavailable or refused', async () => {
    const einval = () => Promise.reject(Object.assign(new Error('EINVAL'), { code: 'EINVAL' }));
    const cases: { name: string; direct: (path: string) => DirectWriteOptions }[] = [
      { name: 'no descriptor', direct: (path) => ({ path, pool: new AlignedBufferPool({ slotBytes: 64 * 1024 }), afterBytes: 0, openDirect: () => Promise.reject(new Error('ENOENT')) }) },
      { name: 'writes refused', direct: (path) => ({ path, pool: new AlignedBufferPool({ slotBytes: 64 * 1024 }), afterBytes: 0, openDirect: async (p) => Object.assign(await realDirect(p), { write: einval }) }) },
      { name: 'no slots left', direct: (path) => ({ path, pool: new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 1 }), afterBytes: 0 }) },
    ];
    for (const c of cases) {
      const { bytes, source } = body(500_000, [65_536, 12_345]);
      const { file, writer } = await write(source(), c.direct);
      assert.ok(file.equals(bytes), c.name);
      assert.equal(writer.bytesWritten, bytes.length, c.name);
    }
  });

  it('fails the stream when a direct write fails for another reason', async () => {
    const enospc = () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 4 });
    const { source } = body(1_000_000, [65_536]);
    await assert.rejects(
      write(source(), (path) => ({ path, pool, afterBytes: 0, openDirect: async (p) => Object.assign(await realDirect(p), { write: enospc }) })),
      { code: 'ENOSPC' },
    );
    assert.equal(pool.acquire(4).length, 4, 'the slots came back after the failure');
  });

  it('releases disposable chunks once they are written, in the page-cache and the direct part alike', async () => {
    const { bytes } = body(600_000, [1]);
    // Chunks that are each their whole ArrayBuffer, as a cipher's output is.
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 40_000) chunks.push(Buffer.from(bytes.subarray(at, at + 40_000)));
    const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, maxSlots: 4 });
    const path = join(dir, `blob-${n++}`);
    const handle = await open(path, 'wx', 0o600);
    try {
      const writer = new BlobFileWriter(handle, { direct: { path, pool, afterBytes: 200_000 }, disposableChunks: true });
      await pipeline(Readable.from(chunks), writer);
      assert.ok((await readFile(path)).equals(bytes));
    } finally {
      await handle.close();
    }
    // The chunks split at the switch to direct I/O are views of their buffer: those two stay.
    assert.ok(chunks.filter((c) => c.length === 0).length >= chunks.length - 2, 'released once written');
  });
});
