/**
 * What SDKs will not send: malformed bodies and headers, hostile keys. Each gets S3's error, and the
 * data directory never holds anything but the store's own files.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { hashOf, toBase64 } from '../checksum/index.js';
import { rawRequest, type RawRequestSpec } from './testing/raw-request.js';
import { TEST_CREDENTIALS, startS3TestServer, type S3TestServer } from './testing/s3-test-server.js';

let server: S3TestServer;
let s3: S3Client;
let bucket: string;

before(async () => {
  server = await startS3TestServer();
  s3 = server.client();
  bucket = `raw-${randomBytes(4).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
after(async () => server.close());

const signed = (spec: RawRequestSpec) => rawRequest(server.endpoint, { credentials: TEST_CREDENTIALS, ...spec });
const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('base64');

test('every response carries x-amz-request-id and x-amz-id-2; HEAD errors have no body', async () => {
  const ok = await signed({ method: 'GET', path: '/' });
  assert.equal(ok.status, 200);
  assert.match(String(ok.headers['x-amz-request-id']), /^[0-9A-F]{16}$/);
  assert.ok(ok.headers['x-amz-id-2']);
  const missing = await signed({ method: 'HEAD', path: `/${bucket}/nope` });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.length, 0);
  assert.ok(missing.headers['x-amz-request-id']);
  const err = await signed({ method: 'GET', path: `/${bucket}/nope` });
  assert.equal(err.code, 'NoSuchKey');
  assert.match(err.body.toString(), /<Error><Code>NoSuchKey<\/Code><Message>[^<]+<\/Message><Key>nope<\/Key><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>/);
});

test('routing errors: MethodNotAllowed, NotImplemented, InvalidURI, NoSuchBucket', async () => {
  assert.equal((await signed({ method: 'POST', path: `/${bucket}/obj` })).code, 'MethodNotAllowed');
  const ni = await signed({ method: 'GET', path: `/${bucket}`, query: 'requestPayment' });
  assert.equal(ni.status, 501);
  assert.equal(ni.code, 'NotImplemented');
  // Unsigned: a signed request with such a path already fails its signature check.
  assert.equal((await rawRequest(server.endpoint, { method: 'GET', path: `/${bucket}/bad%zzescape` })).code, 'InvalidURI');
  assert.equal((await signed({ method: 'GET', path: `/no-such-bucket-${randomBytes(4).toString('hex')}`, query: 'list-type=2' })).code, 'NoSuchBucket');
});

test('malformed and missing request bodies', async () => {
  const bad = '<Delete><Object><Key>a</Key></Object>';
  const r1 = await signed({ method: 'POST', path: `/${bucket}`, query: 'delete', body: bad, headers: { 'content-md5': md5(bad) } });
  assert.equal(r1.code, 'MalformedXML');
  const good = '<Delete><Object><Key>a</Key></Object></Delete>';
  const r2 = await signed({ method: 'POST', path: `/${bucket}`, query: 'delete', body: good });
  assert.equal(r2.code, 'InvalidRequest');
  const r3 = await signed({ method: 'POST', path: `/${bucket}`, query: 'delete', body: good, headers: { 'content-md5': md5('other') } });
  assert.equal(r3.code, 'BadDigest');
  const dtd = '<!DOCTYPE x [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>';
  assert.equal((await signed({ method: 'POST', path: `/${bucket}`, query: 'delete', body: dtd, headers: { 'content-md5': md5(dtd) } })).code, 'MalformedXML');
  const wrongRoot = '<Tagging><TagSet/></Tagging>';
  assert.equal((await signed({ method: 'POST', path: `/${bucket}`, query: 'delete', body: wrongRoot, headers: { 'content-md5': md5(wrongRoot) } })).code, 'MalformedXML');
  const cfg = '<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>';
  assert.equal((await signed({ method: 'PUT', path: `/cfg-${randomBytes(4).toString('hex')}`, body: cfg })).code, 'InvalidLocationConstraint');
  const empty = await signed({ method: 'PUT', path: `/${bucket}/obj` });
  assert.equal(empty.status, 200);
  const uploadId = /<UploadId>([^<]+)</.exec((await signed({ method: 'POST', path: `/${bucket}/mp`, query: 'uploads' })).body.toString())?.[1];
  assert.ok(uploadId);
  assert.equal((await signed({ method: 'POST', path: `/${bucket}/mp`, query: `uploadId=${uploadId}` })).code, 'MalformedXML');
});

test('integrity headers: Content-MD5 and x-amz-checksum-*', async () => {
  const put = (headers: Record<string, string>) => signed({ method: 'PUT', path: `/${bucket}/digest`, body: 'data', headers });
  assert.equal((await put({ 'content-md5': 'not-base64!' })).code, 'InvalidDigest');
  assert.equal((await put({ 'content-md5': Buffer.alloc(11).toString('base64') })).code, 'InvalidDigest');
  assert.equal((await put({ 'content-md5': md5('different') })).code, 'BadDigest');
  assert.equal((await put({ 'content-md5': md5('data') })).status, 200);
  // Without a checksum from the client, S3 attaches a FULL_OBJECT CRC64NVME.
  const dflt = await signed({ method: 'HEAD', path: `/${bucket}/digest`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
  assert.equal(dflt.headers['x-amz-checksum-crc64nvme'], toBase64(hashOf('CRC64NVME', Buffer.from('data'))));
  assert.equal(dflt.headers['x-amz-checksum-type'], 'FULL_OBJECT');
  assert.equal((await put({ 'x-amz-checksum-crc32': 'AAAAAA==' })).code, 'BadDigest');
  assert.equal((await put({ 'x-amz-checksum-crc32': 'short' })).code, 'InvalidRequest');
  assert.equal((await put({ 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-checksum-sha1': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })).code, 'InvalidRequest');
  assert.equal((await put({ 'x-amz-checksum-md4': 'AAAAAA==' })).code, 'InvalidRequest');
  const sha256 = createHash('sha256').update('data').digest('base64');
  const ok = await put({ 'x-amz-checksum-sha256': sha256, 'x-amz-sdk-checksum-algorithm': 'SHA256' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['x-amz-checksum-sha256'], sha256);
  const got = await signed({ method: 'GET', path: `/${bucket}/digest`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
  assert.equal(got.headers['x-amz-checksum-sha256'], sha256);
  assert.equal((await put({ 'x-amz-storage-class': 'FAST' })).code, 'InvalidStorageClass');
  assert.equal((await put({ 'x-amz-acl': 'public-read' })).code, 'AccessControlListNotSupported');
});

test('hostile and unusual keys', async () => {
  const escape = await signed({ method: 'PUT', path: `/${bucket}/../escape`, body: 'x' });
  assert.equal(escape.status, 400);
  assert.equal(escape.body.length, 0, 'S3 answers a climbing key with a bare 400');
  assert.equal((await signed({ method: 'PUT', path: `/${bucket}/a/b/../../../c`, body: 'x' })).status, 400);
  for (const key of ['a/../b', 'dots..', '..b', 'x/./y', '/lead', 'trail/', 'sp ace', 'unicodé/日本語', 'nul%00byte', 'ctl%01%1Fchars', 'plus+sign']) {
    const path = `/${bucket}/${key.includes('%') ? key : encodeURIComponent(key).replace(/%2F/g, '/')}`;
    const put = await signed({ method: 'PUT', path, body: key });
    assert.equal(put.status, 200, key);
    const get = await signed({ method: 'GET', path });
    assert.equal(get.body.toString(), key, key);
  }
  const list = await signed({ method: 'GET', path: `/${bucket}`, query: 'list-type=2&prefix=ctl' });
  assert.match(list.body.toString(), /<Key>ctl&#x1;&#x1f;chars<\/Key>/);
  const listUrl = await signed({ method: 'GET', path: `/${bucket}`, query: 'list-type=2&prefix=nul&encoding-type=url' });
  assert.match(listUrl.body.toString(), /<Key>nul%00byte<\/Key>/);
  const long = 'k'.repeat(1025);
  assert.equal((await signed({ method: 'PUT', path: `/${bucket}/${long}`, body: 'x' })).code, 'KeyTooLongError');
  assert.equal((await signed({ method: 'PUT', path: `/${bucket}/${'é'.repeat(512)}`.replace(/é/g, '%C3%A9'), body: 'x' })).status, 200);
  assert.equal((await signed({ method: 'PUT', path: `/${bucket}/${'%C3%A9'.repeat(513)}`, body: 'x' })).code, 'KeyTooLongError');
});

test('size limits and lengths', async () => {
  const big = await signed({ method: 'PUT', path: `/${bucket}/huge`, headers: { 'content-length': String(5 * 1024 ** 3 + 1), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.equal(big.code, 'EntityTooLarge');
  const meta = await signed({ method: 'PUT', path: `/${bucket}/meta`, body: 'x', headers: { 'x-amz-meta-a': 'v'.repeat(2048) } });
  assert.equal(meta.code, 'MetadataTooLarge');
  const fits = await signed({ method: 'PUT', path: `/${bucket}/meta`, body: 'x', headers: { 'x-amz-meta-a': 'v'.repeat(2047 - 1) } });
  assert.equal(fits.status, 200);
  assert.equal((await signed({ method: 'GET', path: `/${bucket}`, query: 'list-type=2&max-keys=blah' })).code, 'InvalidArgument');
  assert.equal((await signed({ method: 'GET', path: `/${bucket}`, query: 'list-type=2&encoding-type=xml' })).code, 'InvalidArgument');
  assert.equal((await signed({ method: 'PUT', path: `/${bucket}/t`, body: 'x', headers: { 'x-amz-tagging': 'a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11' } })).code, 'BadRequest');
});

test('a client that disconnects mid-upload leaves no blob and no temp file behind', async () => {
  const before = dataFiles(server.dataDir).filter((f) => f.startsWith('blobs/') || f.startsWith('tmp/')).sort();
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: `/${bucket}/partial`, headers: { 'content-length': String(10 * 1024 * 1024), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(256 * 1024));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
  await sleep(300);
  const afterFiles = dataFiles(server.dataDir).filter((f) => f.startsWith('blobs/') || f.startsWith('tmp/')).sort();
  assert.deepEqual(afterFiles, before);
  assert.equal((await signed({ method: 'HEAD', path: `/${bucket}/partial` })).status, 404);
});

test('a body without Content-Length is MissingContentLength', async () => {
  const res = await signed({ method: 'PUT', path: `/${bucket}/chunked`, body: 'abc', chunked: true, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.equal(res.status, 411);
  assert.equal(res.code, 'MissingContentLength');
});

test('virtual-hosted style: bucket from the Host header', async () => {
  const vh = await startS3TestServer({ baseDomain: 's3.strongbox.test' });
  try {
    const host = (b: string) => ({ host: `${b}.s3.strongbox.test:${vh.port}` });
    const b = `vh-${randomBytes(4).toString('hex')}`;
    const req = (spec: RawRequestSpec) => rawRequest(vh.endpoint, { credentials: TEST_CREDENTIALS, ...spec });
    assert.equal((await req({ method: 'PUT', path: '/', headers: host(b) })).status, 200);
    assert.equal((await req({ method: 'PUT', path: '/dir/k%20ey', headers: host(b), body: 'vhost' })).status, 200);
    assert.equal((await req({ method: 'GET', path: '/dir/k%20ey', headers: host(b) })).body.toString(), 'vhost');
    const list = await req({ method: 'GET', path: '/', query: 'list-type=2', headers: host(b) });
    assert.match(list.body.toString(), /<Key>dir\/k ey<\/Key>/);
    // Path style still works on the same server.
    assert.equal((await req({ method: 'GET', path: `/${b}/dir/k%20ey` })).body.toString(), 'vhost');
  } finally {
    await vh.close();
  }
});

/** Every file under the data dir: the metadata database and blobs named by id, nothing named by a key. */
function dataFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

test('the data directory holds only the store’s own files', async () => {
  const files = dataFiles(server.dataDir);
  assert.ok(files.length > 0);
  for (const f of files) {
    assert.match(f, /^(metadata\.sqlite(-wal|-shm)?|blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}|blobs\/[0-9a-f]{2}\/[0-9a-f]{32}|tmp\/[0-9a-f]{32})$/, f);
  }
  assert.ok(!files.some((f) => f.startsWith('tmp/')), 'no temp file left behind');
});
