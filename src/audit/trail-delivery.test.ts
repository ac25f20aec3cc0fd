import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { AuditEventStore, DeliveryBatch, TrailRecord, TrailStore } from './audit-ports.js';
import type { CloudTrailEvent } from './cloudtrail-event.js';
import type { ServiceObjectPut } from '../s3/service-object-writer.js';
import { ServiceError } from '../errors/service-error.js';
import { publicKeyFingerprint } from './trail-digest.js';
import { TrailDelivery, type TrailDeliveryOptions } from './trail-delivery.js';
import { deliveryLine } from './trail-delivery-log.js';
import { selectingTrail, selectingTrailKeys } from './trail-delivery-selection.js';
import { MemoryTrailStore, rsaKeyPair } from './trail-test-chain.js';
import { validateLogs } from './validate-logs.js';

const ACCOUNT = '111122223333';
const KEYS = rsaKeyPair();
const T0 = new Date('2026-03-01T10:00:00.000Z');
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`;

function event(over: Partial<CloudTrailEvent>): CloudTrailEvent {
  return {
    eventVersion: '1.11', userIdentity: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root` },
    eventTime: '2026-03-01T10:00:10Z', eventSource: 's3.amazonaws.com', eventName: 'CreateBucket',
    awsRegion: 'us-east-1', sourceIPAddress: '127.0.0.1', requestParameters: null, responseElements: null,
    requestID: 'R', eventID: 'E', readOnly: false, eventType: 'AwsApiCall', managementEvent: true,
    recipientAccountId: ACCOUNT, eventCategory: 'Management', ...over,
  };
}

