/**
 * Who may use a data directory: one server at a time, with its worker processes if it has any
 * (server/workers.ts). A one-process server holds `metadata.sqlite` exclusively too; this lock is what
 * says clearly that the directory is in use, and what keeps a server out while a killed server's
 * workers are still exiting.
 *
 * The lock is `<dataDir>/server.lock`, a SQLite database used only for SQLite's file locks (portable,
 * released by the kernel when a process dies, however it dies):
 * - a running server (one process, or the primary of workers) holds RESERVED (an open write
 *   transaction): a second server's `BEGIN IMMEDIATE` fails at once, so it refuses to start;
 * - every worker holds SHARED (an open read transaction) while it runs;
 * - a starting server takes EXCLUSIVE while it prepares the directory, which waits until no SHARED is
 *   left: workers of a primary that was killed (they exit when they notice) are gone before the
 *   start-up sweep runs, so the sweep never deletes a file a live worker is writing.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'server.lock';

export class DataDirInUseError extends Error {
  constructor(dataDir: string, options?: ErrorOptions) {
    super(`data directory ${dataDir} is in use by another Strongbox server`, options);
  }
}

export class DataDirLock {
  private constructor(private readonly db: Database) {}

  /**
   * The server (a one-process server, or a primary) before it prepares the directory: exclusive. It
   * fails at once while another server holds the directory, and waits up to `waitMs` for the workers
   * of a server that died to exit. Call `hold` once prepared, before starting workers.
   */
  static acquire(dataDir: string, waitMs: number): DataDirLock {
    const db = open(dataDir, 0);
    try {
      // A table to read, so that a worker's read transaction really takes the SHARED lock.
      db.exec('CREATE TABLE IF NOT EXISTS holders (unused INTEGER)');
      db.exec('BEGIN IMMEDIATE'); // RESERVED: busy at once if another server has it
      // Committing a change needs EXCLUSIVE, which waits for the readers (workers) to go.
      db.pragma(`busy_timeout = ${waitMs}`);
      db.exec('DELETE FROM holders');
      db.exec('COMMIT');
      db.pragma('busy_timeout = 0');
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, { cause: e });
      throw e;
    }
    return new DataDirLock(db);
  }

  /** A worker: shared with its primary and the other workers, for as long as the process lives. */
  static join(dataDir: string, waitMs: number): DataDirLock {
    const db = open(dataDir, waitMs);
    try {
      db.exec('BEGIN');
      db.prepare('SELECT count(*) FROM holders').get(); // the read takes the SHARED lock
    } catch (e) {
      db.close();
      throw e;
    }
    return new DataDirLock(db);
  }

  /** Prepared: from exclusive to RESERVED, which lets workers join but no other server in. */
  hold(dataDir: string): void {
    this.db.exec('COMMIT');
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      // Another server took the directory in the instant between: it is theirs now.
      if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, { cause: e });
      throw e;
    }
  }

  release(): void {
    if (this.db.open) this.db.close(); // closing ends the open transaction and drops the lock
  }
}

function open(dataDir: string, waitMs: number): Database {
  const path = join(dataDir, LOCK_FILE);
  closeSync(openSync(path, 'a', 0o600)); // private, as every file of the data directory (and its journal)
  const db = new BetterSqlite3(path);
  db.pragma(`busy_timeout = ${waitMs}`);
  return db;
}
