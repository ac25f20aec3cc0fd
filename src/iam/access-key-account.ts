import { randomBytes } from 'node:crypto';

/**
 * Access key ids that carry their account, as AWS's do: after the 4-letter prefix, 16 Base32
 * characters encode 10 bytes whose first 48 bits hold the account id in bits 7..46. That is how
 * sts:GetAccessKeyInfo answers for any key, even one no longer stored (AWS: "the key might be active,
 * inactive, or deleted"). https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
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
  return prefix + base32(bytes);
}

/** The account an access key id encodes (meaningful for ids made by `newAccessKeyIdFor`). */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  const body = accessKeyId.slice(4);
  if (!/^[A-Z2-7]{16}$/.test(body)) return undefined;
  let bits = 0n;
  for (const c of body) bits = (bits << 5n) | BigInt(BASE32.indexOf(c));
  const head = bits >> 32n; // the first 48 of 80 bits
  return String((head & ACCOUNT_MASK) >> 7n).padStart(12, '0');
}

function base32(bytes: Buffer): string {
  let out = '';
  let acc = 0;
  let n = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    n += 8;
    while (n >= 5) {
      out += BASE32[(acc >>> (n - 5)) & 31];
      n -= 5;
    }
    acc &= (1 << n) - 1;
  }
  return out;
}
