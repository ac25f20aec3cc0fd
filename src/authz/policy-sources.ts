import type { IdentityPolicyLoader } from '../iam/identity-policies.js';
import type { AccountOrganization, OrganizationPolicyLoader } from '../organizations/organization-policies.js';

/**
 * Where the authorizer gets each type of policy. One source per policy type; each caches with
 * explicit invalidation and says so in its own file.
 */

/** A stored policy document; `id` names one immutable version (compiled policies are cached by it). */
export interface PolicyText {
  readonly id: string;
  readonly document: string;
}

/** SCPs and RCPs by account (src/organizations/organization-policies.ts). */
export type OrganizationPolicySource = Pick<OrganizationPolicyLoader, 'forAccount' | 'generation'>;
export type { AccountOrganization };

export interface PolicySources {
  /** Identity policies, tags and boundary of users and roles (cached per principal, cleared on IAM changes). */
  readonly identity: IdentityPolicyLoader;
  /** A managed policy by ARN (session policies' `PolicyArns`, AssumeRoot's task policy). */
  readonly managedPolicy: (arn: string) => Promise<PolicyText | undefined>;
  /** SCPs and RCPs; absent when the server runs without Organizations (unit tests). */
  readonly organizations?: OrganizationPolicySource;
}
