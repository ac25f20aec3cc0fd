/**
 * Reading the audit trail's two logs (src/audit/audit-schema.ts) for policy generation, newest first,
 * without parsing events: the event history (`events`: management events, indexed by account, region
 * and time, and by user name) and the delivery log (`delivery_log`: the lines logging trails deliver,
 * where data events are, src/audit/trail-delivery-log.ts). Each stream is a generator over one open
 * statement; closing the generator (`return()`) closes the statement.
 */
import type { Database } from 'better-sqlite3';
import { deliveryEntries } from '../../audit/trail-delivery-log.js';

/** An event as the store keeps it: when it happened and its JSON, as recorded. */
export interface StoredEvent {
  readonly timeMs: number;
  readonly json: string;
}

/** Inclusive bounds, in milliseconds since the epoch. */
export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The Regions in which `accountId` has management events: one probe of the `events_by_time` index per
 * Region (a skip scan), not a scan of the events.
 */
export function historyRegions(db: Database, accountId: string): string[] {
  const next = db
    .prepare(`SELECT region FROM events WHERE account_id = ? AND management = 1 AND region > ? ORDER BY region LIMIT 1`)
    .pluck();
  const out: string[] = [];
  for (
    let r = next.get(accountId, '') as string | undefined;
    r !== undefined;
    r = next.get(accountId, r) as string | undefined
  ) {
    out.push(r);
  }
  return out;
}

export interface HistoryQuery {
  readonly accountId: string;
  readonly region: string;
  readonly window: TimeWindow;
  /** Only events of this event-history user name (an IAM user's name: the `events_by_username` index). */
  readonly username?: string;
}

/** Management events of one account and Region in the window, newest first, from an index. */
export function* historyEvents(db: Database, q: HistoryQuery): Generator<StoredEvent, void, undefined> {
  const byUser = q.username !== undefined;
  const statement = db.prepare(`SELECT event_time AS timeMs, event AS json FROM events
    WHERE account_id = ? AND region = ? AND management = 1 ${byUser ? 'AND username = ?' : ''}
      AND event_time >= ? AND event_time <= ?
    ORDER BY event_time DESC, seq DESC`);
  const params = [q.accountId, q.region, ...(byUser ? [q.username] : []), q.window.startMs, q.window.endMs];
  const rows = statement.iterate(...params) as IterableIterator<StoredEvent>;
  try {
    for (const row of rows) yield row;
  } finally {
    rows.return?.();
  }
}

/** A trail whose delivered lines are read, and the Regions kept (all when undefined). */
export interface DeliveredTrail {
  /** `<account id>/<trail name>` (trailKey, trail-delivery-log.ts). */
  readonly key: string;
  readonly regions?: ReadonlySet<string>;
}

/**
 * How far apart the events of one delivery-log batch can be from its `first_time`: a batch is one group
 * commit of requests that completed together, and the log is read in commit (seq) order, which follows
 * time to within this spread. Batches this far outside the window are not read.
 */
export const BATCH_SPREAD_MS = 60_000;

/**
 * The events the trails delivered in the window, newest batch first (each batch's lines newest first).
 * The lines of a batch are read only when it can hold events of the window; the scan stops at the
 * first batch older than the window.
 */
export function* deliveredEvents(
  db: Database,
  q: { readonly trails: readonly DeliveredTrail[]; readonly window: TimeWindow },
): Generator<StoredEvent, void, undefined> {
  const { startMs, endMs } = q.window;
  const statement = db.prepare(`SELECT first_time AS firstTime, CASE WHEN first_time <= ? THEN lines END AS lines
    FROM delivery_log ORDER BY seq DESC`);
  const rows = statement.iterate(endMs + BATCH_SPREAD_MS) as IterableIterator<{
    firstTime: number;
    lines: string | null;
  }>;
  try {
    for (const row of rows) {
      if (row.firstTime < startMs - BATCH_SPREAD_MS) break;
      if (row.lines === null) continue;
      for (const trail of q.trails) {
        const entries = deliveryEntries(row.lines, trail.key);
        for (let i = entries.length - 1; i >= 0; i--) {
          const entry = entries[i]!;
          if (trail.regions !== undefined && !trail.regions.has(entry.region)) continue;
          const timeMs = Date.parse(entry.eventTime);
          if (timeMs >= startMs && timeMs <= endMs) yield { timeMs, json: entry.json };
        }
      }
    }
  } finally {
    rows.return?.();
  }
}

/**
 * Whether retention may have deleted events of a window starting at `startMs`: a log whose first rows
 * are gone (its oldest seq is not 1, or it is empty though seqs were issued: seqs are AUTOINCREMENT,
 * never reused) and whose oldest remaining row, if any, is later than the window's start. Conservative:
 * rows deleted from before the window with none recorded between them and its start also count.
 */
export function windowPruned(db: Database, startMs: number): boolean {
  const logs = [
    { table: 'events', time: 'event_time' },
    { table: 'delivery_log', time: 'first_time' },
  ];
  return logs.some(({ table, time }) => {
    const oldest = db.prepare(`SELECT seq, ${time} AS timeMs FROM ${table} ORDER BY seq LIMIT 1`).get() as
      { seq: number; timeMs: number } | undefined;
    if (oldest !== undefined) return oldest.seq > 1 && oldest.timeMs > startMs;
    const issued = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table) as
      number | undefined;
    return (issued ?? 0) > 0;
  });
}

/** Whether the account has a trail of that name (the `trails` table, src/audit/sqlite-audit-store-trails.ts). */
export function trailExists(db: Database, accountId: string, name: string): boolean {
  return db.prepare('SELECT 1 FROM trails WHERE account_id = ? AND name = ?').get(accountId, name) !== undefined;
}
