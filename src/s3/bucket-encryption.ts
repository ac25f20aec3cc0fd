/**
 * Bucket default encryption: PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption.
 * "By default, all buckets have a default encryption configuration that uses server-side encryption
 * with Amazon S3 managed keys (SSE-S3)"; new buckets also block SSE-C (AWS, April 2026:
 * `BlockedEncryptionTypes`, storage/new-bucket.ts), which a configuration with `NONE` lifts.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
 *
 * Where AWS documents nothing (captured answers, 2026): a rule that leaves out
 * `BlockedEncryptionTypes` keeps the bucket's current block (a configuration read back after such a
 * Put still shows SSE-C blocked); a rule without `ApplyServerSideEncryptionByDefault` sets SSE-S3;
 * DeleteBucketEncryption resets the default to SSE-S3 and keeps the block. GetBucketEncryption always
 * answers a configuration, with `BlockedEncryptionTypes` NONE or SSE-C.
 */
import type { XmlNode } from '../protocol/xml.js';
import type { BucketEncryption } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler } from './context.js';
import { s3Error } from './errors.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, children, onlyKnown, parseXml, type XmlElement } from './xml-parse.js';

/** One rule of a few elements: far below this. */
const MAX_DOCUMENT_BYTES = 16 * 1024;

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
/** In the model's enum, but for other kinds of buckets (FSx and AWS Backup access points). */
const OTHER_ALGORITHMS = ['aws:fsx', 'aws:backup'];

/** What a bucket without a configuration of its own has: SSE-S3, no Bucket Key, SSE-C allowed (buckets from before 2026). */
const BASE_ENCRYPTION: BucketEncryption = { sseAlgorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: [] };

/** A `<ServerSideEncryptionConfiguration>` with its one rule; `current` supplies the block a rule leaves out. */
export function parseEncryptionConfiguration(xml: string, current: BucketEncryption): BucketEncryption {
  const root = parseXml(xml, 'ServerSideEncryptionConfiguration', ['Rule', 'EncryptionType']);
  onlyKnown(root, ['Rule']);
  const rules = children(root, 'Rule');
  // "Rules: [] → MalformedXML; two rules → MalformedXML" (captured answers); the model says one rule.
  if (rules.length !== 1) throw s3Error('MalformedXML');
  const rule = rules[0];
  onlyKnown(rule, ['ApplyServerSideEncryptionByDefault', 'BucketKeyEnabled', 'BlockedEncryptionTypes']);
  const hasDefault = rule.ApplyServerSideEncryptionByDefault !== undefined;
  const byDefault = hasDefault ? children(rule, 'ApplyServerSideEncryptionByDefault') : undefined;
  if (byDefault !== undefined && byDefault.length !== 1) throw s3Error('MalformedXML');
  const algorithm = byDefault === undefined ? { sseAlgorithm: 'AES256' as const } : parseDefault(byDefault[0]);
  return {
    ...algorithm,
    bucketKeyEnabled: parseBoolean(childText(rule, 'BucketKeyEnabled')) ?? false,
    blockedEncryptionTypes: parseBlocked(rule, current.blockedEncryptionTypes),
  };
}

function parseDefault(el: XmlElement): Pick<BucketEncryption, 'sseAlgorithm' | 'kmsMasterKeyId'> {
  onlyKnown(el, ['SSEAlgorithm', 'KMSMasterKeyID']);
  const algorithm = childText(el, 'SSEAlgorithm');
  const keyId = childText(el, 'KMSMasterKeyID');
  if (algorithm !== undefined && OTHER_ALGORITHMS.includes(algorithm)) {
    throw s3Error('InvalidArgument', {
      message: `The ${algorithm} algorithm is not supported for general purpose buckets`,
      fields: { ArgumentName: 'SSEAlgorithm', ArgumentValue: algorithm },
    });
  }
  const sseAlgorithm = SSE_ALGORITHMS.find((a) => a === algorithm);
  if (sseAlgorithm === undefined) throw s3Error('MalformedXML');
  if (keyId === undefined) return { sseAlgorithm };
  if (sseAlgorithm === 'AES256') {
    throw s3Error('InvalidArgument', {
      message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      fields: { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
    });
  }
  // "Amazon S3 doesn't validate the KMS key ID provided in PutBucketEncryption requests."
  return { sseAlgorithm, kmsMasterKeyId: keyId };
}

function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const v = text.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw s3Error('MalformedXML');
  return v === 'true';
}

type Blocked = BucketEncryption['blockedEncryptionTypes'];

function parseBlocked(rule: XmlElement, current: Blocked): Blocked {
  if (rule.BlockedEncryptionTypes === undefined) return current;
  const [blocked] = children(rule, 'BlockedEncryptionTypes');
  onlyKnown(blocked, ['EncryptionType']);
  const types = textsOf(blocked);
  if (types.some((t) => t !== 'NONE' && t !== 'SSE-C')) throw s3Error('MalformedXML');
  if (types.includes('NONE') && types.includes('SSE-C')) {
    throw s3Error('InvalidArgument', {
      message: 'NONE cannot be specified with other encryption types',
      fields: { ArgumentName: 'BlockedEncryptionTypes' },
    });
  }
  return types.includes('SSE-C') ? ['SSE-C'] : [];
}

function textsOf(el: XmlElement): string[] {
  const v = el.EncryptionType;
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((item: XmlElement | string) => (typeof item === 'string' ? item.trim() : ''));
}

/** The configuration as GetBucketEncryption renders it. */
export function encryptionConfigurationXml(enc: BucketEncryption): XmlNode {
  return {
    Rule: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: enc.sseAlgorithm, KMSMasterKeyID: enc.kmsMasterKeyId },
      BucketKeyEnabled: enc.bucketKeyEnabled,
      BlockedEncryptionTypes: { EncryptionType: enc.blockedEncryptionTypes.length === 0 ? 'NONE' : [...enc.blockedEncryptionTypes] },
    },
  };
}

/** PutBucketEncryption: s3:PutEncryptionConfiguration; the body must carry Content-MD5 or a checksum. */
export const preparePutBucketEncryption: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutEncryptionConfiguration')], async () => {
    const bucket = requireBucket(ctx);
    const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
    const encryption = parseEncryptionConfiguration(body.toString('utf8'), bucket.encryption ?? BASE_ENCRYPTION);
    if (!(await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { encryption }))) {
      throw s3Error('NoSuchBucket', { fields: { BucketName: bucket.name } });
    }
    return emptyResponse(200);
  });

/** GetBucketEncryption: s3:GetEncryptionConfiguration; a bucket never configured answers SSE-S3. */
export const prepareGetBucketEncryption: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetEncryptionConfiguration')], async () =>
    xmlResponse('ServerSideEncryptionConfiguration', encryptionConfigurationXml(requireBucket(ctx).encryption ?? BASE_ENCRYPTION)),
  );

/** DeleteBucketEncryption: s3:PutEncryptionConfiguration; back to SSE-S3 (the block stays), 204 every time. */
export const prepareDeleteBucketEncryption: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutEncryptionConfiguration')], async () => {
    const bucket = requireBucket(ctx);
    const blocked = bucket.encryption?.blockedEncryptionTypes ?? [];
    const encryption = blocked.length === 0 ? null : { ...BASE_ENCRYPTION, blockedEncryptionTypes: blocked };
    await ctx.deps.storage.buckets.updateBucketConfig(bucket.name, { encryption });
    return emptyResponse(204);
  });
