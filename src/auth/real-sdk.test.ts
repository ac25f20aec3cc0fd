/**
 * The real AWS SDK for JavaScript v3 against a bare HTTP listener that only authenticates (no S3
 * logic): what the SDK actually sends today — signed payloads, aws-chunked bodies with trailing
 * checksums, presigned URLs, Query-protocol form posts — must pass, and a wrong secret must fail
 * with SignatureDoesNotMatch.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Authenticator } from './authenticator.js';
import { toQueryProtocolAuthError } from './query-auth-errors.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import type { AuthenticationResult, RawRequest } from './types.js';
import { hashOf } from '../checksum/hasher.js';
import { toBase64 } from '../checksum/base64.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

interface Seen {
  raw: RawRequest;
  auth: AuthenticationResult;
  body: Buffer;
  trailers: Readonly<Record<string, string>>;
}

const seen: Seen[] = [];
const objects = new Map<string, Buffer>();
let server: Server;
let endpoint = '';

function rawOf(req: IncomingMessage): RawRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
  };
}

function queryResponse(service: string, action: string): string {
  if (service === 'sts') {
    return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  return `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${action}Result><Users/><IsTruncated>false</IsTruncated></${action}Result><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></${action}Response>`;
}

async function handle(req: IncomingMessage, res: ServerResponse, authn: Authenticator): Promise<void> {
  const raw = rawOf(req);
  let auth: AuthenticationResult;
  let body: Buffer;
  try {
    auth = await authn.authenticate(raw, req, new Date());
    const chunks: Buffer[] = [];
    for await (const c of auth.body) chunks.push(c as Buffer);
    body = Buffer.concat(chunks);
  } catch (e) {
    const err = isServiceError(e) ? e : undefined;
    const code = err?.code ?? 'InternalError';
    const isQuery = (raw.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const mapped = err !== undefined && isQuery ? toQueryProtocolAuthError(err) : err;
    res.writeHead(mapped?.status ?? 500, { 'content-type': 'application/xml', connection: 'close' });
    res.end(
      isQuery
        ? `<ErrorResponse><Error><Type>Sender</Type><Code>${mapped?.code}</Code><Message>m</Message></Error><RequestId>r1</RequestId></ErrorResponse>`
        : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message></Error>`,
    );
    return;
  }
  seen.push({ raw, auth, body, trailers: auth.trailers() });
  if (auth.service === 'iam' || auth.service === 'sts') {
    const action = new URLSearchParams(body.toString()).get('Action') ?? 'ListUsers';
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(queryResponse(auth.service, action));
    return;
  }
  const key = decodeURIComponent(raw.rawPath);
  if (raw.method === 'PUT') {
    objects.set(key, body);
    res.writeHead(200, { etag: '"0"' });
    res.end();
  } else if (raw.rawQuery.includes('list-type=2')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
  } else {
    const data = objects.get(key) ?? Buffer.alloc(0);
    res.writeHead(200, { 'content-length': String(data.length) });
    res.end(data);
  }
}

before(async () => {
  const creds = new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET });
  const authn = new Authenticator({ credentials: creds, region: 'us-east-1' });
  server = createServer((req, res) => void handle(req, res, authn));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const clientConfig = (secret = SECRET) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: AKID, secretAccessKey: secret },
  maxAttempts: 1,
});
const s3 = (secret?: string) => new S3Client({ ...clientConfig(secret), forcePathStyle: true });

test('S3 PutObject with a buffer body (signed payload + x-amz-checksum header) and GetObject with an awkward key', async () => {
  const key = "dir/a b+c!'()*~é%.txt";
  const data = Buffer.from('hello from the real SDK');
  await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: data }));
  const put = seen.at(-1);
  assert.ok(put);
  assert.equal(put.auth.caller.kind, 'User');
  assert.equal(put.auth.facts.authType, 'REST-HEADER');
  assert.deepEqual(put.body, data);
  const got = await s3().send(new GetObjectCommand({ Bucket: 'bucket', Key: key }));
  assert.equal(await got.Body?.transformToString(), data.toString());
});

test('S3 PutObject with a stream body: aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer', async () => {
  const data = randomBytes(300_000);
  const chunks = [data.subarray(0, 100_000), data.subarray(100_000, 250_000), data.subarray(250_000)];
  await s3().send(new PutObjectCommand({ Bucket: 'bucket', Key: 'streamed.bin', Body: Readable.from(chunks), ContentLength: data.length }));
  const put = seen.at(-1);
  assert.ok(put);
  assert.equal(put.raw.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.deepEqual(put.body, data);
  assert.equal(put.auth.decodedContentLength, data.length);
  assert.deepEqual(put.trailers, { 'x-amz-checksum-crc32': toBase64(hashOf('CRC32', data)) });
});

test('S3 ListObjectsV2 with prefix and delimiter', async () => {
  await s3().send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a b/ü+', Delimiter: '/' }));
  assert.match(seen.at(-1)?.raw.rawQuery ?? '', /list-type=2/);
});

test('presigned GET and PUT URLs from @aws-sdk/s3-request-presigner work with plain fetch', async () => {
  objects.set('/bucket/presigned.txt', Buffer.from('presigned body'));
  const getUrl = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: 'bucket', Key: 'presigned.txt' }), { expiresIn: 600 });
  const r = await fetch(getUrl);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'presigned body');
  assert.equal(seen.at(-1)?.auth.facts.authType, 'REST-QUERY-STRING');
  const putUrl = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: 'bucket', Key: 'up.txt' }), { expiresIn: 600 });
  const p = await fetch(putUrl, { method: 'PUT', body: 'uploaded' });
  assert.equal(p.status, 200);
  assert.equal(objects.get('/bucket/up.txt')?.toString(), 'uploaded');
  const tampered = await fetch(putUrl.replace('up.txt', 'other.txt'), { method: 'PUT', body: 'x' });
  assert.equal(tampered.status, 403);
  assert.match(await tampered.text(), /SignatureDoesNotMatch/);
});

test('a wrong secret fails with SignatureDoesNotMatch (S3) and the Query codes (IAM, STS)', async () => {
  await assert.rejects(s3('wrong').send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' })), (e: Error) => e.name === 'SignatureDoesNotMatch');
  await assert.rejects(new IAMClient(clientConfig('wrong')).send(new ListUsersCommand({})), (e: Error) => e.name === 'SignatureDoesNotMatch');
  const unknownKey = new STSClient({ ...clientConfig(), credentials: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: SECRET } });
  await assert.rejects(unknownKey.send(new GetCallerIdentityCommand({})), (e: Error) => e.name === 'InvalidClientTokenId');
});

test('IAM ListUsers and STS GetCallerIdentity (Query protocol, form-encoded POST)', async () => {
  await new IAMClient(clientConfig()).send(new ListUsersCommand({ PathPrefix: '/a b/' }));
  assert.equal(seen.at(-1)?.auth.service, 'iam');
  assert.match(seen.at(-1)?.body.toString() ?? '', /Action=ListUsers/);
  const id = await new STSClient(clientConfig()).send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '111122223333');
  assert.equal(seen.at(-1)?.auth.service, 'sts');
});
