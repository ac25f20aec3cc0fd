import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import * as sdkCrc from '@aws-sdk/checksums/crc';
import { crc32, crc32Portable } from './crc32.js';
import { crc32c } from './crc32c.js';
import { crc64nvme, crc64nvmeDigest, crc64nvmeInit, crc64nvmeUpdate, crc64nvmeUpdateJs } from './crc64nvme.js';
import { createHasher, hashOf } from './hasher.js';
import { toBase64, decodeChecksum, checksumMatches } from './base64.js';
import { CrcCombiner } from './crc-combine.js';
import { compositeChecksum, fullObjectChecksum, multipartEtag } from './composite.js';
import { hashingStream } from './hashing-stream.js';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './algorithms.js';

const CHECK = Buffer.from('123456789');

test('known-answer check values of "123456789"', () => {
  assert.equal(crc32(CHECK), 0xcbf43926);
  assert.equal(crc32Portable(CHECK), 0xcbf43926);
  assert.equal(crc32c(CHECK), 0xe3069283);
  assert.equal(crc64nvme(CHECK), 0xae8b14860a799888n);
  assert.equal(hashOf('CRC32', CHECK).toString('hex'), 'cbf43926');
  assert.equal(hashOf('CRC32C', CHECK).toString('hex'), 'e3069283');
  assert.equal(hashOf('CRC64NVME', CHECK).toString('hex'), 'ae8b14860a799888');
  assert.equal(hashOf('SHA1', CHECK).toString('hex'), 'f7c3bc1d808e04732adf679965ccc34ca7ae3441');
  assert.equal(hashOf('SHA256', CHECK).toString('hex'), '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
  assert.equal(hashOf('MD5', CHECK).toString('hex'), '25f9e794323b453885f5181f1b624d0b');
});

test('empty input digests', () => {
  assert.equal(hashOf('CRC32', Buffer.alloc(0)).toString('hex'), '00000000');
  assert.equal(hashOf('CRC32C', Buffer.alloc(0)).toString('hex'), '00000000');
  assert.equal(hashOf('CRC64NVME', Buffer.alloc(0)).toString('hex'), '0000000000000000');
});

async function sdkDigest(ctor: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> }, data: Uint8Array): Promise<string> {
  const h = new ctor();
  h.update(data);
  return Buffer.from(await h.digest()).toString('hex');
}

test('CRCs agree with the AWS SDK implementations on random data of many sizes and offsets', async () => {
  const big = randomBytes(70_000);
  for (const len of [0, 1, 3, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 1000, 4096, 65_537]) {
    for (const off of [0, 1, 2, 3, 5]) {
      const slice = big.subarray(off, off + len);
      assert.equal(hashOf('CRC32C', slice).toString('hex'), await sdkDigest(sdkCrc.Crc32cJs, slice), `crc32c len=${len} off=${off}`);
      assert.equal(hashOf('CRC64NVME', slice).toString('hex'), await sdkDigest(sdkCrc.Crc64NvmeJs, slice), `crc64 len=${len} off=${off}`);
      assert.equal(crc32Portable(slice), crc32(slice), `crc32 len=${len} off=${off}`);
    }
  }
});

test('incremental updates equal one-shot for every algorithm', () => {
  const data = randomBytes(10_000);
  for (const alg of [...CHECKSUM_ALGORITHMS, 'MD5'] as const) {
    const h = createHasher(alg);
    let pos = 0;
    for (const step of [1, 2, 3, 61, 64, 999, 4096]) {
      h.update(data.subarray(pos, pos + step));
      pos += step;
    }
    h.update(data.subarray(pos));
    assert.deepEqual(h.digest(), hashOf(alg, data), alg);
  }
});

