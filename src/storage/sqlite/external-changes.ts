import type { Database, Statement } from 'better-sqlite3';

/**
 * Notices commits made by *other* connections to a SQLite database (other worker processes of the same
 * server, see server/workers.ts), so that in-memory caches of its rows can be dropped.
 *
 * `PRAGMA data_version` returns a value that changes whenever another connection committed since this
 * connection last looked (this connection's own commits do not change it; the stores drop what they
 * change themselves). The server polls when a request starts, which keeps read-after-write across
 * processes: a commit acknowledged before a request starts is seen by that request's poll. The poll is
 * conservative: a change noticed by any read of this connection counts, and the caller drops
 * everything. About 2 µs; only data directories shared by several processes use it.
 */
export class ExternalChanges {
  private readonly versionStmt: Statement<[], number>;
  private version: number;

  constructor(db: Database) {
    this.versionStmt = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.version = this.versionStmt.get() as number;
  }

  /** Whether another connection has committed since the last call (or since construction). */
  changedSinceLastPoll(): boolean {
    const version = this.versionStmt.get() as number;
    if (version === this.version) return false;
    this.version = version;
    return true;
  }
}
