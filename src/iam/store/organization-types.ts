/**
 * IAM store port for AWS Organizations: one organization per Strongbox, created by the management
 * account (the first account). Lives in the IAM store because accounts do, so creating a member
 * account and its OrganizationAccountAccessRole can share a transaction.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/
 */

/** Authorization policies (SCPs, RCPs) and the S3 policy, a management policy (src/organizations/s3-policy.ts). */
export type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY' | 'S3_POLICY';

export interface OrganizationRow {
  /** `o-` + 10 lower-case letters/digits. */
  readonly id: string;
  readonly managementAccountId: string;
  readonly featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  /** `r-` + 4 lower-case letters/digits. */
  readonly rootId: string;
  readonly createdAt: Date;
  /** Policy types enabled on the root (EnablePolicyType). */
  readonly enabledPolicyTypes: readonly OrgPolicyType[];
  /** IAM EnableOrganizationsRootCredentialsManagement / EnableOrganizationsRootSessions. */
  readonly rootCredentialsManagement: boolean;
  readonly rootSessions: boolean;
}

export interface OrgUnitRow {
  /** `ou-<root suffix>-<8 lower-case letters/digits>` */
  readonly id: string;
  /** The root's or another OU's id. */
  readonly parentId: string;
  readonly name: string;
  readonly createdAt: Date;
}

export interface OrgAccountRow {
  readonly accountId: string;
  readonly name: string;
  readonly email: string;
  /** The root's or an OU's id. */
  readonly parentId: string;
  readonly joinedMethod: 'CREATED' | 'INVITED';
  readonly joinedAt: Date;
  readonly status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';
}

export interface OrgPolicyRow {
  /** `p-` + 8 lower-case letters/digits; `p-FullAWSAccess` / `p-RCPFullAWSAccess` for AWS's. */
  readonly id: string;
  readonly type: OrgPolicyType;
  readonly name: string;
  readonly description: string;
  /** The document exactly as submitted. */
  readonly content: string;
  readonly awsManaged: boolean;
  /** Changes on every UpdatePolicy content change: part of the policy-cache key. */
  readonly revision: number;
}

export interface CreateAccountStatusRow {
  /** `car-` + 8..32 lower-case letters/digits. */
  readonly id: string;
  readonly accountName: string;
  readonly state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  readonly requestedAt: Date;
  readonly completedAt: Date | undefined;
  readonly accountId: string | undefined;
  readonly failureReason: string | undefined;
}

/**
 * The AWS-managed policy every target gets while its type is enabled (FullAWSAccess, RCPFullAWSAccess).
 * Management policy types (S3_POLICY) have none: a target may hold no policy of them.
 */
export const DEFAULT_POLICY_IDS: Readonly<Partial<Record<OrgPolicyType, string>>> & {
  readonly SERVICE_CONTROL_POLICY: string;
  readonly RESOURCE_CONTROL_POLICY: string;
} = {
  SERVICE_CONTROL_POLICY: 'p-FullAWSAccess',
  RESOURCE_CONTROL_POLICY: 'p-RCPFullAWSAccess',
};

export interface OrgTag {
  readonly Key: string;
  readonly Value: string;
}

export interface ServiceAccessRow {
  /** `iam.amazonaws.com` */
  readonly servicePrincipal: string;
  readonly enabledAt: Date;
}

/**
 * The organization's structure and policies. The Organizations API owns the semantics (which errors,
 * which defaults); the repository keeps rows consistent under concurrency: every check that depends
 * on other rows (duplicate names, non-empty OUs, attachment counts, the enabled policy types) runs in
 * the write's transaction and throws the Organizations error. Every write emits an `organization`
 * change.
 */
export interface OrganizationRepo {
  get(): Promise<OrganizationRow | undefined>;
  /**
   * Creates the organization with the management account as its first account (under the root) and
   * the AWS-managed policies. AlreadyInOrganizationException when one exists.
   */
  create(o: {
    id: string;
    managementAccountId: string;
    rootId: string;
    featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
    managementAccount: { name: string; email: string };
    awsManagedPolicies: readonly Omit<OrgPolicyRow, 'revision'>[];
  }): Promise<OrganizationRow>;
  /** OrganizationNotEmptyException while member accounts remain; removes every organization row. */
  delete(): Promise<void>;
  update(change: { rootCredentialsManagement?: boolean; rootSessions?: boolean }): Promise<OrganizationRow>;
  /**
   * Enables a policy type on the root and attaches its default policy (DEFAULT_POLICY_IDS) to the root,
   * every OU and every account. PolicyTypeAlreadyEnabledException when enabled.
   */
  enablePolicyType(type: OrgPolicyType): Promise<OrganizationRow>;
  /** Disables a policy type and detaches every policy of the type. PolicyTypeNotEnabledException when disabled. */
  disablePolicyType(type: OrgPolicyType): Promise<OrganizationRow>;

