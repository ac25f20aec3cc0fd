/**
 * Server access logging configuration: PutBucketLogging and GetBucketLogging.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLogging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
 *
 * The document (BucketLoggingStatus) is read and written by audit/access-log-config.ts; the log lines
 * are delivered by audit/access-log-delivery.ts, which checks at delivery time that the target bucket
 * lets the `logging.s3.amazonaws.com` service principal (or, with ACLs enabled, the log-delivery
 * group) write, as AWS does: PutBucketLogging itself does not check the target's policy.
 */
import {
  bucketLoggingStatusXml,
  parseBucketLoggingStatus,
  type BucketLoggingConfig,
} from '../audit/access-log-config.js';
import type { BucketRecord } from '../storage/ports.js';
import {
  bucketCheck,
  prepared,
  requireBucket,
  type OperationHandler,
  type S3Context,
  type S3Response,
} from './context.js';
import { s3Error } from './errors.js';
import { emptyResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';

/** A LoggingEnabled with a hundred grants is a few KiB; S3's limit on such documents is not documented. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

/**
 * Refuses a target bucket AWS refuses. "Both the source and destination buckets must be in the same
 * AWS Region and owned by the same account" (ServerLogs.html); messages as AWS answers them.
 * "If the target bucket for log delivery uses the bucket owner enforced setting for S3 Object
 * Ownership, you can't use the Grantee request element" (PutBucketLogging): AWS answers
 * AccessControlListNotSupported "Target grants not allowed for bucket owner enforced buckets".
 * "The destination bucket must not have an S3 Object Lock default retention period configuration"
 * (ServerLogs.html); AWS documents no error code for it, so we answer InvalidTargetBucketForLogging,
 * the code for every other unusable target.
 */
export function checkLoggingTarget(
  source: BucketRecord,
  config: BucketLoggingConfig,
  target: BucketRecord | undefined,
): void {
  const fields = { TargetBucket: config.targetBucket };
  if (target === undefined) {
    throw s3Error('InvalidTargetBucketForLogging', { message: 'The target bucket for logging does not exist', fields });
  }
  if (target.ownerAccountId !== source.ownerAccountId) {
    const message = 'The owner for the bucket to be logged and the target bucket must be the same.';
    throw s3Error('InvalidTargetBucketForLogging', { message, fields });
  }
  if (target.region !== source.region) {
    throw s3Error('CrossLocationLoggingProhibited', {
      fields: { SourceBucketLocation: source.region, TargetBucketLocation: target.region },
    });
  }
  if (config.targetGrants.length > 0 && target.ownership === 'BucketOwnerEnforced') {
    const message = 'Target grants not allowed for bucket owner enforced buckets';
    throw s3Error('AccessControlListNotSupported', { message });
  }
  if (target.objectLock?.defaultRetention !== undefined) {
    const message = 'The target bucket for logging must not have an Object Lock default retention period.';
    throw s3Error('InvalidTargetBucketForLogging', { message, fields });
  }
}

/**
 * PutBucketLogging: s3:PutBucketLogging on the source bucket; the body must carry Content-MD5 or a
 * checksum (the model's `requestChecksumRequired`). `<BucketLoggingStatus/>` turns logging off.
 */
export const preparePutBucketLogging: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketLogging')], () => putBucketLogging(ctx));

async function putBucketLogging(ctx: S3Context): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const config = parseBucketLoggingStatus(body.toString('utf8'));
  const buckets = ctx.deps.storage.buckets;
  if (config !== undefined) {
    const target = config.targetBucket === bucket.name ? bucket : await buckets.getBucket(config.targetBucket);
    checkLoggingTarget(bucket, config, target);
  }
  if (!(await buckets.updateBucketConfig(bucket.name, { logging: config ?? null }))) {
    throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
  }
  return emptyResponse(200);
}

/** GetBucketLogging: s3:GetBucketLogging; `<BucketLoggingStatus/>` (200) when logging is off. */
export const prepareGetBucketLogging: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketLogging')], async () => ({
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: bucketLoggingStatusXml(requireBucket(ctx).logging),
  }));
