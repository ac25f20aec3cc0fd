/**
 * What one CloudTrail event shows a principal did, as IAM actions on resources: the input of policy
 * generation (issue #18; IAM Access Analyzer "analyzes your CloudTrail events to identify actions and
 * services that have been used", access-analyzer-policy-generation.html). Pure: an event in, accesses out.
 *
 * Which action an event exercised is the server's own authorization, read back from the event:
 * - S3 (data and management events): the policy engine's table of each operation's checks
 *   (s3ActionFor, src/policy/s3-actions.ts), applied to the bucket and key the event names
 *   (s3-observed-access.ts);
 * - IAM, STS, KMS, CloudTrail, Organizations, Access Analyzer: `<service prefix>:<eventName>` on the
 *   event's `resources`, which the recorder fills from the request's authorization checks
 *   (src/audit/recorded-resources.ts), or `*` when it names none; the few operations whose checks ask
 *   for other actions are listed in EXTRA_CHECKS below, each with the file that declares them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
 */
import type { CloudTrailEvent } from '../../audit/cloudtrail-event.js';
import { ALL_RESOURCES, onResources, parameter, resourceArns, type ObservedAccess } from './event-resources.js';
import { s3ObservedAccesses } from './s3-observed-access.js';

export { ALL_RESOURCES, type ObservedAccess } from './event-resources.js';

/**
 * Outcomes that exercised no permission: the request was refused by authorization, or its caller
 * could not be authenticated. Decision (AWS documents no rule; the generated policy "is based on your
 * access activity", and a grant for a refused attempt would widen access rather than keep what was
 * used): such events add nothing. Every other error came after authorization allowed the request in
 * Strongbox (the pipeline authorizes before it executes), so the permission was used (a GetObject of a
 * missing key answers NoSuchKey only to a caller allowed to list the bucket; without its grant the
 * replayed workload would see AccessDenied instead). Errors raised while a request is still being
 * read (MalformedXML, NoSuchBucket) may so add a grant for a resource the workload named but never
 * reached: a small over-approximation, on that resource only.
 */
const NOT_EXERCISED_ERRORS: ReadonlySet<string> = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'NotAuthorizedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'AuthorizationHeaderMalformed',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
]);

/** Whether the event's outcome shows the permission was used (see NOT_EXERCISED_ERRORS). */
export function exercisedPermission(event: Pick<CloudTrailEvent, 'errorCode'>): boolean {
  return event.errorCode === undefined || event.errorCode === null || !NOT_EXERCISED_ERRORS.has(event.errorCode);
}

/** The IAM action prefix of an event source: `kms.amazonaws.com` → `kms`. */
export function servicePrefixOf(eventSource: string): string | undefined {
  const suffix = '.amazonaws.com';
  return eventSource.endsWith(suffix) && eventSource.length > suffix.length
    ? eventSource.slice(0, -suffix.length)
    : undefined;
}

/** The accesses one event shows; none for a refused or unauthenticated request. */
export function observedAccesses(event: CloudTrailEvent): readonly ObservedAccess[] {
  if (!exercisedPermission(event)) return [];
  const prefix = servicePrefixOf(event.eventSource);
  if (prefix === undefined) return [];
  if (prefix === 's3') return s3ObservedAccesses(event);
  const action = `${prefix}:${event.eventName}`;
  const extra = EXTRA_CHECKS[action];
  return extra !== undefined ? extra(event) : onResources(action, event);
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

type Extra = (event: CloudTrailEvent) => ObservedAccess[];

/**
 * Operations whose authorization checks are not just `<prefix>:<eventName>` on their resources, from
 * the files that declare the checks. The event keeps what tells the extra checks apart: the request
 * parameters (session tags, a source identity, key tags) and the resources in check order.
 */
const EXTRA_CHECKS: Readonly<Record<string, Extra>> = {
  // src/sts/sts-protocol.ts: "sts:GetCallerIdentity needs no permission"; src/sts/get-session-token.ts
  // declares no check either.
  'sts:GetCallerIdentity': () => [],
  'sts:GetSessionToken': () => [],
  // src/sts/assume-role.ts: session tags need sts:TagSession and a source identity sts:SetSourceIdentity,
  // on the role, besides sts:AssumeRole.
  'sts:AssumeRole': (event) => [
    ...onResources('sts:AssumeRole', event),
    ...(nonEmptyList(parameter(event, 'tags')) ? onResources('sts:TagSession', event) : []),
    ...(parameter(event, 'sourceIdentity') !== undefined ? onResources('sts:SetSourceIdentity', event) : []),
  ],
  // src/iam/api/instance-profiles.ts: the caller "must be granted the PassRole permission on the IAM role".
  'iam:AddRoleToInstanceProfile': (event) => [
    ...onResources('iam:AddRoleToInstanceProfile', event, 'AWS::IAM::InstanceProfile'),
    ...onResources('iam:PassRole', event, 'AWS::IAM::Role'),
  ],
  // src/kms/crypto-ops.ts: kms:ReEncryptFrom on the source key, then kms:ReEncryptTo on the destination
  // (the event lists them in that order; one key when both are the same).
  'kms:ReEncrypt': (event) => {
    const keys = resourceArns(event, 'AWS::KMS::Key');
    if (keys.length === 0)
      return [
        { action: 'kms:ReEncryptFrom', resource: ALL_RESOURCES },
        { action: 'kms:ReEncryptTo', resource: ALL_RESOURCES },
      ];
    return [
      { action: 'kms:ReEncryptFrom', resource: keys[0]! },
      { action: 'kms:ReEncryptTo', resource: keys[keys.length - 1]! },
    ];
  },
  // src/accessanalyzer/policy-generation-operations.ts: iam:PassRole on the trail's access role too.
  'access-analyzer:StartPolicyGeneration': (event) => {
    const details = parameter(event, 'cloudTrailDetails') as { accessRole?: unknown } | undefined;
    const role = typeof details?.accessRole === 'string' ? details.accessRole : ALL_RESOURCES;
    return [
      { action: 'access-analyzer:StartPolicyGeneration', resource: ALL_RESOURCES },
      { action: 'iam:PassRole', resource: role },
    ];
  },
  // src/kms/create-key-op.ts: tags on the new key need kms:TagResource too.
  'kms:CreateKey': (event) => [
    { action: 'kms:CreateKey', resource: ALL_RESOURCES },
    ...(nonEmptyList(parameter(event, 'tags')) ? [{ action: 'kms:TagResource', resource: ALL_RESOURCES }] : []),
  ],
};
