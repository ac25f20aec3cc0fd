import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from '../audit/request-record.js';
import { parseExposition, sampleValue } from './exposition-test-parser.js';
import { auditDeliveryLagGauge, backgroundJobGauges, storageGauges, type GaugeSource } from './gauge.js';
import { MetricsRegistry } from './metrics-registry.js';

const NOW = Date.UTC(2026, 0, 1);

function registry(gauges: readonly GaugeSource[] = [], onGaugeError?: (err: unknown) => void): MetricsRegistry {
  return new MetricsRegistry({ now: () => NOW, gauges, onGaugeError, services: ['s3', 'iam'] });
}

const RECORD: RequestRecord = {
  requestId: 'R',
  eventTime: new Date(NOW),
  service: 'iam',
  region: 'us-east-1',
  operation: 'CreateUser',
  authenticationType: 'AuthHeader',
  sourceIp: '127.0.0.1',
  http: { method: 'POST', uri: '/', version: 'HTTP/1.1' },
  status: 200,
  bytesIn: 100,
  bytesOut: 500,
  totalTimeMs: 3,
  completed: true,
};

test('the exposition holds the request families, the injected gauges and the process metrics, and parses', async () => {
  const m = registry([
    async () => storageGauges({ buckets: 2, objects: 10, bytes: 4096 }),
    async () =>
      backgroundJobGauges([
        { job: 'lifecycle', lastPassAt: new Date(NOW - 5000), errors: 1 },
        { job: 'audit', errors: 0 },
      ]),
    async () => [
      auditDeliveryLagGauge({ destination: 'cloudtrail', oldestUndelivered: new Date(NOW - 2500), now: new Date(NOW) }),
    ],
  ]);
  try {
    m.record(RECORD);
    const p = parseExposition(await m.exposition());
    const createUser = { service: 'iam', operation: 'CreateUser', status: '200' };
    assert.equal(sampleValue(p, 'strongbox_requests_total', createUser), 1);
    assert.equal(sampleValue(p, 'strongbox_storage_buckets', {}), 2);
    assert.equal(sampleValue(p, 'strongbox_storage_objects', {}), 10);
    assert.equal(sampleValue(p, 'strongbox_storage_bytes', {}), 4096);
    const lastPass = 'strongbox_background_job_last_pass_timestamp_seconds';
    assert.equal(sampleValue(p, lastPass, { job: 'lifecycle' }), NOW / 1000 - 5);
    assert.equal(sampleValue(p, lastPass, { job: 'audit' }), undefined);
    assert.equal(p.get('strongbox_background_job_errors_total')?.type, 'counter');
    assert.equal(sampleValue(p, 'strongbox_background_job_errors_total', { job: 'lifecycle' }), 1);
    assert.equal(sampleValue(p, 'strongbox_audit_delivery_lag_seconds', { destination: 'cloudtrail' }), 2.5);
    assert.ok((sampleValue(p, 'process_resident_memory_bytes', {}) ?? 0) > 1e6);
    assert.ok((sampleValue(p, 'nodejs_heap_size_used_bytes', {}) ?? 0) > 0);
    assert.ok((sampleValue(p, 'strongbox_uptime_seconds', {}) ?? -1) >= 0);
    assert.ok(Math.abs((sampleValue(p, 'process_start_time_seconds', {}) ?? 0) - (NOW / 1000 - process.uptime())) < 5);
    for (const stat of ['mean', 'p99', 'max']) {
      const name = `nodejs_eventloop_lag_${stat}_seconds`;
      const v = sampleValue(p, name, {});
      assert.ok(v !== undefined && Number.isFinite(v) && v >= 0, `${name} ${v}`);
    }
    for (const f of p.values()) assert.ok(f.help && f.type, `${f.name} has HELP and TYPE`);
  } finally {
    m.close();
  }
});

test('event-loop delay is measured: a blocked loop shows in max', async () => {
  const m = new MetricsRegistry({ now: () => NOW, eventLoopResolutionMs: 10 });
  try {
    await new Promise((r) => setTimeout(r, 30));
    const until = Date.now() + 120;
    while (Date.now() < until); // block the loop
    await new Promise((r) => setTimeout(r, 30));
    const max = sampleValue(parseExposition(await m.exposition()), 'nodejs_eventloop_lag_max_seconds', {});
    assert.ok((max ?? 0) >= 0.08, `max ${max}`);
  } finally {
    m.close();
  }
});

test('gauges of one family from several sources are one family', async () => {
  const m = registry([
    async () => backgroundJobGauges([{ job: 'lifecycle', errors: 2 }]),
    async () => backgroundJobGauges([{ job: 'audit-delivery', errors: 3 }]),
  ]);
  try {
    const p = parseExposition(await m.exposition());
    assert.equal(sampleValue(p, 'strongbox_background_job_errors_total', { job: 'lifecycle' }), 2);
    assert.equal(sampleValue(p, 'strongbox_background_job_errors_total', { job: 'audit-delivery' }), 3);
  } finally {
    m.close();
  }
});

test('a failing or invalid gauge source leaves out only its own gauges, and is counted', async () => {
  const errors: unknown[] = [];
  const m = registry(
    [
      async () => {
        throw new Error('storage closed');
      },
      async () => [{ name: 'bad-name', help: 'h', value: 1 }],
      async () => [{ name: 'strongbox_ok', help: 'h', labels: { __x: 'y' }, value: 1 }],
      async () => [{ name: 'strongbox_fine', help: 'Fine.', value: 7 }],
    ],
    (err) => errors.push(err),
  );
  try {
    const p = parseExposition(await m.exposition());
    assert.equal(sampleValue(p, 'strongbox_fine', {}), 7);
    assert.equal(p.has('strongbox_ok'), false);
    assert.equal(sampleValue(p, 'strongbox_metrics_gauge_failures_total', {}), 3);
    assert.equal(errors.length, 3);
    assert.match(String(errors[1]), /not a metric name/);
    assert.match(String(errors[2]), /not a label name/);
  } finally {
    m.close();
  }
});

test('audit delivery lag is 0 when nothing waits, never negative', () => {
  const now = new Date(NOW);
  assert.equal(auditDeliveryLagGauge({ destination: 'd', oldestUndelivered: undefined, now }).value, 0);
  assert.equal(auditDeliveryLagGauge({ destination: 'd', oldestUndelivered: new Date(NOW + 1000), now }).value, 0);
});
