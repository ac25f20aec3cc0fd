import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { base32Decode, base32Encode, hotp, stepOf, totpCode, type HotpAlgorithm } from './totp.js';

const RFC4226_SECRET = Buffer.from('12345678901234567890', 'ascii');

test('HOTP: RFC 4226 Appendix D vectors (counters 0..9)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(RFC4226_SECRET, counter), code, `counter ${counter}`));
});

test('TOTP: RFC 6238 Appendix B vectors (8 digits, SHA-1/256/512)', () => {
  const seeds: Record<HotpAlgorithm, Buffer> = {
    sha1: Buffer.from('12345678901234567890', 'ascii'),
    sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
    sha512: Buffer.from('1234567890'.repeat(6) + '1234', 'ascii'),
  };
  const vectors: Array<[number, string, string, string]> = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [seconds, sha1, sha256, sha512] of vectors) {
    const step = stepOf(new Date(seconds * 1000));
    assert.equal(totpCode(seeds.sha1, step, { digits: 8 }), sha1, `sha1 at ${seconds}`);
    assert.equal(totpCode(seeds.sha256, step, { digits: 8, algorithm: 'sha256' }), sha256, `sha256 at ${seconds}`);
    assert.equal(totpCode(seeds.sha512, step, { digits: 8, algorithm: 'sha512' }), sha512, `sha512 at ${seconds}`);
  }
});

test('TOTP: 6-digit codes are the last six digits of the 8-digit ones', () => {
  assert.equal(totpCode(RFC4226_SECRET, stepOf(59_000)), '287082');
  assert.equal(totpCode(RFC4226_SECRET, stepOf(1111111109_000)), '081804');
});

test('stepOf: 30-second steps from the epoch, Date or milliseconds', () => {
  assert.equal(stepOf(0), 0);
  assert.equal(stepOf(29_999), 0);
  assert.equal(stepOf(30_000), 1);
  assert.equal(stepOf(new Date(59_000)), 1);
  assert.equal(stepOf(new Date('2005-03-18T01:58:29Z')), 37037036);
});

test('hotp refuses negative or fractional counters', () => {
  assert.throws(() => hotp(RFC4226_SECRET, -1), RangeError);
  assert.throws(() => hotp(RFC4226_SECRET, 1.5), RangeError);
});

test('Base32: RFC 4648 §10 vectors, with and without padding', () => {
  const vectors: Array<[string, string]> = [
    ['', ''], ['f', 'MY======'], ['fo', 'MZXQ===='], ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI======'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(base32Encode(Buffer.from(plain)), encoded);
    assert.equal(base32Encode(Buffer.from(plain), { padding: false }), encoded.replace(/=+$/, ''));
    assert.equal(base32Decode(encoded).toString(), plain);
    assert.equal(base32Decode(encoded.replace(/=+$/, '').toLowerCase()).toString(), plain);
  }
});

test('Base32: random round trips; AWS-sized 40-byte seeds are 64 characters', () => {
  for (let n = 0; n < 50; n++) {
    const bytes = randomBytes(n);
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
  }
  assert.equal(base32Encode(randomBytes(40)).length, 64);
});

test('Base32: invalid characters and impossible lengths are refused', () => {
  assert.throws(() => base32Decode('MZXW1==='), SyntaxError);
  assert.throws(() => base32Decode('M'), SyntaxError);
  assert.throws(() => base32Decode('MZ'), SyntaxError, 'non-zero trailing bits');
});
