/**
 * Prometheus `/metrics` on the real server, fed by real clients (AWS SDK v3): S3 and IAM calls,
 * successes, errors and authorization denials, then a scrape parsed with the strict test parser.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { parseExposition, sampleValue, type ParsedFamily } from '../../src/metrics/exposition-test-parser.js';
import { iamClient, s3Client, startServer, uniqueName, type Credentials, type TestServer } from './harness.js';

const TOKEN = 'metrics-token-5b2e7f19c4d8';

interface Scrape {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/metrics', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Records reach the registry after the response: scrape until `ready` holds (or 5 s pass). */
type Parsed = Map<string, ParsedFamily>;

async function scrapeUntil(server: TestServer, ready: (p: Parsed) => boolean): Promise<Parsed> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const s = await scrape(server);
    assert.equal(s.status, 200, s.body);
    const parsed = parseExposition(s.body);
    if (ready(parsed) || Date.now() > deadline) return parsed;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const denyS3 = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:ListAllMyBuckets', Resource: '*' },
  ],
});

describe('/metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: { STRONGBOX_METRICS_TOKEN: TOKEN } });
  });
  after(() => server.stop());

  test('counts S3 and IAM requests, errors, bytes, latency and denials', async () => {
    const s3 = s3Client(server);
    const iam = iamClient(server);
    const bucket = uniqueName('metrics');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: Buffer.alloc(4096, 1) }));
    await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })).then((r) => r.Body?.transformToByteArray());
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })), { name: 'NoSuchKey' });
    const userName = uniqueName('alice');
    await iam.send(new CreateUserCommand({ UserName: userName }));
    await assert.rejects(iam.send(new GetUserCommand({ UserName: uniqueName('nobody') })), { name: 'NoSuchEntityException' });
    // Implicit deny: a user with no policy; explicit deny: a user whose own policy denies.
    const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const alice: Credentials = { accessKeyId: key!.AccessKeyId!, secretAccessKey: key!.SecretAccessKey! };
    await assert.rejects(s3Client(server, alice).send(new ListBucketsCommand({})), { name: 'AccessDenied' });
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: 'deny', PolicyDocument: denyS3 }));
    await assert.rejects(s3Client(server, alice).send(new ListBucketsCommand({})), { name: 'AccessDenied' });

    const value = (p: Parsed, family: string, labels: Record<string, string>, sample = family) =>
      sampleValue(p, family, labels, sample) ?? 0;
    const denials = (p: Parsed, reason: string) =>
      (p.get('strongbox_authorization_denials_total')?.samples ?? [])
        .filter((s) => s.labels.service === 's3' && s.labels.reason === reason)
        .reduce((n, s) => n + s.value, 0);
    const p = await scrapeUntil(server, (q) => denials(q, 'ExplicitDeny') >= 1);

    const requests = (service: string, operation: string, status: string) =>
      value(p, 'strongbox_requests_total', { service, operation, status });
    assert.equal(requests('s3', 'CreateBucket', '200'), 1);
    assert.equal(requests('s3', 'PutObject', '200'), 1);
    assert.equal(requests('s3', 'GetObject', '200'), 1);
    assert.equal(requests('s3', 'GetObject', '404'), 1);
    assert.equal(requests('s3', 'ListBuckets', '403'), 2);
    assert.equal(requests('iam', 'CreateUser', '200'), 1);
    assert.equal(requests('iam', 'GetUser', '404'), 1);
    assert.ok(value(p, 'strongbox_request_bytes_total', { direction: 'in', service: 's3' }) >= 4096);
    assert.ok(value(p, 'strongbox_request_bytes_total', { direction: 'out', service: 's3' }) >= 4096);
    assert.ok(value(p, 'strongbox_request_bytes_total', { direction: 'in', service: 'iam' }) > 0);
    const getObject = { service: 's3', operation: 'GetObject' };
    const duration = 'strongbox_request_duration_seconds';
    assert.equal(value(p, duration, getObject, `${duration}_count`), 2);
    assert.equal(value(p, duration, { ...getObject, le: '+Inf' }, `${duration}_bucket`), 2);
    assert.ok(value(p, duration, getObject, `${duration}_sum`) > 0);
    assert.equal(denials(p, 'ImplicitDeny'), 1);
    const byIdentityPolicy = { service: 's3', reason: 'ExplicitDeny', decided_by: 'IdentityPolicy' };
    assert.equal(value(p, 'strongbox_authorization_denials_total', byIdentityPolicy), 1);
    assert.ok(value(p, 'strongbox_storage_buckets', {}) >= 1);
    assert.ok(value(p, 'strongbox_storage_objects', {}) >= 1);
    assert.ok(value(p, 'strongbox_storage_bytes', {}) >= 4096);
    assert.ok(value(p, 'process_resident_memory_bytes', {}) > 0);
    assert.ok(p.has('nodejs_eventloop_lag_p99_seconds'));
    assert.equal(value(p, 'strongbox_audit_delivery_lag_seconds', { destination: 'cloudtrail' }), 0, 'no trail: nothing undelivered');
    assert.ok(p.has('strongbox_background_job_errors_total'));
  });

  test('the scrape itself is not an S3 request, and a signed GET /metrics still is', async () => {
    const before = parseExposition((await scrape(server)).body);
    const after = parseExposition((await scrape(server)).body);
    const total = (p: Parsed) => (p.get('strongbox_requests_total')?.samples ?? []).reduce((n, s) => n + s.value, 0);
    assert.equal(total(after), total(before));
    // Signed `GET /metrics?list-type=2`: ListObjectsV2 of a bucket named `metrics`, S3's to answer.
    const listMetricsBucket = s3Client(server).send(new ListObjectsV2Command({ Bucket: 'metrics' }));
    await assert.rejects(listMetricsBucket, { name: 'NoSuchBucket' });
  });

  test('a client a proxy forwarded needs the bearer token (STRONGBOX_METRICS_TOKEN)', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7' };
    const refused = await scrape(server, forwarded);
    assert.equal(refused.status, 403);
    assert.equal((await scrape(server, { ...forwarded, authorization: 'Bearer wrong' })).status, 403);
    const ok = await scrape(server, { ...forwarded, authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.ok(parseExposition(ok.body).has('strongbox_requests_total'));
    assert.equal(server.logs().includes(TOKEN), false, 'the token is never logged');
  });
});

describe('/metrics with two worker processes', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ extraArgs: ['--workers', '2'] });
  });
  after(() => server.stop());

  test('every scrape counts the requests of both workers, whichever worker takes it', async () => {
    // Each request on a new connection: the cluster module hands connections to the workers in turn.
    const s3 = s3Client(server);
    for (let i = 0; i < 12; i++) await s3.send(new ListBucketsCommand({}));
    s3.destroy();
    const listBuckets = (p: Parsed) => sampleValue(p, 'strongbox_requests_total', { service: 's3', operation: 'ListBuckets', status: '200' }) ?? 0;
    await scrapeUntil(server, (p) => listBuckets(p) === 12);
    for (let i = 0; i < 4; i++) {
      const p = parseExposition((await scrape(server)).body);
      assert.equal(listBuckets(p), 12, `scrape ${i}`);
      assert.equal(sampleValue(p, 'strongbox_metrics_workers_missing', {}), 0);
      const workers = (p.get('process_resident_memory_bytes')?.samples ?? []).map((s) => s.labels.worker).sort();
      assert.equal(workers.length, 2, 'one resident-memory series per worker');
      assert.notEqual(workers[0], workers[1]);
    }
  });
});
