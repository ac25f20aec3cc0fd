/**
 * Which IAM action(s) each S3 operation needs, and on which kind of resource: the bucket ARN
 * (`arn:aws:s3:::bucket`), the object ARN (`arn:aws:s3:::bucket/key`) or none (`*`).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * Non-obvious entries are the point of the table: HeadBucket and ListObjects need s3:ListBucket,
 * HeadObject needs s3:GetObject, the multipart calls need s3:PutObject, DeleteBucketCors needs
 * s3:PutBucketCORS, a versionId switches to the *Version action, and so on.
 */

export type S3ResourceKind = 'bucket' | 'object' | 'none';

export interface S3ActionCheck {
  /** `s3:GetObject` */
  readonly action: string;
  readonly resource: S3ResourceKind;
  /** CopyObject / UploadPartCopy: the check on the copy source (the other is on the target). */
  readonly copySource?: boolean;
  /** DeleteObjects: one check per key of the request. */
  readonly perKey?: boolean;
}

/** Request features that change or add checks. */
export interface S3ActionOptions {
  /** A `versionId` query parameter (for CopyObject: in `x-amz-copy-source`). */
  readonly versionId?: boolean;
  /** `x-amz-tagging` on PutObject, CopyObject (REPLACE), CreateMultipartUpload. */
  readonly tagging?: boolean;
  /** `x-amz-acl` or `x-amz-grant-*` on PutObject, CopyObject, CreateMultipartUpload, CreateBucket. */
  readonly acl?: boolean;
  /** `x-amz-object-lock-mode` / `-retain-until-date` on an object write. */
  readonly objectLockRetention?: boolean;
  /** `x-amz-object-lock-legal-hold` on an object write. */
  readonly objectLockLegalHold?: boolean;
  /** `x-amz-bypass-governance-retention: true`. */
  readonly bypassGovernanceRetention?: boolean;
  /** CreateBucket with `x-amz-bucket-object-lock-enabled: true`. */
  readonly objectLockEnabled?: boolean;
  /** CreateBucket with `x-amz-object-ownership`. */
  readonly objectOwnership?: boolean;
}

interface OperationEntry {
  readonly checks: readonly S3ActionCheck[];
  /** Replaces `checks` when a version id is given. */
  readonly versioned?: readonly S3ActionCheck[];
  /** The object is written: tagging / ACL / object-lock headers add checks on it. */
  readonly writesObject?: boolean;
}

const b = (action: string): S3ActionCheck => ({ action, resource: 'bucket' });
const o = (action: string): S3ActionCheck => ({ action, resource: 'object' });
const src = (action: string): S3ActionCheck => ({ action, resource: 'object', copySource: true });
const perKey = (action: string): S3ActionCheck => ({ action, resource: 'object', perKey: true });
const none = (action: string): S3ActionCheck => ({ action, resource: 'none' });

const bucket = (action: string): OperationEntry => ({ checks: [b(action)] });
const object = (action: string, versionAction?: string): OperationEntry => ({
  checks: [o(action)],
  ...(versionAction ? { versioned: [o(versionAction)] } : {}),
});

