import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceError } from '../errors/service-error.js';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, type HttpRefusals } from './connection-guard.js';
import { startHttpServer } from './http-server.js';

/** Refusals that answer `<Code>` and remember what they were asked. */
function recordingRefusals(seen: string[]): HttpRefusals {
  return {
    refuseConnection(error: ServiceError, _socket, reason) {
      seen.push(`connection ${error.code} ${reason}`);
      const body = `<Error><Code>${error.code}</Code></Error>`;
      return { status: error.status, headers: { 'content-type': 'application/xml' }, body };
    },
    refuseRequest(req, res, error) {
      seen.push(`request ${error.code}`);
      res.shouldKeepAlive = false;
      res.once('finish', () => req.destroy());
      res.writeHead(error.status, { 'content-type': 'application/xml' });
      res.end(`<Error><Code>${error.code}</Code></Error>`);
    },
  };
}

interface Exchange {
  readonly text: string;
  readonly closed: boolean;
  readonly ms: number;
}

/** Writes `chunks` on a raw socket, then reads until the server closes it (or `waitMs` passes). */
function exchange(port: number, chunks: readonly (string | Buffer)[], waitMs = 3000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false, ms: Date.now() - started });
    }, waitMs);
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true, ms: Date.now() - started });
    });
    socket.on('connect', () => {
      for (const c of chunks) socket.write(c);
    });
  });
}

async function withServer(
  o: { limits?: Partial<HttpLimits>; handle?: (req: IncomingMessage, res: ServerResponse) => void; seen?: string[] },
  fn: (port: number) => Promise<void>,
): Promise<void> {
  const handle = o.handle ?? ((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => res.end(`ok ${req.headers.expect ?? ''}`));
  });
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    handle,
    isReady: () => true,
    limits: { ...DEFAULT_HTTP_LIMITS, ...o.limits },
    refusals: recordingRefusals(o.seen ?? []),
  });
  try {
    await fn(http.address.port);
  } finally {
    await http.shutdown(100);
  }
}

const codeOf = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

test('an Expect other than 100-continue is ignored (no 417)', async () => {
  await withServer({}, async (port) => {
    const head = 'PUT /b/k HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 2\r\nConnection: close\r\n\r\n';
    const r = await exchange(port, [`${head}hi`]);
    assert.equal(statusOf(r.text), 200);
    assert.match(r.text, /ok foo$/);
  });
});

