/**
 * Which resources each write event changes, as a table: event source and names → the resources, and
 * where in the event each one's name is. The names are the operations Strongbox records as
 * `eventName` (src/s3/operations.ts, src/s3control/*-ops.ts, src/iam/iam-protocol.ts,
 * src/kms/kms-protocol.ts, src/organizations/organizations-protocol.ts), plus the names AWS's own
 * trails use where they differ (PutBucketPublicAccessBlock, PutAccountPublicAccessBlock,
 * PutBucketLifecycle), so an event from AWS maps too. The parameter paths are CloudTrail's
 * (src/audit/audit-parameters.ts: members in lowerCamelCase; S3: `bucketName`).
 * configuration-events.test.ts holds every write operation of those protocols to this table or to
 * NOT_CONFIGURATION_CHANGES (not-configuration-changes.ts).
 */
import { DEFAULT_POLICY_IDS } from '../../iam/store/organization-types.js';
import { CONFIG_RESOURCE_TYPES as T, type ConfigResourceType } from './configuration-types.js';

/** Where a resource's name is in an event. */
export type NameSource =
  /** A dotted path in requestParameters; `lookup` maps the value found (a policy type → its default policy). */
  | { readonly request: string; readonly lookup?: Readonly<Record<string, string | undefined>> }
  /** A dotted path in responseElements (what a Create* answered: the new id). */
  | { readonly response: string }
  /** The ARN of the event's `resources` entry of this CloudTrail type (S3 Control names buckets only there). */
  | { readonly eventResource: string }
  /** The account the event belongs to (`recipientAccountId`). */
  | { readonly recipientAccount: true }
  /** An IAM user acting on itself: IAM takes the user from the signing key when UserName is absent. */
  | { readonly callerUserName: true };

export interface ChangedResource {
  readonly resourceType: ConfigResourceType;
  /** Tried in order: the first that names something is the resource. */
  readonly name: readonly NameSource[];
  /** Only when this request parameter is absent. */
  readonly when?: { readonly requestAbsent: string };
}

export interface ConfigurationEventRule {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  readonly changes: readonly ChangedResource[];
}

export const S3_SOURCE = 's3.amazonaws.com';
export const IAM_SOURCE = 'iam.amazonaws.com';
export const KMS_SOURCE = 'kms.amazonaws.com';
export const ORGANIZATIONS_SOURCE = 'organizations.amazonaws.com';

const bucket: ChangedResource = { resourceType: T.bucket, name: [{ request: 'bucketName' }] };
const accountBlock: ChangedResource = { resourceType: T.accountPublicAccessBlock, name: [{ recipientAccount: true }] };
const user: ChangedResource = { resourceType: T.user, name: [{ request: 'userName' }] };
const userOrCaller: ChangedResource = {
  resourceType: T.user,
  name: [{ request: 'userName' }, { callerUserName: true }],
};
const group: ChangedResource = { resourceType: T.group, name: [{ request: 'groupName' }] };
const role: ChangedResource = { resourceType: T.role, name: [{ request: 'roleName' }] };
const policy: ChangedResource = { resourceType: T.policy, name: [{ request: 'policyArn' }] };
const kmsKey: ChangedResource = { resourceType: T.kmsKey, name: [{ eventResource: T.kmsKey }, { request: 'keyId' }] };
const organization: ChangedResource = { resourceType: T.organization, name: [{ recipientAccount: true }] };
const orgPolicy: ChangedResource = { resourceType: T.organizationPolicy, name: [{ request: 'policyId' }] };
const orgUnit: ChangedResource = { resourceType: T.organizationalUnit, name: [{ request: 'organizationalUnitId' }] };

const rule = (eventSource: string, eventNames: readonly string[], changes: readonly ChangedResource[]) => ({
  eventSource,
  eventNames,
  changes,
});