export const S3_OPERATIONS: Readonly<Record<string, OperationEntry>> = {
  // Service
  ListBuckets: { checks: [none('s3:ListAllMyBuckets')] },
  ListDirectoryBuckets: { checks: [none('s3express:ListAllMyDirectoryBuckets')] },
  CreateSession: { checks: [b('s3express:CreateSession')] },
  WriteGetObjectResponse: { checks: [none('s3-object-lambda:WriteGetObjectResponse')] },
  // Bucket
  CreateBucket: bucket('s3:CreateBucket'),
  DeleteBucket: bucket('s3:DeleteBucket'),
  HeadBucket: bucket('s3:ListBucket'),
  ListObjects: bucket('s3:ListBucket'),
  ListObjectsV2: bucket('s3:ListBucket'),
  ListObjectVersions: bucket('s3:ListBucketVersions'),
  ListMultipartUploads: bucket('s3:ListBucketMultipartUploads'),
  GetBucketLocation: bucket('s3:GetBucketLocation'),
  GetBucketAcl: bucket('s3:GetBucketAcl'),
  PutBucketAcl: bucket('s3:PutBucketAcl'),
  GetBucketCors: bucket('s3:GetBucketCORS'),
  PutBucketCors: bucket('s3:PutBucketCORS'),
  DeleteBucketCors: bucket('s3:PutBucketCORS'),
  GetBucketEncryption: bucket('s3:GetEncryptionConfiguration'),
  PutBucketEncryption: bucket('s3:PutEncryptionConfiguration'),
  DeleteBucketEncryption: bucket('s3:PutEncryptionConfiguration'),
  GetBucketLifecycle: bucket('s3:GetLifecycleConfiguration'),
  GetBucketLifecycleConfiguration: bucket('s3:GetLifecycleConfiguration'),
  PutBucketLifecycle: bucket('s3:PutLifecycleConfiguration'),
  PutBucketLifecycleConfiguration: bucket('s3:PutLifecycleConfiguration'),
  DeleteBucketLifecycle: bucket('s3:PutLifecycleConfiguration'),
  GetBucketLogging: bucket('s3:GetBucketLogging'),
  PutBucketLogging: bucket('s3:PutBucketLogging'),
  GetBucketNotification: bucket('s3:GetBucketNotification'),
  GetBucketNotificationConfiguration: bucket('s3:GetBucketNotification'),
  PutBucketNotification: bucket('s3:PutBucketNotification'),
  PutBucketNotificationConfiguration: bucket('s3:PutBucketNotification'),
  GetBucketPolicy: bucket('s3:GetBucketPolicy'),
  PutBucketPolicy: bucket('s3:PutBucketPolicy'),
  DeleteBucketPolicy: bucket('s3:DeleteBucketPolicy'),
  GetBucketPolicyStatus: bucket('s3:GetBucketPolicyStatus'),
  GetBucketReplication: bucket('s3:GetReplicationConfiguration'),
  PutBucketReplication: bucket('s3:PutReplicationConfiguration'),
  DeleteBucketReplication: bucket('s3:PutReplicationConfiguration'),
  GetBucketRequestPayment: bucket('s3:GetBucketRequestPayment'),
  PutBucketRequestPayment: bucket('s3:PutBucketRequestPayment'),
  GetBucketTagging: bucket('s3:GetBucketTagging'),
  PutBucketTagging: bucket('s3:PutBucketTagging'),
  DeleteBucketTagging: bucket('s3:PutBucketTagging'),
  GetBucketVersioning: bucket('s3:GetBucketVersioning'),
  PutBucketVersioning: bucket('s3:PutBucketVersioning'),
  GetBucketWebsite: bucket('s3:GetBucketWebsite'),
  PutBucketWebsite: bucket('s3:PutBucketWebsite'),
  DeleteBucketWebsite: bucket('s3:DeleteBucketWebsite'),
  GetBucketOwnershipControls: bucket('s3:GetBucketOwnershipControls'),
  PutBucketOwnershipControls: bucket('s3:PutBucketOwnershipControls'),
  DeleteBucketOwnershipControls: bucket('s3:PutBucketOwnershipControls'),
  GetPublicAccessBlock: bucket('s3:GetBucketPublicAccessBlock'),
  PutPublicAccessBlock: bucket('s3:PutBucketPublicAccessBlock'),
  DeletePublicAccessBlock: bucket('s3:PutBucketPublicAccessBlock'),
  GetBucketAccelerateConfiguration: bucket('s3:GetAccelerateConfiguration'),
  PutBucketAccelerateConfiguration: bucket('s3:PutAccelerateConfiguration'),
  GetBucketAnalyticsConfiguration: bucket('s3:GetAnalyticsConfiguration'),
  ListBucketAnalyticsConfigurations: bucket('s3:GetAnalyticsConfiguration'),
  PutBucketAnalyticsConfiguration: bucket('s3:PutAnalyticsConfiguration'),
  DeleteBucketAnalyticsConfiguration: bucket('s3:PutAnalyticsConfiguration'),
  GetBucketInventoryConfiguration: bucket('s3:GetInventoryConfiguration'),
  ListBucketInventoryConfigurations: bucket('s3:GetInventoryConfiguration'),
  PutBucketInventoryConfiguration: bucket('s3:PutInventoryConfiguration'),
  DeleteBucketInventoryConfiguration: bucket('s3:PutInventoryConfiguration'),
  GetBucketMetricsConfiguration: bucket('s3:GetMetricsConfiguration'),
  ListBucketMetricsConfigurations: bucket('s3:GetMetricsConfiguration'),
  PutBucketMetricsConfiguration: bucket('s3:PutMetricsConfiguration'),
  DeleteBucketMetricsConfiguration: bucket('s3:PutMetricsConfiguration'),
  GetBucketIntelligentTieringConfiguration: bucket('s3:GetIntelligentTieringConfiguration'),
  ListBucketIntelligentTieringConfigurations: bucket('s3:GetIntelligentTieringConfiguration'),
  PutBucketIntelligentTieringConfiguration: bucket('s3:PutIntelligentTieringConfiguration'),
  DeleteBucketIntelligentTieringConfiguration: bucket('s3:PutIntelligentTieringConfiguration'),
  GetObjectLockConfiguration: bucket('s3:GetBucketObjectLockConfiguration'),
  PutObjectLockConfiguration: bucket('s3:PutBucketObjectLockConfiguration'),
  CreateBucketMetadataTableConfiguration: bucket('s3:CreateBucketMetadataTableConfiguration'),
  GetBucketMetadataTableConfiguration: bucket('s3:GetBucketMetadataTableConfiguration'),
  DeleteBucketMetadataTableConfiguration: bucket('s3:DeleteBucketMetadataTableConfiguration'),
  CreateBucketMetadataConfiguration: bucket('s3:CreateBucketMetadataTableConfiguration'),
  GetBucketMetadataConfiguration: bucket('s3:GetBucketMetadataTableConfiguration'),
  DeleteBucketMetadataConfiguration: bucket('s3:DeleteBucketMetadataTableConfiguration'),
  UpdateBucketMetadataInventoryTableConfiguration: bucket('s3:UpdateBucketMetadataInventoryTableConfiguration'),
  UpdateBucketMetadataJournalTableConfiguration: bucket('s3:UpdateBucketMetadataJournalTableConfiguration'),
  GetBucketAbac: bucket('s3:GetBucketAbac'),
  PutBucketAbac: bucket('s3:PutBucketAbac'),
  // Object
  GetObject: object('s3:GetObject', 's3:GetObjectVersion'),
  HeadObject: object('s3:GetObject', 's3:GetObjectVersion'),
  SelectObjectContent: object('s3:GetObject'),
  GetObjectAttributes: {
    checks: [o('s3:GetObject'), o('s3:GetObjectAttributes')],
    versioned: [o('s3:GetObjectVersion'), o('s3:GetObjectVersionAttributes')],
  },
  PutObject: { checks: [o('s3:PutObject')], writesObject: true },
  CopyObject: {
    checks: [src('s3:GetObject'), o('s3:PutObject')],
    versioned: [src('s3:GetObjectVersion'), o('s3:PutObject')],
    writesObject: true,
  },
  UploadPartCopy: { checks: [src('s3:GetObject'), o('s3:PutObject')], versioned: [src('s3:GetObjectVersion'), o('s3:PutObject')] },
  CreateMultipartUpload: { checks: [o('s3:PutObject')], writesObject: true },
  UploadPart: object('s3:PutObject'),
  CompleteMultipartUpload: object('s3:PutObject'),
  AbortMultipartUpload: object('s3:AbortMultipartUpload'),
  ListParts: object('s3:ListMultipartUploadParts'),
  DeleteObject: object('s3:DeleteObject', 's3:DeleteObjectVersion'),
  DeleteObjects: { checks: [perKey('s3:DeleteObject')], versioned: [perKey('s3:DeleteObjectVersion')] },
  RenameObject: object('s3express:RenameObject'),
  RestoreObject: object('s3:RestoreObject'),
  GetObjectAcl: object('s3:GetObjectAcl', 's3:GetObjectVersionAcl'),
  PutObjectAcl: object('s3:PutObjectAcl', 's3:PutObjectVersionAcl'),
  GetObjectTagging: object('s3:GetObjectTagging', 's3:GetObjectVersionTagging'),
  PutObjectTagging: object('s3:PutObjectTagging', 's3:PutObjectVersionTagging'),
  DeleteObjectTagging: object('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'),
  GetObjectTorrent: object('s3:GetObjectTorrent', 's3:GetObjectVersionTorrent'),
  GetObjectLegalHold: object('s3:GetObjectLegalHold'),
  PutObjectLegalHold: object('s3:PutObjectLegalHold'),
  GetObjectRetention: object('s3:GetObjectRetention'),
  PutObjectRetention: object('s3:PutObjectRetention'),
  UpdateObjectEncryption: object('s3:PutObject'),
};

