import type { Database, Statement } from 'better-sqlite3';

/**
 * Notices commits made by *other* connections to a SQLite database (other worker processes of the same
 * server, see server/workers.ts), so in-memory caches of its rows can be dropped before they are read.
 *
 * `PRAGMA data_version` returns a value that changes whenever another connection committed since this
 * connection last looked (this connection's own commits do not change it; the stores drop what they
 * change themselves). Polling before every cache read keeps read-after-write across processes: a
 * commit acknowledged before a request starts is seen by the poll of that request. The poll is
 * conservative: a change noticed by any read of this connection counts, and everything is dropped.
 * About 2 µs; only data directories shared by several processes use it.
 */
export class ExternalChanges {
  private readonly versionStmt: Statement<[], number>;
  private version: number;
  private readonly listeners = new Set<() => void>();

  constructor(db: Database) {
    this.versionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.version = this.versionStmt.get() as number;
  }

  /** `listener` runs (synchronously, inside `poll`) whenever another connection has committed. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call before reading a cache: drops what other connections' commits may have made stale. */
  poll(): void {
    const version = this.versionStmt.get() as number;
    if (version === this.version) return;
    this.version = version;
    for (const listener of this.listeners) listener();
  }
}
