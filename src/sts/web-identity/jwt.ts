import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Compact JWS (RFC 7515 §7.1) parsing and signature verification for web identity tokens, on node:crypto
 * alone. Pure: no clock, no I/O. Only asymmetric algorithms whose keys a JWKS can publish are
 * verifiable; `none` and the HMAC algorithms (HS256/384/512) are refused whatever the key, because a
 * verifier that holds only public keys must never treat a public key as a shared secret
 * (RFC 8725 §2.1, §3.1).
 */

/** The JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1) this verifier can check with a public JWK. */
export const JWS_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/** A public JSON Web Key (RFC 7517 §4) as a JWKS publishes it. */
export interface Jwk {
  readonly kty: string;
  readonly kid?: string;
  readonly use?: string;
  readonly alg?: string;
  readonly key_ops?: readonly string[];
  readonly crv?: string;
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
}

export interface JoseHeader {
  readonly alg: string;
  readonly kid?: string;
  readonly typ?: string;
  readonly [name: string]: unknown;
}

export interface DecodedJws {
  readonly header: JoseHeader;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

/** Why a compact JWS could not be parsed; the caller turns it into its own error. */
export class JwsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwsFormatError';
  }
}

/** The outcome of checking one signature against one key. */
export type JwsVerification = 'Valid' | 'BadSignature' | 'KeyMismatch' | 'UnsupportedAlgorithm';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string, what: string): Buffer {
  // Strict base64url without padding (RFC 7515 §2): Buffer.from would silently skip stray characters.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) throw new JwsFormatError(`${what} is not base64url`);
  return Buffer.from(segment, 'base64url');
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment, what).toString('utf8'));
  } catch (e) {
    if (e instanceof JwsFormatError) throw e;
    throw new JwsFormatError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsFormatError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Splits and decodes `header.payload.signature`; throws JwsFormatError on anything malformed. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsFormatError('a compact JWS has exactly three parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart, 'header');
  if (typeof header.alg !== 'string' || header.alg === '') throw new JwsFormatError('header has no alg');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw new JwsFormatError('kid is not a string');
  // RFC 7515 §4.1.11: a recipient that does not understand a `crit` extension must reject the JWS. We
  // understand none (this also refuses RFC 7797 unencoded payloads, which need `crit: ["b64"]`).
  if (header.crit !== undefined) throw new JwsFormatError('critical header extensions are not supported');
  const payload = decodeJsonObject(payloadPart, 'payload');
  const signature = decodeSegment(signaturePart, 'signature');
  if (signature.length === 0) throw new JwsFormatError('the token is not signed');
  return { header: header as JoseHeader, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
}

export function isJwsAlgorithm(alg: string): alg is JwsAlgorithm {
  return (JWS_ALGORITHMS as readonly string[]).includes(alg);
}

interface AlgorithmSpec {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** Digest for node:crypto `verify`; null for EdDSA, which hashes internally. */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  readonly pss?: true;
  /** EC: the curve, and the byte length of r||s (RFC 7518 §3.4). */
  readonly crv?: readonly string[];
  readonly signatureLength?: number;
}

const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = {
  RS256: { kty: 'RSA', digest: 'sha256' },
  RS384: { kty: 'RSA', digest: 'sha384' },
  RS512: { kty: 'RSA', digest: 'sha512' },
  PS256: { kty: 'RSA', digest: 'sha256', pss: true },
  PS384: { kty: 'RSA', digest: 'sha384', pss: true },
  PS512: { kty: 'RSA', digest: 'sha512', pss: true },
  ES256: { kty: 'EC', digest: 'sha256', crv: ['P-256'], signatureLength: 64 },
  ES384: { kty: 'EC', digest: 'sha384', crv: ['P-384'], signatureLength: 96 },
  ES512: { kty: 'EC', digest: 'sha512', crv: ['P-521'], signatureLength: 132 },
  EdDSA: { kty: 'OKP', digest: null, crv: ['Ed25519', 'Ed448'] },
};

/** RFC 7518 §3.3 / §3.5: RSA keys of 2048 bits or more. */
const MIN_RSA_BITS = 2048;

/**
 * Whether a JWK may verify a signature made with `alg`: its type and curve fit the algorithm, and its own
 * `alg`, `use` and `key_ops`, when present, do not contradict that use (RFC 7517 §4.2–4.4).
 */
export function jwkFitsAlgorithm(jwk: Jwk, alg: JwsAlgorithm): boolean {
  const spec = ALGORITHMS[alg];
  if (jwk.kty !== spec.kty) return false;
  if (spec.crv !== undefined && (jwk.crv === undefined || !spec.crv.includes(jwk.crv))) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  return true;
}

/** Only the public members, so a JWKS that leaks a private key still yields a public KeyObject. */
function publicMembers(jwk: Jwk): JsonWebKey {
  switch (jwk.kty) {
    case 'RSA':
      return { kty: 'RSA', n: jwk.n, e: jwk.e };
    case 'EC':
      return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    default:
      return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  }
}

function importKey(jwk: Jwk, spec: AlgorithmSpec): KeyObject | undefined {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicMembers(jwk), format: 'jwk' });
  } catch {
    return undefined;
  }
  if (spec.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return undefined;
  return key;
}

/**
 * Checks the JWS signature with one public JWK. `algorithms` is the caller's allow-list: the header's
 * `alg` is never trusted to pick the verification method on its own (RFC 8725 §3.1).
 */
export function verifyJwsSignature(
  jws: DecodedJws,
  jwk: Jwk,
  options: { algorithms: readonly JwsAlgorithm[] },
): JwsVerification {
  const alg = jws.header.alg;
  if (!isJwsAlgorithm(alg) || !options.algorithms.includes(alg)) return 'UnsupportedAlgorithm';
  const spec = ALGORITHMS[alg];
  if (!jwkFitsAlgorithm(jwk, alg)) return 'KeyMismatch';
  const key = importKey(jwk, spec);
  if (key === undefined) return 'KeyMismatch';
  // JOSE ECDSA signatures are the raw r||s concatenation, not DER (RFC 7518 §3.4).
  if (spec.signatureLength !== undefined && jws.signature.length !== spec.signatureLength) return 'BadSignature';
  const data = Buffer.from(jws.signingInput, 'ascii');
  let ok: boolean;
  try {
    if (spec.pss) {
      const pssKey = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
      ok = verify(spec.digest, data, pssKey, jws.signature);
    } else if (spec.kty === 'EC') {
      ok = verify(spec.digest, data, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    } else {
      ok = verify(spec.digest, data, key, jws.signature);
    }
  } catch {
    ok = false;
  }
  return ok ? 'Valid' : 'BadSignature';
}
