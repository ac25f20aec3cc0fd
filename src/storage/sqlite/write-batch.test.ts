import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { WriteBatch } from './write-batch.js';

function database(path = ':memory:') {
  const db = new BetterSqlite3(path);
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  const rows = () => db.prepare('SELECT k, v FROM t ORDER BY k').all();
  return { db, insert, rows };
}

describe('WriteBatch', () => {
  it('commits the writes of one turn in one transaction, in order, each seeing the ones before it', async () => {
    const { db, insert, rows } = database();
    const batch = new WriteBatch(db);
    let commits = 0;
    db.function('count_commit', () => ++commits);
    const results = await Promise.all([
      batch.run(() => insert.run('a', 1).changes),
      batch.run(() => db.prepare('SELECT count(*) AS n FROM t').get()),
      batch.run(() => (db.prepare('SELECT count_commit()').pluck().get(), insert.run('b', 2).changes)),
    ]);
    assert.deepEqual(results, [1, { n: 1 }, 1]);
    assert.equal(commits, 1);
    assert.deepEqual(rows(), [
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
    ]);
  });

  it('rolls back a write that throws alone: it rejects, the others commit', async () => {
    const { db, insert, rows } = database();
    const batch = new WriteBatch(db);
    const failing = batch.run(() => {
      insert.run('x', 1);
      insert.run('x', 2); // primary key conflict after a row of its own was written
    });
    const fine = batch.run(() => insert.run('y', 3).changes);
    await assert.rejects(failing, /UNIQUE constraint failed/);
    assert.equal(await fine, 1);
    assert.deepEqual(rows(), [{ k: 'y', v: 3 }]);
  });

  it('rejects every write of a batch whose transaction cannot begin, and none of them happened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongbox-write-batch-'));
    try {
      const path = join(dir, 'db.sqlite');
      const { db, insert, rows } = database(path);
      db.pragma('busy_timeout = 0');
      const batch = new WriteBatch(db);
      const other = new BetterSqlite3(path);
      other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock: the batch's BEGIN is refused
      const outcomes = await Promise.allSettled([
        batch.run(() => insert.run('p', 1)),
        batch.run(() => insert.run('q', 2)),
      ]);
      other.exec('ROLLBACK');
      other.close();
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected'],
      );
      assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /locked|busy/i);
      assert.deepEqual(rows(), []);
      assert.equal(await batch.run(() => insert.run('r', 3).changes), 1, 'the next batch works');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
