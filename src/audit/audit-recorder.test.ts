import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEventStore, RecordedEvent, TrailRecord, TrailStore } from './audit-ports.js';
import { AuditRecorder } from './audit-recorder.js';
import type { RequestRecord } from './request-record.js';

const ACCT = '111122223333';
const alice = {
  kind: 'User' as const, accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/alice`, userId: 'AIDAALICE', userName: 'alice',
  path: '/', accessKeyId: 'AKIAALICE',
};

function record(over: Partial<RequestRecord>): RequestRecord {
  return {
    requestId: 'REQ1', eventTime: new Date('2026-12-07T10:00:00Z'), service: 'iam', region: 'us-east-1',
    operation: 'CreateUser', authenticationType: 'AuthHeader', signatureVersion: 'SigV4', sourceIp: '127.0.0.1',
    http: { method: 'POST', uri: '/', version: 'HTTP/1.1' }, status: 200, bytesIn: 0, bytesOut: 0, totalTimeMs: 1,
    completed: false, caller: alice, ...over,
  };
}

const getObject = record({
  service: 's3', operation: 'GetObject', requestParameters: { bucketName: 'b', key: 'k' },
  resources: [{ arn: 'arn:aws:s3:::b/k', accountId: ACCT, type: 'AWS::S3::Object' }],
  s3: { bucket: 'b', key: 'k', bucketOwnerAccountId: ACCT },
});

function bed(trails: TrailRecord[]) {
  const appended: RecordedEvent[][] = [];
  const append = (e: readonly RecordedEvent[]) => void appended.push([...e]);
  const events = { append, tryAppend: (e: readonly RecordedEvent[]) => (append(e), true) } as unknown as AuditEventStore;
  const store = { version: () => trails.length, logging: () => trails } as unknown as TrailStore;
  let n = 0;
  const recorder = new AuditRecorder({ events, trails: store, newEventId: () => `id-${++n}` });
  return { recorder, appended };
}

function trail(over: Partial<TrailRecord>): TrailRecord {
  return {
    accountId: ACCT, name: 't', homeRegion: 'us-east-1', s3BucketName: 'logs', includeGlobalServiceEvents: true,
    isMultiRegionTrail: true, isOrganizationTrail: false, logFileValidationEnabled: false, createdAt: new Date(),
    isLogging: true, delivery: { deliveredSeq: 0 }, ...over,
  };
}

test('management events are written ahead, batched: requests of one turn share one append', async () => {
  const { recorder, appended } = bed([]);
  const a = recorder.beforeResponse(record({ requestId: 'A' }));
  const b = recorder.beforeResponse(record({ requestId: 'B' }));
  assert.ok(a && b);
  assert.equal(appended.length, 0, 'nothing is written before the turn ends');
  await Promise.all([a, b]);
  assert.equal(appended.length, 1);
  assert.deepEqual(appended[0]!.map((r) => r.event.requestID), ['A', 'B']);
  assert.deepEqual(appended[0]!.map((r) => r.trails), [[], []], 'kept for the event history, no trail to deliver them');
  assert.equal(appended[0]![0]!.json, JSON.stringify(appended[0]![0]!.event), 'rendered once, for the store');
});

test('a data event is kept only when a logging trail of the account selects it, with the keys of those trails', async () => {
  assert.equal(bed([]).recorder.beforeResponse(getObject), undefined, 'no trail: nothing to wait for');
  const managementOnly = bed([trail({})]);
  assert.equal(managementOnly.recorder.beforeResponse(getObject), undefined);
  const otherBucket = bed([trail({ eventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::other/'] }] }] })]);
  await otherBucket.recorder.beforeResponse(getObject);
  assert.deepEqual(otherBucket.appended.flat(), [], 'selected by no trail: dropped');
  const allData = [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }];
  const all = bed([trail({ eventSelectors: allData }), trail({ name: 'u', eventSelectors: allData }), trail({ name: 'v' })]);
  await all.recorder.beforeResponse(getObject);
  assert.equal(all.appended[0]![0]!.event.eventCategory, 'Data');
  assert.deepEqual(all.appended[0]![0]!.trails, [`${ACCT}/t`, `${ACCT}/u`]);
  const management = await all.recorder.beforeResponse(record({}));
  assert.equal(management, undefined);
  assert.deepEqual(all.appended[1]![0]!.trails, [`${ACCT}/t`, `${ACCT}/u`, `${ACCT}/v`], 'management events: every default trail');
});

test('a request that was never routed, or of a service CloudTrail does not know, records nothing', () => {
  const { recorder } = bed([]);
  assert.equal(recorder.beforeResponse(record({ operation: undefined })), undefined);
  assert.equal(recorder.beforeResponse(record({ service: 'workloads' })), undefined);
});

test('a failed append rejects the batch it was for', async () => {
  const events = { tryAppend: () => { throw new Error('disk full'); } } as unknown as AuditEventStore;
  const recorder = new AuditRecorder({ events, trails: { version: () => 0, logging: () => [] } as unknown as TrailStore, newEventId: () => 'x' });
  await assert.rejects(recorder.beforeResponse(record({}))!, /disk full/);
});

test('while another process holds the store busy, batches are held without waiting, later ones join in order', async () => {
  const appended: string[][] = [];
  let busyFor = 4;
  const tries: number[] = [];
  let clock = 0;
  const events = {
    tryAppend: (e: readonly RecordedEvent[]) => {
      tries.push(e.length);
      if (busyFor-- > 0) return false;
      appended.push(e.map((r) => r.event.requestID));
      return true;
    },
    append: () => assert.fail('no waiting append while the hold lasts'),
  } as unknown as AuditEventStore;
  const trails = { version: () => 0, logging: () => [] } as unknown as TrailStore;
  const recorder = new AuditRecorder({ events, trails, newEventId: () => 'x', nowMs: () => clock });
  const a = recorder.beforeResponse(record({ requestId: 'A' }))!;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(tries, [1], 'tried once at the end of the turn, found busy, returned at once');
  const b = recorder.beforeResponse(record({ requestId: 'B' }))!;
  await Promise.all([a, b]);
  assert.deepEqual(appended, [['A', 'B']], 'one append, in arrival order, once the lock was free');
  assert.ok(tries.length >= 5 && tries.length <= 7, `a bounded number of tries: ${tries}`);

  // Past the hold limit a batch waits for the lock (the store's busy timeout), and fails with it.
  const waited: string[] = [];
  const stuck = {
    tryAppend: () => false,
    append: (e: readonly RecordedEvent[]) => {
      waited.push(...e.map((r) => r.event.requestID));
      throw new Error('database is locked');
    },
  } as unknown as AuditEventStore;
  const late = new AuditRecorder({ events: stuck, trails, newEventId: () => 'y', nowMs: () => clock });
  const c = late.beforeResponse(record({ requestId: 'C' }))!;
  await new Promise((r) => setImmediate(r));
  clock += 1000;
  await assert.rejects(c, /database is locked/);
  assert.deepEqual(waited, ['C']);
});

test('flush (shutdown) writes held and pending batches, waiting for the lock', async () => {
  const appended: string[][] = [];
  const events = {
    tryAppend: () => false,
    append: (e: readonly RecordedEvent[]) => void appended.push(e.map((r) => r.event.requestID)),
  } as unknown as AuditEventStore;
  const recorder = new AuditRecorder({ events, trails: { version: () => 0, logging: () => [] } as unknown as TrailStore, newEventId: () => 'x' });
  const a = recorder.beforeResponse(record({ requestId: 'A' }))!;
  await new Promise((r) => setImmediate(r));
  const b = recorder.beforeResponse(record({ requestId: 'B' }))!;
  recorder.flush();
  await Promise.all([a, b]);
  assert.deepEqual(appended, [['A', 'B']]);
});
