/**
 * Bucket hygiene (issue #18, after Security Monkey's "tracking of encryption and versioning"; the
 * checks of Security Hub's S3 controls, https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html):
 * versioning, server access logging, default encryption, Block Public Access of the bucket and of the
 * account. Pure: the records come in.
 */
import type { BucketRecord, PublicAccessBlock } from '../../storage/ports.js';
import type { PostureFinding, Severity } from './posture-types.js';

const ALL_ON = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

/** The four settings as S3 names them (PublicAccessBlockConfiguration). */
export interface PublicAccessBlockConfiguration {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

function configuration(b: PublicAccessBlock | undefined): PublicAccessBlockConfiguration | null {
  return b
    ? {
        BlockPublicAcls: b.blockPublicAcls,
        IgnorePublicAcls: b.ignorePublicAcls,
        BlockPublicPolicy: b.blockPublicPolicy,
        RestrictPublicBuckets: b.restrictPublicBuckets,
      }
    : null;
}

/**
 * "Amazon S3 applies the most restrictive combination of the bucket-level and account-level settings":
 * each setting is on when it is on at either level.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
export function effectivePublicAccessBlock(
  bucket: PublicAccessBlock | undefined,
  account: PublicAccessBlock | undefined,
): PublicAccessBlock {
  return {
    blockPublicAcls: bucket?.blockPublicAcls === true || account?.blockPublicAcls === true,
    ignorePublicAcls: bucket?.ignorePublicAcls === true || account?.ignorePublicAcls === true,
    blockPublicPolicy: bucket?.blockPublicPolicy === true || account?.blockPublicPolicy === true,
    restrictPublicBuckets: bucket?.restrictPublicBuckets === true || account?.restrictPublicBuckets === true,
  };
}

function settingsOff(b: PublicAccessBlock | undefined): string[] {
  const c = configuration(b);
  return c === null
    ? ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets']
    : Object.entries(c)
        .filter(([, on]) => !on)
        .map(([name]) => name);
}

/** The bucket's findings: one per check that fails, keyed by the check's name. */
export function bucketFindings(bucket: BucketRecord, accountBlock: PublicAccessBlock | undefined): PostureFinding[] {
  const out: PostureFinding[] = [];
  const add = (
    findingType: PostureFinding['findingType'],
    severity: Severity,
    details: Record<string, unknown>,
    fix: string,
  ) =>
    out.push({
      key: findingType,
      resourceType: 'AWS::S3::Bucket',
      resourceOwnerAccount: bucket.ownerAccountId,
      findingType,
      details: { ...details, severity, fix },
    });
  const b = bucket.name;
  // Without versioning an overwrite or a delete cannot be undone; Suspended keeps old versions but makes no new ones.
  if (bucket.versioning !== 'Enabled') {
    add(
      'BucketNotVersioned',
      'MEDIUM',
      { versioning: bucket.versioning ?? 'Unversioned' },
      `aws s3api put-bucket-versioning --bucket ${b} --versioning-configuration Status=Enabled ` +
        `(with a lifecycle rule that expires noncurrent versions to bound the cost).`,
    );
  }
  if (bucket.logging === undefined) {
    add(
      'BucketNotLogged',
      'LOW',
      {},
      `aws s3api put-bucket-logging --bucket ${b} --bucket-logging-status ` +
        `'{"LoggingEnabled":{"TargetBucket":"<a log bucket>","TargetPrefix":"${b}/"}}'`,
    );
  }
  const encryption = encryptionFinding(bucket);
  if (encryption) add('BucketNotEncrypted', 'LOW', encryption.details, encryption.fix);
  const off = settingsOff(effectivePublicAccessBlock(bucket.publicAccessBlock, accountBlock));
  if (off.length > 0) {
    add(
      'BucketPublicAccessBlockOff',
      'HIGH',
      {
        off,
        bucketPublicAccessBlock: configuration(bucket.publicAccessBlock),
        accountPublicAccessBlock: configuration(accountBlock),
      },
      `aws s3api put-public-access-block --bucket ${b} --public-access-block-configuration ${ALL_ON}. ` +
        `If the bucket is meant to be public (a website), archive this finding.`,
    );
  }
  return out;
}

/**
 * What counts as not encrypted. Strongbox encrypts every object it writes: with the bucket's default
 * encryption, else SSE-S3 — as AWS since January 2023 — and new buckets carry an explicit SSE-S3
 * configuration (storage/new-bucket.ts). So no bucket takes plaintext writes, and a bucket's default
 * can always be read back (GetBucketEncryption answers SSE-S3 for a bucket without one). What the
 * check reports is a bucket with no default-encryption configuration of its own: one from before
 * Strongbox gave new buckets one (it may hold objects written before encryption at rest existed,
 * which stay plaintext), or one whose configuration DeleteBucketEncryption removed. LOW: its new
 * objects are still SSE-S3-encrypted.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
 */
function encryptionFinding(bucket: BucketRecord): { details: Record<string, unknown>; fix: string } | undefined {
  if (bucket.encryption !== undefined) return undefined;
  return {
    details: { defaultEncryptionConfigured: false, appliedByDefault: 'AES256' },
    fix:
      `aws s3api put-bucket-encryption --bucket ${bucket.name} --server-side-encryption-configuration ` +
      `'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key ARN>"},` +
      `"BucketKeyEnabled":true}]}' (or "SSEAlgorithm":"AES256" to state SSE-S3).`,
  };
}

/** AccountPublicAccessBlockOff: the account's own Block Public Access is not all on. */
export function accountPublicAccessBlockFinding(
  accountId: string,
  block: PublicAccessBlock | undefined,
): PostureFinding | undefined {
  const off = settingsOff(block);
  if (off.length === 0) return undefined;
  return {
    key: 'AccountPublicAccessBlockOff',
    resourceType: 'AWS::::Account',
    resourceOwnerAccount: accountId,
    findingType: 'AccountPublicAccessBlockOff',
    details: {
      off,
      accountPublicAccessBlock: configuration(block),
      severity: 'MEDIUM',
      fix:
        `aws s3control put-public-access-block --account-id ${accountId} ` +
        `--public-access-block-configuration ${ALL_ON}`,
    },
  };
}
