/**
 * Whether CloudTrail may deliver a trail's files into a bucket: the bucket must exist and its policy
 * must let the service principal `cloudtrail.amazonaws.com` read the bucket ACL and write objects
 * under `[prefix/]AWSLogs/<account>/`, with the condition keys CloudTrail sends. CreateTrail and
 * UpdateTrail ask before they accept a bucket; delivery asks again before each write, since a policy
 * can change after.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 */
import { ServicePrincipalAccess } from '../audit/service-principal-access.js';
import type { BucketRecord } from '../storage/ports.js';

export const CLOUDTRAIL_SERVICE_PRINCIPAL = 'cloudtrail.amazonaws.com';

export type TrailBucketAccess = 'Allowed' | 'NoSuchBucket' | 'Denied';

export interface TrailBucketAccessDeps {
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** Compiled bucket policies, kept across calls (delivery checks the same bucket again and again); default: a new one. */
  readonly access?: ServicePrincipalAccess;
  readonly now?: () => Date;
}

export interface TrailBucketAccessInput {
  readonly bucket: string;
  readonly keyPrefix?: string;
  readonly accountId: string;
  /** The trail's home region (where CloudTrail calls S3 from). */
  readonly region: string;
  readonly trailArn: string;
}

/**
 * The two requests CloudTrail makes, as AWS's documented bucket policy allows them: s3:GetBucketAcl on
 * the bucket, s3:PutObject on `arn:aws:s3:::<bucket>/[<prefix>/]AWSLogs/<account>/*` with
 * `s3:x-amz-acl: bucket-owner-full-control`; both with aws:SourceArn (the trail) and aws:SourceAccount.
 * Either one denied (no statement naming the service, or a Deny) is `Denied`.
 */
export async function checkTrailBucketAccess(
  deps: TrailBucketAccessDeps,
  input: TrailBucketAccessInput,
): Promise<TrailBucketAccess> {
  const bucket = await deps.getBucket(input.bucket);
  if (bucket === undefined) return 'NoSuchBucket';
  const access = deps.access ?? new ServicePrincipalAccess();
  const now = (deps.now ?? (() => new Date()))();
  const source = { 'aws:SourceArn': input.trailArn, 'aws:SourceAccount': input.accountId };
  const prefix = input.keyPrefix ? `${input.keyPrefix}/` : '';
  const requests = [
    { action: 's3:GetBucketAcl', resource: `arn:aws:s3:::${input.bucket}`, context: source },
    {
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${input.bucket}/${prefix}AWSLogs/${input.accountId}/*`,
      context: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' },
    },
  ];
  for (const r of requests) {
    const decision = access.decide({ bucket, service: CLOUDTRAIL_SERVICE_PRINCIPAL, now, ...r });
    if (decision !== 'Allow') return 'Denied';
  }
  return 'Allowed';
}