/** https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html (bucket-level actions) */
const S3_RULES: readonly ConfigurationEventRule[] = [
  rule(
    S3_SOURCE,
    [
      'CreateBucket',
      'DeleteBucket',
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'PutBucketAcl',
      'PutBucketOwnershipControls',
      'DeleteBucketOwnershipControls',
      'PutBucketEncryption',
      'DeleteBucketEncryption',
      'PutBucketVersioning',
      'PutObjectLockConfiguration',
      'PutBucketLifecycleConfiguration',
      'PutBucketLifecycle',
      'DeleteBucketLifecycle',
      'PutBucketLogging',
      'PutBucketWebsite',
      'DeleteBucketWebsite',
      'PutBucketTagging',
      'DeleteBucketTagging',
      'PutBucketCors',
      'DeleteBucketCors',
      'PutBucketAbac',
      'PutBucketPublicAccessBlock',
      'DeleteBucketPublicAccessBlock',
    ],
    [bucket],
  ),
  // Strongbox records S3's PutPublicAccessBlock and S3 Control's under one name: the bucket-level call
  // names a bucket, the account-level one does not (its parameters are the account's).
  rule(
    S3_SOURCE,
    ['PutPublicAccessBlock', 'DeletePublicAccessBlock'],
    [bucket, { ...accountBlock, when: { requestAbsent: 'bucketName' } }],
  ),
  // AWS's trails name the account-level calls so (API_control_PutPublicAccessBlock.html).
  rule(S3_SOURCE, ['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock'], [accountBlock]),
  // S3 Control's tagging of general purpose buckets: the bucket is the event's resource.
  rule(S3_SOURCE, ['TagResource', 'UntagResource'], [{ resourceType: T.bucket, name: [{ eventResource: T.bucket }] }]),
];

/** https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html */
const IAM_RULES: readonly ConfigurationEventRule[] = [
  rule(
    IAM_SOURCE,
    [
      'CreateUser',
      'DeleteUser',
      'TagUser',
      'UntagUser',
      'PutUserPolicy',
      'DeleteUserPolicy',
      'AddUserToGroup',
      'RemoveUserFromGroup',
      'EnableMFADevice',
      'PutUserPermissionsBoundary',
      'DeleteUserPermissionsBoundary',
    ],
    [user],
  ),
  rule(IAM_SOURCE, ['UpdateUser'], [user, { resourceType: T.user, name: [{ request: 'newUserName' }] }]),
  rule(
    IAM_SOURCE,
    [
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'DeleteLoginProfile',
      'DeactivateMFADevice',
    ],
    [userOrCaller],
  ),
  rule(IAM_SOURCE, ['AttachUserPolicy', 'DetachUserPolicy'], [user, policy]),
  rule(IAM_SOURCE, ['CreateGroup', 'DeleteGroup', 'PutGroupPolicy', 'DeleteGroupPolicy'], [group]),
  rule(IAM_SOURCE, ['UpdateGroup'], [group, { resourceType: T.group, name: [{ request: 'newGroupName' }] }]),
  rule(IAM_SOURCE, ['AttachGroupPolicy', 'DetachGroupPolicy'], [group, policy]),
  rule(
    IAM_SOURCE,
    [
      'CreateRole',
      'DeleteRole',
      'UpdateRole',
      'UpdateRoleDescription',
      'UpdateAssumeRolePolicy',
      'TagRole',
      'UntagRole',
      'PutRolePolicy',
      'DeleteRolePolicy',
      'PutRolePermissionsBoundary',
      'DeleteRolePermissionsBoundary',
      'AddRoleToInstanceProfile',
      'RemoveRoleFromInstanceProfile',
    ],
    [role],
  ),
  rule(IAM_SOURCE, ['AttachRolePolicy', 'DetachRolePolicy'], [role, policy]),
  rule(IAM_SOURCE, ['CreatePolicy'], [{ resourceType: T.policy, name: [{ response: 'policy.arn' }] }]),
  rule(
    IAM_SOURCE,
    [
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'SetDefaultPolicyVersion',
      'TagPolicy',
      'UntagPolicy',
    ],
    [policy],
  ),
  // Centralized root access: settings of the organization, made through IAM by the management account.
  rule(
    IAM_SOURCE,
    [
      'EnableOrganizationsRootCredentialsManagement',
      'DisableOrganizationsRootCredentialsManagement',
      'EnableOrganizationsRootSessions',
      'DisableOrganizationsRootSessions',
    ],
    [organization],
  ),
];

