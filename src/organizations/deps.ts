import type { IamStore } from '../iam/store/types.js';

/**
 * Organizations quotas (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html),
 * defaults as AWS sets them for a new organization.
 */
export interface OrganizationsLimits {
  /** Accounts in the organization, the management account included (AWS default quota: 10, adjustable). */
  readonly accounts: number;
  readonly organizationalUnits: number;
  /** OUs nested under the root, at most this deep. */
  readonly ouDepth: number;
  /** Policies of one type in the organization. */
  readonly policiesPerType: number;
  /** Policies of one type attached to one root, OU or account. */
  readonly policiesPerTarget: number;
  readonly tagsPerResource: number;
}

export const DEFAULT_ORGANIZATIONS_LIMITS: OrganizationsLimits = {
  accounts: 10,
  organizationalUnits: 2000,
  ouDepth: 5,
  policiesPerType: 1000,
  policiesPerTarget: 5,
  tagsPerResource: 50,
};

export interface OrganizationsDeps {
  readonly store: IamStore;
  readonly limits: OrganizationsLimits;
  readonly now: () => Date;
}
