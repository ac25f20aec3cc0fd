import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockFromJson, lockToJson, mayChangeRetention, mayDeleteVersion, updatedLock } from './object-lock.js';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const earlier = new Date('2029-12-31T00:00:00Z');

test('deletion: legal hold always refuses; COMPLIANCE until its date; GOVERNANCE unless bypassed', () => {
  assert.equal(mayDeleteVersion(undefined, now, false), true);
  assert.equal(mayDeleteVersion({ legalHold: true }, now, true), false);
  assert.equal(mayDeleteVersion({ legalHold: false }, now, false), true);
  assert.equal(mayDeleteVersion({ retention: { mode: 'COMPLIANCE', retainUntil: later } }, now, true), false);
  assert.equal(mayDeleteVersion({ retention: { mode: 'COMPLIANCE', retainUntil: earlier } }, now, false), true);
  assert.equal(mayDeleteVersion({ retention: { mode: 'COMPLIANCE', retainUntil: now } }, now, false), true, 'it ends at its date');
  assert.equal(mayDeleteVersion({ retention: { mode: 'GOVERNANCE', retainUntil: later } }, now, false), false);
  assert.equal(mayDeleteVersion({ retention: { mode: 'GOVERNANCE', retainUntil: later } }, now, true), true);
});

test('retention changes: never weaker while it runs, except GOVERNANCE with the bypass', () => {
  const c = { retention: { mode: 'COMPLIANCE' as const, retainUntil: later } };
  const g = { retention: { mode: 'GOVERNANCE' as const, retainUntil: later } };
  const further = new Date('2030-02-01T00:00:00Z');
  assert.equal(mayChangeRetention(c, { mode: 'COMPLIANCE', retainUntil: further }, now, false), true);
  assert.equal(mayChangeRetention(c, { mode: 'GOVERNANCE', retainUntil: further }, now, true), false);
  assert.equal(mayChangeRetention(c, null, now, true), false);
  assert.equal(mayChangeRetention(g, { mode: 'COMPLIANCE', retainUntil: later }, now, false), true);
  assert.equal(mayChangeRetention(g, { mode: 'GOVERNANCE', retainUntil: earlier }, now, false), false);
  assert.equal(mayChangeRetention(g, null, now, true), true);
  assert.equal(mayChangeRetention({ retention: { mode: 'COMPLIANCE', retainUntil: earlier } }, null, now, false), true, 'an expired one goes');
});

test('updates keep what they do not name; the JSON form round-trips', () => {
  const r = { mode: 'GOVERNANCE' as const, retainUntil: later };
  assert.deepEqual(updatedLock({ retention: r }, { legalHold: true }), { retention: r, legalHold: true });
  assert.deepEqual(updatedLock({ retention: r, legalHold: true }, { retention: null }), { legalHold: true });
  assert.equal(updatedLock({ retention: r }, { retention: null }), undefined);
  assert.deepEqual(updatedLock(undefined, { legalHold: false }), { legalHold: false }, 'OFF is remembered');
  for (const lock of [{ retention: r }, { legalHold: false }, { retention: r, legalHold: true }]) {
    assert.deepEqual(lockFromJson(lockToJson(lock)), lock);
  }
  assert.equal(lockToJson(undefined), null);
});
