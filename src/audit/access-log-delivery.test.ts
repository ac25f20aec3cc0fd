import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { canonicalUserId } from '../identity/canonical-user.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import { ACL_GROUPS, type BucketRecord } from '../storage/ports.js';
import type { BucketLoggingConfig } from './access-log-config.js';
import { accessLogDeliveryJob } from './access-log-delivery-job.js';
import { AccessLogDelivery, type AccessLogDeliveryOptions, type DeliveryLogger } from './access-log-delivery.js';
import type { RequestRecord } from './request-record.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const T0 = Date.UTC(2024, 2, 9, 23, 59, 30);

/** The bucket policy of AWS's "Permissions for log delivery" example, for `source` logging into `target/logs/`. */
function docPolicy(target: string, source: string, account = OWNER): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'S3ServerAccessLogsPolicy',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: ['s3:PutObject'],
        Resource: `arn:aws:s3:::${target}/logs/*`,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${source}` }, StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  });
}

const LOGS_TO_TARGET: BucketLoggingConfig = { targetBucket: 'target', targetPrefix: 'logs/', targetGrants: [] };

function bucket(name: string, over: Partial<BucketRecord> = {}): BucketRecord {
  return newBucketRecord({ name, ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0), ...over });
}

function withPolicy(b: BucketRecord, document: string, revision = 1): BucketRecord {
  return { ...b, policy: { document, revision } };
}

function request(over: Partial<RequestRecord> = {}, key = 'photo.jpg'): RequestRecord {
  return {
    requestId: 'REQ1',
    eventTime: new Date(T0),
    service: 's3',
    region: 'us-east-1',
    operation: 'GetObject',
    authenticationType: 'AuthHeader',
    signatureVersion: 'SigV4',
    sourceIp: '127.0.0.1',
    userAgent: 'aws-cli/2',
    http: { method: 'GET', uri: `/source/${key}`, version: 'HTTP/1.1' },
    status: 200,
    bytesIn: 0,
    bytesOut: 10,
    totalTimeMs: 1,
    completed: true,
    s3: { bucket: 'source', bucketOwnerAccountId: OWNER, bucketOwnerCanonicalId: canonicalUserId(OWNER), key },
    ...over,
  };
}

interface Written {
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
}

function harness(buckets: BucketRecord[], over: Partial<AccessLogDeliveryOptions> = {}) {
  const store = new Map(buckets.map((b) => [b.name, b]));
  const written: Written[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const clock = { t: T0 };
  let reads = 0;
  let unique = 0;
  const logger: DeliveryLogger = { warn: (_o, msg) => warnings.push(msg), error: (_o, msg) => errors.push(msg) };
  const delivery = new AccessLogDelivery({
    getBucket: async (name) => {
      reads++;
      return store.get(name);
    },
    writer: {
      put: async (o) => {
        written.push({ bucket: o.bucket, key: o.key, body: o.body.toString('utf8'), contentType: o.contentType });
      },
    },
    logger,
    now: () => new Date(clock.t),
    uniqueString: () => `U${++unique}`,
    ...over,
  });
  // Routing reads the bucket: its logging setting travels in the record, as the pipeline builds it.
  const recordOne = delivery.record.bind(delivery);
  const record = (r: RequestRecord) => {
    const logging = r.s3?.bucket === undefined ? undefined : store.get(r.s3.bucket)?.logging;
    recordOne(r.s3 === undefined ? r : { ...r, s3: { ...r.s3, logging } });
  };
  return { delivery: Object.assign(delivery, { record }), store, written, warnings, errors, clock, reads: () => reads };
}

/** Lets pending configuration reads settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('access log delivery', () => {
  it('delivers the lines of a logging bucket, the first request included, as one text/plain object', async () => {
    const source = bucket('source', { logging: LOGS_TO_TARGET });
    const h = harness([source, withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    h.delivery.record(request({ requestId: 'A' }));
    h.delivery.record(request({ requestId: 'B' }));
    await settle();
    h.delivery.record(request({ requestId: 'C' }));
    const report = await h.delivery.flush();
    assert.deepEqual(report, { delivered: 1, deliveredLines: 3, dropped: 0, droppedLines: 0 });
    assert.equal(h.written.length, 1);
    const [obj] = h.written;
    assert.equal(obj.bucket, 'target');
    assert.equal(obj.key, 'logs/2024-03-09-23-59-30-U1');
    assert.equal(obj.contentType, 'text/plain');
    const lines = obj.body.split('\n');
    assert.equal(lines.pop(), '', 'every line ends with a newline');
    assert.deepEqual(lines.map(requestIdOf), ['A', 'B', 'C']);
    assert.ok(lines.every((l) => l.split(' ')[7] === 'REST.GET.OBJECT'));
    assert.equal(h.warnings.length, 0);
    assert.deepEqual(await h.delivery.flush(), { delivered: 0, deliveredLines: 0, dropped: 0, droppedLines: 0 });
  });

  it('names the source bucket owner by canonical id even when the record does not', async () => {
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    h.delivery.record(request({ s3: { bucket: 'source', bucketOwnerAccountId: OWNER, key: 'k' } }));
    await settle();
    h.delivery.record(request({ s3: { bucket: 'source', bucketOwnerAccountId: OWNER, key: 'k' } }));
    await h.delivery.flush();
    const owners = h.written[0].body.trim().split('\n').map((l) => l.split(' ')[0]);
    assert.deepEqual(owners, [canonicalUserId(OWNER), canonicalUserId(OWNER)]);
  });

  it('logs nothing for a bucket without logging, other services or requests without a bucket; a change applies at once', async () => {
    const h = harness([bucket('source'), withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    for (let i = 0; i < 100; i++) h.delivery.record(request());
    h.delivery.record(request({ service: 'iam', s3: undefined }));
    h.delivery.record(request({ s3: {} }));
    assert.equal(h.delivery.stats().bufferedLines, 0);
    h.store.set('source', bucket('source', { logging: LOGS_TO_TARGET }));
    h.delivery.record(request({ requestId: 'ON' }));
    assert.equal(h.delivery.stats().bufferedLines, 1);
  });

  it('drops the lines, with a warning, when the target bucket policy does not allow logging.s3.amazonaws.com', async () => {
    const cases: [string, BucketRecord][] = [
      ['no policy, ACLs disabled', bucket('target')],
      ['policy for another source bucket', withPolicy(bucket('target'), docPolicy('target', 'elsewhere'))],
      ['policy for another source account', withPolicy(bucket('target'), docPolicy('target', 'source', OTHER))],
      ['policy for another prefix', withPolicy(bucket('target'), docPolicy('target', 'source').replace('/logs/*', '/other/*'))],
      ['ACL grant to the log-delivery group with ACLs disabled', bucket('target', { acl: logDeliveryAcl() })],
    ];
    for (const [name, target] of cases) {
      const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), target]);
      h.delivery.record(request());
      await settle();
      assert.deepEqual(await h.delivery.flush(), { delivered: 0, deliveredLines: 0, dropped: 1, droppedLines: 1 }, name);
      assert.equal(h.written.length, 0, name);
      assert.match(h.warnings.join(), /does not allow log delivery/, name);
    }
  });

  it('delivers through the legacy log-delivery group WRITE grant where ACLs are enabled; a policy Deny still refuses', async () => {
    const aclTarget = bucket('target', { ownership: 'BucketOwnerPreferred', acl: logDeliveryAcl() });
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), aclTarget]);
    h.delivery.record(request());
    await settle();
    assert.equal((await h.delivery.flush()).delivered, 1);

    const deny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::target/*' }],
    });
    const denied = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(aclTarget, deny)]);
    denied.delivery.record(request());
    await settle();
    assert.equal((await denied.delivery.flush()).dropped, 1);
  });

  it('drops the lines of a target bucket that is gone or owned by another account', async () => {
    for (const target of [undefined, withPolicy(bucket('target', { ownerAccountId: OTHER }), docPolicy('target', 'source'))]) {
      const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), ...(target ? [target] : [])]);
      h.delivery.record(request());
      await settle();
      assert.equal((await h.delivery.flush()).dropped, 1);
      assert.match(h.warnings.join(), /missing or owned by another account/);
    }
  });

  it('partitions by event day (EventTime) into one object per day, or by delivery time', async () => {
    const partitioned = (partitionDateSource: 'EventTime' | 'DeliveryTime'): BucketLoggingConfig => ({
      ...LOGS_TO_TARGET,
      targetObjectKeyFormat: { kind: 'PartitionedPrefix', partitionDateSource },
    });
    const target = withPolicy(bucket('target'), docPolicy('target', 'source'));
    const h = harness([bucket('source', { logging: partitioned('EventTime') }), target]);
    h.delivery.record(request({ eventTime: new Date(T0) }));
    await settle();
    h.delivery.record(request({ eventTime: new Date(T0 + 60_000) })); // the next day, 00:00:30
    h.clock.t += 120_000;
    await h.delivery.flush();
    assert.deepEqual(h.written.map((w) => w.key).sort(), [
      `logs/${OWNER}/us-east-1/source/2024/03/09/2024-03-09-00-00-00-U1`,
      `logs/${OWNER}/us-east-1/source/2024/03/10/2024-03-10-00-00-00-U2`,
    ]);

    const d = harness([bucket('source', { logging: partitioned('DeliveryTime') }), target]);
    d.delivery.record(request({ eventTime: new Date(T0) }));
    await settle();
    d.delivery.record(request({ eventTime: new Date(T0 + 60_000) }));
    d.clock.t += 120_000;
    await d.delivery.flush();
    assert.deepEqual(d.written.map((w) => w.key), [`logs/${OWNER}/us-east-1/source/2024/03/10/2024-03-10-00-01-30-U1`]);
  });

  it('bounds the buffered bytes: lines past the bound are dropped, counted and reported at the next flush', async () => {
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    h.delivery.record(request());
    await settle();
    const lineBytes = h.delivery.stats().bufferedBytes;
    const small = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))], {
      maxBufferedBytes: lineBytes * 3,
    });
    small.delivery.record(request());
    await settle();
    for (let i = 0; i < 9; i++) small.delivery.record(request());
    assert.deepEqual([small.delivery.stats().bufferedLines, small.delivery.stats().overflowLines], [3, 7]);
    assert.equal(small.delivery.isFilling(), true);
    assert.equal((await small.delivery.flush()).deliveredLines, 3);
    assert.match(small.warnings.join(), /buffer full/);
    small.delivery.record(request());
    assert.equal(small.delivery.stats().bufferedLines, 1, 'room again after the flush');
  });

  it('drops a log object whose write fails, logs the error, and delivers the next one', async () => {
    let fail = true;
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))], {
      writer: {
        put: async () => {
          if (fail) throw new Error('disk full');
        },
      },
    });
    h.delivery.record(request());
    await settle();
    assert.equal((await h.delivery.flush()).dropped, 1);
    assert.match(h.errors.join(), /delivery failed/);
    fail = false;
    h.delivery.record(request());
    assert.equal((await h.delivery.flush()).delivered, 1);
  });

  it('keeps what an aborted flush did not deliver for the next flush', async () => {
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    h.delivery.record(request({ requestId: 'OLD' }));
    await settle();
    const abort = new AbortController();
    abort.abort();
    assert.equal((await h.delivery.flush(abort.signal)).delivered, 0);
    h.delivery.record(request({ requestId: 'NEW' }));
    assert.equal(h.delivery.stats().bufferedLines, 2);
    await h.delivery.flush();
    assert.deepEqual(h.written[0].body.trim().split('\n').map(requestIdOf), ['OLD', 'NEW']);
  });

  it('the job delivers once the oldest line has waited the interval, or when the buffer fills', async () => {
    const h = harness([bucket('source', { logging: LOGS_TO_TARGET }), withPolicy(bucket('target'), docPolicy('target', 'source'))]);
    const job = accessLogDeliveryJob(h.delivery, { intervalMs: 60_000, now: () => new Date(h.clock.t), logger: { debug: () => {} } });
    const signal = new AbortController().signal;
    assert.equal(await job.runPass({ signal }), 'Idle');
    h.delivery.record(request());
    await settle();
    h.clock.t += 59_999;
    assert.equal(await job.runPass({ signal }), 'Idle');
    assert.equal(h.written.length, 0);
    h.clock.t += 1;
    assert.equal(await job.runPass({ signal }), 'Idle');
    assert.equal(h.written.length, 1);
  });

  it('takes a pino logger', () => {
    const logger: DeliveryLogger = pino({ enabled: false });
    assert.ok(logger);
  });
});

/** The Request ID field: the seventh space-separated token (the bracketed time holds one space). */
function requestIdOf(line: string): string {
  return line.split(' ')[6];
}

function logDeliveryAcl() {
  return [
    { grantee: { type: 'CanonicalUser' as const, id: canonicalUserId(OWNER) }, permission: 'FULL_CONTROL' as const },
    { grantee: { type: 'Group' as const, uri: ACL_GROUPS.LogDelivery }, permission: 'WRITE' as const },
  ];
}
