/**
 * Bucket names and object keys as S3 accepts them.
 * Buckets: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * Keys: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
import { BareHttpError, s3Error } from './errors.js';

export const MAX_KEY_BYTES = 1024;

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why a name breaks the general purpose bucket naming rules, or undefined when it is valid. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'Bucket name can only contain lowercase letters, numbers, periods and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'Bucket name must begin and end with a letter or number';
  // Each dot-separated label is a DNS label: no empty label, none starting or ending with a hyphen.
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return 'Bucket name must not contain adjacent periods or a period next to a hyphen';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'Bucket name must not be formatted as an IP address';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return 'Bucket name must not start with a reserved prefix';
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return 'Bucket name must not end with a reserved suffix';
  return undefined;
}

export function assertValidBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem !== undefined) throw s3Error('InvalidBucketName', { message: 'The specified bucket is not valid.', fields: { BucketName: name } });
}

/** KeyTooLongError past 1,024 bytes of UTF-8. */
export function assertKeyLength(key: string): void {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > MAX_KEY_BYTES) throw s3Error('KeyTooLongError', { fields: { Size: String(size), MaxSizeAllowed: String(MAX_KEY_BYTES) } });
}

/**
 * "Object keys that contain relative path elements (for example, ../) are valid if, when parsed
 * left-to-right, the cumulative count of relative path segments never exceeds the number of
 * non-relative path elements encountered." S3 refuses the others with a bare 400.
 */
export function relativeSegmentsEscape(key: string): boolean {
  let depth = 0;
  for (const segment of key.split('/')) {
    if (segment === '..') {
      depth -= 1;
      if (depth < 0) return true;
    } else if (segment !== '' && segment !== '.') {
      depth += 1;
    }
  }
  return false;
}

/** Checks a key addressed in the request path. */
export function assertValidPathKey(key: string): void {
  if (relativeSegmentsEscape(key)) throw new BareHttpError(400, 'BadRequest', 'Bad Request');
  assertKeyLength(key);
}
