import type { BucketRecord } from './ports.js';

/** All four Block Public Access settings on: what every new bucket gets (AWS, since April 2023). */
export const BLOCK_ALL_PUBLIC_ACCESS = Object.freeze({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true });

/**
 * A new bucket with today's AWS defaults: Object Ownership BucketOwnerEnforced (ACLs disabled), Block
 * Public Access all on, no policy, no CORS, the owner's default ACL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/create-bucket-faq.html
 */
export function newBucketRecord(b: Pick<BucketRecord, 'name' | 'ownerAccountId' | 'region' | 'createdAt'> & Partial<BucketRecord>): BucketRecord {
  return {
    cors: undefined,
    policy: undefined,
    ownership: 'BucketOwnerEnforced',
    acl: undefined,
    publicAccessBlock: BLOCK_ALL_PUBLIC_ACCESS,
    ...b,
  };
}
