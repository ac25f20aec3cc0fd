/**
 * Tests of the bench harness itself (not of any speed): run with
 *   npx tsc -p tsconfig.json && node --test dist/bench/lib/
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { HttpRequest } from '@smithy/types';
import { createBareFileServer } from './bare-file-server.js';
import { parseDdOutput, runDd } from './dd.js';
import { runExtraBenches } from './extra-benches.js';
import { transfer, transferAll } from './large-object-client.js';
import { fetchBody, rawRequestBytes, send, sendMany } from './http-client.js';
import { parseResponseHead, percentile } from './http-load.js';
import {
  delimiterKeys,
  flatKeys,
  listingDefs,
  listingRunSeconds,
  pageEntries,
  pageStarts,
  parseListPage,
  versionPlan,
} from './listing.js';
import { parseAffinityMask, processTree } from './pinning.js';
import { parseStatusKib, PeakTracker } from './rss.js';
import { benchConfig } from './config.js';
import { soakVerdict } from '../soak-bench.js';
import { retryStalled } from './head-object.js';
import { benchPolicies } from './iam-user.js';
import { medianOfEach, medianOfRounds, type Measurement } from './measurement.js';
import { computeRatios, ratioSpecs, SCENARIO } from './ratios.js';
import { formatReport } from './report.js';
import { S3RVER_CREDENTIALS } from './s3rver-process.js';
import { NodeSha256 } from './sha256.js';
import { objectPath, RequestSigner, UNSIGNED_PAYLOAD } from './signer.js';
import { benchScp, memberTrustPolicy } from './role-session.js';
import { createBucket } from './small-object.js';
import { detectWrk, luaScript, parseWrkOutput, runHttpLoad, runWrk } from './wrk.js';

describe('wrk output', () => {
  test('the done() JSON line becomes ops/s of successful responses only', () => {
    const out = `Running 3s test @ http://127.0.0.1:1/\n  1 threads and 16 connections\nWRK_RESULT_JSON {"requests":3000,"duration_us":2000000,"errors":{"connect":0,"read":1,"write":0,"status":100,"timeout":2},"latency_us":{"mean":1500.5,"p50":1200,"p90":2500,"p99":9100,"max":12000}}\n`;
    const r = parseWrkOutput(out);
    assert.equal(r.okPerSecond, 1450);
    assert.equal(r.statusErrors, 100);
    assert.equal(r.socketErrors, 1);
    assert.equal(r.timeouts, 2);
    assert.equal(r.latencyMs.p99, 9.1);
  });

  test('a run without the marker line is an error, not a zero', () => {
    assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'));
  });

  test('the Lua script slices the blob by the given lengths', () => {
    const lua = luaScript('/tmp/x.requests', [10, 20, 4200]);
    assert.match(lua, /local lengths = \{ 10, 20, 4200 \}/);
    assert.match(lua, /io\.open\(blob_path, "rb"\)/);
  });
});

describe('raw requests', () => {
  test('CRLF framing, headers, then the body bytes unchanged', () => {
    const body = Buffer.from([0, 13, 10, 255]);
    const raw = rawRequestBytes({
      method: 'PUT',
      target: '/b/k',
      headers: { host: 'h:1', 'content-length': '4' },
      body,
    });
    assert.equal(
      raw.subarray(0, raw.length - 4).toString('latin1'),
      'PUT /b/k HTTP/1.1\r\nhost: h:1\r\ncontent-length: 4\r\n\r\n',
    );
    assert.deepEqual(raw.subarray(raw.length - 4), body);
  });

  test('object keys are percent-encoded per segment', () => {
    assert.equal(objectPath('bkt', 'a b/c+d/(e)'), '/bkt/a%20b/c%2Bd/%28e%29');
  });
});

describe('signer', () => {
  test('the AWS S3 SigV4 documentation example (GET /test.txt with Range) signs to the documented signature', async () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object"
    const doc = new RequestSigner({
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      region: 'us-east-1',
      endpoint: { host: 'examplebucket.s3.amazonaws.com', port: 80 },
      signingDate: new Date('2013-05-24T00:00:00Z'),
    });
    const req = await doc.headerSigned('GET', '/test.txt', { headers: { range: 'bytes=0-9' } });
    assert.equal(
      req.headers.authorization,
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  const signer = new RequestSigner({
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    region: 'us-east-1',
    endpoint: { host: '127.0.0.1', port: 9 },
  });

  test('header-signed PUT carries the real payload hash, the length and an Authorization header', async () => {
    const req = await signer.headerSigned('PUT', '/b/k', { body: Buffer.from('abc') });
    assert.equal(
      req.headers['x-amz-content-sha256'],
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(req.headers['content-length'], '3');
    assert.match(
      req.headers.authorization ?? '',
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=content-length;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  test('presigned GET is the URL @aws-sdk/s3-request-presigner makes for the same request and time', async () => {
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const ours = await new RequestSigner({
      credentials,
      region: 'us-east-1',
      endpoint: { host: '127.0.0.1', port: 9000 },
      signingDate,
    }).presigned('GET', '/b/a%20k', 900);
    const sdk = await new S3RequestPresigner({ credentials, region: 'us-east-1', sha256: NodeSha256 }).presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9000,
        path: '/b/a%20k',
        query: {},
        headers: { host: '127.0.0.1:9000' },
      },
      { signingDate, expiresIn: 900 },
    );
    const sorted = (q: URLSearchParams) => [...q.entries()].sort(([a], [b]) => a.localeCompare(b));
    assert.deepEqual(
      sorted(new URLSearchParams(ours.target.split('?')[1])),
      sorted(new URLSearchParams(sdk.query as Record<string, string>)),
    );
    assert.equal(ours.target.split('?')[0], '/b/a%20k');
  });

  const sessionCredentials = {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'secret',
    sessionToken: 'FwoGZXIvYXdzEJr//+session/token=',
  };

  test('with a session token, the header-signed GET is the one @aws-sdk/client-s3 sends (x-amz-security-token signed)', async () => {
    let captured: HttpRequest | undefined;
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: sessionCredentials,
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          captured = request;
          throw new Error('captured');
        },
      },
    });
    // The SDK adds ?x-id=GetObject; the bench sends the bare path, so the query goes before signing.
    client.middlewareStack.add(
      (next) => async (args) => {
        delete (args.request as HttpRequest).query?.['x-id'];
        return next(args);
      },
      { step: 'build' },
    );
    await assert.rejects(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'get/a k' })), /captured/);
    client.destroy();
    const sdk = captured!;
    const amzDate = sdk.headers['x-amz-date'];
    const signingDate = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    // The SDK's own headers (user agent, invocation id, checksum mode) are sent and signed alike.
    const ours = new Set(['authorization', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']);
    const extra = Object.fromEntries(Object.entries(sdk.headers).filter(([k]) => !ours.has(k.toLowerCase())));
    const req = await new RequestSigner({
      credentials: sessionCredentials,
      region: 'us-east-1',
      endpoint: { host: '127.0.0.1', port: 9000 },
      signingDate,
    }).headerSigned('GET', objectPath('b', 'get/a k'), { headers: extra });
    assert.equal(sdk.path, '/b/get/a%20k');
    assert.equal(req.headers['x-amz-security-token'], sessionCredentials.sessionToken);
    assert.equal(sdk.headers['x-amz-security-token'], sessionCredentials.sessionToken);
    assert.match(req.headers.authorization ?? '', /SignedHeaders=[^,]*;x-amz-security-token(;|,)/);
    assert.equal(req.headers.authorization, sdk.headers.authorization);
  });

  test("with a session token, the presigned GET is the presigner's (X-Amz-Security-Token in the query)", async () => {
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const ours = await new RequestSigner({
      credentials: sessionCredentials,
      region: 'us-east-1',
      endpoint: { host: '127.0.0.1', port: 9000 },
      signingDate,
    }).presigned('GET', '/b/k', 900);
    const sdk = await new S3RequestPresigner({
      credentials: sessionCredentials,
      region: 'us-east-1',
      sha256: NodeSha256,
    }).presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9000,
        path: '/b/k',
        query: {},
        headers: { host: '127.0.0.1:9000' },
      },
      { signingDate, expiresIn: 900 },
    );
    const q = new URLSearchParams(ours.target.split('?')[1]);
    assert.equal(q.get('X-Amz-Security-Token'), sessionCredentials.sessionToken);
    const sorted = (p: URLSearchParams) => [...p.entries()].sort(([a], [b]) => a.localeCompare(b));
    assert.deepEqual(sorted(q), sorted(new URLSearchParams(sdk.query as Record<string, string>)));
  });

  test('presigned GET puts everything in the query', async () => {
    const req = await signer.presigned('GET', '/b/k', 900);
    const q = new URLSearchParams(req.target.split('?')[1]);
    assert.equal(q.get('X-Amz-Algorithm'), 'AWS4-HMAC-SHA256');
    assert.equal(q.get('X-Amz-Content-Sha256'), UNSIGNED_PAYLOAD);
    assert.equal(q.get('X-Amz-Expires'), '900');
    assert.equal(q.get('X-Amz-SignedHeaders'), 'host');
    assert.match(q.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(req.headers.authorization, undefined);
  });

  test('a listing with query parameters is signed as @aws-sdk/client-s3 signs ListObjectsV2; an empty value goes bare', async () => {
    let captured: HttpRequest | undefined;
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          captured = request;
          throw new Error('captured');
        },
      },
    });
    await assert.rejects(
      client.send(new ListObjectsV2Command({ Bucket: 'b', MaxKeys: 1000, StartAfter: 'data/key 1' })),
      /captured/,
    );
    client.destroy();
    const sdk = captured!;
    const amzDate = sdk.headers['x-amz-date'];
    const signingDate = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const ours = new Set(['authorization', 'host', 'x-amz-content-sha256', 'x-amz-date']);
    const extra = Object.fromEntries(Object.entries(sdk.headers).filter(([k]) => !ours.has(k.toLowerCase())));
    const query = Object.fromEntries(Object.entries(sdk.query ?? {}).map(([k, v]) => [k, String(v)]));
    const req = await new RequestSigner({
      credentials,
      region: 'us-east-1',
      endpoint: { host: '127.0.0.1', port: 9000 },
      signingDate,
    }).headerSigned('GET', sdk.path, { headers: extra, query });
    assert.equal(query['start-after'], 'data/key 1');
    assert.equal(req.headers.authorization, sdk.headers.authorization);
    assert.equal(new URLSearchParams(req.target.split('?')[1]).get('start-after'), 'data/key 1');
    const versions = await signer.headerSigned('GET', '/b', {
      query: { versions: '', 'max-keys': '1000', 'key-marker': 'a/b' },
    });
    assert.equal(versions.target, '/b?versions&max-keys=1000&key-marker=a%2Fb');
  });
});

describe('bare file server', () => {
  let dir: string;
  let port: number;
  let close: () => Promise<void>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-bare-test-'));
    const server = createBareFileServer(dir);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise((r) => server.close(() => r()));
  });
  after(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const size of [4096, 200 * 1024]) {
    test(`PUT then GET returns the same ${size} bytes`, async () => {
      const body = Buffer.alloc(size, 7);
      const put = await send(
        { host: '127.0.0.1', port },
        { method: 'PUT', target: `/b/k${size}`, headers: { 'content-length': String(size) }, body },
      );
      assert.equal(put.status, 200);
      const get = await send(
        { host: '127.0.0.1', port },
        { method: 'GET', target: `/b/k${size}?X-Amz-Signature=ignored`, headers: {} },
      );
      assert.equal(get.status, 200);
      assert.equal(get.bodyLength, size);
    });
  }

  test(
    'wrk replays the request blob: 2xx counted as ok, 404 counted as status errors',
    { skip: detectWrk() ? false : 'wrk not installed' },
    async () => {
      const endpoint = { host: '127.0.0.1', port };
      const body = Buffer.alloc(4096, 3);
      for (const k of ['w1', 'w2'])
        await send(endpoint, { method: 'PUT', target: `/b/${k}`, headers: { 'content-length': '4096' }, body });
      const base = { endpoint, durationSeconds: 1, connections: 2, threads: 1, workDir: dir };
      const get = (k: string) => ({ method: 'GET', target: `/b/${k}`, headers: { host: `127.0.0.1:${port}` } });
      const ok = await runWrk({ ...base, name: 'ok', requests: [get('w1'), get('w2')] });
      assert.ok(ok.requests > 0);
      assert.equal(ok.statusErrors, 0);
      const missing = await runWrk({ ...base, name: 'missing', requests: [get('absent')] });
      assert.ok(missing.requests > 0);
      assert.equal(missing.statusErrors, missing.requests);
      assert.equal(missing.okPerSecond, 0);
    },
  );

  test('http-load completes HEADs (which wrk cannot) and GETs; 404s are status errors', async () => {
    const endpoint = { host: '127.0.0.1', port };
    await send(endpoint, {
      method: 'PUT',
      target: '/b/h1',
      headers: { 'content-length': '4096' },
      body: Buffer.alloc(4096, 5),
    });
    const base = { endpoint, durationSeconds: 1, connections: 2, threads: 1, workDir: dir };
    const req = (method: string, k: string) => ({ method, target: `/b/${k}`, headers: { host: `127.0.0.1:${port}` } });
    for (const method of ['HEAD', 'GET']) {
      const r = await runHttpLoad({
        ...base,
        name: `hl-${method}`,
        requests: [req(method, 'h1')],
        noBody: [method === 'HEAD'],
      });
      assert.ok(r.requests > 0, `${method}: ${r.requests} requests`);
      assert.deepEqual([r.statusErrors, r.socketErrors, r.timeouts], [0, 0, 0]);
    }
    const missing = await runHttpLoad({
      ...base,
      name: 'hl-missing',
      requests: [req('GET', 'absent')],
      noBody: [false],
    });
    assert.ok(missing.requests > 0);
    assert.equal(missing.statusErrors, missing.requests);
  });

  test('the large-object client runs several transfers at once and times them together', async () => {
    const size = 2 * 1024 * 1024;
    const specs = [0, 1, 2].map((i) => ({
      host: '127.0.0.1',
      port,
      method: 'PUT' as const,
      target: `/b/many-${i}`,
      headers: { 'content-length': String(size) },
      bytes: size,
      timeoutMs: 10_000,
    }));
    const all = await transferAll(specs);
    assert.deepEqual(
      all.results.map((r) => [r.status, r.bytes, r.complete]),
      [
        [200, size, true],
        [200, size, true],
        [200, size, true],
      ],
    );
    assert.ok(all.seconds >= Math.max(...all.results.map((r) => r.seconds)));
    const got = await fetchBody({ host: '127.0.0.1', port }, { method: 'GET', target: '/b/many-2', headers: {} });
    assert.equal(got.body.length, size);
  });

  test('sendMany signs as it goes and stops at the deadline', async () => {
    const endpoint = { host: '127.0.0.1', port };
    let made = 0;
    const make = async (i: number) => {
      made++;
      return { method: 'PUT', target: `/b/seed-${i}`, headers: { 'content-length': '0' }, body: Buffer.alloc(0) };
    };
    assert.deepEqual(await sendMany(endpoint, 20, make, { concurrency: 4 }).then((r) => [r.done, r.complete]), [
      20,
      true,
    ]);
    assert.equal(made, 20);
    const late = await sendMany(endpoint, 20, make, { concurrency: 4, deadline: Date.now() - 1 });
    assert.deepEqual([late.done, late.complete], [0, false]);
  });

  test('the large-object client PUTs and GETs whole bodies, and reports a short or failed GET as incomplete', async () => {
    const spec = { host: '127.0.0.1', port, headers: {}, timeoutMs: 10_000 };
    const size = 3 * 1024 * 1024 + 5;
    const put = await transfer({
      ...spec,
      method: 'PUT',
      target: '/b/large',
      bytes: size,
      headers: { 'content-length': String(size) },
    });
    assert.deepEqual([put.status, put.bytes, put.complete], [200, size, true]);
    const get = await transfer({ ...spec, method: 'GET', target: '/b/large', bytes: size });
    assert.deepEqual([get.status, get.bytes, get.complete, get.error], [200, size, true, undefined]);
    const expectedMore = await transfer({ ...spec, method: 'GET', target: '/b/large', bytes: size + 1 });
    assert.deepEqual([expectedMore.complete, expectedMore.error], [false, 'short transfer']);
    const missing = await transfer({ ...spec, method: 'GET', target: '/b/absent', bytes: size });
    assert.deepEqual([missing.status, missing.complete, missing.error], [404, false, 'HTTP 404']);
  });

  test('GET of a path never written is 404', async () => {
    const get = await send({ host: '127.0.0.1', port }, { method: 'GET', target: '/b/missing', headers: {} });
    assert.equal(get.status, 404);
  });
});

describe('dd output', () => {
  test('bytes and seconds from the C-locale summary line', () => {
    const err =
      '1024+0 records in\n1024+0 records out\n1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.23456 s, 870 MB/s\n';
    assert.deepEqual(parseDdOutput(err), { bytes: 1073741824, seconds: 1.23456 });
  });
  test('a run measures the write, the direct read as many times as asked, then the cached read; it leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-test-'));
    try {
      const out = await runDd(dir, 1024 * 1024, 30, 3);
      assert.deepEqual(
        out.map((m) => m.scenario),
        ['write-fdatasync', 'read-direct', 'read-direct', 'read-direct', 'read-cached'],
      );
      assert.equal(out[0].status, 'ok', out[0].note);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ratios', () => {
  const m = (
    target: string,
    scenario: string,
    value: number | null,
    status: Measurement['status'] = 'ok',
  ): Measurement => ({ target, scenario, unit: 'ops/s', value, status });

  test('pass, FAIL, info and n/a verdicts', () => {
    const specs = ratioSpecs(1024 * 1024 * 1024, 10);
    const ratios = computeRatios(specs, [
      m('strongbox', SCENARIO.getHeader, 1200),
      m('bare', SCENARIO.getHeader, 1000),
      m('s3rver', SCENARIO.getHeader, 500),
      m('strongbox', SCENARIO.put, 400),
      m('bare', SCENARIO.put, 1000),
      m('strongbox', SCENARIO.getIam, null, 'skipped'),
    ]);
    const by = (name: string) => ratios.find((r) => r.name === name)!;
    assert.equal(by('GET 4KiB header-signed: strongbox / bare').verdict, 'pass');
    assert.equal(by('GET 4KiB header-signed: strongbox / bare').value, 1.2);
    assert.equal(by('GET 4KiB header-signed: strongbox / s3rver').verdict, 'FAIL');
    assert.equal(by('PUT 4KiB: strongbox (fsync) / bare (no fsync)').verdict, 'FAIL');
    assert.equal(by('GET 4KiB header-signed: s3rver / bare').verdict, 'info');
    assert.equal(by('GET 4KiB: IAM user (10 policies) / root').verdict, 'n/a');
    assert.equal(by('GET 4KiB: role session (10 policies + SCP) / IAM user (10 policies)').verdict, 'n/a');
    assert.equal(by('PUT 1024MiB: strongbox / dd write (fdatasync)').verdict, 'n/a');
  });

  test('the role session is compared with the IAM user, goal within 10 %', () => {
    const ratios = computeRatios(ratioSpecs(1024 * 1024 * 1024, 10), [
      m('strongbox', SCENARIO.getHeader, 5000),
      m('strongbox', SCENARIO.getIam, 4000),
      m('strongbox', SCENARIO.getRoleSession, 3500),
    ]);
    const role = ratios.find((r) => r.name === 'GET 4KiB: role session (10 policies + SCP) / IAM user (10 policies)')!;
    assert.deepEqual([role.value, role.goal, role.verdict], [0.875, 0.9, 'FAIL']);
  });

  test("each target is compared with the dd that ran beside it, never with another target's", () => {
    const mb = (target: string, scenario: string, value: number, beside?: string): Measurement => ({
      target,
      scenario,
      unit: 'MB/s',
      value,
      status: 'ok',
      ...(beside ? { beside } : {}),
    });
    const ratios = computeRatios(ratioSpecs(1024 * 1024 * 1024, 10), [
      mb('dd', 'write-fdatasync', 1000, 'bare'),
      mb('dd', 'write-fdatasync', 400, 'strongbox'),
      mb('strongbox', 'put-1024MiB', 360),
      mb('bare', 'put-1024MiB', 500),
      mb('s3rver', 'put-1024MiB', 100),
    ]);
    const by = (name: string) => ratios.find((r) => r.name === name)!;
    assert.equal(by('PUT 1024MiB: strongbox / dd write (fdatasync)').value, 0.9);
    assert.equal(by('PUT 1024MiB: bare / dd write (fdatasync)').value, 0.5);
    assert.equal(by('PUT 1024MiB: s3rver / dd write (fdatasync)').verdict, 'n/a');
    assert.match(by('PUT 1024MiB: s3rver / dd write (fdatasync)').note ?? '', /dd\/write-fdatasync \(beside s3rver\)/);
  });
});

describe('issue #21 ratios', () => {
  const at = (target: string, scenario: string, value: number, unit: Measurement['unit']): Measurement => ({
    target,
    scenario,
    unit,
    value,
    status: 'ok',
  });
  test('an upper bound passes below its goal; a line without a denominator is the figure itself', () => {
    const specs = ratioSpecs(1024 * 1024 * 1024, 10);
    const ratios = computeRatios(specs, [
      at('strongbox', SCENARIO.list1MCpu, 4.2, 'ms'),
      at('strongbox', SCENARIO.peakRss, 250, 'MiB'),
      at('strongbox', SCENARIO.list20k, 300, 'pages/s'),
      at('bare', SCENARIO.list20k, 1000, 'pages/s'),
      at('strongbox', SCENARIO.head, 9000, 'ops/s'),
      at('strongbox', SCENARIO.getHttpLoad, 10000, 'ops/s'),
    ]);
    const by = (name: string) => ratios.find((r) => r.name === name)!;
    const cpu = by('LIST v2 1000 of 1M: strongbox server CPU per page');
    assert.deepEqual(
      [cpu.value, cpu.goal, cpu.bound, cpu.unit, cpu.verdict, cpu.denominator],
      [4.2, 5, 'max', 'ms', 'pass', undefined],
    );
    assert.deepEqual(
      [
        by('peak RSS of one process, whole run: strongbox').value,
        by('peak RSS of one process, whole run: strongbox').verdict,
      ],
      [250, 'FAIL'],
    );
    assert.deepEqual(
      [by('LIST v2 1000 of 20k: strongbox / bare').value, by('LIST v2 1000 of 20k: strongbox / bare').verdict],
      [0.3, 'pass'],
    );
    assert.deepEqual(
      [
        by('HEAD / GET 4KiB (http-load, one core): strongbox').value,
        by('HEAD / GET 4KiB (http-load, one core): strongbox').verdict,
      ],
      [0.9, 'FAIL'],
    );
    assert.equal(by('LIST v2 1000 of 1M: strongbox / bare').verdict, 'n/a');
    const text = formatReport({
      schema: 1,
      generatedAt: 'now',
      quick: false,
      machine: {},
      config: {},
      targets: [{ name: 'strongbox', status: 'ran' }],
      measurements: [],
      ratios,
      extraBenches: [],
      totalSeconds: 1,
    });
    assert.match(text, /LIST v2 1000 of 1M: strongbox server CPU per page\s+4\.20 ms\s+< 5 ms\s+pass/);
    assert.match(text, /peak RSS of one process, whole run: strongbox\s+250\.0 MiB\s+< 200 MiB\s+FAIL/);
  });

  test('the report shows a listing cell with its CPU per page, and the peak RSS per scenario', () => {
    const list: Measurement = {
      ...at('strongbox', SCENARIO.list20k, 55.4, 'pages/s'),
      detail: {
        server_cpu_cores: 0.98,
        server_cpu_ms_per_page: 17.7,
        rss_peak_process_mib: 180.2,
        rss_peak_tree_mib: 400.6,
      },
    };
    const text = formatReport({
      schema: 1,
      generatedAt: 'now',
      quick: false,
      machine: {},
      config: {},
      targets: [{ name: 'strongbox', status: 'ran' }],
      measurements: [list],
      ratios: [],
      extraBenches: [],
      totalSeconds: 1,
      phaseSeconds: { setup: 30 },
    });
    assert.match(text, /55\.4 · cpu 0\.98 · 17\.70 ms\/page/);
    assert.match(text, /list-v2-1000-of-20k\s+180 \/ 401/);
    assert.match(text, /time: setup 30 s/);
  });
});

describe('rounds', () => {
  const round = (value: number | null, status: Measurement['status'] = 'ok', note?: string): Measurement => ({
    target: 't',
    scenario: 's',
    unit: 'ops/s',
    value,
    status,
    ...(note ? { note } : {}),
    detail: { p99_ms: value ?? 0 },
  });
  test('the figure is the median round, with every round listed; of an even count the lower middle one', () => {
    const m = medianOfRounds([round(900), round(700), round(800)]);
    assert.equal(m.value, 800);
    assert.equal(m.detail?.p99_ms, 800);
    assert.equal(m.detail?.rounds, '900 700 800');
    assert.equal(medianOfRounds([round(5)]).value, 5);
    assert.equal(medianOfRounds([round(4), round(1), round(3), round(2)]).value, 2);
  });
  test('the report shows the median and the spread of its rounds', () => {
    const m = medianOfRounds([round(7608), round(6813), round(7150)]);
    const text = formatReport({
      schema: 1,
      generatedAt: 'now',
      quick: false,
      machine: {},
      config: {},
      targets: [{ name: 't', status: 'ran' }],
      measurements: [m],
      ratios: [],
      extraBenches: [],
      totalSeconds: 1,
    });
    assert.match(text, /7,150 · 6,813–7,608/);
  });
  test('medianOfEach: one figure per target, dd beside it and scenario, however many times each was measured', () => {
    const at = (target: string, scenario: string, value: number, beside?: string): Measurement => ({
      target,
      scenario,
      unit: 'MB/s',
      value,
      status: 'ok',
      ...(beside ? { beside } : {}),
    });
    const runs = [
      at('dd', 'read', 900, 'a'),
      at('dd', 'read', 1200, 'a'),
      at('dd', 'read', 1000, 'a'),
      at('a', 'put', 400),
      at('a', 'get', 1100),
      at('a', 'get', 800),
      at('dd', 'read', 1100, 'b'),
      at('a', 'put', 300),
      at('a', 'get', 1000),
    ];
    const figures = medianOfEach(runs);
    assert.deepEqual(
      figures.map((m) => [m.target, m.beside, m.scenario, m.value, m.detail?.rounds]),
      [
        ['dd', 'a', 'read', 1000, '900.0 1200.0 1000.0'],
        ['a', undefined, 'put', 300, '400.0 300.0'],
        ['a', undefined, 'get', 1000, '1100.0 800.0 1000.0'],
        ['dd', 'b', 'read', 1100, undefined],
      ],
    );
  });
  test('a failed round fails the scenario and says which; a partial one marks it partial', () => {
    const m = medianOfRounds([round(900), round(null, 'failed', 'HTTP 500')]);
    assert.equal(m.status, 'failed');
    assert.equal(m.note, 'round 2 of 2: HTTP 500');
    assert.equal(medianOfRounds([round(3), round(1, 'partial'), round(2)]).status, 'partial');
  });
});

describe('http-load response framing', () => {
  test('HEAD ends with its headers whatever Content-Length says; GET reads Content-Length bytes', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 4096\r\nETag: "x"';
    assert.deepEqual(parseResponseHead(head, true), { status: 200, bodyBytes: 0, close: false });
    assert.deepEqual(parseResponseHead(head, false), { status: 200, bodyBytes: 4096, close: false });
    assert.deepEqual(parseResponseHead('HTTP/1.1 204 No Content\r\nConnection: close', false), {
      status: 204,
      bodyBytes: 0,
      close: true,
    });
    assert.deepEqual(parseResponseHead('HTTP/1.1 404 Not Found\r\ncontent-length: 12', false), {
      status: 404,
      bodyBytes: 12,
      close: false,
    });
    assert.throws(() => parseResponseHead('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', false), /chunked/);
    assert.throws(() => parseResponseHead('garbage', false), /not an HTTP/);
  });

  test('percentiles by nearest rank', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(
      [percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), percentile(sorted, 100)],
      [5, 9, 10, 10],
    );
    assert.equal(percentile(new Float64Array(0), 50), 0);
  });
});

describe('stalled rounds', () => {
  test('a round that completed nothing is run once more, and says so', async () => {
    const round = (requests: number): Measurement => ({
      target: 't',
      scenario: 's',
      unit: 'ops/s',
      value: requests,
      status: 'ok',
      detail: { requests },
    });
    let calls = 0;
    const stalledOnce = await retryStalled(async () => round(calls++ === 0 ? 0 : 500));
    assert.deepEqual([stalledOnce.value, calls, typeof stalledOnce.detail?.retried], [500, 2, 'string']);
    calls = 0;
    const fine = await retryStalled(async () => round(++calls * 100));
    assert.deepEqual([fine.value, calls, fine.detail?.retried], [100, 1, undefined]);
  });
});

describe('pinning and memory', () => {
  test("taskset's mask line", () => {
    assert.equal(parseAffinityMask("pid 4242's current affinity mask: 3\n"), '3');
    assert.equal(parseAffinityMask("pid 1's current affinity mask: ff,ffffffff\n"), 'ff,ffffffff');
    assert.equal(parseAffinityMask('taskset: failed to get pid 9 affinity'), undefined);
  });

  test('a process tree holds the process itself and its children', () => {
    assert.deepEqual(processTree(process.pid).slice(0, 1), [process.pid]);
  });

  test('VmRSS and VmHWM from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmHWM:\t  412000 kB\nVmRSS:\t  204800 kB\nThreads:\t11\n';
    assert.equal(parseStatusKib(status, 'VmRSS'), 204800);
    assert.equal(parseStatusKib(status, 'VmHWM'), 412000);
    assert.equal(parseStatusKib('Name:\tkthread\n', 'VmRSS'), undefined);
  });

  test('peaks: the largest single process and the largest sum at one instant', () => {
    const t = new PeakTracker();
    assert.equal(t.peak(), undefined);
    t.add([100 * 1024, 50 * 1024]);
    t.add([120 * 1024, 10 * 1024]);
    t.add([]);
    assert.deepEqual(t.peak(), { processMiB: 120, treeMiB: 150, samples: 2 });
  });
});

describe('listing scenarios', () => {
  test("keys are generated in byte order, the delimiter bucket's big/ first", () => {
    assert.deepEqual(flatKeys('k-', 3, 4), ['k-0000', 'k-0001', 'k-0002']);
    const keys = delimiterKeys(3, 2, 2);
    assert.deepEqual(keys, [
      'big/000000',
      'big/000001',
      'big/000002',
      'p0000/k00',
      'p0000/k01',
      'p0001/k00',
      'p0001/k01',
    ]);
    assert.deepEqual(
      [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
      keys,
    );
  });

  test('pages start spread over the bucket, distinct, each one full and truncated', () => {
    const starts = pageStarts(20_000, 5, 1000);
    assert.equal(starts[0], undefined);
    assert.equal(new Set(starts).size, 5);
    for (const at of starts.slice(1) as number[]) assert.ok(at >= 0 && at + 1000 < 20_000 - 1, `page after ${at}`);
    assert.throws(() => pageStarts(1003, 5, 1000));
  });

  test('the versioned bucket: 2nd versions, 3rd versions and delete markers', () => {
    const plan = versionPlan(flatKeys('k', 20_000, 5));
    assert.equal(plan.extraVersions.length, 2000 + 400);
    assert.equal(plan.deleteMarkers.length, 80);
  });

  test('the scenarios, their buckets and pages', () => {
    const defs = listingDefs(benchConfig({ quick: false }));
    assert.deepEqual(
      defs.map((d) => [d.scenario, d.bucket.keys.length, d.bucket.seed, d.pages.length]),
      [
        ['list-v2-1000-of-20k', 20_000, 'http', 5],
        ['list-v2-1000-of-1M', 1_000_000, 'storage', 5],
        ['list-versions-1000', 20_000, 'http', 5],
        ['list-delimiter-1000-prefixes', 200_000, 'storage', 5],
        ['list-delimiter-big-prefix', 200_000, 'storage', 5],
      ],
    );
    for (const d of defs)
      assert.equal(new Set(d.pages.map((p) => JSON.stringify(p.query))).size, d.pages.length, d.scenario);
    assert.deepEqual(defs[2].pages[1].query, { versions: '', 'max-keys': '1000', 'key-marker': 'data/key-0004748' });
    assert.deepEqual(
      defs[3].pages.map((p) => p.query['start-after']),
      ['big/~', 'p0249/~', 'p0499/~', 'p0749/~', 'p0999/~'],
    );
    assert.equal(defs[4].pages[0].query['start-after'], undefined);
  });

  test('a target whose single page is slow gets a longer run (so pages complete) and no warm-up', () => {
    assert.deepEqual(listingRunSeconds(3, 4, 0.1), { seconds: 3, warmup: true });
    assert.deepEqual(listingRunSeconds(3, 4, 0.4), { seconds: 7, warmup: false });
    assert.deepEqual(listingRunSeconds(3, 4, 1.3), { seconds: 12, warmup: false });
  });

  test('pages read back: ListObjectsV2 keys and prefixes, versions and delete markers', () => {
    const v2 = parseListPage(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix>' +
        '<IsTruncated>true</IsTruncated><Contents><Key>a&amp;b</Key><Size>0</Size></Contents><Contents><Key>c&lt;d</Key></Contents>' +
        '<CommonPrefixes><Prefix>big/</Prefix></CommonPrefixes></ListBucketResult>',
    );
    assert.deepEqual(
      [v2.keys, v2.commonPrefixes, v2.isTruncated, pageEntries(v2, 'objects')],
      [['a&b', 'c<d'], ['big/'], true, 3],
    );
    const versions = parseListPage(
      '<ListVersionsResult><IsTruncated>false</IsTruncated><Version><Key>k</Key><VersionId>2</VersionId></Version>' +
        '<Version><Key>k</Key><VersionId>1</VersionId></Version><DeleteMarker><Key>m</Key></DeleteMarker></ListVersionsResult>',
    );
    assert.deepEqual(
      [versions.versions, versions.deleteMarkers, versions.isTruncated, pageEntries(versions, 'versions')],
      [2, 1, false, 3],
    );
    assert.throws(() => parseListPage('<Error><Code>AccessDenied</Code></Error>'), /not a listing/);
  });
});

describe('soak verdict', () => {
  const series = (mibs: number[]) => mibs.map((mib, i) => ({ t: i * 5, mib }));
  test('flat: the last third within 10 % of the middle third (the first third is warm-up)', () => {
    const v = soakVerdict(series([100, 300, 300, 300, 300, 310, 320, 320, 330]));
    assert.deepEqual([v.flat, v.middleMeanMiB, v.lastMeanMiB, v.allowedMiB], [true, 303.3, 323.3, 30.3]);
  });
  test('growing beyond both 10 % and 20 MiB is not flat; below 200 MiB, 20 MiB is the allowance', () => {
    assert.equal(soakVerdict(series([200, 300, 300, 300, 360, 360])).flat, false);
    assert.deepEqual(
      [
        soakVerdict(series([50, 100, 100, 100, 118, 118])).flat,
        soakVerdict(series([50, 100, 100, 100, 125, 125])).flat,
      ],
      [true, false],
    );
  });
  test('too few samples to judge', () => {
    const v = soakVerdict(series([100, 100]));
    assert.equal(v.flat, false);
    assert.match(v.reason ?? '', /too few/);
  });
});

describe('IAM bench policies', () => {
  test('ten policies, only the last grants GetObject on the bench objects, each under the 6,144-character limit', () => {
    const docs = benchPolicies('bench-small', 10);
    assert.equal(docs.length, 10);
    const grants = docs.map((d) =>
      d.Statement.some((s) => s.Effect === 'Allow' && String(s.Resource) === 'arn:aws:s3:::bench-small/get/*'),
    );
    assert.deepEqual(grants, [false, false, false, false, false, false, false, false, false, true]);
    for (const d of docs) assert.ok(JSON.stringify(d).length <= 6144);
  });
});

describe('role-session bench policies', () => {
  test('the SCP: an unconditional Deny, and a region lock (NotAction + StringNotEquals aws:RequestedRegion) that S3 object reads fall under', () => {
    const scp = benchScp(['us-east-1', 'eu-west-1']);
    // The SCP quota: 5,120 characters. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
    assert.ok(JSON.stringify(scp).length <= 5120);
    const [protect, regions] = scp.Statement;
    assert.deepEqual([protect.Effect, protect.Condition], ['Deny', undefined]);
    assert.ok(
      protect.Action?.includes('s3:DeleteBucket') && protect.Action.includes('organizations:LeaveOrganization'),
    );
    assert.equal(regions.Effect, 'Deny');
    assert.equal(regions.Action, undefined);
    assert.deepEqual(regions.Condition, { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } });
    // The bench's GETs are not exempt: the condition is evaluated on each of them.
    const exempt = (action: string) =>
      (regions.NotAction ?? []).some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`, 'i').test(action));
    assert.equal(exempt('s3:GetObject'), false);
    assert.equal(exempt('sts:AssumeRole'), true);
    assert.equal(exempt('iam:CreateRole'), true);
  });

  test('bench-reader trusts its own account', () => {
    assert.deepEqual(JSON.parse(memberTrustPolicy('123456789012')).Statement, [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' },
    ]);
  });
});

// s3rver 3.7 parses SigV4 and checks that the access key exists, but does not verify the signature
// ("Signature version 4 calculation is unimplemented"): its figures include no HMAC work.
describe('signed requests against s3rver', () => {
  interface S3rverInstance {
    run(): Promise<{ port: number }>;
    close(): Promise<void>;
  }
  let dir: string;
  let instance: S3rverInstance;
  let signer: RequestSigner;
  let endpoint: { host: string; port: number };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-s3rver-test-'));
    const S3rver = createRequire(import.meta.url)('s3rver') as new (o: object) => S3rverInstance;
    instance = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, vhostBuckets: false });
    endpoint = { host: '127.0.0.1', port: (await instance.run()).port };
    signer = new RequestSigner({ credentials: S3RVER_CREDENTIALS, region: 'us-east-1', endpoint });
    await createBucket({ endpoint, region: 'us-east-1', credentials: S3RVER_CREDENTIALS }, signer, 'sig-test');
  });
  after(async () => {
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('header-signed PUT and GET and presigned GET are accepted; an unknown access key is refused', async () => {
    const body = Buffer.alloc(4096, 1);
    const path = objectPath('sig-test', 'get/obj-1');
    assert.equal((await send(endpoint, await signer.headerSigned('PUT', path, { body }))).status, 200);
    const get = await send(endpoint, await signer.headerSigned('GET', path));
    assert.equal(get.status, 200);
    assert.equal(get.bodyLength, 4096);
    assert.equal((await send(endpoint, await signer.presigned('GET', path, 900))).status, 200);
    const wrong = new RequestSigner({
      credentials: { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: 'S3RVER' },
      region: 'us-east-1',
      endpoint,
    });
    assert.equal((await send(endpoint, await wrong.headerSigned('GET', path))).status, 403);
    assert.equal((await send(endpoint, await wrong.presigned('GET', path, 900))).status, 403);
  });

  // Not a truncated page: s3rver makes its continuation token with DES, which this process's OpenSSL 3
  // refuses without --openssl-legacy-provider (the bench runs s3rver with it: s3rver-target.ts).
  test('a header-signed ListObjectsV2 with start-after is accepted and its page reads back', async () => {
    for (const k of ['list/a', 'list/b', 'list/c'])
      assert.equal(
        (await send(endpoint, await signer.headerSigned('PUT', objectPath('sig-test', k), { body: Buffer.alloc(0) })))
          .status,
        200,
      );
    const res = await fetchBody(
      endpoint,
      await signer.headerSigned('GET', '/sig-test', {
        query: { 'list-type': '2', prefix: 'list/', 'max-keys': '1000', 'start-after': 'list/a' },
      }),
    );
    assert.equal(res.status, 200);
    const page = parseListPage(res.body.toString('utf8'));
    assert.deepEqual([page.keys, page.isTruncated], [['list/b', 'list/c'], false]);
  });
});

describe('other benches', () => {
  /** Runs the given bench scripts as runExtraBenches finds them; returns the results and what it wrote. */
  async function runScripts(scripts: Record<string, string>, timeoutSeconds: number) {
    const root = mkdtempSync(join(tmpdir(), 'sb-extra-'));
    try {
      mkdirSync(join(root, 'dist/bench'), { recursive: true });
      for (const [name, text] of Object.entries(scripts)) writeFileSync(join(root, 'dist/bench', name), text);
      const written: string[] = [];
      const deadline = Date.now() + timeoutSeconds * 1000 + 60_000;
      const results = await runExtraBenches(root, {
        quick: true,
        timeoutSeconds,
        deadline,
        write: (t) => written.push(t),
      });
      return { results, out: written.join('') };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  // Neither case depends on the machine's speed: the failing bench has all the time a loaded machine
  // could need to start node and exit; the other never ends, so its limit cuts it short however slow.
  test('one failing is said to be, so the output never ends on a bare heading', async () => {
    const { results, out } = await runScripts({ 'a-bench.js': 'process.exit(3);\n' }, 3600);
    assert.deepEqual(
      results.map((r) => [r.script, r.exitCode, r.timedOut]),
      [['a-bench.js', 3, false]],
    );
    assert.match(out, /=== a-bench\.js ===\n\(exited with code 3\)/);
  });

  test('they are told they run as extras; a bench with a limit of its own gets it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sb-extra-'));
    try {
      mkdirSync(join(root, 'dist/bench'), { recursive: true });
      // Exits 0 after 1.5 s if it was told; the default limit (1 s) would cut it, its own (1 h) does not.
      writeFileSync(
        join(root, 'dist/bench', 'c-bench.js'),
        "setTimeout(() => process.exit(process.env.STRONGBOX_BENCH_EXTRA === '1' ? 0 : 4), 1500);\n",
      );
      const results = await runExtraBenches(root, {
        quick: true,
        timeoutSeconds: 1,
        timeoutOverrides: { 'c-bench.js': 3600 },
        deadline: Date.now() + 3_600_000,
        write: () => undefined,
      });
      assert.deepEqual(
        results.map((r) => [r.script, r.exitCode, r.timedOut]),
        [['c-bench.js', 0, false]],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('one cut short is said to be', async () => {
    const { results, out } = await runScripts({ 'b-bench.js': 'setInterval(() => undefined, 60_000);\n' }, 1);
    assert.deepEqual(
      results.map((r) => [r.script, r.exitCode, r.timedOut]),
      [['b-bench.js', null, true]],
    );
    assert.match(out, /=== b-bench\.js ===\n\(stopped after \d+ s: the bench's time budget ran out\)/);
  });
});
