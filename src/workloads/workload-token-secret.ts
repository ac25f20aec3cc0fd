import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Workload tokens and their ids. A token is a bearer secret: `sbw_` + 40 Base62 characters
 * (≈ 238 random bits), prefixed so secret scanners and people recognise one. Only its SHA-256 is
 * stored; a slow hash is not needed for a secret this random. The id names the token everywhere
 * else (listing, revocation, logs, the role session name): `wt-` + 17 lower-case base32 characters.
 */
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const SECRET_CHARS = 40;
const ID_CHARS = 17;

export const WORKLOAD_TOKEN_PATTERN = /^sbw_[A-Za-z0-9]{40}$/;
/** The model pattern of `TokenId` (a Java regex, whole value). */
export const TOKEN_ID_PATTERN = 'wt-[a-z2-7]{17}';

export function newWorkloadToken(): string {
  // randomInt draws without modulo bias (62 is not a power of two).
  let out = 'sbw_';
  for (let i = 0; i < SECRET_CHARS; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

export function newWorkloadTokenId(): string {
  const bytes = randomBytes(ID_CHARS);
  let out = 'wt-';
  for (let i = 0; i < ID_CHARS; i++) out += BASE32_LOWER[bytes[i] & 31];
  return out;
}

export function workloadTokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
