/**
 * The S3 examples of "Examples: Signature Calculations in AWS Signature Version 4", "Signature
 * Calculations for the Authorization Header: Transferring Payload in Multiple Chunks" and
 * "Signature calculations for trailing headers", with the signatures published there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Authenticator } from './authenticator.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';
import { bodyOf, rawRequestOf, readAll } from './testing/vector-request.js';
import { hashOf } from '../checksum/hasher.js';
import { toBase64 } from '../checksum/base64.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const NOW = new Date('2013-05-24T00:00:00Z');
const SCOPE = `Credential=${AKID}/20130524/us-east-1/s3/aws4_request`;
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function authenticator() {
  const creds = new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  return new Authenticator({ credentials: creds, region: 'us-east-1' });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e.code;
  }
  return 'no error';
}

test('doc example: GET Object (range)', async () => {
  const raw = rawRequestOf({
    method: 'GET',
    rawPath: '/test.txt',
    rawQuery: '',
    headers: [
      ['Host', 'examplebucket.s3.amazonaws.com'],
      ['Range', 'bytes=0-9'],
      ['x-amz-content-sha256', EMPTY],
      ['x-amz-date', '20130524T000000Z'],
      ['Authorization', `AWS4-HMAC-SHA256 ${SCOPE},SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41`],
    ],
  });
  const r = await authenticator().authenticate(raw, bodyOf(''), NOW);
  assert.equal(r.caller.kind, 'User');
});

test('doc example: PUT Object (raw "$" in the path, Date and x-amz-date, signed payload)', async () => {
  const body = Buffer.from('Welcome to Amazon S3.');
  const raw = rawRequestOf({
    method: 'PUT',
    rawPath: '/test$file.text',
    rawQuery: '',
    headers: [
      ['Host', 'examplebucket.s3.amazonaws.com'],
      ['Date', 'Fri, 24 May 2013 00:00:00 GMT'],
      ['x-amz-date', '20130524T000000Z'],
      ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
      ['x-amz-content-sha256', '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072'],
      ['Content-Length', String(body.length)],
      [
        'Authorization',
        `AWS4-HMAC-SHA256 ${SCOPE},SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd`,
      ],
    ],
  });
  const r = await authenticator().authenticate(raw, bodyOf(body), NOW);
  assert.deepEqual(await readAll(r.body), body);
  assert.equal(r.decodedContentLength, body.length);
});

for (const [name, query, sig] of [
  ['GET Bucket Lifecycle', 'lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'],
  ['Get Bucket (List Objects)', 'max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'],
] as const) {
  test(`doc example: ${name}`, async () => {
    const raw = rawRequestOf({
      method: 'GET',
      rawPath: '/',
      rawQuery: query,
      headers: [
        ['Host', 'examplebucket.s3.amazonaws.com'],
        ['x-amz-date', '20130524T000000Z'],
        ['x-amz-content-sha256', EMPTY],
        ['Authorization', `AWS4-HMAC-SHA256 ${SCOPE},SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=${sig}`],
      ],
    });
    await authenticator().authenticate(raw, bodyOf(''), NOW);
  });
}

test('doc example: presigned URL (X-Amz-Expires=86400), and expiry', async () => {
  const raw = rawRequestOf({
    method: 'GET',
    rawPath: '/test.txt',
    rawQuery:
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: [['Host', 'examplebucket.s3.amazonaws.com']],
  });
  const later = new Date(NOW.getTime() + 86_000 * 1000);
  const r = await authenticator().authenticate(raw, bodyOf(''), later);
  assert.equal(r.facts.authType, 'REST-QUERY-STRING');
  assert.equal(r.facts.signatureAgeMs, 86_000_000);
  assert.equal(await codeOf(authenticator().authenticate(raw, bodyOf(''), new Date(NOW.getTime() + 86_401_000))), 'AccessDenied');
});

const A64K = Buffer.alloc(65536, 'a');
const A1K = Buffer.alloc(1024, 'a');

function chunkedExample(opts: { trailer: boolean }) {
  const sigs = opts.trailer
    ? ['b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2', '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7', '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992']
    : ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'];
  const tail = opts.trailer
    ? 'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n'
    : '\r\n';
  const body = Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`),
    A64K,
    Buffer.from(`\r\n400;chunk-signature=${sigs[1]}\r\n`),
    A1K,
    Buffer.from(`\r\n0;chunk-signature=${sigs[2]}\r\n${tail}`),
  ]);
  const headers: [string, string][] = opts.trailer
    ? [
        ['Host', 's3.amazonaws.com'],
        ['x-amz-date', '20130524T000000Z'],
        ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
        [
          'Authorization',
          `AWS4-HMAC-SHA256 ${SCOPE},SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e`,
        ],
        ['x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'],
        ['Content-Encoding', 'aws-chunked'],
        ['x-amz-decoded-content-length', '66560'],
        ['x-amz-trailer', 'x-amz-checksum-crc32c'],
        ['Content-Length', String(body.length)],
      ]
    : [
        ['Host', 's3.amazonaws.com'],
        ['x-amz-date', '20130524T000000Z'],
        ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
        [
          'Authorization',
          `AWS4-HMAC-SHA256 ${SCOPE},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9`,
        ],
        ['x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
        ['Content-Encoding', 'aws-chunked'],
        ['x-amz-decoded-content-length', '66560'],
        ['Content-Length', '66824'],
      ];
  return { raw: rawRequestOf({ method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', headers }), body };
}

for (const trailer of [false, true]) {
  const label = trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';

  test(`doc example: chunked upload ${label}, decoded whatever the read boundaries`, async () => {
    const { raw, body } = chunkedExample({ trailer });
    if (!trailer) assert.equal(body.length, 66824);
    for (const size of [1, 2, 3, 7, 64, 85, 86, 87, 1000, 65_536, 65_623, 1 << 20]) {
      const r = await authenticator().authenticate(raw, bodyOf(body, size), NOW);
      const out = await readAll(r.body);
      assert.equal(out.length, 66560, `read size ${size}`);
      assert.ok(out.every((b) => b === 0x61));
      assert.equal(r.decodedContentLength, 66560);
      assert.deepEqual(r.trailers(), trailer ? { 'x-amz-checksum-crc32c': 'sOO8/Q==' } : {});
    }
    if (trailer) assert.equal(toBase64(hashOf('CRC32C', Buffer.concat([A64K, A1K]))), 'sOO8/Q==');
  });

  test(`doc example: chunked upload ${label}, tampering errors the body stream`, async () => {
    const { raw, body } = chunkedExample({ trailer });
    const run = async (b: Buffer) => {
      const r = await authenticator().authenticate(raw, bodyOf(b, 4096), NOW);
      return codeOf(readAll(r.body));
    };
    const dataByte = Buffer.from(body);
    dataByte[70_000 % 65_000] = 0x62; // a byte of chunk 1
    assert.equal(await run(dataByte), 'SignatureDoesNotMatch');
    const lastChunk = Buffer.from(body);
    lastChunk[65_536 + 88 + 2 + 86 + 5] = 0x62; // a byte of chunk 2
    assert.equal(await run(lastChunk), 'SignatureDoesNotMatch');
    const text = body.toString('latin1');
    const finalSig = text.lastIndexOf('0;chunk-signature=') + 18;
    const badFinal = Buffer.from(body);
    badFinal[finalSig] = badFinal[finalSig] === 0x30 ? 0x31 : 0x30;
    assert.equal(await run(badFinal), 'SignatureDoesNotMatch');
    assert.equal(await run(body.subarray(0, 60_000)), 'IncompleteBody');
    assert.equal(await run(body.subarray(0, body.length - 1)), 'IncompleteBody');
    assert.equal(await run(Buffer.concat([body, Buffer.from('x')])), 'IncompleteBody');
    if (trailer) {
      assert.equal(await run(Buffer.from(text.replace('sOO8/Q==', 'sOO8/Q=A'), 'latin1')), 'SignatureDoesNotMatch');
      assert.equal(await run(Buffer.from(text.replace('x-amz-checksum-crc32c:sOO8/Q==\r\n', ''), 'latin1')), 'MalformedTrailerError');
      assert.equal(await run(Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1')), 'MalformedTrailerError');
    }
  });

  test(`doc example: chunked upload ${label}, wrong seed signature rejected before the body`, async () => {
    const { raw, body } = chunkedExample({ trailer });
    const authz = String(raw.headers.authorization).replace(/Signature=./, 'Signature=0');
    const rawHeaders = [...raw.rawHeaders];
    rawHeaders[rawHeaders.indexOf('Authorization') + 1] = authz;
    const tampered = { ...raw, headers: { ...raw.headers, authorization: authz }, rawHeaders };
    assert.equal(await codeOf(authenticator().authenticate(tampered, bodyOf(body), NOW)), 'SignatureDoesNotMatch');
  });
}
