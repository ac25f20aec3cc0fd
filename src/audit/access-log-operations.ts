/**
 * The access log's Operation field: "REST.HTTP_method.resource_type" (LogFormat.html, "Operation").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
 *
 * AWS publishes no complete list. Names marked [doc] appear in LogFormat.html's example records
 * (REST.GET.VERSIONING, REST.GET.LOGGING_STATUS, REST.GET.BUCKETPOLICY); the others are the names real
 * S3 logs carry for those requests, in the same vocabulary (sub-resource upper-cased, `_` between
 * words), not verified against a live bucket here.
 */
import type { S3OperationName } from '../s3/operations.js';
import type { RequestRecord } from './request-record.js';

/** Strongbox's S3 operations (src/s3/router.ts IMPLEMENTED_OPERATIONS) → AWS's log operation. */
export const ACCESS_LOG_OPERATIONS: Readonly<Record<S3OperationName, string>> = {
  ListBuckets: 'REST.GET.SERVICE',
  CreateBucket: 'REST.PUT.BUCKET',
  HeadBucket: 'REST.HEAD.BUCKET',
  GetBucketLocation: 'REST.GET.LOCATION',
  DeleteBucket: 'REST.DELETE.BUCKET',
  ListObjects: 'REST.GET.BUCKET',
  ListObjectsV2: 'REST.GET.BUCKET', // V1 and V2 log alike
  PutObject: 'REST.PUT.OBJECT',
  GetObject: 'REST.GET.OBJECT',
  HeadObject: 'REST.HEAD.OBJECT',
  DeleteObject: 'REST.DELETE.OBJECT',
  // The request itself; AWS also logs one BATCH.DELETE.OBJECT line per key deleted (see below).
  DeleteObjects: 'REST.POST.MULTI_OBJECT_DELETE',
  CopyObject: 'REST.COPY.OBJECT', // (the source bucket sees REST.COPY.OBJECT_GET)
  CreateMultipartUpload: 'REST.POST.UPLOADS',
  UploadPart: 'REST.PUT.PART',
  UploadPartCopy: 'REST.COPY.PART', // (the source bucket sees REST.COPY.PART_GET)
  CompleteMultipartUpload: 'REST.POST.UPLOAD',
  AbortMultipartUpload: 'REST.DELETE.UPLOAD',
  ListParts: 'REST.GET.UPLOAD',
  ListMultipartUploads: 'REST.GET.UPLOADS',
  PutObjectTagging: 'REST.PUT.OBJECT_TAGGING',
  GetObjectTagging: 'REST.GET.OBJECT_TAGGING',
  DeleteObjectTagging: 'REST.DELETE.OBJECT_TAGGING',
  PutBucketCors: 'REST.PUT.CORS',
  GetBucketCors: 'REST.GET.CORS',
  DeleteBucketCors: 'REST.DELETE.CORS',
  GetBucketAcl: 'REST.GET.ACL',
  PutBucketAcl: 'REST.PUT.ACL',
  GetObjectAcl: 'REST.GET.ACL', // bucket and object ACLs log alike; the Key field tells them apart
  PutObjectAcl: 'REST.PUT.ACL',
  GetBucketOwnershipControls: 'REST.GET.OWNERSHIP_CONTROLS',
  PutBucketOwnershipControls: 'REST.PUT.OWNERSHIP_CONTROLS',
  DeleteBucketOwnershipControls: 'REST.DELETE.OWNERSHIP_CONTROLS',
  PutBucketPolicy: 'REST.PUT.BUCKETPOLICY',
  GetBucketPolicy: 'REST.GET.BUCKETPOLICY', // [doc]
  DeleteBucketPolicy: 'REST.DELETE.BUCKETPOLICY',
  GetBucketPolicyStatus: 'REST.GET.POLICY_STATUS',
  PutPublicAccessBlock: 'REST.PUT.PUBLIC_ACCESS_BLOCK',
  GetPublicAccessBlock: 'REST.GET.PUBLIC_ACCESS_BLOCK',
  DeletePublicAccessBlock: 'REST.DELETE.PUBLIC_ACCESS_BLOCK',
  PutBucketLifecycleConfiguration: 'REST.PUT.LIFECYCLE',
  GetBucketLifecycleConfiguration: 'REST.GET.LIFECYCLE',
  DeleteBucketLifecycle: 'REST.DELETE.LIFECYCLE',
  PutBucketVersioning: 'REST.PUT.VERSIONING',
  GetBucketVersioning: 'REST.GET.VERSIONING', // [doc]
  ListObjectVersions: 'REST.GET.BUCKETVERSIONS',
  GetObjectAttributes: 'REST.GET.OBJECT_ATTRIBUTES',
  PutBucketEncryption: 'REST.PUT.ENCRYPTION',
  GetBucketEncryption: 'REST.GET.ENCRYPTION',
  DeleteBucketEncryption: 'REST.DELETE.ENCRYPTION',
  PutObjectLockConfiguration: 'REST.PUT.OBJECT_LOCK_CONFIGURATION',
  GetObjectLockConfiguration: 'REST.GET.OBJECT_LOCK_CONFIGURATION',
  PutObjectRetention: 'REST.PUT.RETENTION',
  GetObjectRetention: 'REST.GET.RETENTION',
  PutObjectLegalHold: 'REST.PUT.LEGAL_HOLD',
  GetObjectLegalHold: 'REST.GET.LEGAL_HOLD',
  GetBucketLogging: 'REST.GET.LOGGING_STATUS', // [doc]
  PutBucketLogging: 'REST.PUT.LOGGING_STATUS',
  GetBucketWebsite: 'REST.GET.WEBSITE',
  PutBucketWebsite: 'REST.PUT.WEBSITE',
  DeleteBucketWebsite: 'REST.DELETE.WEBSITE',
  GetBucketTagging: 'REST.GET.TAGGING',
  PutBucketTagging: 'REST.PUT.TAGGING',
  DeleteBucketTagging: 'REST.DELETE.TAGGING',
  GetBucketAbac: 'REST.GET.ABAC',
  PutBucketAbac: 'REST.PUT.ABAC',
  PostObject: 'REST.POST.OBJECT',
  OptionsObject: 'REST.OPTIONS.PREFLIGHT',
};

