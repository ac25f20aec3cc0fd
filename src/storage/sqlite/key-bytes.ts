/**
 * Keys as UTF-8 bytes, the representation that sorts like S3 (byte-wise) under SQLite's BLOB memcmp.
 */

const FF = Buffer.from([0xff]);

export function keyBytes(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

export function keyString(bytes: Buffer | Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

const NUL = Buffer.from([0]);

/** The least key greater than `key`: `key || 0x00`. */
export function keyAfter(key: Buffer): Buffer {
  return Buffer.concat([key, NUL]);
}

/**
 * A bound above every key that starts with `prefix` and below every greater key that does not:
 * `prefix || 0xFF`. 0xFF never occurs in UTF-8, so no key equals it or falls between.
 */
export function pastPrefix(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, FF]);
}

/**
 * Compares keys as S3 orders them, by their UTF-8 bytes, which is code point order. JavaScript's
 * `<` compares UTF-16 code units, which puts U+10000 and above (surrogate pairs, D800-DFFF) before
 * U+E000-U+FFFF; only the first differing unit matters, so it alone is mapped.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit < 0xe000) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
