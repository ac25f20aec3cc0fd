import { ServiceError } from '../errors/service-error.js';
import { parseOperatorName } from '../policy/condition/operator-name.js';
import type { ConditionEntry, PolicyDocument, PolicyStatement } from '../policy/policy-document.js';
import { isPublicPolicyDocument } from '../policy/public-policy.js';
import { actionPattern, ACTION_OPS, inSet, setsDisjoint } from './policy-check-patterns.js';
import { checkStatements } from './policy-check-region.js';

/**
 * CheckNoPublicAccess's reasoning: which Allow statements of a resource policy grant the resource
 * type's access to the public. A statement is public when
 * - it can allow an action of the resource type's service (a trust policy: `sts:AssumeRole*`), and
 * - its principal is not fixed (`*`, `{"AWS": "*"}`, NotPrincipal) and no condition pins the caller.
 * "Fixed" and "pins" are S3's "meaning of public" (src/policy/public-policy.ts), which IAM Access Analyzer
 * applies to every resource type it supports (aws:SourceIp, aws:SourceVpc(e), aws:PrincipalAccount,
 * aws:PrincipalOrgID, aws:PrincipalArn, aws:SourceArn, aws:SourceAccount, ... with fixed values); a KMS
 * key policy is also pinned by kms:CallerAccount, and any policy by aws:SourceOrgID / aws:SourceOrgPaths.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 *
 * Deviation from AWS: Deny statements are not weighed against the Allows (a Deny that only lets a VPC
 * endpoint through can make AWS answer PASS where we answer FAIL); we never answer PASS for a policy
 * that grants public access.
 */

/** botocore's AccessCheckResourceType, with the IAM action prefix each type's access goes through. */
const RESOURCE_TYPE_ACTIONS: Readonly<Record<string, string>> = {
  'AWS::DynamoDB::Table': 'dynamodb:*',
  'AWS::DynamoDB::Stream': 'dynamodb:*',
  'AWS::EFS::FileSystem': 'elasticfilesystem:*',
  'AWS::OpenSearchService::Domain': 'es:*',
  'AWS::Kinesis::Stream': 'kinesis:*',
  'AWS::Kinesis::StreamConsumer': 'kinesis:*',
  'AWS::KMS::Key': 'kms:*',
  'AWS::Lambda::Function': 'lambda:*',
  'AWS::S3::Bucket': 's3:*',
  'AWS::S3::AccessPoint': 's3:*',
  'AWS::S3Express::DirectoryBucket': 's3express:*',
  'AWS::S3::Glacier': 'glacier:*',
  'AWS::S3Outposts::Bucket': 's3-outposts:*',
  'AWS::S3Outposts::AccessPoint': 's3-outposts:*',
  'AWS::SecretsManager::Secret': 'secretsmanager:*',
  'AWS::SNS::Topic': 'sns:*',
  'AWS::SQS::Queue': 'sqs:*',
  // Only the AssumeRole* actions let a caller in through a trust policy.
  'AWS::IAM::AssumeRolePolicyDocument': 'sts:AssumeRole*',
  'AWS::S3Tables::TableBucket': 's3tables:*',
  'AWS::ApiGateway::RestApi': 'execute-api:*',
  'AWS::CodeArtifact::Domain': 'codeartifact:*',
  'AWS::Backup::BackupVault': 'backup:*',
  'AWS::CloudTrail::Dashboard': 'cloudtrail:*',
  'AWS::CloudTrail::EventDataStore': 'cloudtrail:*',
  'AWS::S3Tables::Table': 's3tables:*',
  'AWS::S3Express::AccessPoint': 's3express:*',
};

export const ACCESS_CHECK_RESOURCE_TYPES: readonly string[] = Object.keys(RESOURCE_TYPE_ACTIONS);

/** The model's answer to a value outside the AccessCheckResourceType enum. */
export function unsupportedResourceType(resourceType: string): ServiceError {
  const message =
    `1 validation error detected: Value '${resourceType}' at 'resourceType' failed to satisfy constraint: ` +
    `Member must satisfy enum value set: [${ACCESS_CHECK_RESOURCE_TYPES.join(', ')}]`;
  return new ServiceError('ValidationException', message, 400, { fields: { reason: 'fieldValidationFailed' } });
}

/** Keys that pin the caller beyond S3's list, per resource type ('*': every type). */
const EXTRA_PINNING_KEYS: readonly { readonly key: string; readonly types: string }[] = [
  { key: 'kms:calleraccount', types: 'AWS::KMS::Key' },
  { key: 'aws:sourceorgid', types: '*' },
  { key: 'aws:sourceorgpaths', types: '*' },
];
const PINNING_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
]);

function pinsForType(c: ConditionEntry, resourceType: string): boolean {
  const key = c.key.toLowerCase();
  if (!EXTRA_PINNING_KEYS.some((k) => k.key === key && (k.types === '*' || k.types === resourceType))) return false;
  const op = parseOperatorName(c.operator);
  if (!op || op.ifExists || op.qualifier === 'ForAllValues' || !PINNING_OPERATORS.has(op.base)) return false;
  if (c.values.length === 0) return false;
  return c.values.every((v) => !/[*?]|\$\{/.test(v));
}

/** The indexes of the statements of `doc` that grant public access to `resourceType`, in order. */
export function publicStatements(doc: PolicyDocument, resourceType: string): number[] {
  const actions = RESOURCE_TYPE_ACTIONS[resourceType];
  if (actions === undefined) throw unsupportedResourceType(resourceType);
  const typeActions = inSet([actionPattern(actions)]);
  const statements = checkStatements(doc);
  const out: number[] = [];
  doc.statements.forEach((st: PolicyStatement, i) => {
    if (st.effect !== 'Allow' || setsDisjoint(ACTION_OPS, statements[i].actions, typeActions)) return;
    if (!isPublicPolicyDocument({ ...doc, statements: [st] })) return;
    if (st.conditions.some((c) => pinsForType(c, resourceType))) return;
    out.push(i);
  });
  return out;
}
