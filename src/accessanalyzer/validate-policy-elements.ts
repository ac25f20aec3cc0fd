import { resourceFormatError } from '../policy/iam-policy-rules.js';
import { S3_IAM_ACTIONS } from '../policy/s3-actions.js';
import { parseTemplate } from '../policy/template.js';
import { compileWildcard } from '../policy/wildcard.js';
import type { ListElement, StatementModel, StringItem } from './validate-policy-model.js';
import { editDistance, hasVariable, hasWildcard, redundantItems } from './validate-policy-patterns.js';
import type { CheckContext, ValidatePolicyResourceType } from './validate-policy.js';

/**
 * Action / NotAction and Resource / NotResource values: the `service:action` form, the actions Strongbox
 * knows, the ARN form (arn:partition:service:region:account:resource) and the rules of IAM and S3 ARNs,
 * what a policy of a given resource type may name, redundant values, wildcards in service names.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 */

const S3_ACTIONS_LOWER: ReadonlyMap<string, string> = new Map(
  [...S3_IAM_ACTIONS.keys()].map((a) => [a.toLowerCase(), a]),
);

/**
 * Services whose actions an RCP may name ("List of AWS services that support RCPs").
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services
 */
const RCP_SERVICES: ReadonlySet<string> = new Set([
  's3', 'sts', 'kms', 'sqs', 'secretsmanager', 'ecr', 'aoss', 'cognito-identity', 'logs', 'dynamodb',
]);

/** The service prefix of the actions and ARNs a resource policy of each type may name. */
const RESOURCE_TYPE_SERVICES: Readonly<Record<ValidatePolicyResourceType, string>> = {
  'AWS::S3::Bucket': 's3',
  'AWS::S3::AccessPoint': 's3',
  'AWS::S3::MultiRegionAccessPoint': 's3',
  'AWS::S3ObjectLambda::AccessPoint': 's3-object-lambda',
  'AWS::IAM::AssumeRolePolicyDocument': 'sts',
  'AWS::DynamoDB::Table': 'dynamodb',
};

/** The partitions IAM accepts (src/policy/iam-policy-rules.ts). */
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f'];

/** S3 resource types other than buckets and objects: they carry a Region and an account. */
const S3_OTHER_RESOURCES = [
  'accesspoint/', 'job/', 'storage-lens/', 'storage-lens-group/', 'async-request/', 'access-grants/', 'outpost/',
];

export function checkActions(ctx: CheckContext, s: StatementModel): void {
  for (const list of [s.action, s.notAction]) {
    if (!list) continue;
    for (const item of list.items) checkAction(ctx, list, item);
  }
  if (s.action) {
    const redundant = redundantItems(s.action.items, { ignoreCase: true });
    if (redundant.length > 0) {
      ctx.report('REDUNDANT_ACTION', redundant.map((i) => i.location), {
        redundantActionCount: String(redundant.length),
        redundantAction: redundant[0].value,
      });
    }
  }
}

function checkAction(ctx: CheckContext, list: ListElement, item: StringItem): void {
  const v = item.value;
  if (v === '*' || hasVariable(v)) return;
  const parts = v.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    ctx.report('INVALID_ACTION', [item.location], { action: v });
    return;
  }
  const service = parts[0];
  if (ctx.policyType === 'SERVICE_CONTROL_POLICY' && !wildcardOnlyAtEnd(v)) {
    ctx.report('SCP_SYNTAX_ERROR_ACTION_WILDCARD', [item.location], { action: v });
  }
  if (hasWildcard(service)) {
    ctx.report('WILDCARD_IN_SERVICE_NAME', [item.location]);
    return;
  }
  if (!/^[A-Za-z0-9.-]+$/.test(service)) {
    ctx.report('INVALID_SERVICE_IN_ACTION', [item.location], { service });
    return;
  }
  const lower = service.toLowerCase();
  if (lower === 's3' && !s3ActionExists(v)) {
    ctx.report('INVALID_ACTION', [item.location], { action: v, suggestion: suggestS3Action(v) });
  }
  if (ctx.policyType === 'RESOURCE_CONTROL_POLICY' && list.name === 'Action' && !RCP_SERVICES.has(lower)) {
    ctx.report('RCP_SYNTAX_ERROR_ACTION', [item.location]);
  }
  const required = ctx.resourceType && RESOURCE_TYPE_SERVICES[ctx.resourceType];
  if (required && lower !== required) {
    ctx.report('UNSUPPORTED_ACTION_IN_POLICY', [item.location], { action: v, resourceType: ctx.resourceType ?? '' });
  }
}

