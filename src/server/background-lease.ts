/**
 * Which process of a server runs the background jobs: at most one per data directory. A server with
 * `--workers N` has N worker processes that all serve requests and share the directory; each tries to
 * take `<dataDir>/background.lock`, and the one that holds it runs the jobs. When it dies (crash, kill
 * -9, replaced by the primary), the kernel drops its lock and another worker takes it at its next try.
 *
 * Why a worker and not the primary: the primary answers no request and keeps no storage open; the jobs
 * need the whole server a worker has (stores, caches, the objects service). Why a lock and not "worker
 * number 1": workers are replaced under new ids, and a one-process server runs the same code.
 *
 * The lock is a SQLite file used for its locks only, like server.lock (data-dir-lock.ts): the holder
 * keeps an open write transaction (RESERVED); another process's `BEGIN IMMEDIATE` fails at once with
 * SQLITE_BUSY. Portable, and released by the kernel however the holder dies.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export const BACKGROUND_LOCK_FILE = 'background.lock';

export class BackgroundLease {
  private db: Database | undefined;

  constructor(private readonly dataDir: string) {}

  /** Whether this process holds the lease now (taking it if it is free). Never waits. */
  tryHold(): boolean {
    if (this.db?.open) return true;
    const path = join(this.dataDir, BACKGROUND_LOCK_FILE);
    closeSync(openSync(path, 'a', 0o600)); // private, as every file of the data directory (and its journal)
    const db = new BetterSqlite3(path);
    try {
      db.pragma('busy_timeout = 0');
      db.exec('BEGIN IMMEDIATE'); // RESERVED until the connection closes
      this.db = db;
      return true;
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw e;
    }
  }

  get held(): boolean {
    return this.db?.open === true;
  }

  /** Idempotent: closing the connection rolls its transaction back and drops the lock. */
  release(): void {
    if (this.db?.open) this.db.close();
    this.db = undefined;
  }
}
