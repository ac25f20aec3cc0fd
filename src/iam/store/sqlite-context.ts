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
