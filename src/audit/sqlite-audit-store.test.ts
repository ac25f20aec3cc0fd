import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { LookupPage, LookupQuery, TrailRecord } from './audit-ports.js';
import { migrateAudit } from './audit-schema.js';
import { openAuditStore } from './sqlite-audit-store.js';
import { LOOKUP_SQL } from './sqlite-audit-store-lookup.js';
import { recorded } from './testing/recorded-events.js';
import { deliveryEntries } from './trail-delivery-log.js';

const ACCT = '111122223333';
const OTHER = '444455556666';
const T0 = Date.parse('2026-03-01T10:00:00Z');

let n = 0;
function event(o: Partial<CloudTrailEvent> & { at?: number } = {}): CloudTrailEvent {
  n++;
  const { at, ...rest } = o;
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'IAMUser', principalId: 'AIDAALICE', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT,
      accessKeyId: 'AKIAALICE', userName: 'alice',
    },
    eventTime: new Date(at ?? T0 + n * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `ev-${n}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...rest,
  };
}

const q = (o: Partial<LookupQuery> = {}): LookupQuery => ({ accountId: ACCT, region: 'us-east-1', maxResults: 50, ...o });
const page = (r: LookupPage | 'InvalidNextToken'): LookupPage => {
  assert.notEqual(r, 'InvalidNextToken');
  return r as LookupPage;
};
const ids = (r: LookupPage | 'InvalidNextToken') => page(r).events.map((e) => e.eventID);

describe('SQLite audit event store', () => {
  it('looks events up newest first, management events of the account and region only', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const a = event();
    const b = event({ eventName: 'GetObject', eventSource: 's3.amazonaws.com', managementEvent: false, eventCategory: 'Data' });
    const c = event({ recipientAccountId: OTHER });
    const d = event({ awsRegion: 'eu-west-1' });
    const e = event({ eventName: 'DeleteUser' });
    events.append(recorded([a, b, c, d, e]));
    assert.deepEqual(ids(events.lookup(q())), [e.eventID, a.eventID]);
    assert.deepEqual(ids(events.lookup(q({ accountId: OTHER }))), [c.eventID]);
    assert.deepEqual(ids(events.lookup(q({ region: 'eu-west-1' }))), [d.eventID]);
    close();
  });

  it('matches each lookup attribute', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const user = event();
    const role = event({
      eventName: 'ListUsers',
      readOnly: true,
      userIdentity: {
        type: 'AssumedRole', principalId: 'AROAROLE:sess', arn: `arn:aws:sts::${ACCT}:assumed-role/admin/sess`,
        accountId: ACCT, accessKeyId: 'ASIASESSION',
      },
    });
    const root = event({
      eventSource: 's3.amazonaws.com', eventName: 'CreateBucket',
      userIdentity: { type: 'Root', principalId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT, accessKeyId: 'AKIAROOT' },
      resources: [{ ARN: 'arn:aws:s3:::photos', accountId: ACCT, type: 'AWS::S3::Bucket' }],
    });
    const key = event({
      eventSource: 'kms.amazonaws.com', eventName: 'CreateKey',
      resources: [
        { ARN: `arn:aws:kms:us-east-1:${ACCT}:key/k1`, accountId: ACCT, type: 'AWS::KMS::Key' },
        { ARN: `arn:aws:kms:us-east-1:${ACCT}:key/k2`, accountId: ACCT, type: 'AWS::KMS::Key' },
      ],
    });
    events.append(recorded([user, role, root, key]));
    const by = (key: NonNullable<LookupQuery['attribute']>['key'], value: string) =>
      ids(events.lookup(q({ attribute: { key, value } })));
    assert.deepEqual(by('EventId', role.eventID), [role.eventID]);
    assert.deepEqual(by('EventName', 'CreateBucket'), [root.eventID]);
    assert.deepEqual(by('ReadOnly', 'true'), [role.eventID]);
    assert.deepEqual(by('ReadOnly', 'false'), [key.eventID, root.eventID, user.eventID]);
    assert.deepEqual(by('Username', 'alice'), [key.eventID, user.eventID]);
    assert.deepEqual(by('Username', 'sess'), [role.eventID], 'a role session by its session name');
    assert.deepEqual(by('Username', 'root'), [root.eventID]);
    assert.deepEqual(by('EventSource', 'kms.amazonaws.com'), [key.eventID]);
    assert.deepEqual(by('AccessKeyId', 'ASIASESSION'), [role.eventID]);
    assert.deepEqual(by('ResourceType', 'AWS::KMS::Key'), [key.eventID], 'two resources of a type: one event');
    assert.deepEqual(by('ResourceName', 'photos'), [root.eventID]);
    assert.deepEqual(by('ResourceName', 'arn:aws:s3:::photos'), [root.eventID]);
    assert.deepEqual(by('ResourceName', `arn:aws:kms:us-east-1:${ACCT}:key/k2`), [key.eventID]);
    assert.deepEqual(by('EventName', 'Nope'), []);
    close();
  });

  it('bounds by time, both ends inclusive', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const e = [0, 1, 2, 3].map((i) => event({ at: T0 + i * 60_000 }));
    events.append(recorded(e));
    const r = events.lookup(q({ startTime: new Date(T0 + 60_000), endTime: new Date(T0 + 120_000) }));
    assert.deepEqual(ids(r), [e[2].eventID, e[1].eventID]);
    assert.deepEqual(ids(events.lookup(q({ endTime: new Date(T0) }))), [e[0].eventID]);
    close();
  });

  it('pages with an opaque NextToken bound to its query; equal times are ordered by append', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const all = Array.from({ length: 7 }, (_, i) => event({ at: T0 + Math.floor(i / 2) * 1000 }));
    events.append(recorded(all));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const p = page(events.lookup(q({ maxResults: 3, nextToken: token })));
      seen.push(...p.events.map((e) => e.eventID));
      token = p.nextToken;
      pages++;
    } while (token !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual(seen, all.map((e) => e.eventID).reverse());
    const first = page(events.lookup(q({ maxResults: 2 })));
    assert.ok(first.nextToken);
    assert.equal(events.lookup(q({ maxResults: 2, nextToken: 'garbage' })), 'InvalidNextToken');
    const other = q({ maxResults: 2, nextToken: first.nextToken, attribute: { key: 'EventName', value: 'CreateUser' } });
    assert.equal(events.lookup(other), 'InvalidNextToken', 'a token of another query');
    assert.equal(page(events.lookup(q({ maxResults: 5, nextToken: first.nextToken }))).events.length, 5);
    close();
  });

  it('walks an index newest first: no sort, no scan of the table', () => {
    const db = new BetterSqlite3(':memory:');
    migrateAudit(db);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
      { account: ACCT, region: 'r', start: 0, end: 1, cursorTime: 1, cursorSeq: 1, limit: 1, value: 'v' },
    ) as { detail: string }[]).map((r) => r.detail).join('; ');
    const sqls = [LOOKUP_SQL.all(), ...LOOKUP_SQL.columns().map(LOOKUP_SQL.byColumn),
      LOOKUP_SQL.byResource('resource_type'), LOOKUP_SQL.byResource('resource_name')];
    for (const sql of sqls) {
      const p = plan(sql);
      assert.match(p, /USING (COVERING )?INDEX/, p);
      assert.doesNotMatch(p, /TEMP B-TREE FOR ORDER BY|SCAN events\b(?! USING)/, p);
    }
    db.close();
  });

  it('keeps the events trails selected as one delivery-log batch per append; lastSeq never goes back after pruning', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    assert.equal(events.lastSeq(), 0);
    const first = event();
    const data = event({ managementEvent: false, eventCategory: 'Data', eventName: 'GetObject' });
    const third = event();
    events.append([...recorded([first], [`${ACCT}/a`, `${ACCT}/b`]), ...recorded([data], [`${ACCT}/b`]), ...recorded([event()])]);
    events.append(recorded([third], [`${ACCT}/a`]));
    events.append(recorded([event()]));
    assert.equal(events.lastSeq(), 2, 'an append with no selected event adds no batch');
    const batches = events.deliveryAfter(0, 100);
    assert.deepEqual(batches.map((b) => b.seq), [1, 2]);
    const idsFor = (lines: string, key: string) => deliveryEntries(lines, key).map((e) => (JSON.parse(e.json) as CloudTrailEvent).eventID);
    assert.deepEqual(idsFor(batches[0]!.lines, `${ACCT}/b`), [first.eventID, data.eventID]);
    assert.deepEqual(idsFor(batches[0]!.lines, `${ACCT}/a`), [first.eventID]);
    assert.deepEqual(deliveryEntries(batches[0]!.lines, `${ACCT}/a`)[0], { region: 'us-east-1', eventTime: first.eventTime, json: JSON.stringify(first) });
    assert.deepEqual(events.deliveryAfter(0, 1).map((b) => b.seq), [1], 'no more batches once maxEvents are read');
    assert.deepEqual(events.deliveryAfter(1, 1).map((b) => b.seq), [2]);
    assert.equal(events.firstEventTimeAfter(1)?.toISOString(), new Date(third.eventTime).toISOString());
    assert.equal(events.firstEventTimeAfter(2), undefined);
    assert.ok(!ids(events.lookup(q())).includes(data.eventID), 'data events are not in the event history');
    assert.equal(events.prune({ before: new Date(T0 + 10 ** 9), maxEvents: 100 }), 4 + 3, 'history and delivery log');
    assert.equal(events.lastSeq(), 2);
    events.append(recorded([event()], [`${ACCT}/a`]));
    assert.deepEqual(events.deliveryAfter(0, 10).map((b) => b.seq), [3]);
    close();
  });

  it('prunes delivery-log batches older than a time, then the oldest beyond a count of events', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const data = (at: number) => event({ at, managementEvent: false, eventCategory: 'Data', eventName: 'GetObject' });
    for (const at of [T0, T0 + 1000, T0 + 2000, T0 + 3000]) events.append(recorded([data(at), data(at)], [`${ACCT}/a`]));
    assert.equal(events.prune({ before: new Date(T0 + 1000), maxEvents: 100 }), 2);
    assert.equal(events.prune({ before: new Date(T0), maxEvents: 3 }), 4, 'whole batches, oldest first, until at most 3 remain');
    assert.deepEqual(events.deliveryAfter(0, 100).map((b) => b.seq), [4]);
    assert.equal(events.prune({ before: new Date(T0), maxEvents: 3 }), 0);
    close();
  });

  it('prunes events older than a time, then the oldest beyond a count, with their resources', () => {
    const { events, close } = openAuditStore({ dataDir: ':memory:' });
    const res = [{ ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket' }];
    const e = Array.from({ length: 10 }, (_, i) => event({ at: T0 + i * 1000, resources: res }));
    events.append(recorded(e));
    assert.equal(events.prune({ before: new Date(T0 + 3000), maxEvents: 100 }), 3);
    assert.equal(events.prune({ before: new Date(T0), maxEvents: 4 }), 3);
    assert.deepEqual(ids(events.lookup(q())), e.slice(6).map((x) => x.eventID).reverse());
    assert.equal(page(events.lookup(q({ attribute: { key: 'ResourceName', value: 'b' } }))).events.length, 4);
    assert.equal(events.prune({ before: new Date(T0), maxEvents: 4 }), 0);
    close();
  });
});

function trail(name: string, o: Partial<TrailRecord> = {}): TrailRecord {
  return {
    accountId: ACCT, name, homeRegion: 'us-east-1', s3BucketName: 'logs', includeGlobalServiceEvents: true,
    isMultiRegionTrail: false, isOrganizationTrail: false, logFileValidationEnabled: true,
    eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
    createdAt: new Date(T0), isLogging: false, delivery: { deliveredSeq: 0 }, ...o,
  };
}

describe('SQLite trail store', () => {
  it('creates, reads, replaces, updates and deletes trails, dates kept as dates', () => {
    const { trails, close } = openAuditStore({ dataDir: ':memory:' });
    assert.equal(trails.create(trail('b')), true);
    assert.equal(trails.create(trail('a', { s3KeyPrefix: 'p' })), true);
    assert.equal(trails.create(trail('a')), false, 'the name is taken');
    assert.deepEqual(trails.get(ACCT, 'a'), trail('a', { s3KeyPrefix: 'p' }));
    assert.equal(trails.get(OTHER, 'a'), undefined);
    assert.deepEqual(trails.list(ACCT).map((t) => t.name), ['a', 'b']);
    const delivery = {
      deliveredSeq: 9, latestDeliveryTime: new Date(T0 + 5),
      pendingDigestFiles: [{ bucket: 'logs', key: 'k', sha256Hex: 'ab', oldestEventTime: new Date(T0), newestEventTime: new Date(T0 + 1) }],
    };
    assert.equal(trails.put(trail('a', { delivery })), true);
    assert.deepEqual(trails.get(ACCT, 'a')?.delivery, delivery);
    assert.equal(trails.put(trail('zzz')), false);
    const updated = trails.update(ACCT, 'a', (t) => ({ ...t, isLogging: true, startLoggingTime: new Date(T0 + 7) }));
    assert.equal(updated?.isLogging, true);
    assert.deepEqual(trails.get(ACCT, 'a')?.startLoggingTime, new Date(T0 + 7));
    assert.equal(trails.get(ACCT, 'a')?.delivery.deliveredSeq, 9, 'an update keeps what it did not change');
    assert.equal(trails.update(ACCT, 'zzz', (t) => t), undefined);
    assert.equal(trails.delete(ACCT, 'a'), true);
    assert.equal(trails.delete(ACCT, 'a'), false);
    close();
  });

  it('lists logging trails across accounts; version moves on every write, also seen by another process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-store-'));
    try {
      const one = openAuditStore({ dataDir: dir, shared: true });
      const two = openAuditStore({ dataDir: dir, shared: true });
      assert.equal((statSync(join(dir, 'audit.sqlite')).mode & 0o777).toString(8), '600');
      const v0 = two.trails.version();
      one.trails.create(trail('a', { isLogging: true }));
      one.trails.create({ ...trail('b', { isLogging: true }), accountId: OTHER });
      one.trails.create(trail('c'));
      const v1 = two.trails.version();
      assert.notEqual(v1, v0);
      assert.deepEqual(two.trails.logging().map((t) => `${t.accountId}/${t.name}`), [`${ACCT}/a`, `${OTHER}/b`]);
      assert.equal(two.trails.version(), v1, 'no write, no move');
      one.events.append(recorded([event()], [`${ACCT}/a`]));
      assert.equal(two.trails.version(), v1, 'an event append is not a trail change');
      one.trails.update(ACCT, 'a', (t) => ({ ...t, isLogging: false }));
      assert.notEqual(two.trails.version(), v1);
      assert.deepEqual(two.trails.logging().map((t) => t.name), ['b']);
      assert.equal(two.events.lastSeq(), 1, 'events appended by another process');
      one.close();
      two.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('tryAppend returns false at once while another process holds the write lock, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-store-'));
    try {
      const store = openAuditStore({ dataDir: dir, shared: true, busyTimeoutMs: 2000 });
      const other = new BetterSqlite3(join(dir, 'audit.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      assert.equal(store.events.tryAppend(recorded([event()], [`${ACCT}/a`])), false);
      assert.ok(Date.now() - started < 500, 'no busy wait');
      other.exec('COMMIT');
      assert.equal(store.events.lastSeq(), 0, 'nothing written');
      assert.equal(store.events.tryAppend(recorded([event()], [`${ACCT}/a`])), true);
      assert.equal(store.events.lastSeq(), 1);
      other.exec('BEGIN IMMEDIATE');
      assert.throws(() => store.events.append(recorded([event()], [`${ACCT}/a`])), /locked/, 'append waits its busy timeout, then fails');
      assert.ok(Date.now() - started >= 1900);
      other.exec('ROLLBACK');
      other.close();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
