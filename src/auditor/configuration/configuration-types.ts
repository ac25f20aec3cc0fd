/**
 * The configuration history's vocabulary (issue #18), in the shape of AWS Config's ConfigurationItem:
 * which resource an audit event changed (ResourceRef) and what that resource looks like now
 * (ResourceDescription). https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigurationItem.html
 */
import type { JsonObject, JsonValue } from '../../policy/json-source.js';

export type { JsonObject, JsonValue } from '../../policy/json-source.js';

/**
 * The resource types the history records. AWS Config's names (botocore `config/2014-11-12`
 * ResourceType) where it has them; AWS Config records no Organizations account, policy or organization
 * (only AWS::Organizations::OrganizationalUnit), so those use the CloudFormation type names.
 * Deviation from AWS: AWS Config has no AWS::Organizations::Account, ::Policy or ::Organization items.
 */
export const CONFIG_RESOURCE_TYPES = {
  bucket: 'AWS::S3::Bucket',
  accountPublicAccessBlock: 'AWS::S3::AccountPublicAccessBlock',
  user: 'AWS::IAM::User',
  group: 'AWS::IAM::Group',
  role: 'AWS::IAM::Role',
  policy: 'AWS::IAM::Policy',
  kmsKey: 'AWS::KMS::Key',
  organization: 'AWS::Organizations::Organization',
  organizationalUnit: 'AWS::Organizations::OrganizationalUnit',
  organizationAccount: 'AWS::Organizations::Account',
  organizationPolicy: 'AWS::Organizations::Policy',
} as const;

export type ConfigResourceType = (typeof CONFIG_RESOURCE_TYPES)[keyof typeof CONFIG_RESOURCE_TYPES];

/**
 * A resource an event changed. `name` is what the resource is looked up by: the bucket name; the IAM
 * user, group or role name; the policy ARN of an IAM managed policy; the KMS key id; the account id
 * of the account's Block Public Access; the policy, OU or member account id in Organizations; the
 * management account id for the organization itself (events about it do not all carry its id).
 * `accountId`: the account that owns the resource (for Organizations, the management account).
 */
export interface ResourceRef {
  readonly resourceType: ConfigResourceType;
  readonly accountId: string;
  readonly name: string;
}

/**
 * The resource as it is now, in AWS Config's field names. `configuration` and
 * `supplementaryConfiguration` are JSON objects (AWS Config sends them as JSON text; objects here,
 * so diffs are structural); policy documents inside them are parsed JSON.
 */
export interface ResourceDescription {
  readonly resourceType: ConfigResourceType;
  readonly resourceId: string;
  readonly resourceName: string;
  readonly arn: string;
  readonly awsRegion: string;
  readonly accountId: string;
  readonly resourceCreationTime?: Date;
  readonly tags: Readonly<Record<string, string>>;
  readonly configuration: JsonObject;
  readonly supplementaryConfiguration: Readonly<Record<string, JsonValue>>;
}

/** AWS Config's region for global resources (IAM): `global`. */
export const GLOBAL_REGION = 'global';
