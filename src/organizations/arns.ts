import type { OrgPolicyType } from '../iam/store/types.js';

/**
 * Organizations ARNs (service authorization reference, "Resource types defined by AWS
 * Organizations"). Every one names the management account and the organization.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
export interface OrgRef {
  readonly id: string;
  readonly managementAccountId: string;
}

const prefix = (o: OrgRef) => `arn:aws:organizations::${o.managementAccountId}`;

export function organizationArn(o: OrgRef): string {
  return `${prefix(o)}:organization/${o.id}`;
}

export function accountArn(o: OrgRef, accountId: string): string {
  return `${prefix(o)}:account/${o.id}/${accountId}`;
}

export function rootArn(o: OrgRef, rootId: string): string {
  return `${prefix(o)}:root/${o.id}/${rootId}`;
}

export function ouArn(o: OrgRef, ouId: string): string {
  return `${prefix(o)}:ou/${o.id}/${ouId}`;
}

/** `service_control_policy` / `resource_control_policy`: the type as it appears in policy ARNs. */
export function policyTypeSegment(type: OrgPolicyType): string {
  return type.toLowerCase();
}

/** AWS-managed policies (FullAWSAccess) belong to `aws`, not to the organization. */
export function policyArn(o: OrgRef, policy: { id: string; type: OrgPolicyType; awsManaged: boolean }): string {
  if (policy.awsManaged) return `arn:aws:organizations::aws:policy/${policyTypeSegment(policy.type)}/${policy.id}`;
  return `${prefix(o)}:policy/${o.id}/${policyTypeSegment(policy.type)}/${policy.id}`;
}

/** The ARN of a policy target (root, OU or account) from its id. */
export function targetArn(o: OrgRef, targetId: string): string {
  if (targetId.startsWith('r-')) return rootArn(o, targetId);
  if (targetId.startsWith('ou-')) return ouArn(o, targetId);
  return accountArn(o, targetId);
}
