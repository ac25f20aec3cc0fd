/**
 * The settings members of CreateTrail and UpdateTrail, read and checked. What Strongbox cannot do is
 * refused with the code AWS gives when the thing named cannot be used.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateTrail.html
 */
import type { JsonInput } from '../json-protocol/json-input.js';
import { cloudTrailError } from './cloudtrail-errors.js';
import { checkBucketName, checkKeyPrefix } from './trail-names.js';

/** Settings a request gave; absent members leave a trail's setting as it is (UpdateTrail). */
export interface TrailSettings {
  readonly s3BucketName?: string;
  /** `null`: UpdateTrail with an empty prefix removes it. */
  readonly s3KeyPrefix?: string | null;
  readonly includeGlobalServiceEvents?: boolean;
  readonly isMultiRegionTrail?: boolean;
  readonly logFileValidationEnabled?: boolean;
  readonly kmsKeyId?: string | null;
}

export function readTrailSettings(input: JsonInput): TrailSettings {
  refuseUnsupported(input);
  const bucket = input.optionalString('S3BucketName');
  const prefix = input.optionalString('S3KeyPrefix');
  const kms = input.optionalString('KmsKeyId');
  return {
    ...(bucket !== undefined ? { s3BucketName: checkBucketName(bucket) } : {}),
    ...(prefix !== undefined ? { s3KeyPrefix: prefix === '' ? null : checkKeyPrefix(prefix) } : {}),
    ...optionalBoolean(input, 'IncludeGlobalServiceEvents', 'includeGlobalServiceEvents'),
    ...optionalBoolean(input, 'IsMultiRegionTrail', 'isMultiRegionTrail'),
    ...optionalBoolean(input, 'EnableLogFileValidation', 'logFileValidationEnabled'),
    ...(kms !== undefined ? { kmsKeyId: kms === '' ? null : kms } : {}),
  };
}

function optionalBoolean<K extends keyof TrailSettings>(input: JsonInput, member: string, key: K): Partial<TrailSettings> {
  const v = input.optionalBoolean(member);
  return v === undefined ? {} : { [key]: v };
}

/**
 * Deviation from AWS: Strongbox has no SNS, no CloudWatch Logs and no organization trails. A topic
 * cannot exist, so a trail naming one gets what AWS answers for a missing topic
 * (InsufficientSnsTopicPolicyException); CloudWatch Logs delivery is unavailable
 * (CloudWatchLogsDeliveryUnavailableException); an organization trail is UnsupportedOperationException.
 */
function refuseUnsupported(input: JsonInput): void {
  const sns = input.optionalString('SnsTopicName');
  if (sns !== undefined && sns !== '') throw cloudTrailError('InsufficientSnsTopicPolicyException');
  const group = input.optionalString('CloudWatchLogsLogGroupArn');
  const role = input.optionalString('CloudWatchLogsRoleArn');
  if ((group !== undefined && group !== '') || (role !== undefined && role !== '')) {
    throw cloudTrailError('CloudWatchLogsDeliveryUnavailableException');
  }
  if (input.optionalBoolean('IsOrganizationTrail') === true) {
    throw cloudTrailError('UnsupportedOperationException', { message: 'Organization trails are not supported.' });
  }
}

/**
 * "A multi-Region trail must include global service events": IsMultiRegionTrail with
 * IncludeGlobalServiceEvents false is InvalidParameterCombinationException.
 */
export function checkCombination(s: { includeGlobalServiceEvents: boolean; isMultiRegionTrail: boolean }): void {
  if (s.isMultiRegionTrail && !s.includeGlobalServiceEvents) {
    throw cloudTrailError('InvalidParameterCombinationException', {
      message: 'Multi-Region trail must include global service events.',
    });
  }
}

/** Tags on a trail (quota 50); keys 1..128 and values up to 256 characters, `aws:` reserved. */
export const MAX_TAGS = 50;

export function readTags(input: JsonInput): { Key: string; Value: string }[] {
  const list = input.optionalStructureList('TagsList') ?? [];
  const tags = list.map((t) => {
    const Key = t.optionalString('Key');
    const Value = t.optionalString('Value') ?? '';
    if (Key === undefined || Key.length < 1 || Key.length > 128 || Value.length > 256 || Key.startsWith('aws:')) {
      throw cloudTrailError('InvalidTagParameterException');
    }
    return { Key, Value };
  });
  if (tags.length > MAX_TAGS) throw cloudTrailError('TagsLimitExceededException');
  return tags;
}

/** aws:RequestTag/<key> and aws:TagKeys of a request that tags the trail it creates. */
export function requestTagContext(tags: readonly { Key: string; Value: string }[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  const out: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) out[`aws:RequestTag/${t.Key}`] = t.Value;
  return out;
}
