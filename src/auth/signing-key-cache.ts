import { createHmac } from 'node:crypto';

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmacSha256('AWS4' + secret, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

/**
 * Hex signature compared in constant time: every character is compared, no early exit (a JavaScript
 * loop over char codes: no Buffer allocations on the per-request path). A length mismatch is a plain
 * mismatch; lengths are not secret (a SigV4 signature is always 64 hex characters).
 */
export function signaturesEqual(computedHex: string, providedHex: string): boolean {
  if (computedHex.length !== providedHex.length) return false;
  let diff = 0;
  for (let i = 0; i < computedHex.length; i++) diff |= computedHex.charCodeAt(i) ^ providedHex.charCodeAt(i);
  return diff === 0;
}

/**
 * Derived signing keys, bounded (oldest evicted first). Deriving costs four HMACs; a key
 * is valid for one (secret, day, region, service), so a busy server derives it once per client
 * per day. Held by the Authenticator instance, never module-wide.
 */
export class SigningKeyCache {
  private readonly map = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 1024) {}

  get(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${date}\n${region}\n${service}\n${secret}`;
    const hit = this.map.get(id);
    // No recency refresh on a hit (a Map delete + set per request): eviction is oldest-first, and
    // an evicted key that is still in use costs one derivation (four HMACs) to come back.
    if (hit !== undefined) return hit;
    const key = deriveSigningKey(secret, date, region, service);
    this.map.set(id, key);
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    return key;
  }

  get size(): number {
    return this.map.size;
  }
}