test('decodeChecksum validates base64 and digest length', () => {
  assert.deepEqual(decodeChecksum('CRC32', 'y/Q5Jg=='), Buffer.from('cbf43926', 'hex'));
  assert.equal(decodeChecksum('CRC32', 'y/Q5Jg'), undefined);
  assert.equal(decodeChecksum('CRC32', 'AAAAAAA='), undefined);
  assert.equal(decodeChecksum('SHA256', 'y/Q5Jg=='), undefined);
  assert.equal(checksumMatches('CRC32', 'y/Q5Jg==', hashOf('CRC32', CHECK)), true);
  assert.equal(checksumMatches('CRC32', 'y/Q5Jw==', hashOf('CRC32', CHECK)), false);
});

test('CRC combine equals the CRC of the concatenation', () => {
  const a = randomBytes(5_000_001 % 100_003);
  const b = randomBytes(77_777);
  const c = Buffer.alloc(0);
  const d = randomBytes(1);
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    const combiner = new CrcCombiner(alg);
    const parts = [a, b, c, d].map((p) => ({ digest: hashOf(alg, p), length: p.length }));
    assert.deepEqual(combiner.combineDigests(parts), hashOf(alg, Buffer.concat([a, b, c, d])), alg);
    assert.equal(fullObjectChecksum(alg, parts), toBase64(hashOf(alg, Buffer.concat([a, b, c, d]))));
    assert.deepEqual(combiner.combineDigests([]), hashOf(alg, Buffer.alloc(0)));
  }
});

test('CRC combine scales to 10,000 parts of 5 MiB (lengths only, no data)', () => {
  const combiner = new CrcCombiner('CRC64NVME');
  const part = { digest: hashOf('CRC64NVME', CHECK), length: 5 * 1024 * 1024 };
  const out = combiner.combineDigests(Array.from({ length: 10_000 }, () => part));
  assert.equal(out.length, 8);
});

test('composite checksum and multipart ETag', () => {
  const p1 = Buffer.from('part one');
  const p2 = Buffer.from('part two');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest();
  const expected = createHash('sha256').update(Buffer.concat([sha(p1), sha(p2)])).digest('base64') + '-2';
  assert.equal(compositeChecksum('SHA256', [sha(p1), sha(p2)]), expected);
  const md5 = (b: Buffer) => createHash('md5').update(b).digest();
  assert.equal(multipartEtag([md5(p1), md5(p2)]), createHash('md5').update(Buffer.concat([md5(p1), md5(p2)])).digest('hex') + '-2');
});

test('hashingStream passes bytes through and computes MD5 plus requested checksums in one pass', async () => {
  const data = randomBytes(300_000);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 7_000) chunks.push(data.subarray(i, i + 7_000));
  const algs: ChecksumAlgorithm[] = ['CRC32', 'CRC64NVME', 'SHA256'];
  const hs = hashingStream(algs);
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), hs, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  assert.deepEqual(Buffer.concat(out), data);
  assert.equal(hs.bytes, data.length);
  const d = hs.digests();
  assert.deepEqual(d.MD5, hashOf('MD5', data));
  for (const a of algs) assert.deepEqual(d[a], hashOf(a, data), a);
  assert.equal(d.SHA1, undefined);
});

test('hashingStream with `then`: digests of the input, the transformed bytes passed on, a failing step fails the stream', async () => {
  const data = randomBytes(100_000);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 9_000) chunks.push(data.subarray(i, i + 9_000));
  // Inverts every byte and appends the count at the end.
  let seen = 0;
  const then = {
    update: (c: Buffer, out: Buffer[]) => {
      seen += c.length;
      out.push(Buffer.from(c.map((b) => 255 - b)));
    },
    final: (out: Buffer[]) => void out.push(Buffer.from(String(seen))),
  };
  const hs = hashingStream(['CRC64NVME'], { then });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), hs, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  assert.deepEqual(Buffer.concat(out), Buffer.concat([Buffer.from(data.map((b) => 255 - b)), Buffer.from(String(data.length))]));
  assert.deepEqual(hs.digests().MD5, hashOf('MD5', data));
  assert.deepEqual(hs.digests().CRC64NVME, hashOf('CRC64NVME', data));
  const failing = hashingStream([], { then: { update: () => undefined, final: () => { throw new RangeError('short'); } } });
  await assert.rejects(pipeline(Readable.from(chunks), failing, new Writable({ write(_c, _e, cb) { cb(); } })), RangeError);
});

