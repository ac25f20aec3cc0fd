/**
 * Static website configuration: PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketWebsite.html
 *
 * The document is parsed and validated by website/website-configuration.ts; the website endpoint that
 * serves the configuration is src/website (its own protocol, not an S3 operation).
 */
import type { BucketWebsiteConfig } from '../storage/ports.js';
import { parseWebsiteConfiguration, websiteConfigurationXml } from '../website/website-configuration.js';
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

/** Fifty routing rules with long prefixes and host names are a few tens of KiB. */
const MAX_DOCUMENT_BYTES = 128 * 1024;

/**
 * PutBucketWebsite: s3:PutBucketWebsite; the body must carry Content-MD5 or a checksum (the model's
 * `requestChecksumRequired`). A new configuration replaces the old one whole.
 */
export const preparePutBucketWebsite: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketWebsite')], () => putBucketWebsite(ctx));

async function putBucketWebsite(ctx: S3Context): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const website = parseWebsiteConfiguration(body.toString('utf8'));
  await updateWebsite(ctx, { website });
  return emptyResponse(200);
}

/** GetBucketWebsite: s3:GetBucketWebsite; NoSuchWebsiteConfiguration (404) when there is none. */
export const prepareGetBucketWebsite: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketWebsite')], async () => {
    const bucket = requireBucket(ctx);
    if (bucket.website === undefined) {
      throw s3Error('NoSuchWebsiteConfiguration', { fields: { BucketName: bucket.name } });
    }
    const body = websiteConfigurationXml(bucket.website);
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  });

/** DeleteBucketWebsite: s3:DeleteBucketWebsite; 204 whether or not the bucket had a configuration. */
export const prepareDeleteBucketWebsite: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:DeleteBucketWebsite')], async () => {
    await updateWebsite(ctx, { website: null });
    return emptyResponse(204);
  });

async function updateWebsite(ctx: S3Context, change: { readonly website: BucketWebsiteConfig | null }): Promise<void> {
  const name = requireBucket(ctx).name;
  // The bucket may have been deleted since it was loaded at routing.
  if (!(await ctx.deps.storage.buckets.updateBucketConfig(name, change))) {
    throw s3Error('NoSuchBucket', { fields: { BucketName: name } });
  }
}