const putObject = (key: string, over: Partial<CloudTrailEvent> = {}) => event({
  eventName: 'PutObject', managementEvent: false, eventCategory: 'Data', eventID: `put-${key}`,
  resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::data/${key}` }, { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::data' }],
  ...over,
});

function trail(over: Partial<TrailRecord> = {}): TrailRecord {
  return {
    accountId: ACCOUNT, name: 'audit', homeRegion: 'us-east-1', s3BucketName: 'trail-bucket',
    includeGlobalServiceEvents: true, isMultiRegionTrail: false, isOrganizationTrail: false,
    logFileValidationEnabled: false, createdAt: new Date(T0.getTime() - 60_000), isLogging: true,
    startLoggingTime: new Date(T0.getTime() - 30_000), delivery: { deliveredSeq: 0 }, ...over,
  };
}

/**
 * The delivery log as the recorder fills it: each event added is one batch, selected by the logging
 * trails of the moment; an event they do not select stands for a batch of other trails' events.
 */
class MemoryEvents implements Pick<AuditEventStore, 'deliveryAfter' | 'lastSeq'> {
  readonly batches: DeliveryBatch[] = [];
  reads = 0;
  constructor(private readonly logging: () => readonly TrailRecord[]) {}
  add(...events: CloudTrailEvent[]): void {
    for (const event of events) {
      const keys = selectingTrailKeys(event, this.logging().map(selectingTrail));
      const trails = keys.length > 0 ? keys : ['444455556666/another-trail'];
      this.batches.push({ seq: this.batches.length + 1, lines: deliveryLine({ event, json: JSON.stringify(event), trails }) });
    }
  }
  deliveryAfter(after: number, maxEvents: number): readonly DeliveryBatch[] {
    this.reads += 1;
    return this.batches.filter((b) => b.seq > after).slice(0, maxEvents);
  }
  lastSeq(): number {
    return this.batches.length;
  }
}

class MemoryTrails implements Pick<TrailStore, 'logging' | 'update'> {
  /** What another writer (the API) makes of the trail just before delivery saves; default: nothing. */
  meanwhile: (t: TrailRecord) => TrailRecord | undefined = (t) => t;
  constructor(public current: TrailRecord) {}
  logging(): readonly TrailRecord[] { return this.current.isLogging ? [this.current] : []; }
  update(accountId: string, name: string, change: (t: TrailRecord) => TrailRecord): TrailRecord | undefined {
    if (accountId !== this.current.accountId || name !== this.current.name) return undefined;
    const now = this.meanwhile(this.current);
    if (now === undefined) return undefined;
    this.current = change(now);
    return this.current;
  }
}

interface Fixture {
  readonly events: MemoryEvents;
  readonly trails: MemoryTrails;
  readonly bucket: MemoryTrailStore;
  readonly writes: ServiceObjectPut[];
  readonly delivery: TrailDelivery;
  access: 'Allowed' | 'NoSuchBucket' | 'Denied';
  now: Date;
  pass(): Promise<string>;
  at(ms: number): Promise<string>;
}

function fixture(t: TrailRecord, options: TrailDeliveryOptions = {}, failingWriter?: () => Error): Fixture {
  const bucket = new MemoryTrailStore();
  const writes: ServiceObjectPut[] = [];
  let unique = 0;
  const f: Fixture = {
    events: new MemoryEvents(() => f.trails.logging()),
    trails: new MemoryTrails(t),
    bucket,
    writes,
    access: 'Allowed',
    now: T0,
    delivery: undefined as unknown as TrailDelivery,
    pass: () => f.delivery.runPass({ signal: new AbortController().signal }),
    at: (ms) => {
      f.now = new Date(T0.getTime() + ms);
      return f.pass();
    },
  };
  (f as { delivery: TrailDelivery }).delivery = new TrailDelivery({
    events: f.events,
    trails: f.trails,
    writer: {
      put: async (input) => {
        if (failingWriter) throw failingWriter();
        writes.push(input);
        bucket.put({ ...input, metadata: input.metadata ?? {} });
      },
    },
    getBucket: async () => undefined,
    checkBucketAccess: async (_deps, input) => {
      assert.equal(input.trailArn, `arn:aws:cloudtrail:${f.trails.current.homeRegion}:${ACCOUNT}:trail/audit`);
      return f.access;
    },
    signingKey: { privateKey: KEYS.privateKey },
    now: () => f.now,
    uniqueString: () => `U${String(++unique).padStart(15, '0')}`,
  }, { deliveryIntervalMs: 5_000, digestPeriodMs: 60_000, ...options });
  return f;
}

function records(body: Buffer): { eventID: string; awsRegion: string }[] {
  return (JSON.parse(gunzipSync(body).toString()) as { Records: { eventID: string; awsRegion: string }[] }).Records;
}

describe('TrailDelivery', () => {
  it("delivers the trail's selected events in one gzip JSON file at CloudTrail's key and advances its cursor", async () => {
    const f = fixture(trail({ s3KeyPrefix: 'logs', eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::data/'] }] }] }));
    f.events.add(event({ eventID: 'mine' }), event({ eventID: 'other-account', recipientAccountId: '444455556666' }),
      putObject('a'), putObject('b', { resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::elsewhere/b' }] }));
    assert.equal(await f.pass(), 'Idle');
    assert.equal(f.writes.length, 1);
    const [file] = f.writes;
    assert.equal(file.key, `logs/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/01/`
      + `${ACCOUNT}_CloudTrail_us-east-1_20260301T1000Z_U000000000000001.json.gz`);
    assert.equal(file.bucket, 'trail-bucket');
    assert.equal(file.contentType, 'application/json');
    assert.equal(file.contentEncoding, 'gzip');
    assert.deepEqual(records(file.body).map((r) => r.eventID), ['mine', 'put-a']);
    const state = f.trails.current.delivery;
    assert.equal(state.deliveredSeq, 4);
    assert.equal(state.latestDeliveryTime?.toISOString(), T0.toISOString());
    assert.equal(state.pendingDigestFiles, undefined, 'no digest state without log file validation');
  });

  it('keeps events of other Regions out of a single-Region trail, and global events unless it includes them', async () => {
    const iam = event({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', eventID: 'iam' });
    const f = fixture(trail({ homeRegion: 'eu-west-1', includeGlobalServiceEvents: false }));
    f.events.add(event({ eventID: 'home', awsRegion: 'eu-west-1' }), event({ eventID: 'away' }), iam);
    await f.pass();
    assert.deepEqual(f.writes.flatMap((w) => records(w.body).map((r) => r.eventID)), ['home']);
    assert.equal(f.trails.current.delivery.deliveredSeq, 3, 'skipped events are passed too');

    const g = fixture(trail({ homeRegion: 'eu-west-1', includeGlobalServiceEvents: true }));
    g.events.add(event({ eventID: 'home', awsRegion: 'eu-west-1' }), event({ eventID: 'away' }), iam);
    await g.pass();
    assert.deepEqual(g.writes.map((w) => records(w.body).map((r) => r.eventID)), [['home'], ['iam']]);
    assert.match(g.writes[1].key, /\/CloudTrail\/us-east-1\/.*_CloudTrail_us-east-1_/, 'a file per Region, in its Region');
  });

  it('delivers every Region of a multi-Region trail, one file per Region', async () => {
    const f = fixture(trail({ isMultiRegionTrail: true }));
    f.events.add(event({ eventID: 'e1' }), event({ eventID: 'w1', awsRegion: 'eu-west-1' }), event({ eventID: 'e2' }));
    await f.pass();
    assert.deepEqual(f.writes.map((w) => [w.key.split('/')[3], records(w.body).map((r) => r.eventID)]),
      [['us-east-1', ['e1', 'e2']], ['eu-west-1', ['w1']]]);
  });

  it('leaves out events from before logging started and from the latest stop..start gap', async () => {
    const f = fixture(trail({ startLoggingTime: new Date('2026-03-01T09:50:00.400Z'), stopLoggingTime: new Date('2026-03-01T09:40:00Z') }));
    f.events.add(event({ eventID: 'before-stop', eventTime: '2026-03-01T09:39:59Z' }),
      event({ eventID: 'stopped', eventTime: '2026-03-01T09:45:00Z' }),
      event({ eventID: 'same-second', eventTime: '2026-03-01T09:50:00Z' }));
    await f.pass();
    assert.deepEqual(records(f.writes[0].body).map((r) => r.eventID), ['before-stop', 'same-second']);
  });

  it('records AccessDenied / NoSuchBucket as LatestDeliveryError and keeps the events for later', async () => {
    const f = fixture(trail());
    f.events.add(event({ eventID: 'one' }));
    f.access = 'Denied';
    await f.pass();
    assert.equal(f.writes.length, 0);
    assert.equal(f.trails.current.delivery.latestDeliveryError, 'AccessDenied');
    assert.equal(f.trails.current.delivery.deliveredSeq, 0);
    assert.equal(f.trails.current.delivery.latestDeliveryAttemptTime?.toISOString(), T0.toISOString());
    f.access = 'NoSuchBucket';
    await f.at(5_000);
    assert.equal(f.trails.current.delivery.latestDeliveryError, 'NoSuchBucket');
    f.access = 'Allowed';
    await f.at(10_000);
    assert.deepEqual(records(f.writes[0].body).map((r) => r.eventID), ['one']);
    assert.equal(f.trails.current.delivery.latestDeliveryError, undefined);
    assert.equal(f.trails.current.delivery.deliveredSeq, 1);
  });

  it("records the writer's S3 error code (a KMS key that cannot be used) without advancing", async () => {
    const f = fixture(trail(), {}, () => new ServiceError('KMS.DisabledException', 'disabled', 400));
    f.events.add(event({}));
    await f.pass();
    assert.equal(f.trails.current.delivery.latestDeliveryError, 'KMS.DisabledException');
    assert.equal(f.trails.current.delivery.deliveredSeq, 0);
  });

  it('delivers at most once per interval, and a backlog in several files pass after pass', async () => {
    const f = fixture(trail(), { maxEventsPerFile: 2 });
    f.events.add(...['a', 'b', 'c', 'd', 'e'].map((id) => event({ eventID: id })));
    assert.equal(await f.pass(), 'More');
    assert.equal(await f.at(1), 'More', 'a backlog does not wait for the interval');
    assert.equal(await f.at(2), 'Idle');
    assert.deepEqual(f.writes.map((w) => records(w.body).map((r) => r.eventID)), [['a', 'b'], ['c', 'd'], ['e']]);
    f.events.add(event({ eventID: 'f' }));
    const reads = f.events.reads;
    assert.equal(await f.at(3), 'Idle');
    assert.equal(f.events.reads, reads, 'not yet: the interval has not passed');
    await f.at(5_002);
    assert.deepEqual(records(f.writes[3].body).map((r) => r.eventID), ['f']);
  });

  it('keeps settings and a cursor the API changed while the pass ran; leaves a trail made again meanwhile alone', async () => {
    const f = fixture(trail());
    f.events.add(event({}), event({}));
    f.trails.meanwhile = (t) => ({ ...t, s3KeyPrefix: 'changed', delivery: { ...t.delivery, deliveredSeq: 7 } });
    await f.pass();
    assert.equal(f.trails.current.s3KeyPrefix, 'changed');
    assert.equal(f.trails.current.delivery.deliveredSeq, 7, 'StartLogging moved the cursor ahead');
    assert.ok(f.trails.current.delivery.latestDeliveryTime);
    const g = fixture(trail());
    g.events.add(event({}));
    g.trails.meanwhile = (t) => ({ ...t, createdAt: new Date(), delivery: { deliveredSeq: 0 } });
    await g.pass();
    assert.deepEqual(g.trails.current.delivery, { deliveredSeq: 0 });
  });
});

describe('TrailDelivery digests', () => {
  const validate = (f: Fixture, endMs: number) => validateLogs(f.bucket, {
    trailArn: ARN, bucket: 'trail-bucket', startTime: new Date(T0.getTime() - 3_600_000), endTime: new Date(T0.getTime() + endMs),
    publicKeys: new Map([[publicKeyFingerprint(KEYS.publicKey), KEYS.publicKey]]),
  });

  /** Delivers a file at 0 s and 70 s; digests at 60 s (one file), 120 s (one file, linked), 180 s (empty). */
  async function chain(): Promise<Fixture> {
    const f = fixture(trail({ logFileValidationEnabled: true, startLoggingTime: T0 }));
    f.events.add(event({ eventID: 'first' }));
    await f.pass();
    await f.at(60_000);
    f.events.add(event({ eventID: 'second', eventTime: '2026-03-01T10:01:05Z' }));
    await f.at(70_000);
    await f.at(120_000);
    await f.at(180_000);
    return f;
  }

  it('writes a signed digest each period, listing the files delivered in it and linked to the previous one', async () => {
    const f = await chain();
    const digests = f.writes.filter((w) => w.key.includes('CloudTrail-Digest'));
    assert.deepEqual(digests.map((d) => d.key.split('_').at(-1)), ['20260301T100100Z.json.gz', '20260301T100200Z.json.gz',
      '20260301T100300Z.json.gz']);
    assert.match(digests[0].key, new RegExp(`^AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/03/01/`
      + `${ACCOUNT}_CloudTrail-Digest_us-east-1_audit_us-east-1_20260301T100100Z\\.json\\.gz$`));
    const docs = digests.map((d) => JSON.parse(gunzipSync(d.body).toString()) as Record<string, unknown>);
    assert.equal(docs[0].digestStartTime, '2026-03-01T10:00:00Z');
    assert.equal(docs[0].previousDigestSignature, null);
    assert.equal((docs[0].logFiles as unknown[]).length, 1);
    assert.equal(docs[1].previousDigestS3Object, digests[0].key);
    assert.equal(docs[1].previousDigestSignature, digests[0].metadata?.signature);
    assert.equal(docs[1].oldestEventTime, '2026-03-01T10:01:05Z');
    assert.deepEqual(docs[2].logFiles, [], 'a digest is delivered even when no file was');
    assert.equal(digests[0].metadata?.['signature-algorithm'], 'SHA256withRSA');
    const state = f.trails.current.delivery;
    assert.equal(state.latestDigestDeliveryTime?.toISOString(), '2026-03-01T10:03:00.000Z');
    assert.deepEqual(state.pendingDigestFiles, []);
    assert.equal(state.previousDigest?.key, digests[2].key);
    const result = await validate(f, 200_000);
    assert.deepEqual([result.digests, result.logs], [{ valid: 3, invalid: 0 }, { valid: 2, invalid: 0 }]);
  });

  it('lets validate-logs name an altered and a deleted delivered log file', async () => {
    const f = await chain();
    const [first, second] = f.writes.filter((w) => w.key.includes('/CloudTrail/'));
    f.bucket.alterContent(first.bucket, first.key, '"first"', '"fir5t"');
    f.bucket.delete(second.bucket, second.key);
    const result = await validate(f, 200_000);
    const bad = result.entries.flatMap((e) => (e.kind === 'Log file' && e.status !== 'valid' ? [[e.key, e.status]] : []));
    assert.deepEqual(bad.sort(), [[first.key, "INVALID: hash value doesn't match"], [second.key, 'INVALID: not found']].sort());
  });

  it('records a refused digest as LatestDigestDeliveryError and writes it once the bucket is fixed', async () => {
    const f = fixture(trail({ logFileValidationEnabled: true, startLoggingTime: T0 }));
    f.access = 'Denied';
    await f.at(60_000);
    assert.equal(f.trails.current.delivery.latestDigestDeliveryError, 'AccessDenied');
    assert.equal(f.trails.current.delivery.previousDigest, undefined);
    f.access = 'Allowed';
    await f.at(65_000);
    assert.equal(f.trails.current.delivery.latestDigestDeliveryError, undefined);
    const state: { previousDigest?: { key: string } } = f.trails.current.delivery;
    assert.match(state.previousDigest?.key ?? '', /_20260301T100105Z\.json\.gz$/);
  });

  it('starts a new chain when logging restarted after the last digest, and drops it when validation is off', async () => {
    const f = await chain();
    const lastKey = f.trails.current.delivery.previousDigest?.key;
    f.trails.current = { ...f.trails.current, startLoggingTime: new Date(T0.getTime() + 200_000) };
    await f.at(260_000);
    const restarted = JSON.parse(gunzipSync(f.writes.at(-1)!.body).toString()) as Record<string, unknown>;
    assert.equal(restarted.previousDigestS3Object, null);
    assert.equal(restarted.digestStartTime, '2026-03-01T10:03:20Z');
    assert.notEqual(f.trails.current.delivery.previousDigest?.key, lastKey);
    f.trails.current = { ...f.trails.current, logFileValidationEnabled: false };
    await f.at(400_000);
    assert.equal(f.trails.current.delivery.previousDigest, undefined);
    assert.equal(f.trails.current.delivery.pendingDigestFiles, undefined);
  });
});
