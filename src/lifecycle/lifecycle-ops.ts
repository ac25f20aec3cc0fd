/**
 * PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration, DeleteBucketLifecycle. The rules
 * live in the bucket record (`BucketRecord.lifecycle`); the lifecycle worker (lifecycle-worker.ts)
 * applies them in the background.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
 */
import { bucketCheck, prepared, requireBucket, type OperationHandler } from '../s3/context.js';
import { s3Error } from '../s3/errors.js';
import { emptyResponse, xmlResponse } from '../s3/render.js';
import { readVerifiedBody } from '../s3/request-body.js';
import type { TransitionDefaultMinimumObjectSize } from './lifecycle-rule.js';
import { parseLifecycleDocument, ruleXml } from './lifecycle-xml.js';
import { validateLifecycleRules } from './validate-lifecycle.js';

const MINIMUM_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';

/**
 * What applies when a configuration is put without the header: since September 2024 AWS's default is
 * that no object smaller than 128 KB transitions.
 */
const DEFAULT_MINIMUM_SIZE: TransitionDefaultMinimumObjectSize = 'all_storage_classes_128K';

/** 1,000 rules of a few hundred bytes each, with room to spare. */
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

function minimumObjectSize(value: string | undefined): TransitionDefaultMinimumObjectSize {
  if (value === undefined) return DEFAULT_MINIMUM_SIZE;
  if (value === 'all_storage_classes_128K' || value === 'varies_by_storage_class') return value;
  throw s3Error('InvalidRequest', { message: 'Invalid TransitionDefaultMinimumObjectSize found' });
}

/**
 * Replaces the bucket's whole configuration. The body needs an integrity header (Content-MD5 or an
 * `x-amz-checksum-*`: the operation's `requestChecksumRequired`). Transitions are accepted and kept;
 * Strongbox has one storage class, so no object ever transitions (objects report STANDARD).
 */
export const preparePutBucketLifecycleConfiguration: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutLifecycleConfiguration')], async () => {
    const transitionDefaultMinimumObjectSize = minimumObjectSize(ctx.header(MINIMUM_SIZE_HEADER));
    const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
    const rules = validateLifecycleRules(parseLifecycleDocument(body.toString('utf8')));
    const lifecycle = { rules, transitionDefaultMinimumObjectSize };
    await ctx.deps.storage.buckets.updateBucketConfig(requireBucket(ctx).name, { lifecycle });
    return emptyResponse(200, { [MINIMUM_SIZE_HEADER]: transitionDefaultMinimumObjectSize });
  });

export const prepareGetBucketLifecycleConfiguration: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetLifecycleConfiguration')], async () => {
    const bucket = requireBucket(ctx);
    const lifecycle = bucket.lifecycle;
    if (lifecycle === undefined) throw s3Error('NoSuchLifecycleConfiguration', { fields: { BucketName: bucket.name } });
    const headers = { [MINIMUM_SIZE_HEADER]: lifecycle.transitionDefaultMinimumObjectSize ?? DEFAULT_MINIMUM_SIZE };
    return xmlResponse('LifecycleConfiguration', { Rule: lifecycle.rules.map(ruleXml) }, { headers });
  });

/** Needs s3:PutLifecycleConfiguration (there is no delete permission); 204 whether or not there was one. */
export const prepareDeleteBucketLifecycle: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutLifecycleConfiguration')], async () => {
    await ctx.deps.storage.buckets.updateBucketConfig(requireBucket(ctx).name, { lifecycle: null });
    return emptyResponse(204);
  });