/** SCP actions "can include wildcards (*) only at the end of a string": `iam:Get*`, not `iam:*role`. */
function wildcardOnlyAtEnd(v: string): boolean {
  const first = v.search(/[*?]/);
  return first < 0 || (first === v.length - 1 && v[first] === '*');
}

/**
 * Deviation from AWS: Strongbox knows the S3 actions of the operations it serves (S3_IAM_ACTIONS, also
 * what PutBucketPolicy accepts); an S3 action outside that list is reported as not existing.
 */
function s3ActionExists(action: string): boolean {
  const lower = action.toLowerCase();
  if (!hasWildcard(lower)) return S3_ACTIONS_LOWER.has(lower);
  const matcher = compileWildcard(parseTemplate(lower, '2008-10-17'), { ignoreCase: true });
  for (const a of S3_ACTIONS_LOWER.keys()) if (matcher.test(a, 0, a.length, undefined) === true) return true;
  return false;
}

/** " Did you mean s3:GetObject?" for a near miss (at most two edits), else nothing. */
function suggestS3Action(action: string): string {
  if (hasWildcard(action) || action.length > 128) return '';
  const lower = action.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const [l, name] of S3_ACTIONS_LOWER) {
    const distance = editDistance(lower, l);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best ? ` Did you mean ${best.name}?` : '';
}

export function checkResources(ctx: CheckContext, s: StatementModel): void {
  for (const list of [s.resource, s.notResource]) {
    if (!list) continue;
    for (const item of list.items) {
      if (checkArn(ctx, item)) checkResourceType(ctx, item);
    }
  }
  if (s.resource) {
    const redundant = redundantItems(s.resource.items, { ignoreCase: false });
    if (redundant.length > 0) {
      const params = { redundantResourceCount: String(redundant.length) };
      ctx.report('REDUNDANT_RESOURCE', redundant.map((i) => i.location), params);
    }
  }
}

/** One finding per value, the first problem in reading order; true when the ARN is well formed. */
function checkArn(ctx: CheckContext, item: StringItem): boolean {
  const v = item.value;
  if (v === '*') return true;
  const fail = (code: Parameters<CheckContext['report']>[0], params?: Record<string, string>): false => {
    ctx.report(code, [item.location], params);
    return false;
  };
  if (!v.startsWith('arn:')) return fail('INVALID_ARN_PREFIX');
  const parts = v.split(':');
  if (parts.length < 6) return fail('MISSING_ARN_FIELD', { fields: '6' });
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  const literal = (x: string): boolean => !hasWildcard(x) && !hasVariable(x);
  if (literal(partition) && !PARTITIONS.includes(partition)) {
    return fail('INVALID_PARTITION', { service, partition, partitions: PARTITIONS.join(', ') });
  }
  if (!literal(service)) return fail('WILDCARD_IN_SERVICE_NAME');
  if (service !== service.toLowerCase()) return fail('INVALID_ARN_SERVICE_CASE', { service });
  if (service === 's3' && !S3_OTHER_RESOURCES.some((p) => resource.startsWith(p))) {
    // Bucket and object ARNs: "Amazon S3 does not support an account ID as a namespace in bucket ARNs".
    if (region !== '') return fail('ARN_REGION_NOT_ALLOWED', { service });
    if (account !== '') return fail('ARN_ACCOUNT_NOT_ALLOWED', { service });
    if (resource === '') return fail('INVALID_ARN_RESOURCE');
    return true;
  }
  if (service === 'iam' || service === 'sts') {
    if (region !== '') return fail('ARN_REGION_NOT_ALLOWED', { service });
    if (account === '') return fail('MISSING_ARN_ACCOUNT', { resourceName: resource });
  }
  const badAccount = account !== '' && literal(account) && account !== 'aws' && !/^\d{12}$/.test(account);
  if (badAccount) return fail('INVALID_ARN_ACCOUNT', { account });
  // What else IAM refuses in its own ARNs: a resource path that names no IAM resource type.
  if (service === 'iam' && resourceFormatError(v) !== undefined) return fail('INVALID_ARN_RESOURCE');
  return true;
}

/** A resource policy of a given type names only that service's resources (an S3 bucket policy, S3 ARNs). */
function checkResourceType(ctx: CheckContext, item: StringItem): void {
  const required = ctx.resourceType && RESOURCE_TYPE_SERVICES[ctx.resourceType];
  if (!required || item.value === '*') return;
  const service = item.value.split(':')[2];
  if (service !== required) {
    ctx.report('UNSUPPORTED_RESOURCE_ARN_IN_POLICY', [item.location], { resourceType: ctx.resourceType ?? '' });
  }
}
