import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Console passwords are hashed with scrypt (memory-hard) and never stored reversibly.
 * Format: `scrypt$<log2N>$<r>$<p>$<salt b64url>$<hash b64url>` so parameters can be raised later
 * while old hashes still verify.
 */
const DEFAULT = { log2N: 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function options(log2N: number, r: number, p: number): ScryptOptions {
  // maxmem must cover 128 * N * r bytes plus slack.
  return { N: 2 ** log2N, r, p, maxmem: 128 * 2 ** log2N * r * 2 };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, options(DEFAULT.log2N, DEFAULT.r, DEFAULT.p));
  return `scrypt$${DEFAULT.log2N}$${DEFAULT.r}$${DEFAULT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number);
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  const actual = await scryptAsync(password, Buffer.from(parts[4], 'base64url'), options(log2N, r, p));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
