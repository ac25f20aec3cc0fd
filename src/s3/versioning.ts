/**
 * PutBucketVersioning and GetBucketVersioning
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html). A bucket is
 * unversioned until versioning is first enabled; from then on it is Enabled or Suspended, never
 * unversioned again. MFA Delete is set in the same document, with `x-amz-mfa` (mfa-delete.ts).
 */
import type { BucketRecord } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import { requireMfa } from './mfa-delete.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, parseXml } from './xml-parse.js';

export interface VersioningConfiguration {
  readonly status: 'Enabled' | 'Suspended';
  /** undefined: the document did not say (MFA Delete stays as it is). */
  readonly mfaDelete: 'Enabled' | 'Disabled' | undefined;
}

const MAX_DOCUMENT_BYTES = 16 * 1024;

/**
 * A `<VersioningConfiguration>` document. A missing or unknown `Status` (there is no going back to
 * "unversioned") is IllegalVersioningConfigurationException; an unknown `MfaDelete` value or element
 * is MalformedXML.
 */
export function parseVersioningConfiguration(xml: string): VersioningConfiguration {
  const root = parseXml(xml, 'VersioningConfiguration');
  if (Object.keys(root).some((k) => k !== 'Status' && k !== 'MfaDelete')) throw s3Error('MalformedXML');
  const status = childText(root, 'Status')?.trim();
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw s3Error('IllegalVersioningConfigurationException', { message: 'The Versioning element must be specified' });
  }
  const mfa = childText(root, 'MfaDelete')?.trim();
  if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') throw s3Error('MalformedXML');
  return { status, mfaDelete: mfa };
}

/**
 * Whether the request needs MFA: every change of the versioning state of a bucket with MFA Delete
 * enabled, and turning MFA Delete on or off.
 */
function needsMfa(bucket: BucketRecord, config: VersioningConfiguration): boolean {
  if (bucket.mfaDelete) return true;
  return config.mfaDelete === 'Enabled';
}

export const preparePutBucketVersioning: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketVersioning')], () => putBucketVersioning(ctx));

async function putBucketVersioning(ctx: S3Context) {
  const bucket = requireBucket(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
  const config = parseVersioningConfiguration(body.toString('utf8'));
  // "If you have an Object Lock configuration on a bucket, you can't suspend versioning" (object lock user guide).
  if (bucket.objectLock !== undefined && config.status === 'Suspended') {
    const message = 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.';
    throw s3Error('InvalidBucketState', { message });
  }
  if (needsMfa(bucket, config)) await requireMfa(ctx, bucket.ownerAccountId);
  const mfaDelete = config.mfaDelete === undefined ? undefined : config.mfaDelete === 'Enabled';
  const change = { versioning: config.status, ...(mfaDelete === undefined ? {} : { mfaDelete }) };
  await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, change);
  return emptyResponse(200);
}

/**
 * GetBucketVersioning: an empty document for a bucket never versioned; Status and MfaDelete
 * (Enabled or Disabled) once it was.
 */
export const prepareGetBucketVersioning: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketVersioning')], async () => {
    const bucket = requireBucket(ctx);
    if (bucket.versioning === undefined && !bucket.mfaDelete) return xmlResponse('VersioningConfiguration', {});
    return xmlResponse('VersioningConfiguration', {
      Status: bucket.versioning,
      MfaDelete: bucket.mfaDelete ? 'Enabled' : 'Disabled',
    });
  });
