/**
 * The one complete record of a request (issue #16): what the pipeline knows once the response is
 * done, and the single input of everything that reports on requests — the CloudTrail event
 * (cloudtrail-event.ts), the S3 server access log line (access-log.ts), metrics and the JSON request
 * log. It is data only: building it costs the request path no I/O, and its consumers run after the
 * response. Fields a request cannot have (an S3 key on an IAM call) are absent, never empty strings.
 */
import type { Caller } from '../identity/caller.js';
import type { BucketLoggingConfig } from './access-log-config.js';

/** How the request was authenticated (S3 access logs' "Authentication Type"; CloudTrail's additionalEventData). */
export type AuthenticationType = 'AuthHeader' | 'QueryString' | 'Post' | 'Anonymous';

/** The authorization decision of the request's gating checks; undefined when none was made (e.g. authentication failed). */
export type RecordedDecision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';

/** A resource the operation acted on (CloudTrail `resources`). */
export interface RecordedResource {
  readonly arn: string;
  /** The account that owns it (a bucket's owner, a role's account). */
  readonly accountId?: string;
  /** CloudTrail's type names: `AWS::S3::Bucket`, `AWS::S3::Object`, `AWS::IAM::User`, `AWS::KMS::Key`, ... */
  readonly type: string;
}

export interface RequestRecord {
  readonly requestId: string;
  /** When the request arrived. */
  readonly eventTime: Date;
  /** The SigV4 service the request was for: `s3`, `iam`, `sts`, `organizations`, `kms`, `s3control`, ... */
  readonly service: string;
  readonly region: string;
  /** The AWS operation name (`PutObject`, `CreateUser`); undefined when the request was refused before routing. */
  readonly operation?: string;
  /** Who made it; undefined when authentication failed (then `accessKeyId` says which key was presented). */
  readonly caller?: Caller;
  /** The access key id the request was signed with, even when authentication failed. */
  readonly accessKeyId?: string;
  readonly authenticationType: AuthenticationType;
  /** `SigV4`, or `SigV2` for a request signed with Signature Version 2 (`--allow-sigv2`). */
  readonly signatureVersion?: 'SigV4' | 'SigV2';
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly referer?: string;
  /** The request's Host header as sent. */
  readonly host?: string;
  /** TLS details of a request that came over TLS to Strongbox. */
  readonly tls?: { readonly version: string; readonly cipherSuite: string };
  /** The request line as received: method, path with query, HTTP version (`HTTP/1.1`). */
  readonly http: { readonly method: string; readonly uri: string; readonly version: string };
  /**
   * The operation's parameters, as CloudTrail's `requestParameters` names them (the API's member names,
   * e.g. `{ bucketName, key }`, `{ userName }`); secrets are never put here (see cloudtrail-event.ts).
   */
  readonly requestParameters?: Readonly<Record<string, unknown>>;
  /** What a successful operation answered that CloudTrail records (`responseElements`), unredacted: redaction is the event's. */
  readonly responseElements?: Readonly<Record<string, unknown>>;
  /** CloudTrail's `additionalEventData` of a non-S3 event (a console sign-in's `MFAUsed`); S3's is built from `s3`. */
  readonly additionalEventData?: Readonly<Record<string, unknown>>;
  readonly resources?: readonly RecordedResource[];
  readonly status: number;
  /** The error code answered (AWS's: `AccessDenied`, `NoSuchKey`, ...); undefined on success. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly decision?: RecordedDecision;
  /** The actions an allowed request was authorized for (`s3:PutObject`, ...): the access advisor's input. */
  readonly authorizedActions?: readonly string[];
  /** Which policy type decided a denial (`IdentityPolicy`, `ResourcePolicy`, `SCP`, `PermissionsBoundary`, ...). */
  readonly decidedBy?: string;
  /** Request body bytes received and response bytes sent (headers excluded). */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** From arrival to the last byte sent. */
  readonly totalTimeMs: number;
  /** From the last request byte received to the first response byte sent (S3's "Turn-Around Time"). */
  readonly turnAroundTimeMs?: number;
  /** The request completed (false: the connection was cut before the response ended). */
  readonly completed: boolean;
  /** S3 requests: what the access log line and data events need. */
  readonly s3?: RecordedS3Request;
}

export interface RecordedS3Request {
  readonly bucket?: string;
  /** The bucket owner's account and canonical user id (access logs name the owner by canonical id). */
  readonly bucketOwnerAccountId?: string;
  readonly bucketOwnerCanonicalId?: string;
  readonly key?: string;
  /** The version the request addressed or created. */
  readonly versionId?: string;
  /** The object's total size (GET, HEAD, PUT), whatever range was sent. */
  readonly objectSize?: number;
  /** `x-amz-id-2` of the response. */
  readonly hostId?: string;
  /** Whether an ACL was needed to allow the request (access logs' `aclRequired`: `Yes` or absent). */
  readonly aclRequired?: boolean;
  /** Access point ARN, when the request came through one (none today). */
  readonly accessPointArn?: string;
  /** The bucket's server access logging as the request saw it (read with the bucket at routing); absent: off. */
  readonly logging?: BucketLoggingConfig;
}

/** The record's names for the policy type that decided (the engine's `PolicyType`, or `root`). */
const DECIDED_BY: Readonly<Record<string, string>> = {
  identity: 'IdentityPolicy',
  resource: 'ResourcePolicy',
  boundary: 'PermissionsBoundary',
  session: 'SessionPolicy',
  scp: 'SCP',
  rcp: 'RCP',
  acl: 'ACL',
  root: 'Root',
};

export function decidedByName(policyType: string | undefined): string | undefined {
  return policyType === undefined ? undefined : (DECIDED_BY[policyType] ?? policyType);
}
