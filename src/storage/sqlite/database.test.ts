import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openMetadataDatabase } from './database.js';
import { MIGRATIONS } from './migrations.js';

describe('openMetadataDatabase', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-db-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses WAL with synchronous=NORMAL by default and FULL when strict', () => {
    const normal = openMetadataDatabase({ path: join(dir, 'a.sqlite') });
    assert.equal(normal.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(normal.pragma('synchronous', { simple: true }), 1);
    normal.close();
    const strict = openMetadataDatabase({ path: join(dir, 'a.sqlite'), durability: 'strict' });
    assert.equal(strict.pragma('synchronous', { simple: true }), 2);
    strict.close();
  });

  it('migrates on first open and leaves the schema alone on reopen', () => {
    const path = join(dir, 'b.sqlite');
    const first = openMetadataDatabase({ path });
    first.prepare("INSERT INTO buckets (name, owner_account_id, region, created_at) VALUES ('b', '111122223333', 'us-east-1', 0)").run();
    first.close();
    const second = openMetadataDatabase({ path });
    assert.equal(second.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(second.prepare('SELECT count(*) FROM buckets').pluck().get(), 1);
    second.close();
  });
});

describe('openMetadataDatabase: ownership', () => {
  it('holds the database exclusively: a second opener fails instead of sharing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strongbox-db-excl-'));
    try {
      const path = join(dir, 'c.sqlite');
      const first = openMetadataDatabase({ path });
      assert.throws(() => openMetadataDatabase({ path, busyTimeoutMs: 50 }), { code: 'SQLITE_BUSY' });
      first.close();
      openMetadataDatabase({ path }).close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
