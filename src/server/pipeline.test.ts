import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { ServiceError } from '../errors/service-error.js';
import { ANONYMOUS, type Caller } from '../identity/caller.js';
import type { AuthenticationResult } from '../auth/types.js';
import { RequestPipeline } from './pipeline.js';
import { startHttpServer } from './http-server.js';
import type { Authorizer, AuthzCheck, ProtocolAdapter } from './protocol.js';
import { detectService } from './service-detect.js';

const ROOT: Caller = { kind: 'Root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIAEXAMPLE' };

function authResult(caller: Caller, body: Readable): AuthenticationResult {
  return {
    caller,
    service: 's3',
    region: 'us-east-1',
    facts: { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signatureAgeMs: 0, multiFactorAuthPresent: false, multiFactorAuthAgeSeconds: undefined, tokenIssueTime: undefined },
    body,
    trailers: () => ({}),
    decodedContentLength: undefined,
  };
}

/** A protocol that records what happened, so the test can see the order of steps. */
function recordingProtocol(events: string[], service = 's3'): ProtocolAdapter {
  const check: AuthzCheck = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', resourceAccount: '111122223333', context: {} };
  return {
    service,
    async route(raw) {
      events.push(`route ${raw.method} ${raw.rawPath}`);
      return {
        name: 'GetObject',
        checks: [check],
        async execute() {
          events.push('execute');
          return { response: { status: 200, headers: {}, body: 'ok' } };
        },
      };
    },
    errorResponse(err) {
      const e = err instanceof ServiceError ? err : new ServiceError('InternalError', 'x', 500);
      events.push(`error ${e.code}`);
      return { status: e.status, headers: {}, body: e.code };
    },
  };
}

