/**
 * What an S3 request tells its audit record (audit/request-record.ts): CloudTrail's requestParameters
 * as S3 events show them (`bucketName`, `Host`, `key`, and the query's subresources and parameters),
 * the bucket and object the request addressed, and, from the answer, the version it wrote or read,
 * the object's size and the `x-amz-*` response headers a write returns (its responseElements).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
import { recordsResponseElements } from '../audit/cloudtrail-classification.js';
import type { AnswerAudit, OperationAudit } from '../server/protocol.js';
import type { RecordedS3Request } from '../audit/request-record.js';
import type { S3Context, S3Response } from './context.js';

export function s3RequestAudit(ctx: S3Context, hostId: string): OperationAudit {
  return new S3RequestAudit(ctx, hostId);
}

/** A class, not a literal with a getter: the parameters are built only when read, with no closure per request. */
class S3RequestAudit implements OperationAudit {
  readonly s3: RecordedS3Request;
  private parameters: Record<string, unknown> | undefined;

  constructor(private readonly ctx: S3Context, hostId: string) {
    const { bucket, key } = ctx.target;
    const b = ctx.bucket;
    this.s3 = { bucket, key, bucketOwnerAccountId: b?.ownerAccountId, versionId: ctx.query.get('versionId'), hostId, logging: b?.logging };
  }

  /** Only the audit trail reads it. */
  get requestParameters(): Record<string, unknown> {
    return (this.parameters ??= s3RequestParameters(this.ctx));
  }
}

/**
 * The request headers that add or switch authorization checks (a copy's source, an ACL or grants, tags,
 * Object Lock settings, a bucket's ownership or lock), recorded as S3's events record them: under the
 * header's name with the value sent (`"x-amz-copy-source": "/bucket/key"`, `"x-amz-acl":
 * "bucket-owner-full-control"`), as AWS's event examples and the detections written against them show.
 * Whoever reads the event (policy generation, src/auditor/policy-generation) can then tell which
 * actions the request needed. None of them carries a secret.
 */
export const AUTHORIZING_HEADERS = [
  'x-amz-copy-source',
  'x-amz-acl',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
  'x-amz-tagging',
  'x-amz-object-lock-mode',
  'x-amz-object-lock-retain-until-date',
  'x-amz-object-lock-legal-hold',
  'x-amz-bypass-governance-retention',
  'x-amz-bucket-object-lock-enabled',
  'x-amz-object-ownership',
] as const;

export function s3RequestParameters(ctx: Pick<S3Context, 'target' | 'query' | 'header'>): Record<string, unknown> {
  const { bucket, key } = ctx.target;
  const requestParameters: Record<string, unknown> = {};
  if (bucket !== undefined) requestParameters.bucketName = bucket;
  requestParameters.Host = ctx.header('host');
  if (key !== undefined) requestParameters.key = key;
  // The query's subresources (`acl`, `versioning`) and parameters (`prefix`, `versionId`) as sent; the
  // signature's own parameters were dropped by the router.
  for (const [name, value] of ctx.query) if (!(name in requestParameters)) requestParameters[name] = value;
  for (const name of AUTHORIZING_HEADERS) {
    const value = ctx.header(name);
    if (value !== undefined && !(name in requestParameters)) requestParameters[name] = value;
  }
  return requestParameters;
}

export function s3ResultAudit(ctx: S3Context, response: S3Response): AnswerAudit | undefined {
  const headers = response.headers;
  const versionId = headers['x-amz-version-id'];
  const objectSize = objectSizeOf(ctx, response);
  const responseElements = recordsResponseElements(ctx.operation) ? amzHeaders(headers) : undefined;
  if (versionId === undefined && objectSize === undefined && responseElements === undefined) return undefined;
  const s3: { versionId?: string; objectSize?: number } = {};
  if (typeof versionId === 'string') s3.versionId = versionId;
  if (objectSize !== undefined) s3.objectSize = objectSize;
  return responseElements === undefined ? { s3 } : { responseElements, s3 };
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
