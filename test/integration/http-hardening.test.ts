/**
 * The HTTP layer against slow and malformed clients (#17, hardening): stalled uploads answered
 * RequestTimeout and cleaned up while the server keeps serving; every refusal of the HTTP parser an S3
 * XML error; `Expect` values other than 100-continue ignored; header values stored as sent; the bounds
 * on uploads and connections; a client that hangs up logged as such. Raw sockets for what no SDK sends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsCli, s3Client, startServer, uniqueName, type TestServer } from './harness.js';

type Data = string | ArrayBuffer | ArrayBufferView;
function bytesOf(d: Data): string | Uint8Array {
  if (typeof d === 'string') return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** The hash constructor SignatureV4 wants, over node:crypto. */
class Sha256 {
  private readonly h;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: Data): void {
    this.h.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

/**
 * A signed request head (UNSIGNED-PAYLOAD) as raw text. `repeated`: headers sent as several lines,
 * signed as S3 canonicalizes them (values joined with ',').
 */
interface HeadSpec {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly repeated?: Record<string, string[]>;
}

async function signedHead(server: TestServer, o: HeadSpec): Promise<string> {
  const host = `127.0.0.1:${server.port}`;
  const joined = Object.fromEntries(Object.entries(o.repeated ?? {}).map(([k, v]) => [k, v.join(',')]));
  const signer = new SignatureV4({
    credentials: server.root,
    region: server.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign({
    method: o.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: server.port,
    path: o.path,
    query: o.query,
    headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...o.headers, ...joined },
  });
  const query = new URLSearchParams(o.query ?? {}).toString();
  let head = `${o.method} ${o.path}${query === '' ? '' : `?${query}`} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(signed.headers)) {
    if (o.repeated?.[name] !== undefined) for (const v of o.repeated[name]) head += `${name}: ${v}\r\n`;
    else head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

interface RawAnswer {
  readonly text: string;
  readonly closed: boolean;
}

/** Writes `data` on a new socket, then reads until the server closes it (or `waitMs`). */
function rawExchange(server: TestServer, data: string | Buffer, waitMs = 20_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(data));
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
const codeOf = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
const requestIdOf = (text: string) => /\r\nx-amz-request-id: (\w+)\r\n/i.exec(text)?.[1];

/** A PUT of `length` bytes whose head is signed (the body is up to the caller). */
function putHead(server: TestServer, path: string, length: number, headers: Record<string, string> = {}) {
  return signedHead(server, { method: 'PUT', path, headers: { 'content-length': String(length), ...headers } });
}

/** Temp files of writes in progress (not the hard links reads hold: `held.*`). */
function tempFiles(server: TestServer): string[] {
  const dir = join(server.dataDir, 'tmp');
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('held.')) : [];
}

function openFds(server: TestServer): number {
  return readdirSync(`/proc/${server.process.pid}/fd`).length;
}

/** What the server's open descriptors point at: files in its temp directory, and sockets. */
function heldFds(server: TestServer): { tempFiles: number; sockets: number } {
  const dir = `/proc/${server.process.pid}/fd`;
  const tmp = join(server.dataDir, 'tmp') + '/';
  let tempFiles = 0;
  let sockets = 0;
  for (const fd of readdirSync(dir)) {
    let target: string;
    try {
      target = readlinkSync(join(dir, fd));
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith(tmp)) tempFiles++;
    else if (target.startsWith('socket:')) sockets++;
  }
  return { tempFiles, sockets };
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

describe('HTTP hardening: stalled uploads, parser refusals, Expect, verbatim headers', () => {
  let server: TestServer;
  const bucket = uniqueName('hardening');
  const IDLE_MS = 1500;

  before(async () => {
    server = await startServer({ extraArgs: ['--idle-timeout-ms', String(IDLE_MS)] });
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
  });
  after(async () => server?.stop());

  test('60 stalled uploads: answered RequestTimeout, no temp file or fd left, others served meanwhile', async () => {
    const STALLED = 60;
    const fdsBefore = openFds(server);
    const sockets: Socket[] = [];
    const answers: Promise<RawAnswer>[] = [];
    const started = Date.now();
    for (let i = 0; i < STALLED; i++) {
      const head = await putHead(server, `/${bucket}/stalled-${i}`, 1024 * 1024);
      const partOfBody = Buffer.concat([Buffer.from(head), Buffer.alloc(100_000, 7)]);
      answers.push(
        new Promise((resolve) => {
          const socket = connect(server.port, '127.0.0.1', () => socket.write(partOfBody));
          sockets.push(socket);
          let text = '';
          socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
          socket.on('error', () => undefined);
          socket.on('close', () => resolve({ text, closed: true }));
        }),
      );
    }
    // The uploads are under way: each holds a temp file (the test could fail) ...
    const allWriting = await waitUntil(() => tempFiles(server).length === STALLED, 10_000);
    assert.ok(allWriting, `temp files: ${tempFiles(server).length}`);
    // (Counted by what they point at: the client sockets of the setup may still be closing.)
    const held = heldFds(server);
    assert.ok(held.tempFiles >= STALLED && held.sockets >= STALLED, JSON.stringify(held));
    // ... and the server serves other clients meanwhile.
    const s3 = s3Client(server);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meanwhile', Body: 'still serving' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'meanwhile' }));
    assert.equal(await got.Body?.transformToString(), 'still serving');
    s3.destroy();

    const done = await Promise.all(answers);
    const elapsed = Date.now() - started;
    for (const a of done) {
      assert.equal(statusOf(a.text), 400, a.text);
      assert.equal(codeOf(a.text), 'RequestTimeout');
      assert.match(a.text, /<Message>Your socket connection to the server was not read from or written to within/);
      assert.ok(a.closed);
    }
    assert.ok(elapsed >= IDLE_MS - 100, `answered after ${elapsed} ms`);
    const noTempFile = await waitUntil(() => tempFiles(server).length === 0, 10_000);
    assert.ok(noTempFile, `temp files left: ${tempFiles(server).join(', ')}`);
    const fdsBack = await waitUntil(() => openFds(server) <= fdsBefore + 2, 10_000);
    assert.ok(fdsBack, `fds: ${fdsBefore} before, ${openFds(server)} after`);
    // Log lines are written in batches: wait for the last ones.
    const refusal = /"errorCode":"RequestTimeout"[^\n]*"msg":"request refused by the HTTP layer"/g;
    const refusedLines = () => (server.logs().match(refusal) ?? []).length;
    assert.ok(await waitUntil(() => refusedLines() === STALLED, 10_000), `${refusedLines()} refusals logged`);
    assert.doesNotMatch(server.logs(), /"msg":"internal error"/);
  });

  test('a stalled UploadPart: RequestTimeout, no temp file left, the upload still usable', async () => {
    const s3 = s3Client(server);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'parts' }));
    const head = await signedHead(server, {
      method: 'PUT',
      path: `/${bucket}/parts`,
      query: { partNumber: '1', uploadId: UploadId! },
      headers: { 'content-length': String(6 * 1024 * 1024) },
    });
    const a = await rawExchange(server, Buffer.concat([Buffer.from(head), Buffer.alloc(200_000, 1)]));
    assert.equal(codeOf(a.text), 'RequestTimeout', a.text);
    assert.ok(await waitUntil(() => tempFiles(server).length === 0, 10_000));
    const retry = new UploadPartCommand({ Bucket: bucket, Key: 'parts', UploadId, PartNumber: 1, Body: 'p' });
    const part = await s3.send(retry);
    assert.ok(part.ETag);
    s3.destroy();
  });

  const refusals: readonly (readonly [string, string, string])[] = [
    ['a malformed request line', `GET /${bucket}/a b HTTP/1.1\r\nHost: x\r\n\r\n`, 'BadRequest'],
    ['an invalid method', 'G(T / HTTP/1.1\r\nHost: x\r\n\r\n', 'BadRequest'],
    ['an unknown HTTP version', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', 'BadRequest'],
    ['a malformed Content-Length', `PUT /${bucket}/k HTTP/1.1\r\nHost: x\r\nContent-Length: 12a\r\n\r\n`, 'BadRequest'],
    [
      'two Content-Lengths',
      `PUT /${bucket}/k HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 3\r\n\r\nabc`,
      'BadRequest',
    ],
    [
      'Content-Length with Transfer-Encoding',
      `PUT /${bucket}/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n` +
        '3\r\nabc\r\n0\r\n\r\n',
      'BadRequest',
    ],
    [
      'oversized headers',
      `GET /${bucket}/k HTTP/1.1\r\nHost: x\r\nx-amz-meta-big: ${'b'.repeat(40_000)}\r\n\r\n`,
      'RequestHeaderSectionTooLarge',
    ],
    ['a request without Host', `GET /${bucket}/k HTTP/1.1\r\n\r\n`, 'BadRequest'],
  ];
  for (const [what, bytes, code] of refusals) {
    test(`${what}: 400 ${code}, an S3 XML error with a request id`, async () => {
      const a = await rawExchange(server, bytes);
      assert.equal(statusOf(a.text), 400, a.text);
      assert.equal(codeOf(a.text), code);
      assert.match(a.text, /\r\ncontent-type: application\/xml\r\n/i);
      assert.match(a.text, /<RequestId>\w+<\/RequestId>/);
      assert.ok(requestIdOf(a.text));
      assert.ok(a.closed);
    });
  }

  test('Expect: foo is ignored (the upload is stored, no 417)', async () => {
    const head = await putHead(server, `/${bucket}/expect`, 5, { expect: 'foo', connection: 'close' });
    const a = await rawExchange(server, `${head}hello`);
    assert.equal(statusOf(a.text), 200, a.text);
    const s3 = s3Client(server);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'expect' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
    s3.destroy();
  });

  test('header values are stored and returned as sent (SDK v3)', async () => {
    const s3 = s3Client(server);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'verbatim',
        Body: 'x',
        ContentEncoding: 'deflate, gzip',
        CacheControl: 'max-age=60, public',
        ContentDisposition: 'attachment; filename="a, b.txt"',
        Metadata: { note: 'one, two' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'verbatim' }));
    s3.destroy();
    assert.equal(head.ContentEncoding, 'deflate, gzip');
    assert.equal(head.CacheControl, 'max-age=60, public');
    assert.equal(head.ContentDisposition, 'attachment; filename="a, b.txt"');
    assert.deepEqual(head.Metadata, { note: 'one, two' });
  });

  test('header values are stored and returned as sent (aws CLI)', async () => {
    const put = await awsCli(server, ['s3api', 'put-object', '--bucket', bucket, '--key', 'cli', '--content-encoding',
      'deflate, gzip']);
    assert.equal(put.code, 0, put.stderr);
    const head = await awsCli(server, ['s3api', 'head-object', '--bucket', bucket, '--key', 'cli']);
    assert.equal(head.code, 0, head.stderr);
    assert.equal((JSON.parse(head.stdout) as { ContentEncoding: string }).ContentEncoding, 'deflate, gzip');
  });

  test('a header sent twice is stored joined with ","', async () => {
    const head = await signedHead(server, {
      method: 'PUT',
      path: `/${bucket}/repeated`,
      headers: { 'content-length': '1', connection: 'close' },
      repeated: { 'x-amz-meta-tag': ['one', 'two'] },
    });
    const a = await rawExchange(server, `${head}x`);
    assert.equal(statusOf(a.text), 200, a.text);
    const s3 = s3Client(server);
    const got = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'repeated' }));
    s3.destroy();
    assert.deepEqual(got.Metadata, { tag: 'one,two' });
  });

  test('a client that hangs up mid-upload is logged as such, with its request id, not as an error', async () => {
    const head = await putHead(server, `/${bucket}/aborted`, 1024 * 1024);
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from(head), Buffer.alloc(100_000)]));
        setTimeout(() => socket.resetAndDestroy(), 200);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    const line = /\{[^\n]*"msg":"client closed the connection before the answer"[^\n]*\}/;
    assert.ok(await waitUntil(() => line.test(server.logs()), 10_000), server.logs().slice(-2000));
    const entry = JSON.parse(line.exec(server.logs())![0]) as { level: number; requestId: string; operation: string };
    assert.equal(entry.level, 30);
    assert.equal(entry.operation, 'PutObject');
    const record = new RegExp(`"requestId":"${entry.requestId}"[^\\n]*"operation":"PutObject"[^\\n]*"completed":false`);
    assert.match(server.logs(), record);
    assert.doesNotMatch(server.logs(), /"msg":"internal error"/);
    assert.ok(await waitUntil(() => tempFiles(server).length === 0, 10_000));
  });
});

describe('HTTP hardening: bounds on uploads and connections', () => {
  let server: TestServer;
  const bucket = uniqueName('bounds');

  before(async () => {
    server = await startServer({
      extraArgs: ['--max-uploads', '2', '--max-connections', '6', '--idle-timeout-ms', '30000'],
    });
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
  });
  after(async () => server?.stop());

  test('beyond --max-uploads: 503 SlowDown; beyond --max-connections: closed as they arrive', async () => {
    const open: Socket[] = [];
    const opened = (data?: string) =>
      new Promise<Socket>((resolve) => {
        const s = connect(server.port, '127.0.0.1', () => {
          if (data !== undefined) s.write(data);
          resolve(s);
        });
        s.on('error', () => undefined);
        open.push(s);
      });
    try {
      for (const key of ['a', 'b']) {
        const head = await putHead(server, `/${bucket}/${key}`, 1024 * 1024);
        await opened(`${head}${'x'.repeat(100_000)}`);
      }
      // Both uploads are being received (each has its temp file): both slots are taken.
      assert.ok(await waitUntil(() => tempFiles(server).length === 2, 10_000));
      const third = await putHead(server, `/${bucket}/c`, 3, { connection: 'close' });
      const refused = await rawExchange(server, `${third}abc`);
      assert.equal(statusOf(refused.text), 503, refused.text);
      assert.equal(codeOf(refused.text), 'SlowDown');
      // Connections: 2 uploads + 4 idle = 6; the 7th is closed without an answer.
      for (let i = 0; i < 4; i++) await opened();
      await new Promise((r) => setTimeout(r, 300));
      const seventh = await rawExchange(server, `GET /${bucket}?list-type=2 HTTP/1.1\r\nHost: x\r\n\r\n`, 10_000);
      assert.ok(seventh.closed);
      assert.equal(seventh.text, '');
    } finally {
      for (const s of open) s.destroy();
    }
    // Once they are gone, uploads and connections are accepted again.
    await new Promise((r) => setTimeout(r, 300));
    const s3 = s3Client(server);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after', Body: 'ok' }));
    s3.destroy();
  });
});
