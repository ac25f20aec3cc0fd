import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Jwk, JwsAlgorithm } from '../jwt.js';

/**
 * Test-only JWS producer (RFC 7515 compact serialization, RFC 7518 signatures) on node:crypto, so the
 * verifier's unit tests sign with keys they generate instead of fixtures. Not used by the server.
 */

export type TestKeyKind = 'rsa' | 'P-256' | 'P-384' | 'P-521' | 'ed25519';

export interface TestKey {
  readonly privateKey: KeyObject;
  /** The public JWK, as a JWKS would publish it. */
  readonly jwk: Jwk;
}

export function testKey(kind: TestKeyKind, kid: string = kind, options: { rsaBits?: number } = {}): TestKey {
  const pair = kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048 })
    : kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: kind });
  return { privateKey: pair.privateKey, jwk: { ...(pair.publicKey.export({ format: 'jwk' }) as Jwk), kid } };
}

const DIGEST: Record<JwsAlgorithm, 'sha256' | 'sha384' | 'sha512' | null> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: null,
};

/** RFC 7518 §3.5: the PSS salt is as long as the digest. */
const SALT_BYTES = { sha256: 32, sha384: 48, sha512: 64 } as const;

export const base64urlJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs `payload` with `alg`: ECDSA in JOSE r||s form, PSS with a digest-length salt. The header carries
 * `alg` and the key's kid unless `header` overrides them (`kid: undefined` drops it).
 */
export function signJws(
  alg: JwsAlgorithm,
  payload: unknown,
  key: TestKey,
  header: Readonly<Record<string, unknown>> = {},
): string {
  const fullHeader = JSON.parse(JSON.stringify({ alg, typ: 'JWT', kid: key.jwk.kid, ...header })) as object;
  const input = `${base64urlJson(fullHeader)}.${base64urlJson(payload)}`;
  const data = Buffer.from(input);
  const digest = DIGEST[alg];
  let signature: Buffer;
  if (alg.startsWith('ES')) {
    signature = sign(digest, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  } else if (alg.startsWith('PS') && digest !== null) {
    const padding = constants.RSA_PKCS1_PSS_PADDING;
    signature = sign(digest, data, { key: key.privateKey, padding, saltLength: SALT_BYTES[digest] });
  } else {
    signature = sign(digest, data, key.privateKey);
  }
  return `${input}.${signature.toString('base64url')}`;
}
