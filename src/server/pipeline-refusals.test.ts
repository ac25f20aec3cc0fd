import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable, type Readable } from 'node:stream';
import { pino } from 'pino';
import { ServiceError } from '../errors/service-error.js';
import type { Caller } from '../identity/caller.js';
import type { AuthenticationResult } from '../auth/types.js';
import { RequestPipeline } from './pipeline.js';
import { startHttpServer } from './http-server.js';
import { DEFAULT_HTTP_LIMITS } from './connection-guard.js';
import type { ProtocolAdapter } from './protocol.js';
import { UploadSlots } from './upload-slots.js';

const ROOT: Caller = {
  kind: 'Root',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accessKeyId: 'AKIAEXAMPLE',
};

function authResult(body: Readable): AuthenticationResult {
  return {
    caller: ROOT,
    service: 's3',
    region: 'us-east-1',
    facts: {
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signatureAgeMs: 0,
      multiFactorAuthPresent: false,
      multiFactorAuthAgeSeconds: undefined,
      tokenIssueTime: undefined,
    },
    body,
    trailers: () => ({}),
    decodedContentLength: undefined,
  };
}

/** PutObject that reads the whole body; errors render as `<Code>` with the request id. */
const uploadProtocol: ProtocolAdapter = {
  service: 's3',
  async route(_raw, _req, auth) {
    return {
      name: 'PutObject',
      checks: [],
      async execute() {
        let n = 0;
        for await (const chunk of auth.body) n += (chunk as Buffer).length;
        return { response: { status: 200, headers: {}, body: `stored ${n}` } };
      },
    };
  },
  errorResponse(err, info) {
    const e = err instanceof ServiceError ? err : new ServiceError('InternalError', 'x', 500);
    const body = `<Error><Code>${e.code}</Code></Error>`;
    return { status: e.status, headers: { 'x-amz-request-id': info.requestId }, body };
  },
};

interface LogLine {
  readonly msg?: string;
  readonly level: number;
  readonly [k: string]: unknown;
}

async function withPipeline(
  o: { maxUploads?: number },
  fn: (port: number, logs: LogLine[]) => Promise<void>,
): Promise<void> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const pipeline = new RequestPipeline({
    authenticate: async (_raw, body) => authResult(body),
    authorizer: { authorize: async () => ({ decision: 'Allow' }) },
    s3: uploadProtocol,
    services: new Map(),
    region: 'us-east-1',
    logger: pino({ level: 'info' }, sink),
    now: () => new Date(),
    uploads: o.maxUploads === undefined ? undefined : new UploadSlots(o.maxUploads),
  });
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    handle: pipeline.handle,
    isReady: () => true,
    limits: { ...DEFAULT_HTTP_LIMITS, idleTimeoutMs: 300 },
    refusals: pipeline,
  });
  try {
    await fn(http.address.port, logs);
  } finally {
    await http.shutdown(100);
  }
}

/** Sends `text`, then reads until the connection closes (`resetAfterMs`: the client resets it first). */
function send(port: number, text: string, o: { resetAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      // A reset, as a client process that dies or gives up sends (a FIN mid-body is IncompleteBody).
      if (o.resetAfterMs !== undefined) setTimeout(() => socket.resetAndDestroy(), o.resetAfterMs);
    });
    socket.on('data', (c: Buffer) => (got += c.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(got));
  });
}

const smallPut = (key: string) =>
  `PUT /b/${key} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`;
const stalledPut = (key: string) => `PUT /b/${key} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npart of it`;
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
};

test('a stalled upload is answered RequestTimeout by its protocol, logged and recorded as such', async () => {
  await withPipeline({}, async (port, logs) => {
    const answer = await send(port, stalledPut('k'));
    assert.match(answer, /^HTTP\/1\.1 400 /);
    assert.match(answer, /<Code>RequestTimeout<\/Code>/);
    const requestId = /x-amz-request-id: (\w+)/.exec(answer)?.[1];
    await waitFor(() => logs.some((l) => l.requestId === requestId && l.status === 400));
    const line = logs.find((l) => l.requestId === requestId && l.status === 400);
    assert.equal(line?.errorCode, 'RequestTimeout');
    assert.equal(line?.operation, 'PutObject');
    assert.ok(!logs.some((l) => l.msg === 'internal error'), JSON.stringify(logs));
  });
});

test('beyond the upload bound: 503 SlowDown at once; a slot is free again once an upload ends', async () => {
  await withPipeline({ maxUploads: 1 }, async (port) => {
    const stalled = send(port, stalledPut('first'));
    await new Promise((r) => setTimeout(r, 50));
    const refused = await send(port, smallPut('second'));
    assert.match(refused, /^HTTP\/1\.1 503 /);
    assert.match(refused, /<Code>SlowDown<\/Code>/);
    const get = await send(port, 'GET /b/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(get, /^HTTP\/1\.1 200 /, 'a request without a body needs no slot');
    assert.match(await stalled, /RequestTimeout/);
    const later = await send(port, smallPut('third'));
    assert.match(later, /^HTTP\/1\.1 200 [\s\S]*stored 2$/);
  });
});

test('a client that hangs up mid-upload is logged as such, not as an internal error', async () => {
  await withPipeline({}, async (port, logs) => {
    await send(port, stalledPut('k'), { resetAfterMs: 50 });
    await waitFor(() => logs.some((l) => l.msg === 'client closed the connection before the answer'));
    const line = logs.find((l) => l.msg === 'client closed the connection before the answer');
    assert.ok(line, JSON.stringify(logs));
    assert.equal(line.level, 30);
    assert.match(String(line.requestId), /^[0-9A-F]{16}$/);
    assert.ok(!logs.some((l) => l.msg === 'internal error'));
  });
});

test('a request the parser refuses is answered in the S3 protocol and logged with its reason', async () => {
  await withPipeline({}, async (port, logs) => {
    const answer = await send(port, 'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 [\s\S]*<Code>BadRequest<\/Code><\/Error>$/);
    const line = logs.find((l) => l.msg === 'request refused by the HTTP layer');
    assert.equal(line?.errorCode, 'BadRequest');
    assert.equal(line?.reason, 'HPE_UNEXPECTED_CONTENT_LENGTH');
    assert.equal(line?.requestId, /x-amz-request-id: (\w+)/.exec(answer)?.[1]);
  });
});