/** Operations routed but answered NotImplemented that a client may still send (logged all the same). */
const OTHER_OPERATIONS: Readonly<Record<string, string>> = {
  GetBucketNotificationConfiguration: 'REST.GET.NOTIFICATION',
  PutBucketNotificationConfiguration: 'REST.PUT.NOTIFICATION',
  GetBucketReplication: 'REST.GET.REPLICATION',
  PutBucketReplication: 'REST.PUT.REPLICATION',
  DeleteBucketReplication: 'REST.DELETE.REPLICATION',
  GetBucketRequestPayment: 'REST.GET.REQUEST_PAYMENT',
  PutBucketRequestPayment: 'REST.PUT.REQUEST_PAYMENT',
  GetBucketAccelerateConfiguration: 'REST.GET.ACCELERATE',
  PutBucketAccelerateConfiguration: 'REST.PUT.ACCELERATE',
  RestoreObject: 'REST.POST.RESTORE',
  SelectObjectContent: 'REST.POST.SELECT',
  GetObjectTorrent: 'REST.GET.TORRENT',
};

/**
 * One line per key a DeleteObjects request deleted: "BATCH.DELETE.OBJECT" (LogFormat.html, Operation).
 * The pipeline emits these alongside the REST.POST.MULTI_OBJECT_DELETE line.
 */
export const BATCH_DELETE_OPERATION = 'BATCH.DELETE.OBJECT';

/**
 * The Operation field of `record`. An operation we have no name for (or none: refused before routing)
 * is derived as AWS shapes the field: `REST.<METHOD>.<OBJECT|BUCKET|SERVICE>` from what was addressed.
 */
export function accessLogOperation(record: RequestRecord): string {
  const op = record.operation;
  if (op !== undefined) {
    const name = (ACCESS_LOG_OPERATIONS as Readonly<Record<string, string>>)[op] ?? OTHER_OPERATIONS[op];
    if (name !== undefined) return name;
  }
  const method = record.http.method.toUpperCase().replace(/[^A-Z]/g, '') || 'UNKNOWN';
  const resource = record.s3?.key !== undefined ? 'OBJECT' : record.s3?.bucket !== undefined ? 'BUCKET' : 'SERVICE';
  return `REST.${method}.${resource}`;
}
