import { createHmac, timingSafeEqual } from 'node:crypto';

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

/** Hex signature compared in constant time; a length mismatch is a plain mismatch. */
export function signaturesEqual(computedHex: string, providedHex: string): boolean {
  const a = Buffer.from(computedHex, 'latin1');
  const b = Buffer.from(providedHex, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Derived signing keys, bounded (least recently used evicted). Deriving costs four HMACs; a key
 * is valid for one (secret, day, region, service), so a busy server derives it once per client
 * per day. Held by the Authenticator instance, never module-wide.
 */
export class SigningKeyCache {
  private readonly map = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 1024) {}

  get(secret: string, date: string, region: string, service: string): Buffer {
    const id = `${date}\n${region}\n${service}\n${secret}`;
    const hit = this.map.get(id);
    if (hit !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.map.delete(id);
      this.map.set(id, hit);
      return hit;
    }
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
