import { DIGEST_LENGTH, type HashAlgorithm } from './algorithms.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}

/**
 * Strict base64 decode of a checksum header value: `undefined` when it is not canonical base64 or
 * does not decode to the algorithm's digest length (S3 answers such values with InvalidRequest
 * "Value for x-amz-checksum-... header is invalid.").
 */
export function decodeChecksum(algorithm: HashAlgorithm, value: string): Buffer | undefined {
  if (!BASE64.test(value)) return undefined;
  const buf = Buffer.from(value, 'base64');
  return buf.length === DIGEST_LENGTH[algorithm] ? buf : undefined;
}

/** Constant-length comparison of a received base64 checksum with a computed digest. */
export function checksumMatches(algorithm: HashAlgorithm, base64Value: string, digest: Uint8Array): boolean {
  const decoded = decodeChecksum(algorithm, base64Value);
  return decoded !== undefined && Buffer.compare(decoded, digest) === 0;
}
