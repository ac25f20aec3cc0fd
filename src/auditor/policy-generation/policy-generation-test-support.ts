/**
 * Test support for policy generation: CloudTrail events as the recorder writes them (the fields
 * src/audit/cloudtrail-event.ts fills), and evaluation of generated documents with the policy engine.
 */
import assert from 'node:assert/strict';
import type { TrailRecord } from '../../audit/audit-ports.js';
import type { CloudTrailEvent, CloudTrailResource, CloudTrailUserIdentity } from '../../audit/cloudtrail-event.js';
import type { Decision, RequestPrincipal } from '../../policy/authorization-types.js';
import { authorize } from '../../policy/authorize.js';
import { compilePolicy, type CompiledPolicy } from '../../policy/compiled-policy.js';
import { parsePolicy } from '../../policy/parse-policy.js';

export const ACCT = '111122223333';
export const OTHER = '444455556666';
export const T0 = Date.parse('2026-03-01T10:00:00Z');
export const USER_ARN = `arn:aws:iam::${ACCT}:user/alice`;
export const ROLE_ARN = `arn:aws:iam::${ACCT}:role/team/worker`;

export const ALICE: CloudTrailUserIdentity = {
  type: 'IAMUser',
  principalId: 'AIDAALICE',
  arn: USER_ARN,
  accountId: ACCT,
  accessKeyId: 'AKIAALICE',
  userName: 'alice',
};

export function roleSession(session: string, roleArn = ROLE_ARN): CloudTrailUserIdentity {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    type: 'AssumedRole',
    principalId: `AROAWORKER:${session}`,
    arn: `arn:aws:sts::${ACCT}:assumed-role/${roleName}/${session}`,
    accountId: ACCT,
    accessKeyId: 'ASIAWORKER',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAWORKER', arn: roleArn, accountId: ACCT, userName: roleName },
      webIdFederationData: {},
      attributes: { creationDate: '2026-03-01T09:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

let n = 0;

/** A management event of alice (IAM CreateUser) unless overridden; `at` sets eventTime (ms). */
export function ctEvent(o: Partial<CloudTrailEvent> & { at?: number } = {}): CloudTrailEvent {
  n++;
  const { at, ...rest } = o;
  return {
    eventVersion: '1.11',
    userIdentity: ALICE,
    eventTime: new Date(at ?? T0 + n * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    requestParameters: null,
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `ev-${n}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...rest,
  };
}

export interface S3EventOptions {
  readonly bucket?: string;
  readonly key?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly resources?: readonly CloudTrailResource[];
  readonly at?: number;
  readonly userIdentity?: CloudTrailUserIdentity;
  readonly errorCode?: string;
  readonly region?: string;
}

/** An S3 event as src/s3/s3-audit.ts records it: bucketName, Host, key, then the query's parameters. */
export function s3Event(eventName: string, o: S3EventOptions = {}): CloudTrailEvent {
  const requestParameters: Record<string, unknown> = {};
  if (o.bucket !== undefined) requestParameters.bucketName = o.bucket;
  requestParameters.Host = '127.0.0.1:9000';
  if (o.key !== undefined) requestParameters.key = o.key;
  Object.assign(requestParameters, o.params);
  const data = DATA_OPERATIONS.has(eventName);
  const resources = o.resources ?? defaultS3Resources(o.bucket, o.key);
  return ctEvent({
    eventSource: 's3.amazonaws.com',
    eventName,
    awsRegion: o.region ?? 'us-east-1',
    requestParameters,
    ...(resources.length > 0 ? { resources } : {}),
    ...(o.at !== undefined ? { at: o.at } : {}),
    ...(o.userIdentity !== undefined ? { userIdentity: o.userIdentity } : {}),
    ...(o.errorCode !== undefined ? { errorCode: o.errorCode, errorMessage: 'failed' } : {}),
    managementEvent: !data,
    eventCategory: data ? 'Data' : 'Management',
  });
}

const DATA_OPERATIONS = new Set([
  'GetObject',
  'HeadObject',
  'PutObject',
  'ListObjects',
  'ListObjectsV2',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'HeadBucket',
]);

function defaultS3Resources(bucket: string | undefined, key: string | undefined): CloudTrailResource[] {
  if (bucket === undefined) return [];
  if (key === undefined) return [{ ARN: `arn:aws:s3:::${bucket}`, accountId: ACCT, type: 'AWS::S3::Bucket' }];
  return [{ ARN: `arn:aws:s3:::${bucket}/${key}`, type: 'AWS::S3::Object' }];
}

export function resource(ARN: string, type: string): CloudTrailResource {
  return { ARN, accountId: ACCT, type };
}

export const ALICE_PRINCIPAL: RequestPrincipal = {
  kind: 'User',
  arn: USER_ARN,
  accountId: ACCT,
  userId: 'AIDAALICE',
  username: 'alice',
};

/** A session of the role `team/worker`, as the policy engine sees its requests. */
export const WORKER: RequestPrincipal = {
  kind: 'AssumedRole',
  arn: `arn:aws:sts::${ACCT}:assumed-role/worker/run-1`,
  accountId: ACCT,
  userId: 'AROAWORKER:run-1',
  roleArn: ROLE_ARN,
};

export const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/main`;

/** A logging multi-region trail of every management event, named `name`. */
export function trail(name = 'main'): TrailRecord {
  return {
    accountId: ACCT,
    name,
    homeRegion: 'us-east-1',
    s3BucketName: 'logs',
    includeGlobalServiceEvents: true,
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    logFileValidationEnabled: false,
    eventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
    createdAt: new Date(T0),
    isLogging: true,
    delivery: { deliveredSeq: 0 },
  };
}

/** The documents parsed as IAM identity policies (each must be a valid managed policy) and compiled. */
export function compileDocuments(documents: readonly string[]): CompiledPolicy[] {
  return documents.map((text, i) => {
    const parsed = parsePolicy(text, { kind: 'identity', managed: true });
    assert.ok(parsed.ok, `generated policy ${i} is not valid: ${parsed.ok ? '' : parsed.error.message}\n${text}`);
    return compilePolicy(parsed.document, { id: `generated-${i}`, kind: 'identity' });
  });
}

/** The engine's decision for alice with only `policies` as her identity policies. */
export function decide(
  policies: readonly CompiledPolicy[],
  action: string,
  resourceArn: string,
  principal = ALICE_PRINCIPAL,
): Decision {
  return authorize({ principal, action, resource: resourceArn, policies: { identity: policies } }).decision;
}
