import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentExpiration,
  deleteMarkerExpiration,
  dueVersionActions,
  noncurrentExpiration,
  ruleApplies,
  uploadAbort,
  type VersionFacts,
} from './evaluate-rules.js';
import { expirationHeader } from './expiration-header.js';
import { AWS_DAY_MS, LifecycleDays } from './lifecycle-days.js';
import type { LifecycleRule } from './lifecycle-rule.js';

const aws = new LifecycleDays();
const at = (iso: string) => Date.parse(iso);

function rule(r: Partial<LifecycleRule> & { id: string }): LifecycleRule {
  return { status: 'Enabled', filter: { form: 'Empty' }, transitions: [], noncurrentVersionTransitions: [], ...r };
}

describe('lifecycle days', () => {
  it('adds days to the creation time and rounds up to the next midnight UTC (user guide examples)', () => {
    // "an object created 1/15/2014 10:30 AM UTC ... 3 days ... 1/19/2014 00:00 UTC"
    assert.equal(aws.after(at('2014-01-15T10:30:00Z'), 3), at('2014-01-19T00:00:00Z'));
    // Troubleshooting: created January 2 at 00:05 UTC, 1 day: eligible January 4 at 00:00 UTC.
    assert.equal(aws.after(at('2014-01-02T00:05:00Z'), 1), at('2014-01-04T00:00:00Z'));
    // A time exactly at midnight is its own ceiling.
    assert.equal(aws.after(at('2014-01-02T00:00:00Z'), 1), at('2014-01-03T00:00:00Z'));
    assert.equal(aws.boundaryAtOrBefore(at('2014-01-02T23:59:59Z')), at('2014-01-02T00:00:00Z'));
  });

  it('a shortened day rounds to boundaries of its own length since the epoch', () => {
    const fast = LifecycleDays.ofSeconds(2);
    assert.equal(fast.dayMs, 2000);
    assert.equal(fast.after(10_500, 1), 14_000);
    assert.equal(fast.after(10_000, 1), 12_000);
    assert.equal(fast.boundaryAtOrBefore(13_999), 12_000);
    assert.equal(LifecycleDays.ofSeconds(undefined).dayMs, AWS_DAY_MS);
    assert.throws(() => new LifecycleDays(0), RangeError);
  });
});

describe('filters', () => {
  const subject = { key: 'logs/a.txt', size: 100, tags: [['env', 'dev'], ['team', 'x']] as const };
  it('prefix, tags, sizes and And, all of whose predicates must hold', () => {
    assert.ok(ruleApplies(rule({ id: 'r' }), subject));
    assert.ok(ruleApplies(rule({ id: 'r', filter: { form: 'Prefix', prefix: 'logs/' } }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: { form: 'Prefix', prefix: 'data/' } }), subject));
    assert.ok(ruleApplies(rule({ id: 'r', filter: { form: 'Tag', tags: [{ key: 'env', value: 'dev' }] } }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: { form: 'Tag', tags: [{ key: 'env', value: 'prod' }] } }), subject));
    assert.ok(ruleApplies(rule({ id: 'r', filter: { form: 'ObjectSizeGreaterThan', objectSizeGreaterThan: 99 } }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: { form: 'ObjectSizeGreaterThan', objectSizeGreaterThan: 100 } }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: { form: 'ObjectSizeLessThan', objectSizeLessThan: 100 } }), subject));
    const and = { form: 'And' as const, prefix: 'logs/', tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'x' }], objectSizeLessThan: 101 };
    assert.ok(ruleApplies(rule({ id: 'r', filter: and }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: { ...and, tags: [...and.tags, { key: 'other', value: '1' }] } }), subject));
  });

  it('a disabled rule and the legacy prefix', () => {
    assert.ok(!ruleApplies(rule({ id: 'r', status: 'Disabled' }), subject));
    assert.ok(ruleApplies(rule({ id: 'r', filter: undefined, prefix: 'logs' }), subject));
    assert.ok(!ruleApplies(rule({ id: 'r', filter: undefined, prefix: 'x' }), subject));
  });
});

