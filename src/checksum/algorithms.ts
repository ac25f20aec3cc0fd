/**
 * The checksum algorithms S3 accepts in `x-amz-checksum-*` / `x-amz-sdk-checksum-algorithm`
 * ("Checking object integrity in Amazon S3"), plus MD5, which S3 always computes for the ETag.
 */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type HashAlgorithm = ChecksumAlgorithm | 'MD5';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** Digest length in bytes; S3 rejects a base64 checksum whose decoded length differs. */
export const DIGEST_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
  MD5: 16,
};

/** Only the CRCs can be combined into a FULL_OBJECT checksum of a multipart upload. */
export type CrcAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME';

export function isCrcAlgorithm(a: HashAlgorithm): a is CrcAlgorithm {
  return a === 'CRC32' || a === 'CRC32C' || a === 'CRC64NVME';
}

/** `CRC32` ⇄ `x-amz-checksum-crc32`. */
export function checksumHeaderName(a: ChecksumAlgorithm): string {
  return `x-amz-checksum-${a.toLowerCase()}`;
}

export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const upper = value.toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}
