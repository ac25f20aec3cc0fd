/**
 * The embedded audit store (issue #16): `<dataDir>/audit.sqlite`, holding every CloudTrail event
 * Strongbox keeps and the trails of every account (ports: audit-ports.ts).
 *
 * Settings, as metadata.sqlite's (src/storage/sqlite/database.ts) where the same reasoning holds:
 * - WAL with `synchronous=NORMAL`: a commit is in the WAL file (the operating system's page cache)
 *   when `append` returns, so it survives a crash of the process; no fsync per batch (the pipeline
 *   appends before it answers, so an fsync would be on every request's path).
 * - Normal locking, always: several worker processes append to the same file (SQLite's file locks
 *   serialise their writes, `busy_timeout` makes a writer wait its turn rather than fail), and an
 *   event store is written far more than it is read, so the exclusive mode's cheaper reads would buy
 *   little. `shared` only says whether other processes are expected; the settings are the same.
 * - The file is created with mode 0600: events carry source IPs, access key ids and request parameters.
 */
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { AuditEventStore, DeliveryBatch, HistoryEvent, LookupPage, LookupQuery, RecordedEvent, TrailStore } from './audit-ports.js';
import { migrateAudit } from './audit-schema.js';
import { LookupQueries } from './sqlite-audit-store-lookup.js';
import { SqliteTrailStore } from './sqlite-audit-store-trails.js';
import { deliveryLine } from './trail-delivery-log.js';
import { lookupUsername, resourceNameKeys } from '../cloudtrail/lookup-fields.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../storage/sqlite/checkpointer.js';

export const AUDIT_DB_FILE = 'audit.sqlite';

export interface OpenAuditStoreOptions {
  /** The data directory; `:memory:` for tests. */
  readonly dataDir: string;
  /** Other processes (the server's workers) open the same file. */
  readonly shared?: boolean;
  /** How long a write waits for another process's lock before SQLITE_BUSY; default 5 s. */
  readonly busyTimeoutMs?: number;
}

export interface AuditStore {
  readonly events: AuditEventStore;
  readonly trails: TrailStore;
  close(): void;
}

export function openAuditStore(options: OpenAuditStoreOptions): AuditStore {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const db = openAuditDatabase(options.dataDir, busyTimeoutMs);
  let appender: Database | undefined;
  try {
    migrateAudit(db);
    // Appends have a connection of their own that never waits for a lock (tryAppend); in memory there is
    // no other process, and a second connection would be a second database.
    if (options.dataDir === ':memory:') appender = db;
    else (appender = openAuditDatabase(options.dataDir, busyTimeoutMs)).pragma('busy_timeout = 0');
    const events = new SqliteAuditEventStore(db, appender, busyTimeoutMs);
    const trails = new SqliteTrailStore(db);
    return { events, trails, close: () => closeBoth(db, appender) };
  } catch (e) {
    closeBoth(db, appender);
    throw e;
  }
}

function closeBoth(db: Database, appender: Database | undefined): void {
  if (appender !== undefined && appender !== db) appender.close();
  db.close();
}