/**
 * The checks an S3 operation needs, or undefined for an unknown operation name. `copySource`
 * checks apply to the source object of a copy; `perKey` checks are repeated for every key of a
 * DeleteObjects request.
 */
export function s3ActionFor(operationName: string, options: S3ActionOptions = {}): readonly S3ActionCheck[] | undefined {
  const entry = S3_OPERATIONS[operationName];
  if (!entry) return undefined;
  const base = options.versionId && entry.versioned ? entry.versioned : entry.checks;
  const extra: S3ActionCheck[] = [];
  if (entry.writesObject) {
    if (options.tagging) extra.push(o('s3:PutObjectTagging'));
    if (options.acl) extra.push(o('s3:PutObjectAcl'));
    if (options.objectLockRetention) extra.push(o('s3:PutObjectRetention'));
    if (options.objectLockLegalHold) extra.push(o('s3:PutObjectLegalHold'));
  }
  if (operationName === 'CreateBucket') {
    if (options.acl) extra.push(b('s3:PutBucketAcl'));
    if (options.objectLockEnabled) extra.push(b('s3:PutBucketObjectLockConfiguration'), b('s3:PutBucketVersioning'));
    if (options.objectOwnership) extra.push(b('s3:PutBucketOwnershipControls'));
  }
  if (options.bypassGovernanceRetention && ['DeleteObject', 'DeleteObjects', 'PutObjectRetention'].includes(operationName)) {
    extra.push(operationName === 'DeleteObjects' ? perKey('s3:BypassGovernanceRetention') : o('s3:BypassGovernanceRetention'));
  }
  return extra.length === 0 ? base : [...base, ...extra];
}

