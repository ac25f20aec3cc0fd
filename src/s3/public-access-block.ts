/**
 * Bucket-level S3 Block Public Access: PutPublicAccessBlock, GetPublicAccessBlock,
 * DeletePublicAccessBlock. The bucket's own four settings; what is in force for a request is these
 * together with the account's (ctx.publicAccess, resource-side.ts: each setting is on when either level
 * turns it on). New buckets have all four on (storage/new-bucket.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 *
 * The document parser and renderer are shared with the account level (src/s3control), whose
 * `PublicAccessBlockConfiguration` has the same four members in another namespace.
 */
import type { XmlNode } from '../protocol/xml.js';
import type { PublicAccessBlock } from '../storage/ports.js';
import { bucketCheck, prepared, requireBucket, type OperationHandler } from './context.js';
import { s3Error } from './errors.js';
import { emptyResponse, xmlResponse } from './render.js';
import { readVerifiedBody } from './request-body.js';
import { childText, parseXml, type XmlElement } from './xml-parse.js';

/** The four members in the order the API reference lists them. */
const MEMBERS = [
  ['BlockPublicAcls', 'blockPublicAcls'],
  ['IgnorePublicAcls', 'ignorePublicAcls'],
  ['BlockPublicPolicy', 'blockPublicPolicy'],
  ['RestrictPublicBuckets', 'restrictPublicBuckets'],
] as const satisfies readonly (readonly [string, keyof PublicAccessBlock])[];

/** A configuration document is four booleans: far below this. */
const MAX_DOCUMENT_BYTES = 16 * 1024;

function setting(root: XmlElement, name: string): boolean | undefined {
  const text = childText(root, name);
  if (text === undefined) return undefined;
  const v = text.trim().toLowerCase();
  if (v !== 'true' && v !== 'false') throw s3Error('MalformedXML');
  return v === 'true';
}

/**
 * Parses a `<PublicAccessBlockConfiguration>` document. A member left out is false (GetPublicAccessBlock
 * then reports it false); a document with none of the four is refused as S3 refuses it
 * ("InvalidRequest: Must specify at least one configuration."); any other element is MalformedXML.
 */
export function parsePublicAccessBlockConfiguration(xml: string): PublicAccessBlock {
  const root = parseXml(xml, 'PublicAccessBlockConfiguration');
  const known = new Set<string>(MEMBERS.map(([name]) => name));
  if (Object.keys(root).some((k) => !known.has(k))) throw s3Error('MalformedXML');
  const values = MEMBERS.map(([name]) => setting(root, name));
  if (values.every((v) => v === undefined)) {
    throw s3Error('InvalidRequest', { message: 'Must specify at least one configuration.' });
  }
  const out: Record<keyof PublicAccessBlock, boolean> = {
    blockPublicAcls: false,
    ignorePublicAcls: false,
    blockPublicPolicy: false,
    restrictPublicBuckets: false,
  };
  MEMBERS.forEach(([, field], i) => (out[field] = values[i] ?? false));
  return out;
}

/** The members of a `PublicAccessBlockConfiguration` element, all four always present. */
export function publicAccessBlockXml(pab: PublicAccessBlock): XmlNode {
  return Object.fromEntries(MEMBERS.map(([name, field]) => [name, pab[field]]));
}

/** PutPublicAccessBlock: S3 requires an integrity header on the body (Content-MD5 or a checksum). */
export const preparePutPublicAccessBlock: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketPublicAccessBlock')], async () => {
    const body = await readVerifiedBody(ctx, { requireIntegrity: true, maxBytes: MAX_DOCUMENT_BYTES });
    const publicAccessBlock = parsePublicAccessBlockConfiguration(body.toString('utf8'));
    await ctx.deps.storage.buckets.updateBucketConfig(requireBucket(ctx).name, { publicAccessBlock });
    return emptyResponse(200);
  });

/** GetPublicAccessBlock answers the bucket's own settings, not the account's nor the two combined. */
export const prepareGetPublicAccessBlock: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:GetBucketPublicAccessBlock')], async () => {
    const bucket = requireBucket(ctx);
    if (bucket.publicAccessBlock === undefined) {
      throw s3Error('NoSuchPublicAccessBlockConfiguration', { fields: { BucketName: bucket.name } });
    }
    return xmlResponse('PublicAccessBlockConfiguration', publicAccessBlockXml(bucket.publicAccessBlock));
  });

/**
 * DeletePublicAccessBlock needs s3:PutBucketPublicAccessBlock (there is no delete permission) and
 * answers 204 whether or not the bucket had a configuration.
 */
export const prepareDeletePublicAccessBlock: OperationHandler = async (ctx) =>
  prepared([bucketCheck(ctx, 's3:PutBucketPublicAccessBlock')], async () => {
    await ctx.deps.storage.buckets.updateBucketConfig(requireBucket(ctx).name, { publicAccessBlock: null });
    return emptyResponse(204);
  });