const parserRefusals: readonly (readonly [string, string, string])[] = [
  ['a malformed request line', 'GARBAGE\r\n\r\n', 'BadRequest'],
  ['a malformed Content-Length', 'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n', 'BadRequest'],
  [
    'two different Content-Lengths',
    'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    'BadRequest',
  ],
  [
    'Content-Length with Transfer-Encoding',
    'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
    'BadRequest',
  ],
  ['a header name with a space', 'GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n', 'BadRequest'],
  [
    'an oversized header section',
    `GET / HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
    'RequestHeaderSectionTooLarge',
  ],
];

for (const [what, bytes, code] of parserRefusals) {
  test(`${what}: 400 ${code} with an XML body, connection closed`, async () => {
    const seen: string[] = [];
    await withServer({ seen }, async (port) => {
      const r = await exchange(port, [bytes]);
      assert.equal(statusOf(r.text), 400, r.text);
      assert.equal(codeOf(r.text), code);
      assert.match(r.text, /\r\nconnection: close\r\n/i);
      assert.ok(r.closed);
      assert.equal(seen.length, 1);
      assert.match(seen[0], new RegExp(`^connection ${code} HPE_`));
    });
  });
}

test('a request without Host is refused with BadRequest (HTTP/1.1), served without one in HTTP/1.0', async () => {
  const seen: string[] = [];
  await withServer({ seen }, async (port) => {
    const r11 = await exchange(port, ['GET /b/k HTTP/1.1\r\n\r\n']);
    assert.equal(statusOf(r11.text), 400);
    assert.equal(codeOf(r11.text), 'BadRequest');
    const r10 = await exchange(port, ['GET /b/k HTTP/1.0\r\n\r\n']);
    assert.match(r10.text, /^HTTP\/1\.1 200/);
    assert.deepEqual(seen, ['request BadRequest']);
  });
});

test('a header section that stops arriving: 400 RequestTimeout after the idle limit, then closed', async () => {
  const seen: string[] = [];
  await withServer({ seen, limits: { idleTimeoutMs: 300 } }, async (port) => {
    const r = await exchange(port, ['PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Le']);
    assert.equal(codeOf(r.text), 'RequestTimeout');
    assert.equal(statusOf(r.text), 400);
    assert.ok(r.closed);
    assert.ok(r.ms >= 250, `answered after ${r.ms} ms`);
    assert.deepEqual(seen, ['connection RequestTimeout idle']);
  });
});

test('a body that stops arriving: the request is refused with RequestTimeout', async () => {
  const seen: string[] = [];
  await withServer({ seen, limits: { idleTimeoutMs: 300 } }, async (port) => {
    const r = await exchange(port, ['PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part']);
    assert.equal(codeOf(r.text), 'RequestTimeout');
    assert.ok(r.closed);
    assert.deepEqual(seen, ['request RequestTimeout']);
  });
});

test('a client that half-closes mid-body: IncompleteBody', async () => {
  const seen: string[] = [];
  await withServer({ seen }, async (port) => {
    const r = await new Promise<string>((resolve) => {
      const short = 'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort';
      const socket = connect(port, '127.0.0.1', () => socket.end(short));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
    assert.equal(codeOf(r), 'IncompleteBody');
    assert.deepEqual(seen, ['request IncompleteBody']);
  });
});

test('an idle keep-alive connection is closed silently; a server still working is not cut off', async () => {
  const seen: string[] = [];
  const slow = (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    // The request arrived; the server takes longer than the idle limit to answer.
    req.on('end', () => setTimeout(() => res.end('late'), 700));
  };
  await withServer({ seen, limits: { idleTimeoutMs: 300 }, handle: slow }, async (port) => {
    // Node adds 1 s to the keep-alive timeout it announces, so the close comes ~1.3 s after the answer.
    const r = await exchange(port, ['GET /b/k HTTP/1.1\r\nHost: x\r\n\r\n'], 10_000);
    assert.match(r.text, /^HTTP\/1\.1 200[\s\S]*late$/);
    assert.ok(r.closed, 'closed once idle after the answer');
    assert.deepEqual(seen, []);
  });
});

test('connections beyond maxConnections are closed as they arrive', async () => {
  await withServer({ limits: { maxConnections: 2 } }, async (port) => {
    const opened = () => new Promise<Socket>((res) => {
      const s = connect(port, '127.0.0.1', () => res(s));
    });
    const open = await Promise.all([opened(), opened()]);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const third = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\n\r\n'], 2000);
      assert.ok(third.closed);
      assert.equal(third.text, '');
    } finally {
      for (const s of open) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    const again = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    assert.match(again.text, /^HTTP\/1\.1 200/);
  });
});

test('a header section trickled in past headersTimeout: 400 RequestTimeout', async () => {
  const seen: string[] = [];
  await withServer({ seen, limits: { idleTimeoutMs: 10_000, headersTimeoutMs: 400 } }, async (port) => {
    const text = await new Promise<string>((resolve) => {
      let got = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'));
      // One header line every 100 ms: never idle, never done.
      const trickle = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 100);
      const stop = setTimeout(() => socket.destroy(), 10_000);
      socket.on('data', (c: Buffer) => (got += c.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(trickle);
        clearTimeout(stop);
        resolve(got);
      });
    });
    assert.equal(codeOf(text), 'RequestTimeout');
    assert.deepEqual(seen, ['connection RequestTimeout ERR_HTTP_REQUEST_TIMEOUT']);
  });
});