/**
 * Every `s3:` IAM action and the resource it applies to — the table bucket-policy validation uses
 * for "Policy has invalid action" and "Action does not apply to any resource(s) in statement".
 */
export const S3_IAM_ACTIONS: ReadonlyMap<string, S3ResourceKind> = buildIamActionTable();

function buildIamActionTable(): Map<string, S3ResourceKind> {
  const m = new Map<string, S3ResourceKind>();
  for (const entry of Object.values(S3_OPERATIONS)) {
    for (const c of [...entry.checks, ...(entry.versioned ?? [])]) if (c.action.startsWith('s3:')) m.set(c.action, c.resource);
  }
  const objects = [
    's3:PutObjectTagging', 's3:PutObjectAcl', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention',
    's3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', 's3:GetObjectVersionForReplication',
    's3:ObjectOwnerOverrideToBucketOwner', 's3:InitiateReplication', 's3:PutObjectVersionAcl', 's3:PutObjectVersionTagging',
  ];
  const buckets = ['s3:PutBucketAcl', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutBucketOwnershipControls', 's3:ListBucketByTags'];
  // S3 Control's resource tagging (src/s3control/resource-tagging-ops.ts), on buckets here.
  buckets.push('s3:TagResource', 's3:UntagResource', 's3:ListTagsForResource');
  const accountLevel = [
    's3:ListAllMyBuckets', 's3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock', 's3:ListAccessPoints',
    's3:CreateJob', 's3:ListJobs', 's3:ListStorageLensConfigurations', 's3:ListMultiRegionAccessPoints',
    's3:ListAccessGrantsInstances', 's3:GetAccessPoint', 's3:PutStorageLensConfiguration',
  ];
  for (const a of objects) m.set(a, 'object');
  for (const a of buckets) m.set(a, 'bucket');
  for (const a of accountLevel) m.set(a, 'none');
  return m;
}
