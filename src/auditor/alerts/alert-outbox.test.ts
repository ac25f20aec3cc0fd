import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AlertOutbox, MAX_DELAY_MS, alertRetryDelayMs, migrateAlertOutbox } from './alert-outbox.js';
import { sampleAlert } from './testing/sample-alert.js';

const dirs: string[] = [];
const open: Database[] = [];
after(() => {
  open.forEach((db) => db.open && db.close());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function database(file = ':memory:'): Database {
  const db = new BetterSqlite3(file);
  open.push(db);
  migrateAlertOutbox(db);
  return db;
}

const t0 = new Date('2025-01-01T00:00:00Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const exact = { random: () => 0.5 };

describe('alertRetryDelayMs', () => {
  it('doubles from 1 s and stops at 15 min; jitter stays within ±20% and under the cap', () => {
    const schedule = Array.from({ length: 14 }, (_, i) => alertRetryDelayMs(i + 1, 0.5));
    assert.deepEqual(
      schedule.slice(0, 10),
      [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000],
    );
    assert.deepEqual(schedule.slice(10), [MAX_DELAY_MS, MAX_DELAY_MS, MAX_DELAY_MS, MAX_DELAY_MS]);
    assert.equal(alertRetryDelayMs(1, 0), 800);
    assert.equal(alertRetryDelayMs(1, 0.999999), 1_200);
    assert.equal(alertRetryDelayMs(20, 0.999999), MAX_DELAY_MS);
    assert.equal(alertRetryDelayMs(10_000, 0.5), MAX_DELAY_MS, 'no overflow');
  });
});

describe('AlertOutbox', () => {
  it('enqueues one row per destination in one go, once per alert and destination, due at once', () => {
    const outbox = new AlertOutbox(database());
    outbox.enqueue(sampleAlert(), ['hook', 'mail', 'hook']);
    outbox.enqueue(sampleAlert(), ['hook']);
    const due = outbox.due(t0, 10);
    assert.deepEqual(
      due.map((e) => [e.destination, e.attempts, e.alert.id]),
      [
        ['hook', 0, 'alert-0001'],
        ['mail', 0, 'alert-0001'],
      ],
    );
    assert.deepEqual(due[0].alert, sampleAlert());
    assert.equal(outbox.due(t0, 1).length, 1);
  });

  it('backs off 1 s, 2 s, 4 s ... and dead-letters after maxAttempts', () => {
    const outbox = new AlertOutbox(database(), { ...exact, maxAttempts: 4 });
    outbox.enqueue(sampleAlert(), ['hook']);
    const [{ id }] = outbox.due(t0, 1);
    let now = t0;
    for (const delay of [1_000, 2_000, 4_000]) {
      const r = outbox.markFailed(id, { error: 'HTTP 503', permanent: false, now });
      assert.deepEqual(r, { outcome: 'Scheduled', nextAttemptAt: new Date(now.getTime() + delay) });
      assert.equal(outbox.due(new Date(now.getTime() + delay - 1), 10).length, 0, 'not due before its time');
      now = new Date(now.getTime() + delay);
      assert.equal(outbox.due(now, 10)[0]?.id, id);
    }
    assert.deepEqual(outbox.markFailed(id, { error: 'HTTP 503 again', permanent: false, now }), {
      outcome: 'DeadLettered',
    });
    assert.equal(outbox.due(at(3_600_000), 10).length, 0);
    const [dead] = outbox.deadLetters({ limit: 10 });
    assert.equal(dead.attempts, 4);
    assert.equal(dead.error, 'HTTP 503 again');
    assert.equal(dead.destination, 'hook');
    assert.deepEqual(dead.alert, sampleAlert());
    assert.deepEqual(dead.deadAt, now);
    assert.deepEqual(outbox.counts(), { pending: 0, dead: 1 });
  });

  it('a permanent failure dead-letters at once; Retry-After lengthens the pause, within the cap', () => {
    const outbox = new AlertOutbox(database(), exact);
    outbox.enqueue(sampleAlert({ id: 'a' }), ['hook']);
    outbox.enqueue(sampleAlert({ id: 'b' }), ['hook']);
    const [a, b] = outbox.due(t0, 10);
    assert.deepEqual(outbox.markFailed(a.id, { error: 'HTTP 400', permanent: true, now: t0 }), {
      outcome: 'DeadLettered',
    });
    assert.equal(outbox.deadLetters({ limit: 10 })[0].attempts, 1);
    const slow = outbox.markFailed(b.id, { error: 'HTTP 429', permanent: false, now: t0, retryAfterMs: 60_000 });
    assert.deepEqual(slow, { outcome: 'Scheduled', nextAttemptAt: at(60_000) });
    const capped = outbox.markFailed(b.id, { error: 'HTTP 429', permanent: false, now: t0, retryAfterMs: 86_400_000 });
    assert.deepEqual(capped, { outcome: 'Scheduled', nextAttemptAt: at(MAX_DELAY_MS) });
    assert.deepEqual(outbox.markFailed(9_999, { error: 'x', permanent: false, now: t0 }), { outcome: 'NotFound' });
  });

  it('keeps pending rows, attempts and schedules across a restart (the database file reopened)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongbox-alerts-'));
    dirs.push(dir);
    const file = join(dir, 'auditor.sqlite');
    const first = database(file);
    const outbox = new AlertOutbox(first, exact);
    outbox.enqueue(sampleAlert({ id: 'a' }), ['hook', 'mail']);
    outbox.enqueue(sampleAlert({ id: 'b' }), ['hook']);
    const [a] = outbox.due(t0, 1);
    outbox.markFailed(a.id, { error: 'timeout', permanent: false, now: t0 });
    outbox.markDelivered(outbox.due(t0, 10).find((e) => e.alert.id === 'b')?.id ?? -1);
    first.close();

    const reopened = new AlertOutbox(database(file), exact);
    assert.deepEqual(
      reopened.due(t0, 10).map((e) => [e.alert.id, e.destination, e.attempts]),
      [['a', 'mail', 0]],
    );
    assert.deepEqual(
      reopened.due(at(1_000), 10).map((e) => [e.alert.id, e.destination, e.attempts]),
      [
        ['a', 'mail', 0],
        ['a', 'hook', 1],
      ],
      'the longest waiting first',
    );
  });

  it('retryDeadLetter puts a dead letter back, due at once with fresh attempts', () => {
    const outbox = new AlertOutbox(database(), { ...exact, maxAttempts: 1 });
    outbox.enqueue(sampleAlert(), ['hook']);
    const [entry] = outbox.due(t0, 1);
    outbox.markFailed(entry.id, { error: 'HTTP 500', permanent: false, now: t0 });
    const [dead] = outbox.deadLetters({ limit: 1 });
    assert.equal(outbox.retryDeadLetter(dead.id), 'Requeued');
    assert.deepEqual(outbox.counts(), { pending: 1, dead: 0 });
    const [again] = outbox.due(t0, 1);
    assert.equal(again.attempts, 0);
    assert.equal(outbox.retryDeadLetter(dead.id), 'NotFound');

    // Dead again, and meanwhile the same alert queued anew: the retry drops the duplicate.
    outbox.markFailed(again.id, { error: 'HTTP 500', permanent: false, now: t0 });
    outbox.enqueue(sampleAlert(), ['hook']);
    assert.equal(outbox.retryDeadLetter(outbox.deadLetters({ limit: 1 })[0].id), 'Pending');
    assert.deepEqual(outbox.counts(), { pending: 1, dead: 0 });
  });

  it('postpone holds back a destination without counting attempts; the most tried entry goes first', () => {
    const outbox = new AlertOutbox(database(), exact);
    for (const id of ['a', 'b', 'c']) outbox.enqueue(sampleAlert({ id }), ['hook', 'mail']);
    const first = outbox.due(t0, 1)[0];
    const failed = outbox.markFailed(first.id, { error: 'down', permanent: false, now: t0 });
    assert.equal(failed.outcome, 'Scheduled');
    if (failed.outcome === 'Scheduled') outbox.postpone('hook', failed.nextAttemptAt);
    assert.deepEqual(
      outbox.due(t0, 10).map((e) => e.destination),
      ['mail', 'mail', 'mail'],
    );
    const later = outbox.due(at(1_000), 10).filter((e) => e.destination === 'hook');
    assert.deepEqual(
      later.map((e) => [e.alert.id, e.attempts]),
      [
        ['a', 1],
        ['b', 0],
        ['c', 0],
      ],
    );
  });

  it('stores errors without URL userinfo, on one line, capped; migrating twice is harmless', () => {
    const db = database();
    migrateAlertOutbox(db);
    const outbox = new AlertOutbox(db, { maxAttempts: 1 });
    outbox.enqueue(sampleAlert(), ['hook']);
    const error = `https://user:hunter2@hooks.example.com failed\r\nagain ${'x'.repeat(5_000)}`;
    outbox.markFailed(outbox.due(t0, 1)[0].id, { error, permanent: true, now: t0 });
    const stored = outbox.deadLetters({ limit: 1 })[0].error;
    assert.doesNotMatch(stored, /hunter2|user:/);
    assert.match(stored, /^https:\/\/\*\*\*@hooks\.example\.com failed again x+…$/);
    assert.ok(stored.length <= 1_001);
  });
});
