/**
 * The bucket side of Object Lock: PutObjectLockConfiguration / GetObjectLockConfiguration and
 * CreateBucket with `x-amz-bucket-object-lock-enabled: true`. Object Lock needs versioning: a bucket
 * created with it is versioned from the start, an existing bucket must have versioning Enabled, and
 * from then on versioning cannot be suspended (versioning.ts) nor Object Lock turned off.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
 */
import type { ObjectLockConfiguration, ObjectLockMode } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler, type S3Context } from './context.js';
import { s3Error } from './errors.js';
import type { XmlNode } from '../protocol/xml.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, children, onlyKnown, parseXml, type XmlElement } from './xml-parse.js';

const MAX_DOCUMENT_BYTES = 16 * 1024;
/** The longest default retention S3 accepts: 100 years (36,500 days). */
const MAX_YEARS = 100;
const MAX_DAYS = 36500;

/** Whether a CreateBucket asks for Object Lock. */
export function wantsObjectLock(ctx: S3Context): boolean {
  return ctx.header('x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true';
}

/**
 * An `<ObjectLockConfiguration>`: ObjectLockEnabled must be `Enabled`; an optional Rule's
 * DefaultRetention has a Mode and exactly one of Days and Years, a positive integer (ceph s3-tests
 * test_object_lock_put_obj_lock_*: MalformedXML for the shape, InvalidRetentionPeriod for the number).
 */
export function parseObjectLockConfiguration(xml: string): ObjectLockConfiguration {
  const root = parseXml(xml, 'ObjectLockConfiguration');
  onlyKnown(root, ['ObjectLockEnabled', 'Rule']);
  if (childText(root, 'ObjectLockEnabled')?.trim() !== 'Enabled') throw s3Error('MalformedXML');
  if (root.Rule === undefined) return { enabled: true };
  const [rule] = children(root, 'Rule');
  onlyKnown(rule, ['DefaultRetention']);
  if (rule.DefaultRetention === undefined) throw s3Error('MalformedXML');
  const [retention] = children(rule, 'DefaultRetention');
  onlyKnown(retention, ['Mode', 'Days', 'Years']);
  const mode = childText(retention, 'Mode')?.trim();
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw s3Error('MalformedXML');
  const days = childText(retention, 'Days');
  const years = childText(retention, 'Years');
  if ((days === undefined) === (years === undefined)) throw s3Error('MalformedXML');
  const period = parsePeriod((days ?? years) as string, days !== undefined ? MAX_DAYS : MAX_YEARS);
  const defaultRetention = days !== undefined ? { mode: mode as ObjectLockMode, days: period } : { mode: mode as ObjectLockMode, years: period };
  return { enabled: true, defaultRetention };
}

function parsePeriod(text: string, max: number): number {
  const t = text.trim();
  if (!/^-?\d{1,12}$/.test(t)) throw s3Error('MalformedXML');
  const n = Number(t);
  if (n <= 0) throw s3Error('InvalidRetentionPeriod');
  if (n > max) throw s3Error('InvalidRetentionPeriod', { message: 'Default retention period is too large.' });
  return n;
}

export function objectLockConfigurationXml(config: ObjectLockConfiguration): XmlNode {
  const d = config.defaultRetention;
  return {
    ObjectLockEnabled: 'Enabled',
    Rule: d === undefined ? undefined : { DefaultRetention: { Mode: d.mode, Days: d.days, Years: d.years } },
  };
}

/**
 * PutObjectLockConfiguration: s3:PutBucketObjectLockConfiguration, Content-MD5 or a checksum. On a
 * bucket without Object Lock it enables it, which needs versioning Enabled (InvalidBucketState).
 */
export const preparePutObjectLockConfiguration: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketObjectLockConfiguration')], async () => {
    const bucket = requireBucket(ctx);
    const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
    const objectLock = parseObjectLockConfiguration(body.toString('utf8'));
    if (bucket.objectLock === undefined && bucket.versioning !== 'Enabled') {
      throw s3Error('InvalidBucketState', { message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration" });
    }
    if (!(await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { objectLock }))) {
      throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
    }
    return emptyResponse(200);
  });

export const prepareGetObjectLockConfiguration: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketObjectLockConfiguration')], async () => {
    const config = requireBucket(ctx).objectLock;
    if (config === undefined) throw s3Error('ObjectLockConfigurationNotFoundError');
    return xmlResponse('ObjectLockConfiguration', objectLockConfigurationXml(config));
  });