function openAuditDatabase(dataDir: string, busyTimeoutMs: number): Database {
  const memory = dataDir === ':memory:';
  const path = memory ? ':memory:' : join(dataDir, AUDIT_DB_FILE);
  // Created (if new) with 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
  if (!memory) closeSync(openSync(path, 'a', 0o600));
  const db = new BetterSqlite3(path);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode on ${path} (got ${String(mode)})`);
    }
    db.pragma('synchronous = NORMAL');
    // The server checkpoints this file on a thread (storage/sqlite/checkpointer.ts), not in a commit.
    if (!memory) db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Rows of events pruned per write transaction: appends of other requests wait at most one batch. */
const PRUNE_BATCH = 5000;

class SqliteAuditEventStore implements AuditEventStore {
  private readonly insertEvent: Statement;
  private readonly insertResource: Statement;
  private readonly insertBatch: Statement;
  private readonly batchesAfter: Statement;
  private readonly maxSeq: Statement;
  private readonly firstAfter: Statement;
  private readonly writes: Statement;
  private readonly maxHistorySeq: Statement;
  private readonly lookups: LookupQueries;
  private readonly appendAll: (events: readonly RecordedEvent[]) => void;
  private readonly history: PrunedTable;
  private readonly deliveryLog: PrunedTable;

  /**
   * `db` serves reads and the background writes (pruning), waiting up to `busyTimeoutMs` for a lock;
   * `appender`, with no busy timeout, the appends.
   */
  constructor(private readonly db: Database, private readonly appender: Database, private readonly busyTimeoutMs: number) {
    this.insertEvent = appender.prepare(`INSERT INTO events (event_time, account_id, region, management, read_only,
      event_id, event_name, event_source, username, access_key_id, event)
      VALUES (@time, @account, @region, 1, @readOnly, @eventId, @eventName, @eventSource, @username,
        @accessKeyId, @event)`);
    this.insertResource = appender.prepare(`INSERT OR IGNORE INTO event_resources
      (seq, account_id, region, event_time, resource_type, resource_name) VALUES (?, ?, ?, ?, ?, ?)`);
    this.insertBatch = appender.prepare('INSERT INTO delivery_log (first_time, count, lines) VALUES (?, ?, ?)');
    this.batchesAfter = db.prepare('SELECT seq, count, lines FROM delivery_log WHERE seq > ? ORDER BY seq');
    this.maxSeq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'delivery_log'`).pluck();
    this.firstAfter = db.prepare('SELECT first_time FROM delivery_log WHERE seq > ? ORDER BY seq LIMIT 1').pluck();
    this.writes = db.prepare('SELECT seq, event AS json FROM events WHERE seq > ? AND read_only = 0 ORDER BY seq LIMIT ?');
    this.maxHistorySeq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`).pluck();
    this.lookups = new LookupQueries(db);
    this.history = new PrunedTable(db, {
      oldest: 'SELECT seq, event_time AS time, 1 AS count FROM events ORDER BY seq LIMIT ?',
      deleteThrough: ['DELETE FROM event_resources WHERE seq <= ?', 'DELETE FROM events WHERE seq <= ?'],
      total: 'SELECT count(*) FROM events',
    });
    this.deliveryLog = new PrunedTable(db, {
      oldest: 'SELECT seq, first_time AS time, count FROM delivery_log ORDER BY seq LIMIT ?',
      deleteThrough: ['DELETE FROM delivery_log WHERE seq <= ?'],
      total: 'SELECT coalesce(sum(count), 0) FROM delivery_log',
    });
    const tx = appender.transaction((events: readonly RecordedEvent[]) => {
      let lines = '';
      let count = 0;
      let firstTime = 0;
      for (const recorded of events) {
        if (recorded.event.managementEvent) this.insertHistory(recorded);
        if (recorded.trails.length === 0) continue;
        if (count++ === 0) firstTime = Date.parse(recorded.event.eventTime);
        lines += deliveryLine(recorded);
      }
      if (count > 0) this.insertBatch.run(firstTime, count, lines);
    });
    this.appendAll = (events) => tx.immediate(events);
  }

  append(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    if (this.appender === this.db) return this.appendAll(events);
    this.appender.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    try {
      this.appendAll(events);
    } finally {
      this.appender.pragma('busy_timeout = 0');
    }
  }

  tryAppend(events: readonly RecordedEvent[]): boolean {
    if (events.length === 0) return true;
    try {
      this.appendAll(events);
      return true;
    } catch (e) {
      // BEGIN IMMEDIATE found the write lock taken (nothing was written; the transaction never began).
      if (e instanceof BetterSqlite3.SqliteError && e.code.startsWith('SQLITE_BUSY')) return false;
      throw e;
    }
  }

  /** The event history: management events, with the resources LookupEvents finds them by. */
  private insertHistory({ event, json }: RecordedEvent): void {
    const time = Date.parse(event.eventTime);
    const { lastInsertRowid } = this.insertEvent.run({
      time,
      account: event.recipientAccountId,
      region: event.awsRegion,
      readOnly: event.readOnly ? 1 : 0,
      eventId: event.eventID,
      eventName: event.eventName,
      eventSource: event.eventSource,
      username: lookupUsername(event) ?? null,
      accessKeyId: event.userIdentity.accessKeyId || null,
      event: json,
    });
    for (const r of event.resources ?? []) {
      for (const name of resourceNameKeys(r)) {
        this.insertResource.run(lastInsertRowid, event.recipientAccountId, event.awsRegion, time, r.type, name);
      }
    }
  }

  lookup(query: LookupQuery): LookupPage | 'InvalidNextToken' {
    return this.lookups.lookup(query);
  }

  deliveryAfter(after: number, maxEvents: number): readonly DeliveryBatch[] {
    const out: DeliveryBatch[] = [];
    let events = 0;
    for (const row of this.batchesAfter.iterate(after) as Iterable<{ seq: number; count: number; lines: string }>) {
      out.push({ seq: row.seq, lines: row.lines });
      events += row.count;
      if (events >= maxEvents) break;
    }
    return out;
  }

  lastSeq(): number {
    return (this.maxSeq.get() as number | undefined) ?? 0;
  }

  writesAfter(after: number, limit: number): readonly HistoryEvent[] {
    return this.writes.all(after, limit) as HistoryEvent[];
  }

  lastHistorySeq(): number {
    return (this.maxHistorySeq.get() as number | undefined) ?? 0;
  }

  firstEventTimeAfter(seq: number): Date | undefined {
    const time = this.firstAfter.get(seq) as number | undefined;
    return time === undefined ? undefined : new Date(time);
  }

  prune(options: { readonly before: Date; readonly maxEvents: number }): number {
    return this.history.prune(options) + this.deliveryLog.prune(options);
  }
}

/**
 * Pruning of a table whose rows hold `count` events each, oldest (lowest seq) first, in batches of
 * PRUNE_BATCH rows per transaction so that appends of other requests wait at most one batch: rows older
 * than `before` up to the first that is not (seq order is append order, close to time order; a
 * straggler goes in a later prune), then, beyond `maxEvents` events, the oldest.
 */
class PrunedTable {
  private readonly oldest: Statement;
  private readonly deletes: readonly Statement[];
  private readonly total: Statement;

  constructor(private readonly db: Database, sql: { oldest: string; deleteThrough: readonly string[]; total: string }) {
    this.oldest = db.prepare(sql.oldest);
    this.deletes = sql.deleteThrough.map((d) => db.prepare(d));
    this.total = db.prepare(sql.total).pluck();
  }

  prune(options: { readonly before: Date; readonly maxEvents: number }): number {
    const before = options.before.getTime();
    // Counted once, outside the write transactions: appends meanwhile only add to it.
    let excess = (this.total.get() as number) - Math.max(0, options.maxEvents);
    let pruned = 0;
    for (;;) {
      const deleted = this.db.transaction(() => {
        const rows = this.oldest.all(PRUNE_BATCH) as { seq: number; time: number; count: number }[];
        let through = 0;
        let events = 0;
        for (const row of rows) {
          if (row.time >= before && excess - events <= 0) break;
          events += row.count;
          through += 1;
        }
        if (through > 0) for (const d of this.deletes) d.run(rows[through - 1]!.seq);
        return events;
      }).immediate();
      if (deleted === 0) break;
      pruned += deleted;
      excess -= deleted;
    }
    return pruned;
  }
}
