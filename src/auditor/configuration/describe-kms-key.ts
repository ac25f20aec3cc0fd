/**
 * A KMS key as AWS Config describes it (AWS::KMS::Key: KeyMetadata in lowerCamelCase, and
 * supplementaryConfiguration.KeyRotationStatus).
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
 * https://github.com/awslabs/aws-config-resource-schema (AWS::KMS::Key.properties.json)
 *
 * Deviation from AWS (additions): the key policy (supplementaryConfiguration.KeyPolicy, parsed) and the rotation
 * period: PutKeyPolicy and EnableKeyRotation are the changes issue #18 asks to record. Left out: the
 * next rotation date and the current key material, which automatic rotation moves with no event.
 */
import { keyArn } from '../../kms/kms-arns.js';
import type { KeyRecord } from '../../kms/key-types.js';
import { CONFIG_RESOURCE_TYPES, type ResourceDescription } from './configuration-types.js';
import { iso, policyJson, tagMap } from './description-parts.js';

export function describeKmsKey(key: KeyRecord): ResourceDescription {
  const arn = keyArn(key.region, key.accountId, key.keyId);
  const pending = key.state === 'PendingDeletion';
  return {
    resourceType: CONFIG_RESOURCE_TYPES.kmsKey,
    resourceId: key.keyId,
    resourceName: key.keyId,
    arn,
    awsRegion: key.region,
    accountId: key.accountId,
    resourceCreationTime: key.createdAt,
    tags: tagMap(key.tags.map((t) => [t.TagKey, t.TagValue])),
    configuration: {
      awsaccountId: key.accountId,
      keyId: key.keyId,
      arn,
      creationDate: iso(key.createdAt),
      enabled: key.state === 'Enabled',
      description: key.description,
      keyUsage: 'ENCRYPT_DECRYPT',
      keyState: key.state,
      deletionDate: pending && key.deletionDate !== undefined ? iso(key.deletionDate) : null,
      pendingDeletionWindowInDays: pending ? (key.pendingWindowDays ?? null) : null,
      origin: 'AWS_KMS',
      keyManager: key.keyManager,
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      keySpec: 'SYMMETRIC_DEFAULT',
      encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      multiRegion: false,
    },
    supplementaryConfiguration: {
      KeyRotationStatus: key.rotation.enabled,
      RotationPeriodInDays: key.rotation.periodDays ?? null,
      KeyPolicy: policyJson(key.policy),
    },
  };
}
