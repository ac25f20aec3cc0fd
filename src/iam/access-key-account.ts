import { randomBytes } from 'node:crypto';
import { base32Decode, base32Encode } from '../crypto/totp.js';

/**
 * Access key ids that carry their account, as AWS's do: after the 4-letter prefix, 16 Base32
 * characters encode 10 bytes whose first 48 bits hold the account id in bits 7..46. That is how
 * sts:GetAccessKeyInfo answers for any key, even one no longer stored (AWS: "the key might be active,
 * inactive, or deleted"). https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
 */
const ACCOUNT_MASK = 0x7fffffffff80n;

export function newAccessKeyIdFor(prefix: 'AKIA' | 'ASIA', accountId: string): string {
  const bytes = randomBytes(10);
  let head = 0n;
  for (let i = 0; i < 6; i++) head = (head << 8n) | BigInt(bytes[i]);
  head = (head & ~ACCOUNT_MASK) | ((BigInt(accountId) << 7n) & ACCOUNT_MASK);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(head & 0xffn);
    head >>= 8n;
  }
  return prefix + base32Encode(bytes);
}

/** The account an access key id encodes (meaningful for ids made by `newAccessKeyIdFor`). */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  const body = accessKeyId.slice(4);
  if (!/^[A-Z2-7]{16}$/.test(body)) return undefined;
  const bytes = base32Decode(body);
  let head = 0n; // the first 48 of 80 bits
  for (let i = 0; i < 6; i++) head = (head << 8n) | BigInt(bytes[i]);
  return String((head & ACCOUNT_MASK) >> 7n).padStart(12, '0');
}
