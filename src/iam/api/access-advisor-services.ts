/**
 * What a report lists: the services (and, at ACTION_LEVEL, the tracked actions) that the Allow
 * statements of a set of identity policies name. Pure.
 *
 * AWS: "Service last accessed data does not use other policy types when determining whether a resource
 * could access a service [...] It only applies permissions policy logic" (API_GetServiceLastAccessedDetails).
 * Which services the Allow statements reach is decided by their Action / NotAction alone: Resource and
 * Condition do not remove a service from the list.
 */
import { compileActionPatterns } from '../../policy/action-matcher.js';
import type { PolicyDocument, PolicyStatement } from '../../policy/policy-document.js';
import { S3_IAM_ACTIONS } from '../../policy/s3-actions.js';

/** ServiceName as AWS writes it (botocore's iam examples: "Amazon Simple Storage Service", ...). */
const SERVICE_NAMES: ReadonlyMap<string, string> = new Map([
  ['cloudtrail', 'AWS CloudTrail'],
  ['iam', 'AWS Identity and Access Management'],
  ['kms', 'AWS Key Management Service'],
  ['organizations', 'AWS Organizations'],
  ['s3', 'Amazon Simple Storage Service'],
  ['sts', 'AWS Security Token Service'],
  ['workloads', 'Strongbox Workloads'],
  // Services Strongbox does not serve, which policies copied from AWS often name.
  ['dynamodb', 'Amazon DynamoDB'],
  ['ec2', 'Amazon EC2'],
  ['lambda', 'AWS Lambda'],
  ['logs', 'Amazon CloudWatch Logs'],
  ['s3-object-lambda', 'Amazon S3 Object Lambda'],
  ['sns', 'Amazon SNS'],
  ['sqs', 'Amazon SQS'],
]);

/**
 * The services Strongbox serves: what a wildcard service prefix (`*`, `s*:Get*`) or a NotAction can
 * reach. Deviation from AWS: AWS lists every AWS service such a statement allows (hundreds); Strongbox
 * lists the ones it serves, plus any other namespace a statement names literally (`dynamodb:GetItem`).
 */
export const SERVED_NAMESPACES: readonly string[] = [
  'cloudtrail',
  'iam',
  'kms',
  'organizations',
  's3',
  'sts',
  'workloads',
];

export function serviceName(namespace: string): string {
  return SERVICE_NAMES.get(namespace) ?? namespace;
}

/**
 * S3 actions whose use CloudTrail records as a data event: every object action, and the bucket-level
 * reads of object listings (ListObjects*, ListObjectVersions, ListMultipartUploads).
 */
const S3_DATA_BUCKET_ACTIONS: ReadonlySet<string> = new Set([
  's3:ListBucket',
  's3:ListBucketVersions',
  's3:ListBucketMultipartUploads',
]);

/**
 * The tracked actions of each service with action-level data, by namespace (full names: `s3:CreateBucket`).
 * AWS: "For actions, last accessed information reports service management actions"
 * (access_policies_last-accessed.html); action-level data exists for some services only. Among the
 * services Strongbox serves, S3 and IAM have it (AWS's first action-level services were S3, IAM, EC2 and
 * Lambda). For S3 these are the management actions: object reads and writes (`s3:GetObject`,
 * `s3:PutObject`) are data events and are not tracked, but they do count for the service-level
 * LastAuthenticated. Every IAM action is a management action.
 */
export function trackedActionCatalog(iamActionNames: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const s3 = [...S3_IAM_ACTIONS]
    .filter(([action, kind]) => kind !== 'object' && !S3_DATA_BUCKET_ACTIONS.has(action))
    .map(([action]) => action);
  const iam = [...new Set(iamActionNames)].map((name) => `iam:${name}`);
  return new Map([
    ['iam', iam.sort()],
    ['s3', s3.sort()],
  ]);
}

/** What the Allow statements of a subject's policies reach. */
export interface AllowedPermissions {
  /** Namespaces, sorted (the report's default order: "sorted by service namespace"). */
  readonly services: readonly string[];
  /** Per tracked namespace that is allowed: its allowed tracked actions (full names), sorted. */
  readonly trackedActions: ReadonlyMap<string, readonly string[]>;
}

export function allowedPermissions(
  documents: readonly PolicyDocument[],
  tracked: ReadonlyMap<string, readonly string[]>,
): AllowedPermissions {
  const allows = documents.flatMap((d) => d.statements).filter((s) => s.effect === 'Allow');
  const candidates = new Set(SERVED_NAMESPACES);
  for (const s of allows) for (const p of s.action ?? []) {
    const { service } = splitPattern(p);
    if (!/[*?]/.test(service) && /^[\w-]{1,64}$/.test(service)) candidates.add(service);
  }
  const services = [...candidates].filter((ns) => allows.some((s) => reachesService(s, ns))).sort();
  const trackedActions = new Map<string, readonly string[]>();
  const statements = allows.map(actionTest);
  for (const ns of services) {
    const catalog = tracked.get(ns);
    if (!catalog) continue;
    trackedActions.set(ns, catalog.filter((a) => statements.some((allowed) => allowed(a.toLowerCase()))));
  }
  return { services, trackedActions };
}

/** `s3:Get*` → service `s3`, action `get*` (lower-cased); `*` alone is every action of every service. */
function splitPattern(pattern: string): { service: string; action: string } {
  const p = pattern.toLowerCase();
  const colon = p.indexOf(':');
  return colon < 0 ? { service: p, action: '*' } : { service: p.slice(0, colon), action: p.slice(colon + 1) };
}

/** Whether the statement allows at least one action of the namespace. */
function reachesService(s: PolicyStatement, ns: string): boolean {
  if (s.action) return s.action.some((p) => globMatches(splitPattern(p).service, ns));
  // NotAction: every action of the namespace is allowed except those listed; the namespace drops out
  // only when the list covers all of it (`iam:*`, `*`).
  return !(s.notAction ?? []).some((p) => {
    const { service, action } = splitPattern(p);
    return /^\*+$/.test(action) && globMatches(service, ns);
  });
}

function actionTest(s: PolicyStatement): (lowerCaseAction: string) => boolean {
  if (s.action) return compileActionPatterns(s.action).matches;
  const excluded = compileActionPatterns(s.notAction ?? []);
  return (a) => !excluded.matches(a);
}

function globMatches(glob: string, value: string): boolean {
  if (!/[*?]/.test(glob)) return glob === value;
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}
