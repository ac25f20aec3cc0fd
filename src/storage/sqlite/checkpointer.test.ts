import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.js';

function walDatabase(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  return db;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await sleep(25);
  }
  assert.fail(`timed out waiting until ${what}`);
}

test('the thread copies the WAL into the database while the writer goes on, and starts a long WAL over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  const path = join(dir, 'x.sqlite');
  const db = walDatabase(path);
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const page = Buffer.alloc(4000, 7);
  const errors: string[] = [];
  const checkpointer = new Checkpointer([path], {
    intervalMs: 20,
    restartFrames: 1000,
    onError: (_, m) => errors.push(m),
  });
  try {
    const before = statSync(path).size;
    for (let i = 0; i < 600; i++) insert.run(page);
    // Below the fallback's 16 384 pages: only the thread can have moved these pages into the file.
    await until('the database file holds the rows', () => statSync(path).size > before + 600 * 4000);
    for (let i = 0; i < 1500; i++) insert.run(page);
    // Past restartFrames the thread RESTARTs; the next commit then writes from the WAL's start.
    await until('the WAL was started over', () => {
      insert.run(page);
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      return r!.log < 100;
    });
    assert.equal((db.prepare('SELECT count(*) FROM t').pluck().get() as number) > 2100, true);
    assert.deepEqual(errors, []);
  } finally {
    await checkpointer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file the thread cannot open is reported, and close still returns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
  const errors: string[] = [];
  const checkpointer = new Checkpointer([join(dir, 'missing.sqlite')], {
    intervalMs: 10,
    onError: (file, m) => errors.push(`${file}: ${m}`),
  });
  try {
    await until('the failure was reported', () => errors.length > 0);
    assert.match(errors[0]!, /missing\.sqlite: unable to open database file/);
  } finally {
    await checkpointer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
