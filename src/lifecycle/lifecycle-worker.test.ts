/**
 * The lifecycle worker over the real embedded storage, with an injected clock: what each pass
 * expires, its budget and cursor, resuming after a restart, uploads, and versioned buckets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { bucketRecord, objectRecord, uploadRecord } from '../storage/contract/fixtures.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../storage/embedded.js';
import { ObjectsService } from '../storage/objects-service.js';
import type { BucketConfigChange } from '../storage/ports.js';
import type { PassResult } from '../server/background-jobs.js';
import { objectsServiceLifecycleActions } from './lifecycle-actions.js';
import { AWS_DAY_MS, LifecycleDays } from './lifecycle-days.js';
import type { LifecycleRule } from './lifecycle-rule.js';
import { LifecycleWorker, type LifecycleActionEvent } from './lifecycle-worker.js';

const DAY = AWS_DAY_MS;
const T0 = Date.parse('2024-05-01T10:00:00Z');

let storage: EmbeddedStorage;
let service: ObjectsService;
let clock = T0;
let events: LifecycleActionEvent[] = [];
const dirs: string[] = [];

beforeEach(async () => {
  await storage?.close();
  const dir = mkdtempSync(join(tmpdir(), 'strongbox-lifecycle-'));
  dirs.push(dir);
  storage = await openEmbeddedStorage({ dataDir: dir });
  service = new ObjectsService(storage);
  clock = T0;
  events = [];
});
after(async () => {
  await storage.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function worker(budget = { items: 1000, ms: 10_000 }): LifecycleWorker {
  return new LifecycleWorker({
    storage,
    background: storage.background,
    actions: objectsServiceLifecycleActions(service, storage.objects),
    days: new LifecycleDays(),
    now: () => new Date(clock),
    onAction: (e) => events.push(e),
    budget,
    saveEveryMs: 0,
  });
}

const rule = (r: Partial<LifecycleRule> & { id: string }): LifecycleRule => ({
  status: 'Enabled',
  filter: { form: 'Empty' },
  transitions: [],
  noncurrentVersionTransitions: [],
  ...r,
});

async function bucket(name: string, rules: LifecycleRule[], change: BucketConfigChange = {}): Promise<void> {
  await storage.buckets.createBucket(bucketRecord(name));
  await storage.buckets.updateBucketConfig(name, { ...change, lifecycle: { rules } });
}

async function put(bucketName: string, key: string, at: number): Promise<string | null> {
  const outcome = await service.put({ ...objectRecord(bucketName, key, [], { lastModified: new Date(at), size: 1, etag: `e-${key}-${at}` }), inline: Buffer.from('x') });
  assert.equal(outcome.outcome, 'Written');
  return outcome.outcome === 'Written' ? outcome.versionId : null;
}

async function keys(bucketName: string): Promise<string[]> {
  return (await storage.objects.listObjects({ bucket: bucketName, prefix: '', delimiter: '', after: '', maxKeys: 1000 })).objects.map((o) => o.key);
}

async function versions(bucketName: string): Promise<string[]> {
  const page = await storage.objects.listObjectVersions({ bucket: bucketName, prefix: '', delimiter: '', keyMarker: '', maxKeys: 1000 });
  return page.versions.map((v) => (v.kind === 'Object' ? `${v.object.key}@${v.object.versionId}` : `${v.marker.key}@${v.marker.versionId}(marker)`));
}

async function runUntilIdle(w: LifecycleWorker): Promise<number> {
  let passes = 0;
  let result: PassResult;
  do {
    result = await w.runPass({ signal: new AbortController().signal });
    passes++;
  } while (result === 'More' && passes < 1000);
  return passes;
}

describe('lifecycle worker: current versions of an unversioned bucket', () => {
  it('expires what a rule selects once due, once a day, and reports each deletion', async () => {
    await bucket('b1', [rule({ id: 'tmp', filter: { form: 'Prefix', prefix: 'tmp/' }, expiration: { days: 1 } })]);
    await put('b1', 'tmp/a', T0);
    await put('b1', 'keep/b', T0);
    const w = worker();
    clock = T0 + DAY / 2;
    await runUntilIdle(w);
    assert.deepEqual(await keys('b1'), ['keep/b', 'tmp/a'], 'not due before the next midnight after a day');
    clock = Date.parse('2024-05-03T00:00:00Z');
    await runUntilIdle(w);
    assert.deepEqual(await keys('b1'), ['keep/b']);
    assert.deepEqual(events.map((e) => [e.action, e.key, e.ruleId, e.outcome]), [['ExpireCurrent', 'tmp/a', 'tmp', 'Applied']]);
    // An object written after the day's scan waits for the next day's scan.
    await put('b1', 'tmp/c', T0);
    await runUntilIdle(w);
    assert.deepEqual(await keys('b1'), ['keep/b', 'tmp/c']);
    clock += DAY;
    await runUntilIdle(w);
    assert.deepEqual(await keys('b1'), ['keep/b']);
  });

  it('a new configuration is applied at once, not the next day', async () => {
    await bucket('b2', [rule({ id: 'never', filter: { form: 'Prefix', prefix: 'none/' }, expiration: { days: 1 } })]);
    await put('b2', 'x', T0);
    const w = worker();
    clock = T0 + 3 * DAY;
    await runUntilIdle(w);
    assert.deepEqual(await keys('b2'), ['x']);
    await storage.buckets.updateBucketConfig('b2', { lifecycle: { rules: [rule({ id: 'all', expiration: { days: 1 } })] } });
    await runUntilIdle(w);
    assert.deepEqual(await keys('b2'), []);
    // Without rules the bucket is not visited, and its progress record goes at the next day's pruning.
    assert.deepEqual(await storage.background.listProgressScopes('lifecycle'), ['b2']);
    await storage.buckets.updateBucketConfig('b2', { lifecycle: null });
    clock += DAY;
    await runUntilIdle(w);
    assert.deepEqual(await storage.background.listProgressScopes('lifecycle'), []);
  });

  it('a pass stops at its budget; the cursor survives a restart (a new worker goes on from it)', async () => {
    await bucket('b3', [rule({ id: 'all', expiration: { days: 1 } })]);
    for (let i = 0; i < 30; i++) await put('b3', `k${String(i).padStart(2, '0')}`, T0);
    clock = T0 + 2 * DAY;
    const first = await worker({ items: 10, ms: 10_000 }).runPass({ signal: new AbortController().signal });
    assert.equal(first, 'More');
    assert.equal((await keys('b3')).length, 20);
    const markers: string[] = [];
    const listing = storage.objects.listObjectVersions.bind(storage.objects);
    storage.objects.listObjectVersions = (q) => (markers.push(q.keyMarker), listing(q));
    try {
      await runUntilIdle(worker({ items: 10, ms: 10_000 }));
    } finally {
      storage.objects.listObjectVersions = listing;
    }
    assert.notEqual(markers[0], '', 'the restarted worker resumed from the saved cursor');
    assert.deepEqual(await keys('b3'), []);
  });
});

describe('lifecycle worker: failures', () => {
  it('a change that throws is reported as Failed and does not hold back the keys after it', async () => {
    await bucket('f1', [rule({ id: 'all', expiration: { days: 1 } })]);
    for (const key of ['a', 'bad', 'c']) await put('f1', key, T0);
    const real = objectsServiceLifecycleActions(service, storage.objects);
    const w = new LifecycleWorker({
      storage,
      background: storage.background,
      actions: {
        ...real,
        expireCurrent: async (b, key, v, at) => (key === 'bad' ? Promise.reject(new Error('disk on fire')) : real.expireCurrent(b, key, v, at)),
      },
      days: new LifecycleDays(),
      now: () => new Date(clock),
      onAction: (e) => events.push(e),
    });
    clock = T0 + 2 * DAY;
    await runUntilIdle(w);
    assert.deepEqual(await keys('f1'), ['bad']);
    assert.deepEqual(events.map((e) => [e.key, e.outcome, e.error]), [['a', 'Applied', undefined], ['bad', 'Failed', 'disk on fire'], ['c', 'Applied', undefined]]);
  });
});

describe('lifecycle worker: multipart uploads', () => {
  it('aborts uploads DaysAfterInitiation after they began, under matching prefixes only', async () => {
    await bucket('u1', [rule({ id: 'abort', filter: { form: 'Prefix', prefix: 'tmp/' }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } })]);
    await storage.multipart.createUpload(uploadRecord('u1', 'tmp/big', 'upload-1', { initiatedAt: new Date(T0) }));
    await storage.multipart.createUpload(uploadRecord('u1', 'keep/big', 'upload-2', { initiatedAt: new Date(T0) }));
    clock = T0 + 2 * DAY;
    await runUntilIdle(worker());
    const left = await storage.multipart.listUploads({ bucket: 'u1', prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 10 });
    assert.deepEqual(left.uploads.map((u) => u.key), ['keep/big']);
    assert.deepEqual(events.map((e) => [e.action, e.uploadId]), [['AbortIncompleteMultipartUpload', 'upload-1']]);
  });
});

describe('lifecycle worker: versioned buckets', () => {
  it('current expiry leaves a delete marker; noncurrent versions and then the lone marker go', async () => {
    const rules = [rule({ id: 'r', expiration: { days: 3 }, noncurrentVersionExpiration: { noncurrentDays: 1 } })];
    await bucket('v1', rules, { versioning: 'Enabled' });
    const first = await put('v1', 'k', T0);
    const second = await put('v1', 'k', T0 + 1000);
    const w = worker();
    // 05-03: the first version (noncurrent since 05-01 10:00:01) is due; the current one (3 days) is not.
    clock = Date.parse('2024-05-03T00:00:00Z');
    await runUntilIdle(w);
    assert.deepEqual(await versions('v1'), [`k@${second}`]);
    // 05-05: the current version expires into a delete marker and stays as a noncurrent version.
    clock = Date.parse('2024-05-05T00:00:00Z');
    await runUntilIdle(w);
    const afterExpiry = await versions('v1');
    assert.equal(afterExpiry.length, 2);
    assert.match(afterExpiry[0], /\(marker\)$/);
    assert.deepEqual(await keys('v1'), []);
    // 05-06: the version made noncurrent on 05-05 goes; the marker, alone now, once 3 days old (05-08).
    clock = Date.parse('2024-05-06T00:00:00Z');
    await runUntilIdle(w);
    assert.equal((await versions('v1')).length, 1);
    clock = Date.parse('2024-05-07T00:00:00Z');
    await runUntilIdle(w);
    assert.equal((await versions('v1')).length, 1);
    clock = Date.parse('2024-05-08T00:00:00Z');
    await runUntilIdle(w);
    assert.deepEqual(await versions('v1'), []);
    assert.deepEqual(events.map((e) => e.action), ['ExpireNoncurrent', 'ExpireCurrent', 'ExpireNoncurrent', 'RemoveExpiredDeleteMarker']);
    assert.equal(events[0].versionId, first);
  });

  it('NewerNoncurrentVersions keeps the newest noncurrent versions whatever their age', async () => {
    await bucket('v2', [rule({ id: 'keep2', noncurrentVersionExpiration: { noncurrentDays: 1, newerNoncurrentVersions: 2 } })], { versioning: 'Enabled' });
    const ids: (string | null)[] = [];
    for (let i = 0; i < 5; i++) ids.push(await put('v2', 'k', T0 + i * 1000));
    clock = T0 + 5 * DAY;
    await runUntilIdle(worker());
    assert.deepEqual(await versions('v2'), [ids[4], ids[3], ids[2]].map((id) => `k@${id}`));
  });

  it('an object rewritten after the pass looked is not what expires', async () => {
    await bucket('v3', [rule({ id: 'r', expiration: { days: 1 } })]);
    await put('v3', 'k', T0);
    const actions = objectsServiceLifecycleActions(service, storage.objects);
    const current = await storage.objects.getCurrentVersion('v3', 'k');
    assert.ok(current?.kind === 'Object');
    await put('v3', 'k', T0 + 5000);
    const outcome = await actions.expireCurrent(
      (await storage.buckets.getBucket('v3'))!,
      'k',
      { versionId: null, isDeleteMarker: false, lastModified: current.object.lastModified, size: 1, etag: current.object.etag, tags: [] },
      new Date(T0 + 3 * DAY),
    );
    assert.equal(outcome, 'Changed');
    assert.deepEqual(await keys('v3'), ['k']);
  });
});
