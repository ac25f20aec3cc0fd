/**
 * How CloudTrail classifies a request (issue #16): its event source, region, read-only flag and
 * whether it is a management or a data event. Pure tables over operation names; no I/O.
 *
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
import type { RequestRecord } from './request-record.js';

/** `eventSource` per SigV4 service name (`record.service`). */
const EVENT_SOURCES: Readonly<Record<string, string>> = {
  s3: 's3.amazonaws.com',
  s3control: 's3.amazonaws.com',
  iam: 'iam.amazonaws.com',
  sts: 'sts.amazonaws.com',
  organizations: 'organizations.amazonaws.com',
  kms: 'kms.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
  'access-analyzer': 'access-analyzer.amazonaws.com',
  config: 'config.amazonaws.com',
  // The console's sign-in (src/console): ConsoleLogin events, as AWS's sign-in service records them.
  signin: 'signin.amazonaws.com',
};

export function eventSourceOf(service: string): string | undefined {
  return EVENT_SOURCES[service];
}

/**
 * IAM and Organizations are global services whose events CloudTrail records in us-east-1
 * ("Global service events", cloudtrail-concepts.html#cloudtrail-concepts-global-service-events).
 * Deviation from AWS: STS called on its global endpoint is also logged in us-east-1 on AWS; the record
 * does not say which endpoint was used, so STS events carry the region the request was signed for.
 */
const GLOBAL_SERVICES: ReadonlySet<string> = new Set(['iam', 'organizations']);

export function awsRegionOf(record: Pick<RequestRecord, 'service' | 'region'>): string {
  return GLOBAL_SERVICES.has(record.service) ? 'us-east-1' : record.region;
}

/**
 * S3 operations CloudTrail logs as data events (resource type `AWS::S3::Object`): the object-level
 * operations, plus the bucket-level reads of object listings (ListObjects, ListObjectVersions,
 * ListMultipartUploads, HeadBucket), which AWS also records only when data events are selected.
 * Everything else in S3 (bucket configuration, ListBuckets) is a management event.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
 */
export const S3_DATA_OPERATIONS: ReadonlySet<string> = new Set([
  'AbortMultipartUpload', 'CompleteMultipartUpload', 'CopyObject', 'CreateMultipartUpload', 'CreateSession',
  'DeleteObject', 'DeleteObjects', 'DeleteObjectTagging', 'GetObject', 'GetObjectAcl', 'GetObjectAttributes',
  'GetObjectLegalHold', 'GetObjectRetention', 'GetObjectTagging', 'GetObjectTorrent', 'HeadBucket', 'HeadObject',
  'ListMultipartUploads', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListParts', 'PutObject',
  'PutObjectAcl', 'PutObjectLegalHold', 'PutObjectRetention', 'PutObjectTagging', 'RestoreObject',
  'SelectObjectContent', 'UploadPart', 'UploadPartCopy',
]);

/** The data event's resource type (the `resources.type` of advanced selectors, `Type` of DataResources). */
export const S3_OBJECT_RESOURCE_TYPE = 'AWS::S3::Object';

export function isDataEvent(record: Pick<RequestRecord, 'service' | 'operation'>): boolean {
  return record.service === 's3' && record.operation !== undefined && S3_DATA_OPERATIONS.has(record.operation);
}

/** Operation-name prefixes that read without changing anything. */
const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head', 'Lookup', 'Simulate'];

/**
 * Read-only operations whose names do not say so. STS issues credentials but changes no resource, and
 * CloudTrail marks AssumeRole* and GetSessionToken `readOnly: true` (a WriteOnly trail does not see
 * them). KMS cryptographic operations are reads of the key (KMS's CloudTrail examples show
 * `readOnly: true` for Encrypt, Decrypt, GenerateDataKey). SelectObjectContent reads an object.
 * IAM report generation only starts a report job over existing data.
 */
const READ_ONLY_OPERATIONS: ReadonlySet<string> = new Set([
  'AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'AssumeRoot', 'GetSessionToken',
  'GetFederationToken', 'DecodeAuthorizationMessage',
  'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom', 'GenerateMac', 'VerifyMac', 'Sign', 'Verify',
  'SelectObjectContent', 'GenerateCredentialReport', 'GenerateServiceLastAccessedDetails',
  'GenerateOrganizationsAccessReport',
  'ValidatePolicy', 'CheckNoNewAccess', 'CheckAccessNotGranted', 'CheckNoPublicAccess',
]);

/**
 * Get*, List*, Describe*, Head*, Lookup*, Simulate* and the table above are read-only; everything else
 * writes. AWS decides per API and publishes no table; the rule matches every event example we know of
 * for the operations Strongbox serves.
 */
export function isReadOnlyOperation(operation: string): boolean {
  if (READ_ONLY_OPERATIONS.has(operation)) return true;
  return READ_PREFIXES.some((p) => startsWithWord(operation, p));
}

/** `GetObject` starts with the word `Get`; `Getaway` does not. */
function startsWithWord(operation: string, prefix: string): boolean {
  if (!operation.startsWith(prefix)) return false;
  const c = operation.charCodeAt(prefix.length);
  return c >= 65 && c <= 90;
}

/** Reads whose event still carries the response: the credentials STS issued (secret redacted). */
const READS_WITH_RESPONSE: ReadonlySet<string> = new Set([
  'AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML', 'AssumeRoot', 'GetSessionToken', 'GetFederationToken',
]);

/**
 * Whether the event records the operation's responseElements: "if an action does not change state (for
 * example, a request to get or list objects), this element is omitted" (record-contents page) — except
 * the STS calls that issue credentials, whose events show them.
 */
export function recordsResponseElements(operation: string): boolean {
  if (READS_WITH_RESPONSE.has(operation)) return true;
  return !READ_PREFIXES.some((p) => startsWithWord(operation, p));
}
