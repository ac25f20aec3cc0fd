/**
 * The trails of every account in audit.sqlite: one row per (account, name), the settings and the
 * delivery state as two JSON columns (dates kept as `{"$date": ms}`), `is_logging` as a column for
 * the index the recorder's `logging()` reads. Every write is one BEGIN IMMEDIATE transaction that
 * also bumps `trails_version`, so another process sees the change through `version()`.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { TrailDeliveryState, TrailRecord, TrailStore } from './audit-ports.js';

interface TrailRow {
  readonly config: string;
  readonly delivery: string;
}

export class SqliteTrailStore implements TrailStore {
  private readonly s: {
    readonly get: Statement;
    readonly list: Statement;
    readonly logging: Statement;
    readonly insert: Statement;
    readonly update: Statement;
    readonly delete: Statement;
    readonly bump: Statement;
    readonly version: Statement;
    readonly dataVersion: Statement;
  };
  /** PRAGMA data_version when `storedVersion` was read: it moves when another connection commits. */
  private dataVersion = -1;
  private storedVersion = 0;
  private loggingCache: { readonly version: number; readonly trails: readonly TrailRecord[] } | undefined;

  constructor(private readonly db: Database) {
    this.s = {
      get: db.prepare('SELECT config, delivery FROM trails WHERE account_id = ? AND name = ?'),
      list: db.prepare('SELECT config, delivery FROM trails WHERE account_id = ? ORDER BY name'),
      logging: db.prepare('SELECT config, delivery FROM trails WHERE is_logging = 1 ORDER BY account_id, name'),
      insert: db.prepare(`INSERT OR IGNORE INTO trails (account_id, name, is_logging, config, delivery)
        VALUES (@accountId, @name, @isLogging, @config, @delivery)`),
      update: db.prepare(`UPDATE trails SET is_logging = @isLogging, config = @config, delivery = @delivery
        WHERE account_id = @accountId AND name = @name`),
      delete: db.prepare('DELETE FROM trails WHERE account_id = ? AND name = ?'),
      bump: db.prepare(`UPDATE audit_meta SET value = value + 1 WHERE key = 'trails_version'`),
      version: db.prepare(`SELECT value FROM audit_meta WHERE key = 'trails_version'`).pluck(),
      // Prepared once: db.pragma() compiles its statement on every call.
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
  }

  get(accountId: string, name: string): TrailRecord | undefined {
    const row = this.s.get.get(accountId, name) as TrailRow | undefined;
    return row && trailOf(row);
  }

  list(accountId: string): readonly TrailRecord[] {
    return (this.s.list.all(accountId) as TrailRow[]).map(trailOf);
  }

  logging(): readonly TrailRecord[] {
    const version = this.version();
    if (this.loggingCache?.version !== version) {
      this.loggingCache = { version, trails: (this.s.logging.all() as TrailRow[]).map(trailOf) };
    }
    return this.loggingCache.trails;
  }

  create(trail: TrailRecord): boolean {
    return this.write(() => this.s.insert.run(rowOf(trail)).changes === 1);
  }

  put(trail: TrailRecord): boolean {
    return this.write(() => this.s.update.run(rowOf(trail)).changes === 1);
  }

  delete(accountId: string, name: string): boolean {
    return this.write(() => this.s.delete.run(accountId, name).changes === 1);
  }

  update(accountId: string, name: string, change: (trail: TrailRecord) => TrailRecord): TrailRecord | undefined {
    let out: TrailRecord | undefined;
    this.write(() => {
      const current = this.get(accountId, name);
      if (current === undefined) return false;
      out = change(current);
      if (out.accountId !== accountId || out.name !== name) throw new Error('a trail update cannot rename the trail');
      return this.s.update.run(rowOf(out)).changes === 1;
    });
    return out;
  }

  /**
   * Cheap when nothing changed: PRAGMA data_version reads no page; only after some commit by another
   * connection (an event append, mostly) is the stored counter read again.
   */
  version(): number {
    const dataVersion = this.s.dataVersion.get() as number;
    if (dataVersion !== this.dataVersion) {
      this.dataVersion = dataVersion;
      this.storedVersion = this.s.version.get() as number;
    }
    return this.storedVersion;
  }

  /** Runs `fn` in a write transaction; bumps the version when it changed something. */
  private write(fn: () => boolean): boolean {
    const changed = this.db.transaction(() => {
      const done = fn();
      if (done) this.s.bump.run();
      return done;
    }).immediate();
    // Our own commit does not move our data_version: read the counter again next time.
    if (changed) this.dataVersion = -1;
    return changed;
  }
}

function rowOf(trail: TrailRecord): Record<string, string | number> {
  const { delivery, ...config } = trail;
  return {
    accountId: trail.accountId,
    name: trail.name,
    isLogging: trail.isLogging ? 1 : 0,
    config: toJson(config),
    delivery: toJson(delivery),
  };
}

function trailOf(row: TrailRow): TrailRecord {
  const config = fromJson(row.config) as Omit<TrailRecord, 'delivery'>;
  return { ...config, delivery: fromJson(row.delivery) as TrailDeliveryState };
}

/** JSON with dates as `{"$date": ms}`, so that any Date field of the record comes back a Date. */
function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const original = key === '' ? value : this[key];
    return original instanceof Date ? { $date: original.getTime() } : v;
  });
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const ms = (v as { $date?: unknown }).$date;
      if (keys.length === 1 && typeof ms === 'number') return new Date(ms);
    }
    return v;
  });
}
