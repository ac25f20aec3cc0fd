import type Database from 'better-sqlite3';
import type { Sealer } from '../../crypto/sealer.js';
import type { IamChange } from './types.js';

/** What every SQLite repository shares: the handle, the sealer, and the change feed. */
export interface SqliteContext {
  readonly db: Database.Database;
  readonly sealer: Sealer;
  /** Called after the write committed. */
  readonly emit: (change: IamChange) => void;
  readonly now: () => Date;
}

/**
 * Commits a batch of usage records (access keys' and roles' last use, the access advisor's activity)
 * without flushing the WAL to disk: these commits come every second from every worker, and a
 * synchronous fsync on the event loop stalled the requests in flight each time. A crash may lose the
 * last batches of last-use data, never an IAM change: every other commit flushes (synchronous FULL),
 * and takes the frames before it along.
 */
export function usageCommit<A extends unknown[]>(db: Database.Database, tx: Database.Transaction<(...args: A) => void>, ...args: A): void {
  db.pragma('synchronous = NORMAL');
  try {
    tx.immediate(...args);
  } finally {
    db.pragma('synchronous = FULL');
  }
}

export function toDate(ms: number): Date;
export function toDate(ms: number | null): Date | undefined;
export function toDate(ms: number | null): Date | undefined {
  return ms === null ? undefined : new Date(ms);
}

export function orUndefined<T>(v: T | null): T | undefined {
  return v === null ? undefined : v;
}

/** `path LIKE prefix%` with LIKE metacharacters escaped (paths may contain `%` and `_`). */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}
