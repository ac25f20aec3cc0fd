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
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { HttpRequest } from '@smithy/types';
import { createBareFileServer } from './bare-file-server.js';
import { parseDdOutput, runDd } from './dd.js';
import { runExtraBenches } from './extra-benches.js';
import { transfer } from './large-object-client.js';
import { rawRequestBytes, send } from './http-client.js';
import { benchPolicies } from './iam-user.js';
import { medianOfEach, medianOfRounds, type Measurement } from './measurement.js';
import { computeRatios, ratioSpecs, SCENARIO } from './ratios.js';
import { formatReport } from './report.js';
import { S3RVER_CREDENTIALS } from './s3rver-process.js';
import { NodeSha256 } from './sha256.js';
import { objectPath, RequestSigner, UNSIGNED_PAYLOAD } from './signer.js';
import { benchScp, memberTrustPolicy } from './role-session.js';
import { createBucket } from './small-object.js';
import { detectWrk, luaScript, parseWrkOutput, runWrk } from './wrk.js';

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
    const raw = rawRequestBytes({ method: 'PUT', target: '/b/k', headers: { host: 'h:1', 'content-length': '4' }, body });
    assert.equal(raw.subarray(0, raw.length - 4).toString('latin1'), 'PUT /b/k HTTP/1.1\r\nhost: h:1\r\ncontent-length: 4\r\n\r\n');
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

  const signer = new RequestSigner({ credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' }, region: 'us-east-1', endpoint: { host: '127.0.0.1', port: 9 } });

  test('header-signed PUT carries the real payload hash, the length and an Authorization header', async () => {
    const req = await signer.headerSigned('PUT', '/b/k', { body: Buffer.from('abc') });
    assert.equal(req.headers['x-amz-content-sha256'], 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(req.headers['content-length'], '3');
    assert.match(req.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=content-length;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  test('presigned GET is the URL @aws-sdk/s3-request-presigner makes for the same request and time', async () => {
    const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const ours = await new RequestSigner({ credentials, region: 'us-east-1', endpoint: { host: '127.0.0.1', port: 9000 }, signingDate }).presigned('GET', '/b/a%20k', 900);
    const sdk = await new S3RequestPresigner({ credentials, region: 'us-east-1', sha256: NodeSha256 }).presign(
      { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/b/a%20k', query: {}, headers: { host: '127.0.0.1:9000' } },
      { signingDate, expiresIn: 900 },
    );
    const sorted = (q: URLSearchParams) => [...q.entries()].sort(([a], [b]) => a.localeCompare(b));
    assert.deepEqual(sorted(new URLSearchParams(ours.target.split('?')[1])), sorted(new URLSearchParams(sdk.query as Record<string, string>)));
    assert.equal(ours.target.split('?')[0], '/b/a%20k');
  });

  const sessionCredentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'FwoGZXIvYXdzEJr//+session/token=' };

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
    const req = await new RequestSigner({ credentials: sessionCredentials, region: 'us-east-1', endpoint: { host: '127.0.0.1', port: 9000 }, signingDate })
      .headerSigned('GET', objectPath('b', 'get/a k'), { headers: extra });
    assert.equal(sdk.path, '/b/get/a%20k');
    assert.equal(req.headers['x-amz-security-token'], sessionCredentials.sessionToken);
    assert.equal(sdk.headers['x-amz-security-token'], sessionCredentials.sessionToken);
    assert.match(req.headers.authorization ?? '', /SignedHeaders=[^,]*;x-amz-security-token(;|,)/);
    assert.equal(req.headers.authorization, sdk.headers.authorization);
  });

  test('with a session token, the presigned GET is the presigner\'s (X-Amz-Security-Token in the query)', async () => {
    const signingDate = new Date('2026-01-02T03:04:05Z');
    const ours = await new RequestSigner({ credentials: sessionCredentials, region: 'us-east-1', endpoint: { host: '127.0.0.1', port: 9000 }, signingDate }).presigned('GET', '/b/k', 900);
    const sdk = await new S3RequestPresigner({ credentials: sessionCredentials, region: 'us-east-1', sha256: NodeSha256 }).presign(
      { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/b/k', query: {}, headers: { host: '127.0.0.1:9000' } },
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
      const put = await send({ host: '127.0.0.1', port }, { method: 'PUT', target: `/b/k${size}`, headers: { 'content-length': String(size) }, body });
      assert.equal(put.status, 200);
      const get = await send({ host: '127.0.0.1', port }, { method: 'GET', target: `/b/k${size}?X-Amz-Signature=ignored`, headers: {} });
      assert.equal(get.status, 200);
      assert.equal(get.bodyLength, size);
    });
  }

  test('wrk replays the request blob: 2xx counted as ok, 404 counted as status errors', { skip: detectWrk() ? false : 'wrk not installed' }, async () => {
    const endpoint = { host: '127.0.0.1', port };
    const body = Buffer.alloc(4096, 3);
    for (const k of ['w1', 'w2']) await send(endpoint, { method: 'PUT', target: `/b/${k}`, headers: { 'content-length': '4096' }, body });
    const base = { endpoint, durationSeconds: 1, connections: 2, threads: 1, workDir: dir };
    const get = (k: string) => ({ method: 'GET', target: `/b/${k}`, headers: { host: `127.0.0.1:${port}` } });
    const ok = await runWrk({ ...base, name: 'ok', requests: [get('w1'), get('w2')] });
    assert.ok(ok.requests > 0);
    assert.equal(ok.statusErrors, 0);
    const missing = await runWrk({ ...base, name: 'missing', requests: [get('absent')] });
    assert.ok(missing.requests > 0);
    assert.equal(missing.statusErrors, missing.requests);
    assert.equal(missing.okPerSecond, 0);
  });

  test('the large-object client PUTs and GETs whole bodies, and reports a short or failed GET as incomplete', async () => {
    const spec = { host: '127.0.0.1', port, headers: {}, timeoutMs: 10_000 };
    const size = 3 * 1024 * 1024 + 5;
    const put = await transfer({ ...spec, method: 'PUT', target: '/b/large', bytes: size, headers: { 'content-length': String(size) } });
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
    const err = '1024+0 records in\n1024+0 records out\n1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.23456 s, 870 MB/s\n';
    assert.deepEqual(parseDdOutput(err), { bytes: 1073741824, seconds: 1.23456 });
  });
  test('a run measures the write, the direct read as many times as asked, then the cached read; it leaves no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-test-'));
    try {
      const out = await runDd(dir, 1024 * 1024, 30, 3);
      assert.deepEqual(out.map((m) => m.scenario), ['write-fdatasync', 'read-direct', 'read-direct', 'read-direct', 'read-cached']);
      assert.equal(out[0].status, 'ok', out[0].note);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ratios', () => {
  const m = (target: string, scenario: string, value: number | null, status: Measurement['status'] = 'ok'): Measurement => ({ target, scenario, unit: 'ops/s', value, status });

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

  test('each target is compared with the dd that ran beside it, never with another target\'s', () => {
    const mb = (target: string, scenario: string, value: number, beside?: string): Measurement => ({ target, scenario, unit: 'MB/s', value, status: 'ok', ...(beside ? { beside } : {}) });
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

describe('rounds', () => {
  const round = (value: number | null, status: Measurement['status'] = 'ok', note?: string): Measurement => ({
    target: 't', scenario: 's', unit: 'ops/s', value, status, ...(note ? { note } : {}), detail: { p99_ms: value ?? 0 },
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
    const text = formatReport({ schema: 1, generatedAt: 'now', quick: false, machine: {}, config: {}, targets: [{ name: 't', status: 'ran' }], measurements: [m], ratios: [], extraBenches: [], totalSeconds: 1 });
    assert.match(text, /7,150 · 6,813–7,608/);
  });
  test('medianOfEach: one figure per target, dd beside it and scenario, however many times each was measured', () => {
    const at = (target: string, scenario: string, value: number, beside?: string): Measurement => ({ target, scenario, unit: 'MB/s', value, status: 'ok', ...(beside ? { beside } : {}) });
    const runs = [
      at('dd', 'read', 900, 'a'), at('dd', 'read', 1200, 'a'), at('dd', 'read', 1000, 'a'), at('a', 'put', 400), at('a', 'get', 1100), at('a', 'get', 800),
      at('dd', 'read', 1100, 'b'), at('a', 'put', 300), at('a', 'get', 1000),
    ];
    const figures = medianOfEach(runs);
    assert.deepEqual(figures.map((m) => [m.target, m.beside, m.scenario, m.value, m.detail?.rounds]), [
      ['dd', 'a', 'read', 1000, '900.0 1200.0 1000.0'],
      ['a', undefined, 'put', 300, '400.0 300.0'],
      ['a', undefined, 'get', 1000, '1100.0 800.0 1000.0'],
      ['dd', 'b', 'read', 1100, undefined],
    ]);
  });
  test('a failed round fails the scenario and says which; a partial one marks it partial', () => {
    const m = medianOfRounds([round(900), round(null, 'failed', 'HTTP 500')]);
    assert.equal(m.status, 'failed');
    assert.equal(m.note, 'round 2 of 2: HTTP 500');
    assert.equal(medianOfRounds([round(3), round(1, 'partial'), round(2)]).status, 'partial');
  });
});

describe('IAM bench policies', () => {
  test('ten policies, only the last grants GetObject on the bench objects, each under the 6,144-character limit', () => {
    const docs = benchPolicies('bench-small', 10);
    assert.equal(docs.length, 10);
    const grants = docs.map((d) => d.Statement.some((s) => s.Effect === 'Allow' && String(s.Resource) === 'arn:aws:s3:::bench-small/get/*'));
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
    assert.ok(protect.Action?.includes('s3:DeleteBucket') && protect.Action.includes('organizations:LeaveOrganization'));
    assert.equal(regions.Effect, 'Deny');
    assert.equal(regions.Action, undefined);
    assert.deepEqual(regions.Condition, { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } });
    // The bench's GETs are not exempt: the condition is evaluated on each of them.
    const exempt = (action: string) => (regions.NotAction ?? []).some((p) => new RegExp(`^${p.replace(/\*/g, '.*')}$`, 'i').test(action));
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
  interface S3rverInstance { run(): Promise<{ port: number }>; close(): Promise<void> }
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
    const wrong = new RequestSigner({ credentials: { accessKeyId: 'AKIANOTKNOWN', secretAccessKey: 'S3RVER' }, region: 'us-east-1', endpoint });
    assert.equal((await send(endpoint, await wrong.headerSigned('GET', path))).status, 403);
    assert.equal((await send(endpoint, await wrong.presigned('GET', path, 900))).status, 403);
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
      const results = await runExtraBenches(root, { quick: true, timeoutSeconds, deadline, write: (t) => written.push(t) });
      return { results, out: written.join('') };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  // Neither case depends on the machine's speed: the failing bench has all the time a loaded machine
  // could need to start node and exit; the other never ends, so its limit cuts it short however slow.
  test('one failing is said to be, so the output never ends on a bare heading', async () => {
    const { results, out } = await runScripts({ 'a-bench.js': 'process.exit(3);\n' }, 3600);
    assert.deepEqual(results.map((r) => [r.script, r.exitCode, r.timedOut]), [['a-bench.js', 3, false]]);
    assert.match(out, /=== a-bench\.js ===\n\(exited with code 3\)/);
  });

  test('one cut short is said to be', async () => {
    const { results, out } = await runScripts({ 'b-bench.js': 'setInterval(() => undefined, 60_000);\n' }, 1);
    assert.deepEqual(results.map((r) => [r.script, r.exitCode, r.timedOut]), [['b-bench.js', null, true]]);
    assert.match(out, /=== b-bench\.js ===\n\(stopped after \d+ s: the bench's time budget ran out\)/);
  });
});
