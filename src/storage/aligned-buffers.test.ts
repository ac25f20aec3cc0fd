import assert from 'node:assert/strict';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlignedBufferPool, DIRECT_IO_ALIGNMENT } from './aligned-buffers.js';

test('AlignedBufferPool hands out at most its capacity, and discarded slots make room for new ones', () => {
  const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, slotsPerArena: 3, maxSlots: 5 });
  const a = pool.acquire(4);
  assert.equal(a.length, 4);
  assert.ok(a.every((b) => b.length === 64 * 1024));
  assert.equal(pool.acquire(4).length, 1, 'only one left');
  pool.release(a.slice(0, 2));
  assert.equal(pool.acquire(3).length, 2);
  pool.discard(a.slice(2));
  assert.equal(pool.acquire(3).length, 2, 'two new slots replace the discarded ones');
  assert.throws(() => new AlignedBufferPool({ slotBytes: 1000 }), RangeError);
});

test('AlignedBufferPool gives back arenas whose slots are all free, after being idle, and no others', async () => {
  const pool = new AlignedBufferPool({ slotBytes: 64 * 1024, slotsPerArena: 2, maxSlots: 6, idleReleaseMs: 20 });
  const a = pool.acquire(5);
  assert.equal(pool.heldBytes, 6 * 64 * 1024);
  pool.release(a.slice(0, 3)); // one arena wholly free, one half free, one in use
  assert.equal(pool.releaseIdle(), 2 * 64 * 1024);
  assert.equal(pool.heldBytes, 4 * 64 * 1024);
  pool.discard(a.slice(3, 4)); // an arena whose other slot is free: it can go once nothing is in use
  pool.release(a.slice(4));
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(pool.heldBytes, 0, 'idle: everything given back');
  const again = pool.acquire(6);
  assert.equal(again.length, 6, 'and allocated anew on demand');
  pool.release(again);
  assert.equal(pool.releaseIdle(), 6 * 64 * 1024);
});

test('AlignedBufferPool slots are aligned for direct I/O (where the filesystem has it)', { skip: constants.O_DIRECT === undefined }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'strongbox-aligned-'));
  try {
    const path = join(dir, 'f');
    await writeFile(path, Buffer.alloc(2 * DIRECT_IO_ALIGNMENT, 9));
    let handle;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_DIRECT);
    } catch {
      return; // this filesystem has no O_DIRECT: nothing to check
    }
    try {
      const [slot] = new AlignedBufferPool({ slotBytes: 64 * 1024 }).acquire(1);
      // An unaligned buffer makes an O_DIRECT read fail with EINVAL.
      const { bytesRead } = await handle.read(slot, 0, 2 * DIRECT_IO_ALIGNMENT, 0);
      assert.equal(bytesRead, 2 * DIRECT_IO_ALIGNMENT);
      assert.ok(slot.subarray(0, bytesRead).every((b) => b === 9));
    } finally {
      await handle.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
