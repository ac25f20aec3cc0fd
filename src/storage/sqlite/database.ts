/**
 * Opens `<dataDir>/metadata.sqlite` with the settings every S3 metadata adapter relies on, together
 * with the durability barrier its stores wait on after each write (see wal-sync.ts).
 *
 * Durability. The database runs in WAL mode; every write method of the stores resolves only after
 * its commit is on stable storage (an acknowledged write survives power loss, not only a crash).
 * - 'normal' (default): `synchronous=NORMAL` plus group commit: commits do not fsync inside SQLite's
 *   write lock; after committing, a store awaits one fdatasync of the WAL shared by every commit that
 *   arrived meanwhile (WalSync). Concurrent writers share one flush instead of queueing for one each.
 * - 'strict': `synchronous=FULL`: SQLite fsyncs the WAL inside every commit itself, one flush per
 *   commit, serialised. Same guarantee, slower under concurrency; for operators who prefer SQLite's
 *   own sync to our external one.
 * Blob bytes are fsynced (file, then directory) before the metadata commit that points at them, in
 * both modes.
 *
 * Locking: by default `locking_mode=EXCLUSIVE`. One process owns a data directory; the exclusive lock
 * makes SQLite keep the WAL index in process memory (no -shm file, no lock syscalls per transaction,
 * which halves the cost of a point read) and makes a second server on the same directory fail at
 * start-up instead of sharing it. `shared: true` (a server with several worker processes) uses normal
 * locking instead: every worker opens the database, SQLite's file locks serialise their writes, and
 * each worker drops its caches when a request starts after another one committed (ExternalChanges,
 * polled by `EmbeddedStorage.pollExternalChanges`). The server's data-directory lock
 * (server/data-dir-lock.ts) then keeps other servers out.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { migrate } from './migrations.js';
import { SYNCED_BY_SQLITE, WalSync, type DurabilityBarrier } from './wal-sync.js';

export type Durability = 'normal' | 'strict';

export interface OpenMetadataOptions {
  readonly path: string;
  readonly durability?: Durability;
  /** How long opening waits for another process's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
  /** Several processes use the database at once (see above); default false: this one owns it. */
  readonly shared?: boolean;
  /** SQLite's page cache of this connection (hot rows and inline bytes served from memory); default 24 MiB. */
  readonly cacheBytes?: number;
}

export const DEFAULT_PAGE_CACHE_BYTES = 24 * 1024 * 1024;

export function openMetadataDatabase(options: OpenMetadataOptions): Database {
  const db = new BetterSqlite3(options.path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Before the first WAL access: only then does SQLite keep the WAL index in heap memory.
    if (options.shared !== true) db.pragma('locking_mode = EXCLUSIVE');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    // Some filesystems (network mounts) cannot do WAL; the durability reasoning above would not hold.
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode on ${options.path} (got ${String(mode)})`);
    db.pragma(`synchronous = ${options.durability === 'strict' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`cache_size = -${Math.max(1, Math.floor((options.cacheBytes ?? DEFAULT_PAGE_CACHE_BYTES) / 1024))}`);
    // Shared, the server checkpoints this file on a thread (checkpointer.ts), not in a commit.
    if (options.shared === true) db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    // Referential integrity is enforced by the stores' transactions (they return typed outcomes);
    // foreign keys would only turn races into untyped constraint errors.
    db.pragma('foreign_keys = OFF');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** The barrier the stores of `db` await after each write transaction (call after opening it). */
export function durabilityBarrier(path: string, durability: Durability | undefined): DurabilityBarrier {
  return durability === 'strict' ? SYNCED_BY_SQLITE : new WalSync(`${path}-wal`);
}
