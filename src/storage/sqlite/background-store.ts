/**
 * BackgroundStore on SQLite (`background_progress`, migration 6): the progress background jobs keep
 * between passes and across restarts, and the buckets the lifecycle job has to visit. Writes are small
 * IMMEDIATE transactions that resolve after the durability barrier, as every store's do.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { BackgroundStore } from '../ports.js';
import type { DurabilityBarrier } from './wal-sync.js';

export class SqliteBackgroundStore implements BackgroundStore {
  private readonly getStmt: Statement<[string, string], string>;
  private readonly scopesStmt: Statement<[string], string>;
  private readonly putTx: (job: string, scope: string, state: string | undefined, at: number) => void;
  private readonly lifecycleBucketsStmt: Statement<[string, number], string>;

  constructor(
    db: Database,
    private readonly barrier: DurabilityBarrier,
  ) {
    this.getStmt = db
      .prepare<[string, string], string>('SELECT state FROM background_progress WHERE job = ? AND scope = ?')
      .pluck();
    this.scopesStmt = db
      .prepare<[string], string>('SELECT scope FROM background_progress WHERE job = ? ORDER BY scope')
      .pluck();
    const upsert = db.prepare<[string, string, string, number]>(
      `INSERT INTO background_progress (job, scope, state, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (job, scope) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
    const remove = db.prepare<[string, string]>('DELETE FROM background_progress WHERE job = ? AND scope = ?');
    this.putTx = db.transaction((job: string, scope: string, state: string | undefined, at: number) => {
      if (state === undefined) remove.run(job, scope);
      else upsert.run(job, scope, state, at);
    }).immediate;
    // The partial index buckets_with_lifecycle serves this (bucket names are ASCII: TEXT order is byte order).
    this.lifecycleBucketsStmt = db
      .prepare<[string, number], string>(
        'SELECT name FROM buckets WHERE lifecycle IS NOT NULL AND name > ? ORDER BY name LIMIT ?',
      )
      .pluck();
  }

  async getProgress(job: string, scope: string): Promise<string | undefined> {
    return this.getStmt.get(job, scope);
  }

  async listProgressScopes(job: string): Promise<readonly string[]> {
    return this.scopesStmt.all(job);
  }

  async putProgress(job: string, scope: string, state: string | undefined, at: Date): Promise<void> {
    this.putTx(job, scope, state, at.getTime());
    await this.barrier.durable();
  }

  async bucketsWithLifecycle(after: string, limit: number): Promise<readonly string[]> {
    return this.lifecycleBucketsStmt.all(after, limit);
  }
}