  getAccount(accountId: string): Promise<OrgAccountRow | undefined>;
  /** Ordered by join time. */
  listAccounts(parentId?: string): Promise<OrgAccountRow[]>;
  /**
   * Adds an existing account (a new member on CreateAccount) with its tags, and attaches the default
   * policy of every enabled type. ParentNotFoundException when the parent is gone.
   */
  addAccount(a: OrgAccountRow, tags?: readonly OrgTag[]): Promise<void>;
  /**
   * AccountNotFoundException, SourceParentNotFoundException (not its parent),
   * DestinationParentNotFoundException, DuplicateAccountException (already there).
   */
  moveAccount(accountId: string, sourceParentId: string, destinationParentId: string): Promise<void>;
  removeAccount(accountId: string): Promise<void>;

  getUnit(id: string): Promise<OrgUnitRow | undefined>;
  /** Ordered by creation time. */
  listUnits(parentId: string): Promise<OrgUnitRow[]>;
  /**
   * ParentNotFoundException, DuplicateOrganizationalUnitException (same name, case-sensitively, in the
   * parent); attaches the default policy of every enabled type.
   */
  createUnit(u: OrgUnitRow, tags?: readonly OrgTag[]): Promise<void>;
  /** OrganizationalUnitNotFoundException, DuplicateOrganizationalUnitException. */
  renameUnit(id: string, name: string): Promise<OrgUnitRow>;
  /** OrganizationalUnitNotFoundException, OrganizationalUnitNotEmptyException; drops its attachments and tags. */
  deleteUnit(id: string): Promise<void>;

  getPolicy(id: string): Promise<OrgPolicyRow | undefined>;
  /** Ordered by name. */
  listPolicies(type: OrgPolicyType): Promise<OrgPolicyRow[]>;
  /** DuplicatePolicyException for a name taken by a policy of the same type. */
  createPolicy(p: Omit<OrgPolicyRow, 'revision'>, tags?: readonly OrgTag[]): Promise<OrgPolicyRow>;
  /** PolicyNotFoundException, DuplicatePolicyException; bumps `revision` when the content changes. */
  updatePolicy(id: string, change: { name?: string; description?: string; content?: string }): Promise<OrgPolicyRow>;
  /** PolicyNotFoundException, PolicyInUseException while attached. */
  deletePolicy(id: string): Promise<void>;
  /**
   * PolicyNotFoundException, PolicyTypeNotEnabledException, DuplicatePolicyAttachmentException,
   * ConstraintViolationException (MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED past `maxPerTarget` of the type).
   */
  attachPolicy(policyId: string, targetId: string, maxPerTarget: number): Promise<void>;
  /**
   * PolicyNotFoundException, PolicyNotAttachedException, ConstraintViolationException
   * (MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED: the last policy of an enabled type on the target).
   */
  detachPolicy(policyId: string, targetId: string): Promise<void>;
  /** Policy ids attached to a target (root, OU or account id), by policy id. */
  listPolicyIdsForTarget(targetId: string): Promise<string[]>;
  listTargetIdsForPolicy(policyId: string): Promise<string[]>;

  putCreateAccountStatus(s: CreateAccountStatusRow): Promise<void>;
  getCreateAccountStatus(id: string): Promise<CreateAccountStatusRow | undefined>;
  /** Newest first. */
  listCreateAccountStatuses(): Promise<CreateAccountStatusRow[]>;

  /** Trusted access (EnableAWSServiceAccess), by service principal. */
  listServiceAccess(): Promise<ServiceAccessRow[]>;
  /** Idempotent. */
  enableServiceAccess(servicePrincipal: string): Promise<void>;
  /** Idempotent. */
  disableServiceAccess(servicePrincipal: string): Promise<void>;

  /** Tags of an account, OU, policy or root, by key. */
  listTags(resourceId: string): Promise<OrgTag[]>;
}