async function withServer(opts: { caller?: Caller; authorizer: Authorizer; authFails?: ServiceError; events: string[] }, fn: (port: number) => Promise<void>) {
  const pipeline = new RequestPipeline({
    authenticate: async (_raw, body) => {
      if (opts.authFails) throw opts.authFails;
      return authResult(opts.caller ?? ROOT, body);
    },
    authorizer: opts.authorizer,
    s3: recordingProtocol(opts.events),
    services: new Map([['iam', { ...recordingProtocol(opts.events, 'iam'), authError: (e: ServiceError) => new ServiceError(e.code === 'InvalidAccessKeyId' ? 'InvalidClientTokenId' : e.code, e.message, e.status) }]]),
    region: 'us-east-1',
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
  });
  const http = await startHttpServer({ host: '127.0.0.1', port: 0, handle: pipeline.handle, isReady: () => true });
  try {
    await fn(http.address.port);
  } finally {
    await http.shutdown(1000);
  }
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

test('authorizes before the handler runs, and the handler runs on Allow', async () => {
  const events: string[] = [];
  const authorizer: Authorizer = { authorize: async () => (events.push('authorize'), { decision: 'Allow' }) };
  await withServer({ authorizer, events }, async (port) => {
    const r = await get(port, '/b/k');
    assert.equal(r.status, 200);
    assert.deepEqual(events, ['route GET /b/k', 'authorize', 'execute']);
  });
});

for (const decision of ['ImplicitDeny', 'ExplicitDeny'] as const) {
  test(`${decision} → AccessDenied and the handler never runs`, async () => {
    const events: string[] = [];
    const authorizer: Authorizer = { authorize: async () => ({ decision, message: 'no' }) };
    await withServer({ authorizer, events }, async (port) => {
      const r = await get(port, '/b/k');
      assert.equal(r.status, 403);
      assert.equal(r.body, 'AccessDenied');
      assert.ok(!events.includes('execute'));
    });
  });
}

test('authentication errors of a Query-protocol service are mapped to its codes', async () => {
  const events: string[] = [];
  const authorizer: Authorizer = { authorize: async () => ({ decision: 'Allow' }) };
  const authFails = new ServiceError('InvalidAccessKeyId', 'unknown key', 403);
  await withServer({ authorizer, authFails, events }, async (port) => {
    const iam = await get(port, '/', { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' });
    assert.equal(iam.body, 'InvalidClientTokenId');
    const s3 = await get(port, '/b', { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAX/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' });
    assert.equal(s3.body, 'InvalidAccessKeyId');
  });
});

test('health probes answer 200 without authentication', async () => {
  const events: string[] = [];
  const authorizer: Authorizer = { authorize: async () => ({ decision: 'ImplicitDeny' }) };
  await withServer({ authorizer, events, caller: ANONYMOUS }, async (port) => {
    assert.equal((await get(port, '/health/live')).status, 200);
    assert.equal((await get(port, '/health/ready')).status, 200);
    assert.deepEqual(events, []);
  });
});

test('detectService reads the credential scope of headers and presigned URLs', () => {
  const raw = (headers: Record<string, string>, rawQuery = '') => ({ method: 'GET', rawPath: '/', rawQuery, headers, rawHeaders: [] });
  assert.equal(detectService(raw({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20250101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0' })), 'sts');
  assert.equal(detectService(raw({}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20250101%2Fus-east-1%2Fs3%2Faws4_request')), 's3');
  assert.equal(detectService(raw({}, 'X-Amz-Credential=AKIA%2F20250101%2Fus-east-1%2Fiam%2Faws4_request')), 'iam');
  assert.equal(detectService(raw({})), 's3');
  // An empty or unknown region still names the service, so the failure is answered in its protocol.
  assert.equal(detectService(raw({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20250101//iam/aws4_request, SignedHeaders=host, Signature=0' })), 'iam');
  assert.equal(detectService(raw({ authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/20250101/mars-1/organizations/aws4_request, SignedHeaders=host, Signature=0' })), 'organizations');
  assert.equal(detectService(raw({}, 'X-Amz-Credential=AKIA%2F20250101%2F%2Fsts%2Faws4_request')), 'sts');
});

test('detectService: unsigned STS form posts and JSON-protocol targets', () => {
  const unsigned = (method: string, path: string, headers: Record<string, string>) => detectService({ method, rawPath: path, rawQuery: '', headers, rawHeaders: [] });
  assert.equal(unsigned('POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }), 'sts');
  assert.equal(unsigned('POST', '/bucket', { 'content-type': 'multipart/form-data; boundary=x' }), 's3');
  assert.equal(unsigned('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.ListRoots' }), 'organizations');
  assert.equal(unsigned('GET', '/', {}), 's3');
});

function putExpectingContinue(port: number): Promise<{ status: number; gotContinue: boolean; bodySent: boolean }> {
  return new Promise((res, rej) => {
    let gotContinue = false;
    let bodySent = false;
    const req = request({ host: '127.0.0.1', port, path: '/b/k', method: 'PUT', headers: { expect: '100-continue', 'content-length': '5' } }, (r) => {
      r.resume();
      r.on('end', () => res({ status: r.statusCode ?? 0, gotContinue, bodySent }));
    });
    req.on('continue', () => {
      gotContinue = true;
      bodySent = true;
      req.end('hello');
    });
    req.on('error', rej);
  });
}

test('Expect: 100-continue — a refused upload is answered before the body is sent', async () => {
  const events: string[] = [];
  const authorizer: Authorizer = { authorize: async () => ({ decision: 'ImplicitDeny', message: 'no' }) };
  await withServer({ authorizer, events }, async (port) => {
    const r = await putExpectingContinue(port);
    assert.equal(r.status, 403);
    assert.equal(r.gotContinue, false);
    assert.equal(r.bodySent, false);
  });
});

test('Expect: 100-continue — an authorized upload gets 100 Continue, then its answer', async () => {
  const events: string[] = [];
  const authorizer: Authorizer = { authorize: async () => ({ decision: 'Allow' }) };
  await withServer({ authorizer, events }, async (port) => {
    const r = await putExpectingContinue(port);
    assert.equal(r.status, 200);
    assert.equal(r.gotContinue, true);
  });
});
