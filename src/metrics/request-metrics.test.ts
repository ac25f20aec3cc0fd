import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../audit/request-record.js';
import { renderExposition } from './exposition.js';
import { parseExposition, sampleValue, type ParsedFamily } from './exposition-test-parser.js';
import { DURATION_BUCKETS } from './histogram.js';
import { RequestMetrics } from './request-metrics.js';

const DURATION = 'strongbox_request_duration_seconds';

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'R1',
    eventTime: new Date(0),
    service: 's3',
    region: 'us-east-1',
    operation: 'GetObject',
    authenticationType: 'AuthHeader',
    sourceIp: '127.0.0.1',
    http: { method: 'GET', uri: '/b/k', version: 'HTTP/1.1' },
    status: 200,
    bytesIn: 0,
    bytesOut: 4096,
    totalTimeMs: 0.3,
    completed: true,
    ...over,
  };
}

function scrape(metrics: RequestMetrics): Map<string, ParsedFamily> {
  return parseExposition(renderExposition(metrics.collect()));
}

test('requests are counted by service, operation and status', () => {
  const m = new RequestMetrics();
  m.record(record());
  m.record(record());
  m.record(record({ status: 404, errorCode: 'NoSuchKey' }));
  m.record(record({ service: 'iam', operation: 'CreateUser', status: 200 }));
  m.record(record({ operation: undefined, status: 403, errorCode: 'SignatureDoesNotMatch' }));
  const p = scrape(m);
  assert.equal(p.get('strongbox_requests_total')?.type, 'counter');
  const count = (labels: Record<string, string>) => sampleValue(p, 'strongbox_requests_total', labels);
  assert.equal(count({ service: 's3', operation: 'GetObject', status: '200' }), 2);
  assert.equal(count({ service: 's3', operation: 'GetObject', status: '404' }), 1);
  assert.equal(count({ service: 'iam', operation: 'CreateUser', status: '200' }), 1);
  assert.equal(count({ service: 's3', operation: '-', status: '403' }), 1, 'refused before routing: operation "-"');
  assert.equal(p.get('strongbox_requests_total')?.samples.length, 4);
});

test('latency is a histogram per service and operation with cumulative buckets up to +Inf', () => {
  const m = new RequestMetrics();
  for (const ms of [0.2, 0.5, 0.7, 3, 40, 999, 1000, 15_000]) m.record(record({ totalTimeMs: ms }));
  m.record(record({ service: 'iam', operation: 'ListUsers', totalTimeMs: 2 }));
  const p = scrape(m);
  const family = p.get(DURATION);
  assert.equal(family?.type, 'histogram');
  const labels = { service: 's3', operation: 'GetObject' };
  const bucket = (le: string, of = labels) => sampleValue(p, DURATION, { ...of, le }, `${DURATION}_bucket`);
  assert.equal(bucket('0.0005'), 2, '0.2 ms and 0.5 ms (le is inclusive)');
  assert.equal(bucket('0.001'), 3);
  assert.equal(bucket('0.005'), 4);
  assert.equal(bucket('0.05'), 5);
  assert.equal(bucket('1'), 7, '999 ms and exactly 1 s');
  assert.equal(bucket('10'), 7);
  assert.equal(bucket('+Inf'), 8, '15 s only in +Inf');
  const getObjectBuckets = family?.samples.filter(
    (s) => s.name.endsWith('_bucket') && s.labels.operation === 'GetObject',
  );
  const les = getObjectBuckets?.map((s) => s.labels.le);
  assert.deepEqual(les, [...DURATION_BUCKETS.map(String), '+Inf']);
  assert.equal(sampleValue(p, DURATION, labels, `${DURATION}_count`), 8);
  const sum = sampleValue(p, DURATION, labels, `${DURATION}_sum`);
  assert.ok(Math.abs((sum ?? 0) - 17.0434) < 1e-9, `sum ${sum}`);
  assert.equal(bucket('0.0025', { service: 'iam', operation: 'ListUsers' }), 1);
});

