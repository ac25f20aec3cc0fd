/**
 * The alert outbox: every alert × destination waiting to be delivered, kept in the auditor's SQLite
 * database so that no alert is lost across a restart and a retry schedule survives it.
 * - `alert_outbox`: what is pending, with its attempts and when it is next due.
 * - `alert_dead_letters`: what failed permanently or ran out of attempts; kept until retried.
 * A delivered row is deleted. Delivery is at least once: a crash between a receiver's acceptance and
 * `markDelivered` sends the alert again, with the same id for the receiver to drop.
 * Errors are stored as the transports word them (no secrets, see delivery-result.ts); as a second
 * guard, anything that looks like URL userinfo is masked and the text is capped.
 */
import type { Database } from 'better-sqlite3';
import { alertJson, parseAlertJson, type Alert } from './alert.js';

/** Tables of their own, created if missing, so the auditor's own migrations need not know them. */
export function migrateAlertOutbox(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alert_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      alert_id TEXT NOT NULL,
      destination TEXT NOT NULL,
      alert TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      UNIQUE (alert_id, destination)
    );
    CREATE INDEX IF NOT EXISTS alert_outbox_due ON alert_outbox (next_attempt_at, attempts DESC, id);
    CREATE INDEX IF NOT EXISTS alert_outbox_destination ON alert_outbox (destination, next_attempt_at);
    CREATE TABLE IF NOT EXISTS alert_dead_letters (
      id INTEGER PRIMARY KEY,
      alert_id TEXT NOT NULL,
      destination TEXT NOT NULL,
      alert TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      last_error TEXT NOT NULL,
      dead_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS alert_dead_letters_by_time ON alert_dead_letters (dead_at, id);
  `);
}

/** One alert for one destination, due for an attempt. */
export interface OutboxEntry {
  readonly id: number;
  readonly destination: string;
  readonly alert: Alert;
  /** Attempts made before this one. */
  readonly attempts: number;
}

export interface DeadLetter {
  readonly id: number;
  readonly alertId: string;
  readonly destination: string;
  readonly alert: Alert;
  readonly attempts: number;
  readonly error: string;
  readonly deadAt: Date;
}

export interface FailedAttempt {
  /** Safe to store: no URL userinfo, password or secret. */
  readonly error: string;
  readonly permanent: boolean;
  readonly now: Date;
  /** The receiver's Retry-After: the next attempt is no sooner (still capped at 15 min). */
  readonly retryAfterMs?: number;
}

export type FailedOutcome =
  | { readonly outcome: 'Scheduled'; readonly nextAttemptAt: Date }
  | { readonly outcome: 'DeadLettered' }
  | { readonly outcome: 'NotFound' };

export interface AlertOutboxOptions {
  /** Attempts before an alert goes to the dead letters; 10 by default. */
  readonly maxAttempts?: number;
  /** In [0, 1): the jitter source (tests fix it). */
  readonly random?: () => number;
}

export const DEFAULT_MAX_ATTEMPTS = 10;
const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60_000;
const MAX_ERROR_LENGTH = 1_000;

/**
 * The pause after the `failures`-th failure: 1 s, 2 s, 4 s ... capped at 15 min, spread ±20% by
 * `random` (0.5 gives the exact figure) so that alerts failing together do not retry together.
 */
export function alertRetryDelayMs(failures: number, random: number): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.min(MAX_DELAY_MS, Math.round(base * (0.8 + 0.4 * random)));
}

interface OutboxRow {
  id: number;
  alert_id: string;
  destination: string;
  alert: string;
  attempts: number;
  last_error: string | null;
}

interface DeadRow extends OutboxRow {
  last_error: string;
  dead_at: number;
}

export class AlertOutbox {
  private readonly maxAttempts: number;
  private readonly random: () => number;

  constructor(
    private readonly db: Database,
    options: AlertOutboxOptions = {},
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.random = options.random ?? Math.random;
  }

  /**
   * One row per destination, due at once, in one transaction. Enqueueing an alert id again for a
   * destination it is still pending for changes nothing.
   */
  enqueue(alert: Alert, destinations: readonly string[]): void {
    const json = alertJson(alert);
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO alert_outbox (alert_id, destination, alert, next_attempt_at) VALUES (?, ?, ?, 0)`,
    );
    this.db.transaction(() => {
      for (const destination of new Set(destinations)) insert.run(alert.id, destination, json);
    })();
  }

  /**
   * At most `limit` entries due at `now`, the longest waiting first; among entries due at the same
   * time the most tried first, so that after `postpone` a destination's retry is the entry whose
   * backoff has grown, not a fresh one at 1 s.
   */
  due(now: Date, limit: number): OutboxEntry[] {
    const rows = this.db
      .prepare(
        `SELECT id, alert_id, destination, alert, attempts, last_error FROM alert_outbox
         WHERE next_attempt_at <= ? ORDER BY next_attempt_at, attempts DESC, id LIMIT ?`,
      )
      .all(now.getTime(), limit) as OutboxRow[];
    return rows.map((r) => ({
      id: r.id,
      destination: r.destination,
      alert: parseAlertJson(r.alert),
      attempts: r.attempts,
    }));
  }

  markDelivered(id: number): void {
    this.db.prepare('DELETE FROM alert_outbox WHERE id = ?').run(id);
  }

  /** Schedules the next attempt, or moves the entry to the dead letters (permanent, or out of attempts). */
  markFailed(id: number, failed: FailedAttempt): FailedOutcome {
    return this.db.transaction((): FailedOutcome => {
      const row = this.db.prepare('SELECT attempts FROM alert_outbox WHERE id = ?').get(id) as
        { attempts: number } | undefined;
      if (row === undefined) return { outcome: 'NotFound' };
      const attempts = row.attempts + 1;
      const error = safeError(failed.error);
      if (failed.permanent || attempts >= this.maxAttempts) {
        this.db
          .prepare(
            `INSERT INTO alert_dead_letters (id, alert_id, destination, alert, attempts, last_error, dead_at)
             SELECT id, alert_id, destination, alert, ?, ?, ? FROM alert_outbox WHERE id = ?`,
          )
          .run(attempts, error, failed.now.getTime(), id);
        this.db.prepare('DELETE FROM alert_outbox WHERE id = ?').run(id);
        return { outcome: 'DeadLettered' };
      }
      const delay = Math.min(
        MAX_DELAY_MS,
        Math.max(alertRetryDelayMs(attempts, this.random()), failed.retryAfterMs ?? 0),
      );
      const nextAttemptAt = failed.now.getTime() + delay;
      this.db
        .prepare('UPDATE alert_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?')
        .run(attempts, nextAttemptAt, error, id);
      return { outcome: 'Scheduled', nextAttemptAt: new Date(nextAttemptAt) };
    })();
  }

  /**
   * Holds back a destination's pending entries until `until` without counting an attempt: after one
   * entry failed transiently, the others would only fail the same way (the dispatcher's circuit).
   */
  postpone(destination: string, until: Date): void {
    this.db
      .prepare('UPDATE alert_outbox SET next_attempt_at = ? WHERE destination = ? AND next_attempt_at < ?')
      .run(until.getTime(), destination, until.getTime());
  }

  /** The newest dead letters first. */
  deadLetters(options: { readonly limit: number }): DeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT id, alert_id, destination, alert, attempts, last_error, dead_at FROM alert_dead_letters
         ORDER BY dead_at DESC, id DESC LIMIT ?`,
      )
      .all(options.limit) as DeadRow[];
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      destination: r.destination,
      alert: parseAlertJson(r.alert),
      attempts: r.attempts,
      error: r.last_error,
      deadAt: new Date(r.dead_at),
    }));
  }

  /**
   * Puts a dead letter back in the outbox, due at once with a fresh set of attempts. 'Pending' when
   * the same alert is already pending for that destination again (the dead letter is then dropped).
   */
  retryDeadLetter(id: number): 'Requeued' | 'Pending' | 'NotFound' {
    return this.db.transaction((): 'Requeued' | 'Pending' | 'NotFound' => {
      const moved = this.db
        .prepare(
          `INSERT OR IGNORE INTO alert_outbox (id, alert_id, destination, alert, attempts, next_attempt_at, last_error)
           SELECT id, alert_id, destination, alert, 0, 0, last_error FROM alert_dead_letters WHERE id = ?`,
        )
        .run(id).changes;
      const removed = this.db.prepare('DELETE FROM alert_dead_letters WHERE id = ?').run(id).changes;
      if (removed === 0) return 'NotFound';
      return moved === 1 ? 'Requeued' : 'Pending';
    })();
  }

  /** Sizes, for metrics and `audit` status output. */
  counts(): { readonly pending: number; readonly dead: number } {
    const pending = this.db.prepare('SELECT COUNT(*) AS n FROM alert_outbox').get() as { n: number };
    const dead = this.db.prepare('SELECT COUNT(*) AS n FROM alert_dead_letters').get() as { n: number };
    return { pending: pending.n, dead: dead.n };
  }
}

/** `scheme://user:pass@host` → `scheme://***@host`, one line, capped. */
function safeError(error: string): string {
  const masked = error.replace(/\/\/[^/@\s]*@/g, '//***@').replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return masked.length > MAX_ERROR_LENGTH ? `${masked.slice(0, MAX_ERROR_LENGTH)}…` : masked;
}