/** https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html */
const KMS_RULES: readonly ConfigurationEventRule[] = [
  rule(KMS_SOURCE, ['CreateKey'], [{ resourceType: T.kmsKey, name: [{ response: 'keyMetadata.keyId' }] }]),
  rule(
    KMS_SOURCE,
    [
      'EnableKey',
      'DisableKey',
      'UpdateKeyDescription',
      'ScheduleKeyDeletion',
      'CancelKeyDeletion',
      'PutKeyPolicy',
      'EnableKeyRotation',
      'DisableKeyRotation',
      'TagResource',
      'UntagResource',
    ],
    [kmsKey],
  ),
];

/** https://docs.aws.amazon.com/organizations/latest/userguide/orgs_cloudtrail-integration.html */
const ORGANIZATIONS_RULES: readonly ConfigurationEventRule[] = [
  // CreateAccount answers IN_PROGRESS without the account id: the new member shows in the organization.
  rule(
    ORGANIZATIONS_SOURCE,
    ['CreateOrganization', 'DeleteOrganization', 'EnableAWSServiceAccess', 'DisableAWSServiceAccess', 'CreateAccount'],
    [organization],
  ),
  // Enabling a type attaches its default policy (FullAWSAccess) everywhere; disabling detaches the type's policies.
  rule(
    ORGANIZATIONS_SOURCE,
    ['EnablePolicyType', 'DisablePolicyType'],
    [
      organization,
      { resourceType: T.organizationPolicy, name: [{ request: 'policyType', lookup: DEFAULT_POLICY_IDS }] },
    ],
  ),
  rule(
    ORGANIZATIONS_SOURCE,
    ['MoveAccount'],
    [{ resourceType: T.organizationAccount, name: [{ request: 'accountId' }] }],
  ),
  rule(
    ORGANIZATIONS_SOURCE,
    ['CreateOrganizationalUnit'],
    [{ resourceType: T.organizationalUnit, name: [{ response: 'organizationalUnit.id' }] }],
  ),
  rule(ORGANIZATIONS_SOURCE, ['UpdateOrganizationalUnit', 'DeleteOrganizationalUnit'], [orgUnit]),
  rule(
    ORGANIZATIONS_SOURCE,
    ['CreatePolicy'],
    [{ resourceType: T.organizationPolicy, name: [{ response: 'policy.policySummary.id' }] }],
  ),
  // A policy's targets are part of the policy (CloudFormation's TargetIds), not of each target.
  rule(ORGANIZATIONS_SOURCE, ['UpdatePolicy', 'DeletePolicy', 'AttachPolicy', 'DetachPolicy'], [orgPolicy]),
];

export const CONFIGURATION_EVENT_RULES: readonly ConfigurationEventRule[] = [
  ...S3_RULES,
  ...IAM_RULES,
  ...KMS_RULES,
  ...ORGANIZATIONS_RULES,
];

/** `eventSource eventName` → what it changes; built once from the table. */
export const CONFIGURATION_EVENTS: ReadonlyMap<string, readonly ChangedResource[]> = new Map(
  CONFIGURATION_EVENT_RULES.flatMap((r) => r.eventNames.map((n) => [eventKey(r.eventSource, n), r.changes] as const)),
);

export function eventKey(eventSource: string, eventName: string): string {
  return `${eventSource} ${eventName}`;
}