describe('when actions fall due', () => {
  const obj = { key: 'k', size: 1, tags: [] };
  it('the earliest of several applicable expirations wins; dates apply to objects created after them', () => {
    const rules = [rule({ id: 'slow', expiration: { days: 30 } }), rule({ id: 'fast', expiration: { days: 2 } })];
    assert.deepEqual(currentExpiration(rules, obj, at('2024-05-01T08:00:00Z'), aws), { at: at('2024-05-04T00:00:00Z'), ruleId: 'fast' });
    const dated = [rule({ id: 'd', expiration: { date: '2024-06-01T00:00:00.000Z' } })];
    assert.equal(currentExpiration(dated, obj, at('2024-07-01T00:00:00Z'), aws)?.at, at('2024-06-01T00:00:00Z'));
    assert.equal(currentExpiration([rule({ id: 'm', expiration: { expiredObjectDeleteMarker: true } })], obj, 0, aws), undefined);
  });

  it('noncurrent versions count from when they became noncurrent, and NewerNoncurrentVersions keeps the newest', () => {
    const rules = [rule({ id: 'n', noncurrentVersionExpiration: { noncurrentDays: 3, newerNoncurrentVersions: 2 } })];
    assert.equal(noncurrentExpiration(rules, obj, at('2014-01-15T10:30:00Z'), 2, aws)?.at, at('2014-01-19T00:00:00Z'));
    assert.equal(noncurrentExpiration(rules, obj, at('2014-01-15T10:30:00Z'), 1, aws), undefined);
  });

  it('expired delete markers: at once with ExpiredObjectDeleteMarker, once old enough with Days', () => {
    const created = at('2024-05-01T08:00:00Z');
    assert.equal(deleteMarkerExpiration([rule({ id: 'm', expiration: { expiredObjectDeleteMarker: true } })], 'k', created, aws)?.at, at('2024-05-02T00:00:00Z'));
    assert.equal(deleteMarkerExpiration([rule({ id: 'd', expiration: { days: 3 } })], 'k', created, aws)?.at, at('2024-05-05T00:00:00Z'));
    assert.equal(deleteMarkerExpiration([rule({ id: 'f', expiration: { expiredObjectDeleteMarker: false } })], 'k', created, aws), undefined);
  });

  it('incomplete uploads are aborted DaysAfterInitiation after they began', () => {
    const rules = [rule({ id: 'a', filter: { form: 'Prefix', prefix: 'tmp/' }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } })];
    assert.equal(uploadAbort(rules, 'tmp/x', at('2024-05-01T08:00:00Z'), aws)?.at, at('2024-05-09T00:00:00Z'));
    assert.equal(uploadAbort(rules, 'keep/x', at('2024-05-01T08:00:00Z'), aws), undefined);
  });
});

describe('the actions due for one key', () => {
  const v = (id: string | null, iso: string, extra: Partial<VersionFacts> = {}): VersionFacts => ({
    versionId: id,
    isDeleteMarker: false,
    lastModified: new Date(iso),
    size: 10,
    etag: 'e',
    tags: [],
    ...extra,
  });
  const rules = [
    rule({ id: 'cur', expiration: { days: 10 } }),
    rule({ id: 'old', noncurrentVersionExpiration: { noncurrentDays: 1 } }),
  ];

  it('a due current version, and noncurrent versions one day after their successor was written', () => {
    const versions = [v('3', '2024-05-01T00:00:00Z'), v('2', '2024-04-20T12:00:00Z'), v('1', '2024-04-01T00:00:00Z')];
    // v1 became noncurrent when v2 was written (04-20 12:00): due 04-22; v2 when v3 was (05-01): due 05-02.
    const early = dueVersionActions(rules, 'k', versions, at('2024-05-01T12:00:00Z'), aws);
    assert.deepEqual(early.map((a) => [a.kind, a.version.versionId]), [['ExpireNoncurrent', '1']]);
    const later = dueVersionActions(rules, 'k', versions, at('2024-05-12T00:00:00Z'), aws);
    assert.deepEqual(later.map((a) => [a.kind, a.version.versionId, a.due.ruleId]), [
      ['ExpireCurrent', '3', 'cur'],
      ['ExpireNoncurrent', '2', 'old'],
      ['ExpireNoncurrent', '1', 'old'],
    ]);
  });

  it('a lone current delete marker is removed; one with noncurrent versions beneath it stays', () => {
    const marker = v('m', '2024-05-01T00:00:00Z', { isDeleteMarker: true, size: 0 });
    const markerRules = [rule({ id: 'eodm', expiration: { expiredObjectDeleteMarker: true } })];
    const now = at('2024-05-03T00:00:00Z');
    assert.deepEqual(dueVersionActions(markerRules, 'k', [marker], now, aws).map((a) => a.kind), ['RemoveExpiredDeleteMarker']);
    assert.deepEqual(dueVersionActions(markerRules, 'k', [marker, v('1', '2024-04-01T00:00:00Z')], now, aws), []);
  });
});

describe('x-amz-expiration', () => {
  it('names the expiry date and the rule; nothing without an applicable Expiration', () => {
    const bucket = { lifecycle: { rules: [rule({ id: 'expire logs', filter: { form: 'Prefix', prefix: 'logs/' }, expiration: { days: 3 } })] } };
    const object = { key: 'logs/a', size: 1, lastModified: new Date('2014-01-15T10:30:00Z'), tags: [] };
    assert.equal(expirationHeader(bucket, object, aws), 'expiry-date="Sun, 19 Jan 2014 00:00:00 GMT", rule-id="expire logs"');
    assert.equal(expirationHeader(bucket, { ...object, key: 'data/a' }, aws), undefined);
    assert.equal(expirationHeader({ lifecycle: undefined }, object, aws), undefined);
    const quoted = { lifecycle: { rules: [rule({ id: 'say "hi"', expiration: { days: 1 } })] } };
    assert.match(expirationHeader(quoted, object, aws)!, /rule-id="say%20%22hi%22"$/);
  });
});
