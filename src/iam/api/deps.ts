import type { AwsManagedPolicyCatalog } from '../aws-managed/catalog.js';
import type { IamStore } from '../store/types.js';

/**
 * Validates an identity policy document where it is written (CreatePolicy, CreatePolicyVersion:
 * `managed`; Put*Policy: inline); throws a ServiceError (`MalformedPolicyDocument`, 400).
 * Default: the policy engine's parser (`enginePolicyValidator`).
 */
export type PolicyValidator = (document: string, options: { readonly managed: boolean }) => void;

/** IAM quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), defaults. */
export interface IamLimits {
  readonly accessKeysPerUser: number;
  readonly groupsPerUser: number;
  readonly managedPoliciesPerUser: number;
  readonly managedPoliciesPerGroup: number;
  readonly versionsPerPolicy: number;
  readonly usersPerAccount: number;
  readonly groupsPerAccount: number;
  readonly customerManagedPoliciesPerAccount: number;
  /** Characters, whitespace excluded. */
  readonly inlineUserPolicySize: number;
  readonly inlineGroupPolicySize: number;
  readonly managedPolicySize: number;
  readonly rolesPerAccount: number;
  readonly managedPoliciesPerRole: number;
  /** Aggregate of a role's inline policies, whitespace excluded. */
  readonly inlineRolePolicySize: number;
  /** A role trust policy (ACLSizePerRole), whitespace excluded. */
  readonly trustPolicySize: number;
  readonly instanceProfilesPerAccount: number;
}

export const DEFAULT_IAM_LIMITS: IamLimits = {
  accessKeysPerUser: 2,
  groupsPerUser: 10,
  managedPoliciesPerUser: 10,
  managedPoliciesPerGroup: 10,
  versionsPerPolicy: 5,
  usersPerAccount: 5000,
  groupsPerAccount: 300,
  customerManagedPoliciesPerAccount: 1500,
  inlineUserPolicySize: 2048,
  inlineGroupPolicySize: 5120,
  managedPolicySize: 6144,
  rolesPerAccount: 1000,
  managedPoliciesPerRole: 10,
  inlineRolePolicySize: 10240,
  trustPolicySize: 2048,
  instanceProfilesPerAccount: 1000,
};

export interface IamApiDeps {
  readonly store: IamStore;
  readonly awsManaged: AwsManagedPolicyCatalog;
  readonly validatePolicy: PolicyValidator;
  readonly limits: IamLimits;
  readonly now: () => Date;
}
