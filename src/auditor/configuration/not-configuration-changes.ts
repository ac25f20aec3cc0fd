/**
 * Write operations that change no configuration item the history keeps, each with the reason.
 * Together with CONFIGURATION_EVENT_RULES (configuration-events.ts) this accounts for every write
 * operation of the S3, S3 Control, IAM, KMS and Organizations protocols: configuration-events.test.ts
 * walks their operation lists and fails on one that is in neither.
 */
import { IAM_SOURCE, KMS_SOURCE, S3_SOURCE } from './configuration-events.js';

export interface NotAConfigurationChange {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  readonly why: string;
}

export const NOT_CONFIGURATION_CHANGES: readonly NotAConfigurationChange[] = [
  {
    eventSource: S3_SOURCE,
    eventNames: [
      'PutObject',
      'PostObject',
      'CopyObject',
      'DeleteObject',
      'DeleteObjects',
      'PutObjectAcl',
      'PutObjectTagging',
      'DeleteObjectTagging',
      'PutObjectRetention',
      'PutObjectLegalHold',
      'CreateMultipartUpload',
      'UploadPart',
      'UploadPartCopy',
      'CompleteMultipartUpload',
      'AbortMultipartUpload',
    ],
    why: 'Object-level data events: objects are not configuration items (AWS Config records buckets, not objects)',
  },
  {
    eventSource: S3_SOURCE,
    eventNames: ['OptionsObject'],
    why: 'A CORS preflight request: it reads the CORS configuration and changes nothing',
  },
  {
    eventSource: IAM_SOURCE,
    eventNames: ['ChangePassword'],
    why: "A user's own password: the login profile stays (its presence and reset flag are what the user describes)",
  },
  {
    eventSource: IAM_SOURCE,
    eventNames: [
      'ResyncMFADevice',
      'CreateVirtualMFADevice',
      'DeleteVirtualMFADevice',
      'TagMFADevice',
      'UntagMFADevice',
    ],
    why:
      'An MFA device joins or leaves a user only through EnableMFADevice / DeactivateMFADevice (mapped); an ' +
      'unassigned device, its tags and its clock are no user configuration (AWS Config has no MFA device type)',
  },
  {
    eventSource: IAM_SOURCE,
    eventNames: [
      'UpdateAccountPasswordPolicy',
      'DeleteAccountPasswordPolicy',
      'CreateAccountAlias',
      'DeleteAccountAlias',
    ],
    why: 'Account settings: no AWS Config resource type, and not among the resources issue #18 lists',
  },
  {
    eventSource: IAM_SOURCE,
    eventNames: [
      'CreateOpenIDConnectProvider',
      'DeleteOpenIDConnectProvider',
      'UpdateOpenIDConnectProviderThumbprint',
      'AddClientIDToOpenIDConnectProvider',
      'RemoveClientIDFromOpenIDConnectProvider',
      'TagOpenIDConnectProvider',
      'UntagOpenIDConnectProvider',
    ],
    why:
      'AWS::IAM::OIDCProvider is not a type this history describes (issue #18 lists users, groups, roles, ' +
      "policies); who may federate is in the roles' trust policies, which are recorded",
  },
  {
    eventSource: IAM_SOURCE,
    eventNames: ['CreateInstanceProfile', 'DeleteInstanceProfile', 'TagInstanceProfile', 'UntagInstanceProfile'],
    why:
      "AWS::IAM::InstanceProfile is not described; a role's instanceProfileList changes only through " +
      'AddRoleToInstanceProfile / RemoveRoleFromInstanceProfile (mapped); a profile holding a role cannot be deleted',
  },
  {
    eventSource: KMS_SOURCE,
    eventNames: ['CreateAlias', 'UpdateAlias', 'DeleteAlias'],
    why: "AWS::KMS::Alias is its own AWS Config type, not described here; a key's configuration lists no aliases",
  },
  {
    eventSource: KMS_SOURCE,
    eventNames: ['RotateKeyOnDemand'],
    why: "Adds key material; the key's configuration (rotation enabled, rotation period) is unchanged",
  },
];