test('bytes in and out are summed per service', () => {
  const m = new RequestMetrics();
  m.record(record({ operation: 'PutObject', bytesIn: 4096, bytesOut: 0 }));
  m.record(record({ bytesIn: 0, bytesOut: 1000 }));
  m.record(record({ service: 'sts', operation: 'AssumeRole', bytesIn: 300, bytesOut: 1200 }));
  const p = scrape(m);
  const bytes = (direction: string, service: string) =>
    sampleValue(p, 'strongbox_request_bytes_total', { direction, service });
  assert.equal(bytes('in', 's3'), 4096);
  assert.equal(bytes('out', 's3'), 1000);
  assert.equal(bytes('in', 'sts'), 300);
  assert.equal(bytes('out', 'sts'), 1200);
});

test('denials are counted by decision and the policy type that decided; allows are not', () => {
  const m = new RequestMetrics();
  m.record(record({ status: 403, errorCode: 'AccessDenied', decision: 'ImplicitDeny', decidedBy: 'IdentityPolicy' }));
  m.record(record({ status: 403, errorCode: 'AccessDenied', decision: 'ImplicitDeny', decidedBy: 'IdentityPolicy' }));
  m.record(record({ status: 403, errorCode: 'AccessDenied', decision: 'ExplicitDeny', decidedBy: 'SCP' }));
  const boundary = { decision: 'ExplicitDeny', decidedBy: 'PermissionsBoundary' } as const;
  m.record(record({ service: 'iam', operation: 'CreateUser', status: 403, ...boundary }));
  m.record(record({ status: 403, decision: 'ImplicitDeny' }));
  m.record(record({ decision: 'Allow' }));
  const p = scrape(m);
  const denials = (labels: Record<string, string>) => sampleValue(p, 'strongbox_authorization_denials_total', labels);
  assert.equal(denials({ service: 's3', reason: 'ImplicitDeny', decided_by: 'IdentityPolicy' }), 2);
  assert.equal(denials({ service: 's3', reason: 'ExplicitDeny', decided_by: 'SCP' }), 1);
  assert.equal(denials({ service: 'iam', reason: 'ExplicitDeny', decided_by: 'PermissionsBoundary' }), 1);
  assert.equal(denials({ service: 's3', reason: 'ImplicitDeny', decided_by: '-' }), 1);
  assert.equal(p.get('strongbox_authorization_denials_total')?.samples.length, 4);
});

test('services outside the known list, and past the caps, are counted as "other"', () => {
  const known = new RequestMetrics({ services: ['s3', 'iam'] });
  known.record(record({ service: 'made-up', operation: undefined, status: 403 }));
  known.record(record({ service: 'another', operation: undefined, status: 403 }));
  known.record(record({ service: 'iam', operation: 'GetUser' }));
  let p = scrape(known);
  assert.equal(sampleValue(p, 'strongbox_requests_total', { service: 'other', operation: '-', status: '403' }), 2);
  const seen = new Set(p.get('strongbox_requests_total')?.samples.map((s) => s.labels.service));
  assert.deepEqual([...seen], ['other', 'iam']);

  const capped = new RequestMetrics({ maxServices: 3, maxOperationsPerService: 2 });
  for (let i = 0; i < 10; i++) capped.record(record({ service: `svc${i}`, operation: `Op${i}` }));
  for (let i = 0; i < 10; i++) capped.record(record({ operation: `Op${i}` }));
  p = scrape(capped);
  const services = new Set(p.get('strongbox_requests_total')?.samples.map((s) => s.labels.service));
  assert.deepEqual([...services], ['svc0', 'svc1', 'other']);
  const op2 = sampleValue(p, 'strongbox_requests_total', { service: 'other', operation: 'Op2' });
  assert.equal(op2, 2, 'svc2 and then s3');
  assert.equal(sampleValue(p, 'strongbox_requests_total', { service: 'other', operation: 'other' }), 16);
  const total = p.get('strongbox_requests_total')?.samples.reduce((n, s) => n + s.value, 0);
  assert.equal(total, 20, 'nothing is lost');
});

test('a steady stream of requests adds no series', () => {
  const m = new RequestMetrics();
  const r = record();
  m.record(r);
  const before = renderExposition(m.collect()).split('\n').length;
  for (let i = 0; i < 10_000; i++) m.record(r);
  assert.equal(renderExposition(m.collect()).split('\n').length, before);
  assert.equal(sampleValue(scrape(m), 'strongbox_requests_total', {}), 10_001);
});

test('duration buckets must ascend', () => {
  assert.throws(() => new RequestMetrics({ durationBuckets: [1, 0.5] }), /ascend/);
  assert.throws(() => new RequestMetrics({ durationBuckets: [] }), /at least one/);
});
