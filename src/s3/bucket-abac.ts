/**
 * Attribute-based access control for general purpose buckets (2025): PutBucketAbac, GetBucketAbac,
 * and the `aws:ResourceTag/<key>` condition keys a bucket's tags become while its ABAC is Enabled.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAbac.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAbac.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging-enable-abac.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/buckets-tagging.html
 *
 * "By default, ABAC is disabled for all Amazon S3 general purpose buckets"; `aws:ResourceTag/key`:
 * "S3 evaluates this condition key only after you enable ABAC on your bucket" (buckets-tagging.html).
 * The keys come from the bucket record loaded at route time, never from the request. They apply to
 * every check on the bucket and on its objects: ABAC is "controlling data access through tags on S3
 * general purpose buckets" (AWS News Blog, "Introducing attribute-based access control for Amazon S3
 * general purpose buckets", 2025-11-20), as a directory bucket's or an access point's tags govern the
 * object requests made through it. S3 defines no `s3:ResourceTag` key.
 */
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
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, onlyKnown, parseXml } from './xml-parse.js';

export type AbacStatus = 'Enabled' | 'Disabled';

type ConditionContext = Readonly<Record<string, string | readonly string[]>>;

/** `<AbacStatus><Status>Enabled</Status></AbacStatus>` is a few dozen bytes. */
const MAX_DOCUMENT_BYTES = 16 * 1024;

export function abacEnabled(bucket: BucketRecord): boolean {
  return bucket.abac === 'Enabled';
}

/**
 * `context` with the bucket's tags as `aws:ResourceTag/<key>` when its ABAC is Enabled; `context`
 * itself otherwise (no copy on the request path of the usual bucket). The operation's own keys win.
 */
export function withBucketResourceTags(bucket: BucketRecord, context: ConditionContext): ConditionContext {
  if (bucket.abac !== 'Enabled' || bucket.tags === undefined || bucket.tags.length === 0) return context;
  const out: Record<string, string | readonly string[]> = {};
  for (const [key, value] of bucket.tags) out[`aws:ResourceTag/${key}`] = value;
  return Object.assign(out, context);
}

/**
 * `<AbacStatus><Status>Enabled|Disabled</Status></AbacStatus>`. Status is the document's only
 * member; a missing or unknown one does not validate against the schema (MalformedXML, as S3 answers
 * a bad PutBucketVersioning Status).
 */
export function parseAbacStatus(text: string): AbacStatus {
  const root = parseXml(text, 'AbacStatus');
  onlyKnown(root, ['Status']);
  const status = childText(root, 'Status');
  if (status !== 'Enabled' && status !== 'Disabled') throw s3Error('MalformedXML');
  return status;
}

/**
 * PutBucketAbac: s3:PutBucketAbac on the bucket. The model does not require Content-MD5 or a
 * checksum (`requestChecksumRequired: false`), but one sent is verified.
 */
export const preparePutBucketAbac: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketAbac')], () => putBucketAbac(ctx));

async function putBucketAbac(ctx: S3Context): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const body = await readVerifiedBody(ctx, { requireIntegrity: false, maxBytes: MAX_DOCUMENT_BYTES });
  const abac = parseAbacStatus(body.toString('utf8'));
  if (!(await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { abac }))) {
    throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
  }
  return emptyResponse(200);
}

/**
 * GetBucketAbac: s3:GetBucketAbac. A bucket whose ABAC was never set answers Disabled, its default
 * (the response's AbacStatus is required).
 */
export const prepareGetBucketAbac: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketAbac')], async () =>
    xmlResponse('AbacStatus', { Status: requireBucket(ctx).abac ?? 'Disabled' }),
  );
