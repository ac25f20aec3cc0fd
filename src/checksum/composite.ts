import { createHash } from 'node:crypto';
import type { ChecksumAlgorithm, CrcAlgorithm } from './algorithms.js';
import { toBase64 } from './base64.js';
import { CrcCombiner } from './crc-combine.js';
import { createHasher } from './hasher.js';

/**
 * COMPOSITE checksum of a multipart upload ("Checking object integrity in Amazon S3"): the checksum
 * of the concatenated binary part checksums, base64, with `-<part count>` appended.
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: readonly Uint8Array[]): string {
  const h = createHasher(algorithm);
  for (const d of partDigests) h.update(d);
  return `${toBase64(h.digest())}-${partDigests.length}`;
}

/** Multipart ETag: hex MD5 of the concatenated binary part MD5s, with `-<part count>`. */
export function multipartEtag(partMd5s: readonly Uint8Array[]): string {
  const h = createHash('md5');
  for (const d of partMd5s) h.update(d);
  return `${h.digest('hex')}-${partMd5s.length}`;
}

/**
 * FULL_OBJECT checksum of a multipart upload: the CRC of the whole object, combined from the part
 * CRCs and part sizes (no `-N` suffix). Returns base64.
 */
export function fullObjectChecksum(
  algorithm: CrcAlgorithm,
  parts: readonly { digest: Uint8Array; length: number }[],
  combiner: CrcCombiner = new CrcCombiner(algorithm),
): string {
  return toBase64(combiner.combineDigests(parts));
}
