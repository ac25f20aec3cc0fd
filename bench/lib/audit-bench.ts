/**
 * The audit trail's cost on the request path (issue #16): 4 KiB GET and PUT with a trail that logs
 * every S3 data event (each request's CloudTrail event written ahead of its response) against the same
 * server with that trail stopped. The two are measured round by round, alternately, seconds apart: the
 * trail is started and stopped between rounds (the recorder reads the trails again within a second).
 */
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { setTimeout as sleep } from 'node:timers/promises';
import { callJsonService, type JsonServiceTarget } from '../../src/cli/json-service-call.js';
import type { TargetAccess } from './small-object.js';

const TRAIL = 'bench-all-data-events';
/** Longer than the recorder's cache of logging trails (1 s). */
const SETTLE_MS = 1500;

export interface AuditSwitch {
  on(): Promise<void>;
  off(): Promise<void>;
}

/** A trail logging every S3 data event into a bucket of its own, stopped; `on`/`off` start and stop it. */
export async function createAuditTrail(access: TargetAccess, logBucket: string): Promise<AuditSwitch> {
  const endpoint = `http://${access.endpoint.host}:${access.endpoint.port}`;
  const config = { endpoint, region: access.region, credentials: access.credentials, maxAttempts: 1 };
  const sts = new STSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    const account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
    await s3.send(new CreateBucketCommand({ Bucket: logBucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: logBucket, Policy: JSON.stringify(trailBucketPolicy(logBucket, account)) }));
  } finally {
    s3.destroy();
    sts.destroy();
  }
  const target: JsonServiceTarget = {
    endpoint,
    region: access.region,
    credentials: access.credentials,
    service: 'cloudtrail',
    targetPrefix: 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101',
  };
  await callJsonService(target, 'CreateTrail', { Name: TRAIL, S3BucketName: logBucket });
  await callJsonService(target, 'PutEventSelectors', {
    TrailName: TRAIL,
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
  });
  return {
    async on() {
      await callJsonService(target, 'StartLogging', { Name: TRAIL });
      await sleep(SETTLE_MS);
    },
    async off() {
      await callJsonService(target, 'StopLogging', { Name: TRAIL });
      await sleep(SETTLE_MS);
    },
  };
}

/** The bucket policy AWS documents for CloudTrail (create-s3-bucket-policy-for-cloudtrail.html). */
function trailBucketPolicy(bucket: string, account: string): Record<string, unknown> {
  const principal = { Service: 'cloudtrail.amazonaws.com' };
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AWSCloudTrailAclCheck', Effect: 'Allow', Principal: principal, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
      {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: principal,
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  };
}
