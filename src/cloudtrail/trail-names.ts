/**
 * Trail names, trail ARNs and the S3 settings of a trail, checked as CloudTrail checks them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 */
import { cloudTrailError, trailNotFound } from './cloudtrail-errors.js';

export function trailArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/**
 * CreateTrail's Name rules (InvalidTrailNameException): ASCII letters, digits, `.`, `_`, `-`; starts and
 * ends with a letter or digit; 3 to 128 characters; no two of `._-` side by side; not an IP address.
 */
export function isValidTrailName(name: string): boolean {
  return (
    /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(name) &&
    !/[._-]{2}/.test(name) &&
    !/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}

export function checkTrailName(name: string): string {
  if (!isValidTrailName(name)) throw cloudTrailError('InvalidTrailNameException', { message: `Trail name is not valid: ${name}` });
  return name;
}

const TRAIL_ARN = /^arn:aws:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/** Where the caller's account and this server's region put a trail that a request names. */
export interface TrailScope {
  readonly accountId: string;
  readonly region: string;
}

/**
 * The trail a `Name` / `TrailName` member names: a trail name, or a trail ARN (GetTrail, UpdateTrail,
 * ...: "the name or the ARN"). A malformed ARN is CloudTrailARNInvalidException. Decision: an ARN of
 * another account or region names no trail here (TrailNotFoundException): Strongbox serves one region
 * and has no organization trails shared into member accounts.
 */
export function trailNameOf(ref: string, scope: TrailScope): string {
  if (!ref.startsWith('arn:')) return checkTrailName(ref);
  const m = TRAIL_ARN.exec(ref);
  if (!m || !isValidTrailName(m[3])) throw cloudTrailError('CloudTrailARNInvalidException', { message: `Invalid ARN: ${ref}` });
  if (m[1] !== scope.region || m[2] !== scope.accountId) throw trailNotFound(ref);
  return m[3];
}

/** S3's bucket naming rules (InvalidS3BucketNameException). */
export function checkBucketName(name: string): string {
  const ok =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
  if (!ok) throw cloudTrailError('InvalidS3BucketNameException', { message: `Bucket name is not valid: ${name}` });
  return name;
}

/** S3KeyPrefix: at most 200 characters (API_CreateTrail: "The maximum length is 200 characters"). */
export function checkKeyPrefix(prefix: string): string {
  if (prefix.length > 200) throw cloudTrailError('InvalidS3PrefixException', { message: 'S3 key prefix is too long.' });
  return prefix;
}
