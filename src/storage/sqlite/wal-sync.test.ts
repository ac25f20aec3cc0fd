import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WalSync } from './wal-sync.js';

describe('WalSync (group commit)', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-walsync-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves concurrent callers with shared fdatasyncs, at most one running and one queued', async () => {
    const wal = join(dir, 'a-wal');
    await writeFile(wal, 'frames');
    const sync = new WalSync(wal);
    await sync.durable();
    assert.equal(sync.syncs, 1);
    // 50 callers at once: the first starts a sync, the other 49 share the next one.
    await Promise.all(Array.from({ length: 50 }, () => sync.durable()));
    assert.equal(sync.syncs, 3);
    await sync.close();
    await assert.rejects(sync.durable());
  });

  it('never lets a caller ride on a sync that started before it called', async () => {
    const wal = join(dir, 'b-wal');
    await writeFile(wal, 'frames');
    const sync = new WalSync(wal);
    const first = sync.durable(); // starts sync #1 at once
    const second = sync.durable(); // arrives while #1 runs: #1 may have started before its commit
    await first;
    assert.equal(sync.syncs, 1);
    await second;
    assert.equal(sync.syncs, 2, 'the second caller waited for a sync that started after it called');
    await sync.close();
  });

  it('fails every later call once a sync failed (nothing is known about the disk any more)', async () => {
    const sync = new WalSync(join(dir, 'missing-wal'));
    await assert.rejects(sync.durable(), { code: 'ENOENT' });
    await writeFile(join(dir, 'missing-wal'), 'now it exists');
    await assert.rejects(sync.durable(), { code: 'ENOENT' });
    await sync.close();
  });
});
