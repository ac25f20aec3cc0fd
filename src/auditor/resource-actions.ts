import { S3_IAM_ACTIONS } from '../policy/s3-actions.js';

/** The resource types the external access analysis covers (Access Analyzer's ResourceType names). */
export type AnalyzedResourceType = 'AWS::S3::Bucket' | 'AWS::IAM::Role' | 'AWS::KMS::Key';

/** An action a resource policy can grant on the resource, and the ARN it is requested on. */
export interface ResourceAction {
  readonly name: string;
  readonly resource: string;
}

/**
 * The actions that reach a resource through its policy: S3's bucket and object actions (objects as
 * `<bucket ARN>/*`), the AssumeRole family through a trust policy, a KMS key's actions.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
 */
export function actionsOf(type: AnalyzedResourceType, arn: string): readonly ResourceAction[] {
  switch (type) {
    case 'AWS::S3::Bucket':
      return S3_ACTIONS.map((a) => ({ name: a.name, resource: a.on === 'object' ? `${arn}/*` : arn }));
    case 'AWS::IAM::Role':
      return STS_TRUST_ACTIONS.map((name) => ({ name, resource: arn }));
    case 'AWS::KMS::Key':
      return KMS_KEY_ACTIONS.map((name) => ({ name: `kms:${name}`, resource: arn }));
  }
}

const S3_ACTIONS = [...S3_IAM_ACTIONS]
  .filter(([, on]) => on !== 'none')
  .map(([name, on]) => ({ name, on }))
  .sort((a, b) => a.name.localeCompare(b.name));

/** What a trust policy lets a principal do with the role. */
const STS_TRUST_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:SetContext',
  'sts:SetSourceIdentity',
  'sts:TagSession',
];

/** KMS actions on a key (resource type `key` in the Service Authorization Reference). */
const KMS_KEY_ACTIONS = [
  'CancelKeyDeletion',
  'ConnectCustomKeyStore',
  'CreateAlias',
  'CreateGrant',
  'Decrypt',
  'DeleteAlias',
  'DeleteImportedKeyMaterial',
  'DeriveSharedSecret',
  'DescribeKey',
  'DisableKey',
  'DisableKeyRotation',
  'EnableKey',
  'EnableKeyRotation',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'GetParametersForImport',
  'GetPublicKey',
  'ImportKeyMaterial',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListResourceTags',
  'PutKeyPolicy',
  'ReEncryptFrom',
  'ReEncryptTo',
  'ReplicateKey',
  'RetireGrant',
  'RevokeGrant',
  'RotateKeyOnDemand',
  'ScheduleKeyDeletion',
  'Sign',
  'TagResource',
  'UntagResource',
  'UpdateAlias',
  'UpdateKeyDescription',
  'UpdatePrimaryRegion',
  'Verify',
  'VerifyMac',
];
