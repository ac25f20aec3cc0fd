/**
 * Opens `<dataDir>/metadata.sqlite` with the settings every S3 metadata adapter relies on.
 *
 * Durability. The database runs in WAL mode.
 * - 'normal' (default): `synchronous=NORMAL`. A commit is in the WAL (the OS page cache) when it
 *   returns, so it survives a crash or kill -9 of the process; on power loss or a kernel crash the most
 *   recent commits may roll back (the database is never corrupted). Blob bytes are fsynced before the
 *   metadata commit, so a commit that survives always points at durable bytes.
 * - 'strict': `synchronous=FULL`. The WAL is fsynced at every commit, so an acknowledged write also
 *   survives power loss, at the cost of one more fsync per write.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrations.js';

export type Durability = 'normal' | 'strict';

export interface OpenMetadataOptions {
  readonly path: string;
  readonly durability?: Durability;
  /** How long a writer waits for another process's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

export function openMetadataDatabase(options: OpenMetadataOptions): Database {
  const db = new BetterSqlite3(options.path);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    // Some filesystems (network mounts) cannot do WAL; the durability reasoning above would not hold.
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode on ${options.path} (got ${String(mode)})`);
    db.pragma(`synchronous = ${options.durability === 'strict' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
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
