import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHmac, sign } from 'node:crypto';
import { decodeJws, JwsFormatError, JWS_ALGORITHMS, verifyJwsSignature, type Jwk, type JwsAlgorithm } from './jwt.js';
import { base64urlJson as b64url, signJws as signWith, testKey, type TestKey } from './testing/jws-signer.js';

const rsa = testKey('rsa');
const p256 = testKey('P-256');
const p384 = testKey('P-384');
const p521 = testKey('P-521');
const ed25519 = testKey('ed25519');

function keyFor(alg: JwsAlgorithm): TestKey {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return rsa;
  return { ES256: p256, ES384: p384, ES512: p521 }[alg as 'ES256'] ?? ed25519;
}

const signJws = (alg: JwsAlgorithm, payload: unknown, key: TestKey = keyFor(alg)) => signWith(alg, payload, key);

const ALL = { algorithms: JWS_ALGORITHMS };

test('round trips for every supported algorithm (RS, PS, ES, EdDSA)', () => {
  for (const alg of JWS_ALGORITHMS) {
    const jws = decodeJws(signJws(alg, { sub: 'x' }));
    assert.equal(jws.header.alg, alg);
    assert.deepEqual(jws.payload, { sub: 'x' });
    assert.equal(verifyJwsSignature(jws, keyFor(alg).jwk, ALL), 'Valid', alg);
  }
});

test('a tampered payload or signature does not verify', () => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'ES384'] as const) {
    const [h, , s] = signJws(alg, { sub: 'alice' }).split('.');
    const tampered = decodeJws(`${h}.${b64url({ sub: 'mallory' })}.${s}`);
    assert.equal(verifyJwsSignature(tampered, keyFor(alg).jwk, ALL), 'BadSignature', alg);
  }
  const token = signJws('RS256', { sub: 'alice' });
  const flipped = token.slice(0, -2) + (token.endsWith('A') ? 'B' : 'A') + token.slice(-1);
  assert.equal(verifyJwsSignature(decodeJws(flipped), rsa.jwk, ALL), 'BadSignature');
});

test('another key of the right type does not verify', () => {
  const other = testKey('rsa');
  assert.equal(verifyJwsSignature(decodeJws(signJws('RS256', {})), other.jwk, ALL), 'BadSignature');
});

test('none and HMAC algorithms are refused whatever the key', () => {
  const none = decodeJws(`${b64url({ alg: 'none' })}.${b64url({ sub: 'x' })}.AA`);
  assert.equal(verifyJwsSignature(none, rsa.jwk, ALL), 'UnsupportedAlgorithm');
  // The HS256-with-the-public-key confusion: MAC keyed with the RSA modulus.
  const input = `${b64url({ alg: 'HS256' })}.${b64url({ sub: 'x' })}`;
  const mac = createHmac('sha256', String(rsa.jwk.n)).update(input).digest('base64url');
  assert.equal(verifyJwsSignature(decodeJws(`${input}.${mac}`), rsa.jwk, ALL), 'UnsupportedAlgorithm');
  const octJwk: Jwk = { kty: 'oct', kid: 'k' };
  assert.equal(verifyJwsSignature(decodeJws(`${input}.${mac}`), octJwk, ALL), 'UnsupportedAlgorithm');
});

test('an algorithm outside the caller allow-list is refused', () => {
  const jws = decodeJws(signJws('PS256', {}));
  assert.equal(verifyJwsSignature(jws, rsa.jwk, { algorithms: ['RS256'] }), 'UnsupportedAlgorithm');
});

test('a key whose kty, crv, alg, use or key_ops contradicts the algorithm is not used', () => {
  const rs = decodeJws(signJws('RS256', {}));
  const es = decodeJws(signJws('ES256', {}));
  assert.equal(verifyJwsSignature(rs, p256.jwk, ALL), 'KeyMismatch'); // kty EC for RS256
  assert.equal(verifyJwsSignature(es, rsa.jwk, ALL), 'KeyMismatch'); // kty RSA for ES256
  assert.equal(verifyJwsSignature(es, p384.jwk, ALL), 'KeyMismatch'); // P-384 for ES256
  assert.equal(verifyJwsSignature(rs, { ...rsa.jwk, alg: 'RS512' }, ALL), 'KeyMismatch');
  assert.equal(verifyJwsSignature(rs, { ...rsa.jwk, use: 'enc' }, ALL), 'KeyMismatch');
  assert.equal(verifyJwsSignature(rs, { ...rsa.jwk, key_ops: ['encrypt'] }, ALL), 'KeyMismatch');
  assert.equal(verifyJwsSignature(rs, { ...rsa.jwk, alg: 'RS256', use: 'sig', key_ops: ['verify'] }, ALL), 'Valid');
  assert.equal(verifyJwsSignature(rs, { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, ALL), 'KeyMismatch'); // not a usable key
});

test('RSA keys under 2048 bits are refused (RFC 7518 §3.3)', () => {
  const small = testKey('rsa', 'small', { rsaBits: 1024 });
  assert.equal(verifyJwsSignature(decodeJws(signJws('RS256', {}, small)), small.jwk, ALL), 'KeyMismatch');
});

test('a DER-encoded ECDSA signature is not accepted as JOSE r||s', () => {
  const input = `${b64url({ alg: 'ES256' })}.${b64url({})}`;
  const der = sign('sha256', Buffer.from(input), p256.privateKey); // default dsaEncoding: der
  assert.equal(verifyJwsSignature(decodeJws(`${input}.${der.toString('base64url')}`), p256.jwk, ALL), 'BadSignature');
});

test('malformed compact serializations are JwsFormatErrors', () => {
  const ok = signJws('RS256', {});
  const [h, p, s] = ok.split('.') as [string, string, string];
  const bad = [
    '', 'a.b', `${h}.${p}.${s}.x`, `${h}.${p}.`, `!!.${p}.${s}`, `${h}.${p}.${s}=`,
    `${b64url('str')}.${p}.${s}`, `${b64url({ typ: 'JWT' })}.${p}.${s}`,
    `${b64url({ alg: 'RS256', kid: 7 })}.${p}.${s}`,
    `${h}.${Buffer.from('not json').toString('base64url')}.${s}`, `${h}.${b64url([1])}.${s}`,
    `${b64url({ alg: 'RS256', crit: ['exp'] })}.${p}.${s}`,
  ];
  for (const token of bad) assert.throws(() => decodeJws(token), JwsFormatError, token);
});
