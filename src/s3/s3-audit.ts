/**
 * What an S3 request tells its audit record (audit/request-record.ts): CloudTrail's requestParameters
 * as S3 events show them (`bucketName`, `Host`, `key`, and the query's subresources and parameters),
 * the bucket and object the request addressed, and, from the answer, the version it wrote or read,
 * the object's size and the `x-amz-*` response headers a write returns (its responseElements).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
import { recordsResponseElements } from '../audit/cloudtrail-classification.js';
import type { OperationAudit } from '../server/protocol.js';
import type { S3Context, S3Response } from './context.js';
import { hostId } from './render.js';

export function s3RequestAudit(ctx: S3Context): OperationAudit {
  const { bucket, key } = ctx.target;
  const requestParameters: Record<string, unknown> = {};
  if (bucket !== undefined) requestParameters.bucketName = bucket;
  requestParameters.Host = ctx.header('host');
  if (key !== undefined) requestParameters.key = key;
  // The query's subresources (`acl`, `versioning`) and parameters (`prefix`, `versionId`) as sent; the
  // signature's own parameters were dropped by the router.
  for (const [name, value] of ctx.query) if (!(name in requestParameters)) requestParameters[name] = value;
  return {
    requestParameters,
    s3: {
      bucket,
      key,
      bucketOwnerAccountId: ctx.bucket?.ownerAccountId,
      versionId: ctx.query.get('versionId'),
      hostId: hostId(ctx.info.requestId),
    },
  };
}

export function s3ResultAudit(ctx: S3Context, response: S3Response): OperationAudit | undefined {
  const headers = response.headers;
  const versionId = headers['x-amz-version-id'];
  const objectSize = objectSizeOf(ctx, response);
  const responseElements = recordsResponseElements(ctx.operation) ? amzHeaders(headers) : undefined;
  if (versionId === undefined && objectSize === undefined && responseElements === undefined) return undefined;
  return {
    ...(responseElements !== undefined ? { responseElements } : {}),
    s3: {
      ...(typeof versionId === 'string' ? { versionId } : {}),
      ...(objectSize !== undefined ? { objectSize } : {}),
    },
  };
}

/** The object's whole size: a write's decoded body, a read's length (or a range's total). */
function objectSizeOf(ctx: S3Context, response: S3Response): number | undefined {
  if (ctx.target.key === undefined) return undefined;
  if (ctx.operation === 'PutObject' || ctx.operation === 'UploadPart') return ctx.auth.decodedContentLength;
  if (ctx.operation !== 'GetObject' && ctx.operation !== 'HeadObject') return undefined;
  const range = response.headers['content-range'];
  if (typeof range === 'string') {
    const total = Number(range.slice(range.lastIndexOf('/') + 1));
    return Number.isFinite(total) ? total : undefined;
  }
  const length = response.headers['content-length'];
  return length === undefined ? undefined : Number(length);
}

function amzHeaders(headers: S3Response['headers']): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const name in headers) {
    if (!name.startsWith('x-amz-') || headers[name] === undefined) continue;
    (out ??= {})[name] = headers[name];
  }
  return out;
}
