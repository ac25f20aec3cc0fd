import type { OrgPolicyRow, OrgPolicyType } from '../iam/store/types.js';
import { DEFAULT_POLICY_IDS } from '../iam/store/organization-types.js';

/**
 * The AWS-managed policies every organization has: FullAWSAccess (SCP) and RCPFullAWSAccess (RCP).
 * Each is attached to the root, every OU and every account while its type is enabled; neither can be
 * changed or deleted, and RCPFullAWSAccess cannot be detached.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
const doc = (statement: Record<string, string>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] }, null, 2);

export const FULL_AWS_ACCESS: Omit<OrgPolicyRow, 'revision'> = {
  id: DEFAULT_POLICY_IDS.SERVICE_CONTROL_POLICY,
  type: 'SERVICE_CONTROL_POLICY',
  name: 'FullAWSAccess',
  description: 'Allows access to every operation',
  content: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
  awsManaged: true,
};

export const RCP_FULL_AWS_ACCESS: Omit<OrgPolicyRow, 'revision'> = {
  id: DEFAULT_POLICY_IDS.RESOURCE_CONTROL_POLICY,
  type: 'RESOURCE_CONTROL_POLICY',
  name: 'RCPFullAWSAccess',
  description: 'Allows access to every operation',
  content: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }),
  awsManaged: true,
};

export const AWS_MANAGED_ORG_POLICIES = [FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS];

/** The policy types this implementation supports (the others are refused as not available). */
export const SUPPORTED_POLICY_TYPES: readonly OrgPolicyType[] = [
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'S3_POLICY',
];

export function isSupportedPolicyType(t: string): t is OrgPolicyType {
  return (SUPPORTED_POLICY_TYPES as readonly string[]).includes(t);
}
