/**
 * XML request bodies against the real server (issue #17, "Hardening"): a body nested too deeply is
 * MalformedXML (it was a 500 InternalError past 100 levels), an element named like an Object
 * prototype member is just an unknown element, a body past its operation's limit is
 * MaxMessageLengthExceeded — refused by its Content-Length before it is sent (Expect: 100-continue)
 * or as soon as a streamed body passes the limit — and the server goes on serving real clients.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { rawRequest } from '../../src/s3/testing/raw-request.js';
import { s3Client, startServer, uniqueName, type TestServer } from './harness.js';

const MIB = 1024 * 1024;

type Data = string | ArrayBuffer | ArrayBufferView;
function bytes(d: Data): string | Uint8Array {
  if (typeof d === 'string') return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** The hash SignatureV4 wants: SHA-256, or HMAC-SHA256 when given a secret. */
class Sha256 {
  private readonly h;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Data): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  /** Body bytes the client had sent when the answer came. */
  readonly sent: number;
}

type HeaderMap = Record<string, string>;

interface BodyPlan {
  readonly pieces: readonly Buffer[];
  /** Sent as Content-Length; without it the body is chunked (Transfer-Encoding). */
  readonly declaredLength?: number;
  readonly expectContinue: boolean;
  /** The body's integrity header; default a CRC32 that only an empty body matches. */
  readonly integrity?: HeaderMap;
}

/** The headers of a DeleteObjects request signed with UNSIGNED-PAYLOAD. */
async function signedDeleteHeaders(server: TestServer, bucket: string, plan: BodyPlan): Promise<HeaderMap> {
  const url = new URL(server.endpoint);
  const length = plan.declaredLength;
  const headers: HeaderMap = {
    host: url.host,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    ...(plan.integrity ?? { 'x-amz-checksum-crc32': 'AAAAAA==' }),
    ...(length === undefined ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }),
    ...(plan.expectContinue ? { expect: '100-continue' } : {}),
  };
  const { root: credentials, region } = server;
  const signer = new SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false });
  const { hostname, port } = url;
  const request = { method: 'POST', protocol: 'http:', hostname, port: Number(port), path: `/${bucket}`, headers };
  const signed = await signer.sign({ ...request, query: { delete: '' } });
  return signed.headers as HeaderMap;
}

/**
 * A signed POST ?delete whose body is only sent in `pieces` as the server allows: after `100 Continue`
 * when `expectContinue`, else at once, without ever ending the request so that a server refusing
 * mid-body is read before any write could fail.
 */
async function deleteWithBody(server: TestServer, bucket: string, opts: BodyPlan): Promise<Answer> {
  const url = new URL(server.endpoint);
  const headers = await signedDeleteHeaders(server, bucket, opts);
  return new Promise<Answer>((resolve, reject) => {
    let sent = 0;
    const send = (req: ClientRequest) => {
      for (const p of opts.pieces) {
        req.write(p);
        sent += p.length;
      }
    };
    const target = { host: url.hostname, port: url.port, method: 'POST', path: `/${bucket}?delete`, headers };
    const req = request(target, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const code = /<Code>([^<]*)<\/Code>/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
        resolve({ status: res.statusCode ?? 0, code, sent });
        req.destroy();
      });
    });
    // The server closes the connection after refusing a body it did not read: late write errors are expected.
    req.on('error', (e) => (sent === 0 ? reject(e) : undefined));
    // A server that waits for the rest of the body never answers: fail rather than hang.
    req.setTimeout(30_000, () => reject(new Error(`no answer after sending ${sent} bytes`)));
    if (opts.expectContinue) req.on('continue', () => send(req));
    else send(req);
  });
}

describe('XML bodies: depth and size limits against the real server', () => {
  let server: TestServer;
  const bucket = uniqueName('xml-limits');

  before(async () => {
    server = await startServer();
    await s3Client(server).send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    await server?.stop();
  });

  const signedXml = (query: string, body: string, method = 'PUT') =>
    rawRequest(server.endpoint, {
      method,
      path: `/${bucket}`,
      query,
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
      body,
      credentials: server.root,
      region: server.region,
    });

  test('a body nested 200 levels deep is MalformedXML (400), for every parser', async () => {
    const deep = (root: string) => `<${root}>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</${root}>`;
    for (const [query, root, method] of [
      ['versioning', 'VersioningConfiguration', 'PUT'],
      ['delete', 'Delete', 'POST'],
      ['lifecycle', 'LifecycleConfiguration', 'PUT'],
      ['acl', 'AccessControlPolicy', 'PUT'],
      ['cors', 'CORSConfiguration', 'PUT'],
    ] as const) {
      const r = await signedXml(query, deep(root), method);
      assert.equal(r.status, 400, `${query}: ${r.body.toString()}`);
      assert.equal(r.code, query === 'acl' ? 'MalformedACLError' : 'MalformedXML', query);
    }
  });

  test('element names such as __proto__ and constructor are unknown elements, not a 500', async () => {
    for (const name of ['__proto__', 'constructor']) {
      const r = await signedXml('versioning', `<VersioningConfiguration><${name}/></VersioningConfiguration>`);
      assert.equal(r.status, 400);
      assert.equal(r.code, 'MalformedXML');
    }
  });

  test('a body past the limit is MaxMessageLengthExceeded, refused by Content-Length before being sent', async () => {
    const pieces = [Buffer.alloc(4 * MIB, 0x20)];
    const answer = await deleteWithBody(server, bucket, { pieces, declaredLength: 4 * MIB, expectContinue: true });
    assert.deepEqual(answer, { status: 400, code: 'MaxMessageLengthExceeded', sent: 0 });
  });

  test('DeleteObjects with Expect: 100-continue gets its 100 Continue (its keys are read before authorization)', async () => {
    const s3 = s3Client(server);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'continued', Body: 'x' }));
    const body = Buffer.from('<Delete><Object><Key>continued</Key></Object><Quiet>true</Quiet></Delete>');
    const integrity = { 'content-md5': createHash('md5').update(body).digest('base64') };
    const plan = { pieces: [body], declaredLength: body.length, expectContinue: true, integrity };
    const answer = await deleteWithBody(server, bucket, plan);
    assert.deepEqual(answer, { status: 200, code: undefined, sent: body.length });
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'continued' })), { name: 'NoSuchKey' });
  });

  test('a streamed body (no Content-Length) is refused once it passes the limit', async () => {
    const piece = Buffer.alloc(256 * 1024, 0x20);
    const pieces = Array.from({ length: 9 }, () => piece);
    const answer = await deleteWithBody(server, bucket, { pieces, expectContinue: false });
    assert.equal(answer.status, 400);
    assert.equal(answer.code, 'MaxMessageLengthExceeded');
  });

  test('the server still serves real clients, and a large valid DeleteObjects (1,000 long keys) passes', async () => {
    const s3 = s3Client(server);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'still-here', Body: 'yes' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'still-here' }));
    assert.equal(await got.Body?.transformToString(), 'yes');
    const keys = Array.from({ length: 1000 }, (_, i) => ({ Key: `${String(i).padStart(4, '0')}-${'k'.repeat(1000)}` }));
    const objects = [{ Key: 'still-here' }, ...keys.slice(1)];
    const command = new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } });
    const deleted = await s3.send(command);
    assert.deepEqual(deleted.Errors ?? [], []);
    assert.doesNotMatch(server.logs(), /internal error/);
  });
});
