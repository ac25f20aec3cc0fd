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

/**
 * A bound above every key that starts with `prefix` and below every greater key that does not:
 * `prefix || 0xFF`. 0xFF never occurs in UTF-8, so no key equals it or falls between.
 */
export function pastPrefix(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, FF]);
}

export function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * The common prefix `key` rolls up into under ListObjects rules: the key up to and including the first
 * `delimiter` after `prefix`, or undefined when there is none (or no delimiter). UTF-8 is
 * self-synchronising, so a byte-wise match of the delimiter is always a character-wise match.
 */
export function commonPrefixOf(key: Buffer, prefix: Buffer, delimiter: Buffer): Buffer | undefined {
  if (delimiter.length === 0) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.subarray(0, at + delimiter.length);
}
