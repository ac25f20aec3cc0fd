/**
 * The IAM actions an S3 event exercised (eventSource `s3.amazonaws.com`: S3 itself and S3 Control),
 * derived from the policy engine's table of each operation's checks rather than copied: s3ActionFor
 * (src/policy/s3-actions.ts) says, per operation, which actions on which kind of resource (bucket,
 * object, copy source, each key of a DeleteObjects) the request needed; the event says which bucket and
 * key (`requestParameters.bucketName`, `key`, `versionId`: src/s3/s3-audit.ts) and, in `resources`,
 * every ARN the checks named, KMS keys of SSE-KMS included.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';
import { s3ActionFor, type S3ActionCheck, type S3ActionOptions } from '../../policy/s3-actions.js';
import { ALL_RESOURCES, onResources, parameter, resourceArns, type ObservedAccess } from './event-resources.js';

const OBJECT = 'AWS::S3::Object';
const KMS_KEY = 'AWS::KMS::Key';

export function s3ObservedAccesses(event: CloudTrailEvent): ObservedAccess[] {
  const bucket = stringParameter(event, 'bucketName');
  const control = S3_CONTROL_OPERATIONS[event.eventName];
  // S3 Control's operations name no bucket in their parameters; S3's bucket operations always do.
  if (bucket === undefined && control !== undefined) return control(event);
  const checks =
    event.eventName === 'PostObject' ? POST_OBJECT_CHECKS : s3ActionFor(event.eventName, actionOptions(event));
  // Decision: an operation the policy engine does not know exercised no action we can name.
  if (checks === undefined) return [];
  const out: ObservedAccess[] = [];
  for (const check of checks) {
    for (const resource of checkResources(event, check, bucket)) out.push({ action: check.action, resource });
  }
  return [...out, ...sseKmsAccesses(event)];
}

/** A browser upload (src/s3/post-object.ts): s3:PutObject on the key of the form. */
const POST_OBJECT_CHECKS: readonly S3ActionCheck[] = [{ action: 's3:PutObject', resource: 'object' }];

/**
 * The request features that add or switch checks. `versionId` is a query parameter the event records;
 * the others are request headers, counted when the event records them (AWS's S3 events show
 * `x-amz-copy-source` and such headers among requestParameters).
 */
function actionOptions(event: CloudTrailEvent): S3ActionOptions {
  const has = (name: string) => parameter(event, name) !== undefined;
  const names = Object.keys(event.requestParameters ?? {});
  return {
    versionId: has('versionId') || copySource(event)?.versionId !== undefined,
    tagging: has('x-amz-tagging'),
    acl: has('x-amz-acl') || names.some((n) => n.startsWith('x-amz-grant-')),
    objectLockRetention: has('x-amz-object-lock-mode') || has('x-amz-object-lock-retain-until-date'),
    objectLockLegalHold: has('x-amz-object-lock-legal-hold'),
    bypassGovernanceRetention: String(parameter(event, 'x-amz-bypass-governance-retention')).toLowerCase() === 'true',
    objectLockEnabled: String(parameter(event, 'x-amz-bucket-object-lock-enabled')).toLowerCase() === 'true',
    objectOwnership: has('x-amz-object-ownership'),
  };
}

/** The literal ARNs one check of the operation applied to. */
function checkResources(event: CloudTrailEvent, check: S3ActionCheck, bucket: string | undefined): string[] {
  if (check.resource === 'none') return [ALL_RESOURCES];
  if (check.resource === 'bucket')
    return bucket !== undefined ? [bucketArn(bucket)] : fallback(event, 'AWS::S3::Bucket');
  const key = stringParameter(event, 'key');
  const target = bucket !== undefined && key !== undefined ? objectArn(bucket, key) : undefined;
  if (check.perKey === true) return fallback(event, OBJECT);
  if (check.copySource === true) return [copySourceArn(event, target)];
  return target !== undefined ? [target] : fallback(event, OBJECT);
}

/** The event's resources of `type`, or `*` when it names none. */
function fallback(event: CloudTrailEvent, type: string): string[] {
  const arns = resourceArns(event, type);
  return arns.length > 0 ? arns : [ALL_RESOURCES];
}

/**
 * The source object of CopyObject / UploadPartCopy: from `x-amz-copy-source` when the event records
 * it, else the object among the event's resources that is not the target (the copy checks name both),
 * else the target itself (an object copied onto itself).
 */
function copySourceArn(event: CloudTrailEvent, target: string | undefined): string {
  const source = copySource(event);
  if (source !== undefined) return objectArn(source.bucket, source.key);
  const other = resourceArns(event, OBJECT).find((arn) => arn !== target);
  return other ?? target ?? ALL_RESOURCES;
}

interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, URL-encoded (API_CopyObject.html). */
export function copySource(event: CloudTrailEvent): CopySource | undefined {
  const raw = parameter(event, 'x-amz-copy-source');
  if (typeof raw !== 'string') return undefined;
  const [path = '', query = ''] = raw.replace(/^\//, '').split('?', 2);
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  try {
    const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
    const parsed = { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
    return versionId !== undefined ? { ...parsed, versionId } : parsed;
  } catch {
    return undefined;
  }
}

/**
 * SSE-KMS: the KMS keys among the event's resources were checked for kms:GenerateDataKey (a new object
 * is encrypted) or kms:Decrypt (an object or upload is read), as src/s3/object-encryption.ts and
 * object-decryption.ts declare per operation. Decision: CopyObject reads its source and writes its
 * target, possibly under two keys the event does not tell apart, so both actions go to each key.
 */
const SSE_KMS_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  PutObject: ['kms:GenerateDataKey'],
  PostObject: ['kms:GenerateDataKey'],
  CreateMultipartUpload: ['kms:GenerateDataKey', 'kms:Decrypt'],
  CopyObject: ['kms:GenerateDataKey', 'kms:Decrypt'],
};

function sseKmsAccesses(event: CloudTrailEvent): ObservedAccess[] {
  const keys = resourceArns(event, KMS_KEY);
  if (keys.length === 0) return [];
  const actions = SSE_KMS_ACTIONS[event.eventName] ?? ['kms:Decrypt'];
  return actions.flatMap((action) => keys.map((resource) => ({ action, resource })));
}

type Control = (event: CloudTrailEvent) => ObservedAccess[];

/**
 * S3 Control's operations (src/s3control): the account's Block Public Access (account-level actions,
 * resource `*`; DeletePublicAccessBlock needs the Put action, public-access-block-ops.ts) and the
 * tagging of buckets (s3:TagResource, ... on the bucket: resource-tagging-ops.ts).
 */
const S3_CONTROL_OPERATIONS: Readonly<Record<string, Control>> = {
  PutPublicAccessBlock: () => [{ action: 's3:PutAccountPublicAccessBlock', resource: ALL_RESOURCES }],
  DeletePublicAccessBlock: () => [{ action: 's3:PutAccountPublicAccessBlock', resource: ALL_RESOURCES }],
  GetPublicAccessBlock: () => [{ action: 's3:GetAccountPublicAccessBlock', resource: ALL_RESOURCES }],
  TagResource: (event) => onResources('s3:TagResource', event, 'AWS::S3::Bucket'),
  UntagResource: (event) => onResources('s3:UntagResource', event, 'AWS::S3::Bucket'),
  ListTagsForResource: (event) => onResources('s3:ListTagsForResource', event, 'AWS::S3::Bucket'),
};

function stringParameter(event: CloudTrailEvent, name: string): string | undefined {
  const value = parameter(event, name);
  return typeof value === 'string' ? value : undefined;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}
