import { randomBytes, randomInt } from 'node:crypto';

/**
 * Identifiers in AWS's formats. AWS unique ids and access key ids use the RFC 4648 base32 alphabet
 * after a 4-letter type prefix: `AKIA` + 16 (20 chars) for long-term access keys, `AIDA`/`AGPA`/
 * `ANPA`/`AROA`/`AIPA` + 17 (21 chars) for users, groups, policies, roles and instance profiles.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export type UniqueIdPrefix = 'AIDA' | 'AGPA' | 'ANPA' | 'AROA' | 'AIPA';

function randomFrom(alphabet: string, length: number): string {
  // Rejection-free: both alphabets have a power-of-two size (32, 64), so `byte & mask` is uniform.
  const mask = alphabet.length - 1;
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] & mask];
  return out;
}

export function newUniqueId(prefix: UniqueIdPrefix): string {
  return prefix + randomFrom(BASE32, 17);
}

export function newSecretAccessKey(): string {
  return randomFrom(SECRET_ALPHABET, 40);
}

/**
 * A 12-digit account id. Deviation from AWS: we never start one with 0 (AWS ids may), so tools that
 * treat the id as a number do not lose a digit.
 */
export function newAccountId(): string {
  let id = String(randomInt(1, 10));
  for (let i = 0; i < 11; i++) id += String(randomInt(0, 10));
  return id;
}

export const ACCESS_KEY_ID_PATTERN = /^AKIA[A-Z2-7]{16}$/;
export const UNIQUE_ID_PATTERN = /^(AIDA|AGPA|ANPA|AROA|AIPA)[A-Z2-7]{17}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
