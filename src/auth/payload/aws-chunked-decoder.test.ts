import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { AwsChunkedDecoder, type AwsChunkedDecoderOptions } from './aws-chunked-decoder.js';
import { isServiceError } from '../../errors/service-error.js';

const base: AwsChunkedDecoderOptions = { signing: undefined, trailer: true, decodedContentLength: 0, declaredTrailers: [], service: 's3' };

async function decode(body: string | Buffer, opts: Partial<AwsChunkedDecoderOptions>, split = 3): Promise<{ data: Buffer; trailers: Record<string, string> } | string> {
  const buf = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += split) parts.push(buf.subarray(i, i + split));
  const d = new AwsChunkedDecoder({ ...base, ...opts });
  const out: Buffer[] = [];
  try {
    for await (const c of Readable.from(parts).pipe(d)) out.push(c as Buffer);
  } catch (e) {
    return isServiceError(e) ? e.code : String(e);
  }
  return { data: Buffer.concat(out), trailers: { ...d.trailers() } };
}

test('unsigned trailer body as the JS SDK frames it, every split size', async () => {
  const body = '5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
  for (const split of [1, 2, 5, 7, 100]) {
    const r = await decode(body, { decodedContentLength: 11, declaredTrailers: ['x-amz-checksum-crc32'] }, split);
    assert.ok(typeof r !== 'string', String(r));
    assert.equal(r.data.toString(), 'hello world');
    assert.deepEqual(r.trailers, { 'x-amz-checksum-crc32': 'DUoRhQ==' });
  }
});

test('empty body and the SDK form without a checksum ("0\\r\\n" then end)', async () => {
  const r = await decode('0\r\n\r\n', { decodedContentLength: 0 });
  assert.ok(typeof r !== 'string');
  assert.equal(r.data.length, 0);
  const bare = await decode('3\r\nabc\r\n0\r\n', { decodedContentLength: 3 });
  assert.ok(typeof bare !== 'string', String(bare));
});

test('framing errors', async () => {
  assert.equal(await decode('5\r\nhello\r\n0\r\n\r\n', { decodedContentLength: 6 }), 'IncompleteBody');
  assert.equal(await decode('5\r\nhello\r\n0\r\n\r\n', { decodedContentLength: 4 }), 'IncompleteBody');
  assert.equal(await decode('zz\r\nhello\r\n0\r\n\r\n', { decodedContentLength: 5 }), 'IncompleteBody');
  assert.equal(await decode('5\r\nhelloXX0\r\n\r\n', { decodedContentLength: 5 }), 'IncompleteBody');
  assert.equal(await decode('5\r\nhel', { decodedContentLength: 5 }), 'IncompleteBody');
  assert.equal(await decode('5' + ' '.repeat(5000) + '\r\n', { decodedContentLength: 5 }), 'IncompleteBody');
  assert.equal(await decode('0\r\nno-colon\r\n\r\n', {}), 'MalformedTrailerError');
  assert.equal(await decode('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n', { declaredTrailers: ['x-amz-checksum-sha256'] }), 'MalformedTrailerError');
  assert.equal(await decode('0\r\n\r\n', { declaredTrailers: ['x-amz-checksum-crc32'] }), 'MalformedTrailerError');
  assert.equal(await decode('0\r\nx-amz-trailer-signature:abc\r\n\r\n', {}), 'MalformedTrailerError');
  assert.equal(await decode('0\r\nx:y\r\n\r\n', { trailer: false }), 'IncompleteBody');
});
