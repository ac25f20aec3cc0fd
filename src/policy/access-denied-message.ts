import type { AuthorizationResult, PolicyType, RequestPrincipal } from './authorization-types.js';

/**
 * AWS's current AccessDenied message, which names the policy type that denied:
 *   User: arn:aws:iam::111122223333:user/Mary is not authorized to perform: s3:GetObject on resource:
 *   "arn:aws:s3:::bucket/key" because no identity-based policy allows the s3:GetObject action
 *   … with an explicit deny in a resource-based policy
 * S3 gives this context only for requests within one account (or one organization); other
 * cross-account requests get the bare "Access Denied". The full trace goes to logs, never here.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */

export interface AccessDeniedMessageInput {
  readonly principal: RequestPrincipal;
  /** The action as the operation declares it (`s3:GetObject`). */
  readonly action: string;
  readonly resource: string;
  readonly result: Pick<AuthorizationResult, 'decision' | 'decidedBy' | 'crossAccount'>;
  /**
   * Whether to give the detailed form. Default: same-account requests and anonymous ones; pass true
   * for a cross-account request within the same organization.
   */
  readonly detailed?: boolean;
}

export const GENERIC_ACCESS_DENIED = 'Access Denied';

const EXPLICIT: Readonly<Record<PolicyType, string>> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  acl: 'a resource-based policy',
};

const IMPLICIT: Readonly<Record<PolicyType, string>> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  acl: 'resource-based policy',
};

/** The message for a denied request; undefined when the result is Allow. */
export function accessDeniedMessage(input: AccessDeniedMessageInput): string | undefined {
  const { result, principal } = input;
  if (result.decision === 'Allow') return undefined;
  const detailed = input.detailed ?? (!result.crossAccount || principal.kind === 'Anonymous');
  if (!detailed) return GENERIC_ACCESS_DENIED;
  const who = principal.kind === 'Anonymous' ? 'anonymous' : (principal.arn ?? principal.service ?? principal.identityProvider ?? 'anonymous');
  const head = `User: ${who} is not authorized to perform: ${input.action} on resource: "${input.resource}"`;
  const type: PolicyType = result.decidedBy === undefined || result.decidedBy === 'root' ? 'identity' : result.decidedBy;
  if (result.decision === 'ExplicitDeny') return `${head} with an explicit deny in ${EXPLICIT[type]}`;
  return `${head} because no ${IMPLICIT[type]} allows the ${input.action} action`;
}
