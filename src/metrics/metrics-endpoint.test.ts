import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import { parseExposition } from './exposition-test-parser.js';
import { isLoopbackAddress, metricsEndpoint, type MetricsEndpointOptions } from './metrics-endpoint.js';

const EXPOSITION = '# HELP up Up.\n# TYPE up gauge\nup 1\n';
const TOKEN = 'tok-3f9a1c0e';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real listener on 127.0.0.1: the endpoint first, then a stand-in for the S3 pipeline answering 418. */
async function serve(t: TestContext, options: Omit<MetricsEndpointOptions, 'metrics'> & { failing?: boolean }) {
  const metrics = { exposition: async () => (options.failing ? Promise.reject(new Error('boom')) : EXPOSITION) };
  const endpoint = metricsEndpoint({ ...options, metrics });
  const server = createServer((req, res) => {
    if (endpoint(req, res)) return;
    res.writeHead(418).end('pipeline');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return (path: string, opts: { method?: string; headers?: Record<string, string> } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const method = opts.method ?? 'GET';
      const target = { host: '127.0.0.1', port, path, method, headers: opts.headers, agent: false };
      const req = request(target, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
        });
      });
      req.on('error', reject);
      req.end();
    });
}

test('a loopback client scrapes without a token, in the 0.0.4 text format', async (t) => {
  const get = await serve(t, {});
  const a = await get('/metrics');
  assert.equal(a.status, 200);
  assert.equal(a.headers['content-type'], EXPOSITION_CONTENT_TYPE);
  assert.equal(a.headers['cache-control'], 'no-store');
  assert.equal(a.body, EXPOSITION);
  assert.equal(parseExposition(a.body).get('up')?.samples[0].value, 1);
  assert.equal((await get('/metrics?x=1')).status, 200);
  const head = await get('/metrics', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('without a token, a client a proxy forwarded is refused: 403 with a short text body', async (t) => {
  const get = await serve(t, {});
  for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
    const a = await get('/metrics', { headers: { [header]: '203.0.113.9' } });
    assert.equal(a.status, 403, header);
    assert.match(a.headers['content-type'] ?? '', /^text\/plain/);
    assert.ok(a.body.length > 0 && a.body.length < 200);
  }
  const forwardedWithToken = { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` };
  const bearer = await get('/metrics', { headers: forwardedWithToken });
  assert.equal(bearer.status, 403, 'no token configured: a bearer token opens nothing');
});

test('with a token, a non-local client needs exactly that bearer token', async (t) => {
  const get = await serve(t, { token: TOKEN });
  const remote = (authorization?: string) => ({
    headers: { 'x-forwarded-for': '203.0.113.9', ...(authorization === undefined ? {} : { authorization }) },
  });
  assert.equal((await get('/metrics', remote())).status, 403);
  assert.equal((await get('/metrics', remote(`Bearer ${TOKEN}x`))).status, 403);
  assert.equal((await get('/metrics', remote(`Bearer ${TOKEN.slice(0, -1)}`))).status, 403);
  assert.equal((await get('/metrics', remote(`Basic ${TOKEN}`))).status, 403);
  assert.equal((await get('/metrics', remote(TOKEN))).status, 403);
  const ok = await get('/metrics', remote(`Bearer ${TOKEN}`));
  assert.equal(ok.status, 200);
  assert.equal(ok.body, EXPOSITION);
  assert.equal((await get('/metrics', remote(`bearer ${TOKEN}`))).status, 200, 'the scheme is case-insensitive');
  assert.equal((await get('/metrics')).status, 200, 'loopback still needs none');
});

test("loopback: 'token' makes local clients present the token too", async (t) => {
  const get = await serve(t, { token: TOKEN, loopback: 'token' });
  assert.equal((await get('/metrics')).status, 403);
  assert.equal((await get('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  assert.throws(() => metricsEndpoint({ metrics: { exposition: async () => '' }, loopback: 'token' }), /token/);
  assert.throws(() => metricsEndpoint({ metrics: { exposition: async () => '' }, token: '' }), /empty/);
});

test('S3 requests that look like /metrics still reach the pipeline', async (t) => {
  const get = await serve(t, { baseDomain: 's3.example.test' });
  const signed =
    'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';
  const signedList = await get('/metrics', { headers: { authorization: signed } });
  assert.equal(signedList.status, 418, 'signed ListObjects of bucket metrics');
  assert.equal((await get('/metrics?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a')).status, 418, 'presigned');
  assert.equal((await get('/metrics', { method: 'PUT' })).status, 418, 'CreateBucket metrics');
  assert.equal((await get('/metrics/key')).status, 418, 'an object of bucket metrics');
  assert.equal((await get('/metricsx')).status, 418);
  const virtualHosted = await get('/metrics', { headers: { host: 'bucket.s3.example.test' } });
  assert.equal(virtualHosted.status, 418, 'virtual-hosted: the key "metrics"');
  assert.equal((await get('/metrics', { headers: { host: 's3.example.test' } })).status, 200);
});

test('a failed collection answers 500', async (t) => {
  const get = await serve(t, { failing: true });
  assert.equal((await get('/metrics')).status, 500);
});

test('loopback addresses: 127.0.0.0/8, its IPv4-mapped form, and ::1', () => {
  for (const a of ['127.0.0.1', '127.255.3.4', '::ffff:127.0.0.1', '::1']) assert.ok(isLoopbackAddress(a), a);
  for (const a of ['10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', '::2', '', '127.0.0.1.evil', 'fe80::1']) {
    assert.ok(!isLoopbackAddress(a), a);
  }
});
