import type { BucketRecord } from './ports.js';

/** All four Block Public Access settings on: what every new bucket gets (AWS, since April 2023). */
export const BLOCK_ALL_PUBLIC_ACCESS = Object.freeze({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });

/**
 * The default encryption of a new bucket: SSE-S3, and SSE-C blocked (AWS, since 2026, for new buckets;
 * buckets that existed before keep accepting SSE-C).
 */
export const NEW_BUCKET_ENCRYPTION = Object.freeze({ sseAlgorithm: 'AES256' as const, bucketKeyEnabled: false, blockedEncryptionTypes: Object.freeze(['SSE-C' as const]) });

/**
 * A new bucket with today's AWS defaults: Object Ownership BucketOwnerEnforced (ACLs disabled), Block
 * Public Access all on, SSE-S3 with SSE-C blocked, unversioned, no policy, no CORS, the owner's
 * default ACL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html
 */
export function newBucketRecord(b: Pick<BucketRecord, 'name' | 'ownerAccountId' | 'region' | 'createdAt'> & Partial<BucketRecord>): BucketRecord {
  return {
    cors: undefined,
    policy: undefined,
    ownership: 'BucketOwnerEnforced',
    acl: undefined,
    publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
    versioning: undefined,
    mfaDelete: false,
    encryption: NEW_BUCKET_ENCRYPTION,
    objectLock: undefined,
    lifecycle: undefined,
    ...b,
  };
}
