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
import type { AuditEventStore, LookupPage, LookupQuery, StoredEvent, TrailStore } from './audit-ports.js';
import { migrateAudit } from './audit-schema.js';
import { LookupQueries } from './sqlite-audit-store-lookup.js';
import { SqliteTrailStore } from './sqlite-audit-store-trails.js';
import { lookupUsername, resourceNameKeys } from '../cloudtrail/lookup-fields.js';

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
  const db = openAuditDatabase(options);
  try {
    migrateAudit(db);
    const events = new SqliteAuditEventStore(db);
    const trails = new SqliteTrailStore(db);
    return { events, trails, close: () => db.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}

function openAuditDatabase(options: OpenAuditStoreOptions): Database {
  const memory = options.dataDir === ':memory:';
  const path = memory ? ':memory:' : join(options.dataDir, AUDIT_DB_FILE);
  // Created (if new) with 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
  if (!memory) closeSync(openSync(path, 'a', 0o600));
  const db = new BetterSqlite3(path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode on ${path} (got ${String(mode)})`);
    }
    db.pragma('synchronous = NORMAL');
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
  private readonly after: Statement;
  private readonly maxSeq: Statement;
  private readonly oldest: Statement;
  private readonly deleteEvents: Statement;
  private readonly deleteResources: Statement;
  private readonly lookups: LookupQueries;
  private readonly appendAll: (events: readonly CloudTrailEvent[]) => void;

  constructor(private readonly db: Database) {
    this.insertEvent = db.prepare(`INSERT INTO events (event_time, account_id, region, management, read_only,
      event_id, event_name, event_source, username, access_key_id, event)
      VALUES (@time, @account, @region, @management, @readOnly, @eventId, @eventName, @eventSource, @username,
        @accessKeyId, @event)`);
    this.insertResource = db.prepare(`INSERT OR IGNORE INTO event_resources
      (seq, account_id, region, event_time, resource_type, resource_name) VALUES (?, ?, ?, ?, ?, ?)`);
    this.after = db.prepare('SELECT seq, event FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.maxSeq = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'events'`).pluck();
    this.oldest = db.prepare('SELECT seq, event_time FROM events ORDER BY seq LIMIT ?');
    this.deleteEvents = db.prepare('DELETE FROM events WHERE seq <= ?');
    this.deleteResources = db.prepare('DELETE FROM event_resources WHERE seq <= ?');
    this.lookups = new LookupQueries(db);
    const tx = db.transaction((events: readonly CloudTrailEvent[]) => {
      for (const event of events) this.insert(event);
    });
    this.appendAll = (events) => tx.immediate(events);
  }

  append(events: readonly CloudTrailEvent[]): void {
    if (events.length > 0) this.appendAll(events);
  }

  private insert(event: CloudTrailEvent): void {
    const time = Date.parse(event.eventTime);
    const management = event.managementEvent;
    const { lastInsertRowid } = this.insertEvent.run({
      time,
      account: event.recipientAccountId,
      region: event.awsRegion,
      management: management ? 1 : 0,
      readOnly: event.readOnly ? 1 : 0,
      eventId: event.eventID,
      eventName: event.eventName,
      eventSource: event.eventSource,
      username: lookupUsername(event) ?? null,
      accessKeyId: event.userIdentity.accessKeyId || null,
      event: JSON.stringify(event),
    });
    // Only the event history looks resources up, and it shows management events only.
    if (!management) return;
    for (const r of event.resources ?? []) {
      for (const name of resourceNameKeys(r)) {
        this.insertResource.run(lastInsertRowid, event.recipientAccountId, event.awsRegion, time, r.type, name);
      }
    }
  }

  lookup(query: LookupQuery): LookupPage | 'InvalidNextToken' {
    return this.lookups.lookup(query);
  }

  eventsAfter(after: number, limit: number): readonly StoredEvent[] {
    const rows = this.after.all(after, limit) as { seq: number; event: string }[];
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as CloudTrailEvent }));
  }

  lastSeq(): number {
    return (this.maxSeq.get() as number | undefined) ?? 0;
  }

  /**
   * Deletes from the oldest end only, in batches of PRUNE_BATCH rows per transaction: events older than
   * `before` up to the first one that is not (seq order is append order, close to time order; a
   * straggler is taken by a later prune), then, beyond `maxEvents`, the oldest.
   */
  prune(options: { readonly before: Date; readonly maxEvents: number }): number {
    const before = options.before.getTime();
    let pruned = 0;
    for (;;) {
      const { deleted, more } = this.db.transaction(() => {
        const rows = this.oldest.all(PRUNE_BATCH) as { seq: number; event_time: number }[];
        const stop = rows.findIndex((r) => r.event_time >= before);
        const expired = stop === -1 ? rows.length : stop;
        if (expired === 0) return { deleted: 0, more: false };
        return { deleted: this.deleteThrough(rows[expired - 1].seq), more: stop === -1 && rows.length === PRUNE_BATCH };
      }).immediate();
      pruned += deleted;
      if (!more) break;
    }
    for (;;) {
      const deleted = this.db.transaction(() => {
        const keepFrom = this.lastSeq() - Math.max(0, options.maxEvents);
        const first = (this.oldest.all(1) as { seq: number }[])[0];
        if (first === undefined || first.seq > keepFrom) return 0;
        return this.deleteThrough(Math.min(keepFrom, first.seq + PRUNE_BATCH - 1));
      }).immediate();
      pruned += deleted;
      if (deleted === 0) break;
    }
    return pruned;
  }

  private deleteThrough(seq: number): number {
    this.deleteResources.run(seq);
    return this.deleteEvents.run(seq).changes;
  }
}