test('CRC64NVME: the WebAssembly engine agrees with the JavaScript loop at every length and alignment', () => {
  const data = randomBytes(3 * 1024 * 1024 + 77);
  const lengths = [0, 1, 7, 8, 15, 16, 17, 31, 255, 256, 257, 4095, 4096, 65_537, 1024 * 1024, 1024 * 1024 + 1, data.length - 5];
  for (const offset of [0, 1, 3, 5]) {
    for (const len of lengths) {
      const slice = data.subarray(offset, offset + len);
      const fast = crc64nvmeInit();
      crc64nvmeUpdate(fast, slice);
      const reference = crc64nvmeInit();
      crc64nvmeUpdateJs(reference, slice);
      assert.deepEqual(fast, reference, `offset ${offset} length ${len}`);
    }
  }
  // Incremental over uneven pieces equals one pass.
  const whole = crc64nvmeInit();
  crc64nvmeUpdate(whole, data);
  const pieces = crc64nvmeInit();
  for (let i = 0; i < data.length; i += 333_333) crc64nvmeUpdate(pieces, data.subarray(i, i + 333_333));
  assert.deepEqual(pieces, whole);
  assert.equal(crc64nvme(Buffer.alloc(1000, 0x61)), (() => {
    const s = crc64nvmeInit();
    crc64nvmeUpdateJs(s, Buffer.alloc(1000, 0x61));
    return crc64nvmeDigest(s).readBigUInt64BE(0);
  })());
});

test('hashingStream off-thread: same bytes and digests, with backpressure over many batches', async () => {
  const data = randomBytes(20 * 1024 * 1024 + 4321);
  const chunks: Buffer[] = [];
  // An odd chunk size, so chunks straddle the 4 MiB batches.
  for (let i = 0; i < data.length; i += 65_537) chunks.push(data.subarray(i, i + 65_537));
  const algs: ChecksumAlgorithm[] = ['CRC64NVME'];
  const hs = hashingStream(algs, { offThread: true });
  let bytes = 0;
  const sinkHash = createHash('sha256');
  await pipeline(Readable.from(chunks), hs, new Writable({ write(c: Buffer, _e, cb) { bytes += c.length; sinkHash.update(c); cb(); } }));
  assert.equal(bytes, data.length);
  assert.equal(sinkHash.digest('hex'), createHash('sha256').update(data).digest('hex'));
  const d = hs.digests();
  assert.deepEqual(d.MD5, hashOf('MD5', data));
  assert.deepEqual(d.CRC64NVME, hashOf('CRC64NVME', data));
});

test('hashingStream off-thread: an abandoned stream stops its worker', async () => {
  // A worker left running would keep this test file from exiting.
  const hs = hashingStream(['CRC32C'], { offThread: true });
  hs.on('error', () => undefined);
  hs.write(randomBytes(3 * 1024 * 1024));
  hs.destroy(new Error('client went away'));
  await new Promise((resolve) => hs.once('close', resolve));
  assert.throws(() => hs.digests());
});

test('hashingStream fails with the given error once more than maxBytes came through', async () => {
  const tooLarge = new Error('too large');
  const hs = hashingStream([], { maxBytes: 10, tooLarge: () => tooLarge });
  await assert.rejects(pipeline(Readable.from([Buffer.alloc(6), Buffer.alloc(5)]), hs, new Writable({ write: (_c, _e, cb) => cb() })), (e) => e === tooLarge);
  assert.equal(hs.limitError, tooLarge);
  const ok = hashingStream([], { maxBytes: 10 });
  await pipeline(Readable.from([Buffer.alloc(6), Buffer.alloc(4)]), ok, new Writable({ write: (_c, _e, cb) => cb() }));
  assert.equal(ok.bytes, 10);
});
