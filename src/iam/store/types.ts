import type { InstanceProfileRepo, MfaDeviceRepo, OidcProviderRepo, RoleRepo } from './role-types.js';
import type { OrganizationRepo } from './organization-types.js';
import type { WorkloadTokenRepo } from './workload-types.js';
import type { AccessActivityRepo } from './access-activity-types.js';

export type * from './role-types.js';
export type * from './access-activity-types.js';
export type * from './organization-types.js';
export type * from './workload-types.js';

/**
 * The IAM store port. Async from day one so a PostgreSQL adapter fits (ROADMAP: scale-out); split
 * into small repositories instead of one wide interface. Every row carries its account id
 * (ROADMAP: several accounts through Organizations). Names are matched case-insensitively within an
 * account, as AWS does. Invariants that must hold under concurrency (name uniqueness, key and
 * version limits, delete conflicts) are enforced inside the store, atomically, and surface as IAM
 * ServiceErrors (EntityAlreadyExists, LimitExceeded, DeleteConflict, NoSuchEntity).
 *
 * List methods return every matching row: IAM quotas bound them (5000 users, 300 groups, 1500
 * customer managed policies per account), and Marker/MaxItems pagination is done by the API layer.
 */

export type PrincipalKind = 'user' | 'group' | 'role';
export type TaggableKind = 'user' | 'policy' | 'role' | 'instance-profile' | 'mfa' | 'oidc-provider';
export type KeyStatus = 'Active' | 'Inactive';

export interface AccountRow {
  readonly accountId: string;
  readonly createdAt: Date;
  readonly isManagement: boolean;
  /** Organizations' account name and root e-mail (member accounts; the management account once it creates an organization). */
  readonly name: string | undefined;
  readonly email: string | undefined;
}

export interface UserRow {
  readonly accountId: string;
  readonly userId: string;
  readonly userName: string;
  readonly path: string;
  readonly createdAt: Date;
  readonly passwordLastUsed: Date | undefined;
  readonly permissionsBoundaryArn: string | undefined;
}

export interface AccessKeyRow {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** undefined for the account root's keys. */
  readonly userId: string | undefined;
  readonly status: KeyStatus;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | undefined;
  readonly lastUsedService: string | undefined;
  readonly lastUsedRegion: string | undefined;
}

export interface AccessKeyWithSecret extends AccessKeyRow {
  readonly secretAccessKey: string;
}

export interface KeyUse {
  readonly accessKeyId: string;
  readonly at: Date;
  readonly service: string;
  readonly region: string;
}

export interface GroupRow {
  readonly accountId: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly path: string;
  readonly createdAt: Date;
}

export interface ManagedPolicyRow {
  readonly accountId: string;
  readonly policyId: string;
  readonly policyName: string;
  readonly path: string;
  readonly arn: string;
  readonly description: string | undefined;
  readonly defaultVersionId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface PolicyVersionRow {
  readonly policyArn: string;
  readonly versionId: string;
  /** The document exactly as submitted (JSON text, not URL-encoded). */
  readonly document: string;
  readonly createdAt: Date;
}

export interface InlinePolicyRow {
  readonly accountId: string;
  readonly principalKind: PrincipalKind;
  readonly principalId: string;
  readonly policyName: string;
  readonly document: string;
  /** Changes on every put: part of the policy-cache key. */
  readonly updatedAt: Date;
  readonly revision: number;
}

export interface AttachmentRow {
  readonly accountId: string;
  readonly principalKind: PrincipalKind;
  readonly principalId: string;
  readonly policyArn: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface LoginProfileRow {
  readonly accountId: string;
  readonly userId: string;
  readonly passwordHash: string;
  readonly createdAt: Date;
  readonly passwordResetRequired: boolean;
  readonly passwordLastChanged: Date;
}

export interface PasswordPolicy {
  readonly MinimumPasswordLength: number;
  readonly RequireSymbols: boolean;
  readonly RequireNumbers: boolean;
  readonly RequireUppercaseCharacters: boolean;
  readonly RequireLowercaseCharacters: boolean;
  readonly AllowUsersToChangePassword: boolean;
  readonly MaxPasswordAge: number | undefined;
  readonly PasswordReusePrevention: number | undefined;
  readonly HardExpiry: boolean | undefined;
}

/**
 * An account's own S3 Block Public Access settings (S3 Control PutPublicAccessBlock). Kept with the
 * account in the IAM store: an account-wide setting, like the password policy.
 */
export interface AccountPublicAccessBlock {
  readonly blockPublicAcls: boolean;
  readonly ignorePublicAcls: boolean;
  readonly blockPublicPolicy: boolean;
  readonly restrictPublicBuckets: boolean;
}

export interface CredentialReportRow {
  readonly accountId: string;
  readonly generatedAt: Date;
  readonly content: string;
}

export type IamChange =
  | { readonly kind: 'accessKey'; readonly accountId: string; readonly accessKeyId: string }
  | { readonly kind: 'user'; readonly accountId: string; readonly userId: string }
  | { readonly kind: 'group'; readonly accountId: string; readonly groupId: string }
  | { readonly kind: 'policy'; readonly accountId: string }
  | { readonly kind: 'role'; readonly accountId: string; readonly roleId: string }
  | { readonly kind: 'mfa'; readonly accountId: string }
  | { readonly kind: 'oidcProvider'; readonly accountId: string }
  /** Anything of the organization: structure, policies, attachments, enabled policy types, root access settings. */
  | { readonly kind: 'organization' }
  /** An account's own S3 Block Public Access settings were put or deleted. */
  | { readonly kind: 'publicAccessBlock'; readonly accountId: string }
  /** Another process committed something (a store shared by worker processes): anything may have changed. */
  | { readonly kind: 'external' };

export interface AccountRepo {
  create(accountId: string, options: { isManagement: boolean; name?: string; email?: string }): Promise<AccountRow>;
  get(accountId: string): Promise<AccountRow | undefined>;
  getManagement(): Promise<AccountRow | undefined>;
  /** Every account of this server (S3 resolves ACL grantees' canonical ids against them). */
  list(): Promise<AccountRow[]>;
  /** The root user's console password (its hash), if one was set. */
  getRootPassword(accountId: string): Promise<{ readonly passwordHash: string; readonly changedAt: Date } | undefined>;
  setRootPassword(accountId: string, passwordHash: string): Promise<void>;
}

export interface UserRepo {
  create(u: { accountId: string; userId: string; userName: string; path: string; permissionsBoundaryArn?: string; tags?: readonly Tag[] }): Promise<UserRow>;
  getByName(accountId: string, userName: string): Promise<UserRow | undefined>;
  getById(userId: string): Promise<UserRow | undefined>;
  list(accountId: string, pathPrefix?: string): Promise<UserRow[]>;
  update(accountId: string, userName: string, change: { newUserName?: string; newPath?: string }): Promise<UserRow>;
  /** Put/DeleteUserPermissionsBoundary (undefined removes it). NoSuchEntity when the user is missing. */
  setPermissionsBoundary(accountId: string, userName: string, policyArn: string | undefined): Promise<void>;
  /** Throws DeleteConflict while keys, policies, groups, a login profile or MFA devices remain. */
  delete(accountId: string, userName: string): Promise<void>;
  setPasswordLastUsed(userId: string, at: Date): Promise<void>;
}

export interface AccessKeyRepo {
  /** Throws LimitExceeded when the owner already has `maxPerOwner` keys. */
  create(k: { accessKeyId: string; accountId: string; userId: string | undefined; secretAccessKey: string; maxPerOwner: number }): Promise<AccessKeyRow>;
  get(accessKeyId: string): Promise<AccessKeyRow | undefined>;
  getWithSecret(accessKeyId: string): Promise<AccessKeyWithSecret | undefined>;
  listForUser(accountId: string, userId: string | undefined): Promise<AccessKeyRow[]>;
  listForAccount(accountId: string): Promise<AccessKeyRow[]>;
  setStatus(accessKeyId: string, status: KeyStatus): Promise<void>;
  delete(accessKeyId: string): Promise<void>;
  recordUses(uses: readonly KeyUse[]): Promise<void>;
}

export interface GroupRepo {
  create(g: { accountId: string; groupId: string; groupName: string; path: string }): Promise<GroupRow>;
  getByName(accountId: string, groupName: string): Promise<GroupRow | undefined>;
  list(accountId: string, pathPrefix?: string): Promise<GroupRow[]>;
  update(accountId: string, groupName: string, change: { newGroupName?: string; newPath?: string }): Promise<GroupRow>;
  /** Throws DeleteConflict while members or policies remain. */
  delete(accountId: string, groupName: string): Promise<void>;
  /** Throws LimitExceeded past `maxGroupsPerUser`. Idempotent. */
  addMember(accountId: string, groupId: string, userId: string, maxGroupsPerUser: number): Promise<void>;
  removeMember(accountId: string, groupId: string, userId: string): Promise<boolean>;
  listMembers(groupId: string): Promise<UserRow[]>;
  listForUser(userId: string): Promise<GroupRow[]>;
}

export interface ManagedPolicyRepo {
  create(p: { accountId: string; policyId: string; policyName: string; path: string; arn: string; description?: string; document: string; tags?: readonly Tag[] }): Promise<ManagedPolicyRow>;
  get(arn: string): Promise<ManagedPolicyRow | undefined>;
  list(accountId: string, pathPrefix?: string): Promise<ManagedPolicyRow[]>;
  /** Throws DeleteConflict while attached or while non-default versions remain. */
  delete(arn: string): Promise<void>;
  /** Throws LimitExceeded when the policy already has `maxVersions` versions. */
  createVersion(arn: string, document: string, options: { setAsDefault: boolean; maxVersions: number }): Promise<PolicyVersionRow>;
  getVersion(arn: string, versionId: string): Promise<PolicyVersionRow | undefined>;
  listVersions(arn: string): Promise<PolicyVersionRow[]>;
  /** Throws DeleteConflict for the default version. */
  deleteVersion(arn: string, versionId: string): Promise<void>;
  setDefaultVersion(arn: string, versionId: string): Promise<void>;
}

export interface AttachmentRepo {
  /** Throws LimitExceeded past `maxPerPrincipal`. Idempotent. */
  attach(a: AttachmentRow, maxPerPrincipal: number): Promise<void>;
  detach(a: AttachmentRow): Promise<boolean>;
  listForPrincipal(principalKind: PrincipalKind, principalId: string): Promise<AttachmentRow[]>;
  listForPolicy(accountId: string, policyArn: string): Promise<AttachmentRow[]>;
  /** policy ARN → attachment count, for this account's principals. */
  countsByPolicy(accountId: string): Promise<Map<string, number>>;
}

export interface InlinePolicyRepo {
  put(p: { accountId: string; principalKind: PrincipalKind; principalId: string; policyName: string; document: string }): Promise<void>;
  get(principalKind: PrincipalKind, principalId: string, policyName: string): Promise<InlinePolicyRow | undefined>;
  list(principalKind: PrincipalKind, principalId: string): Promise<InlinePolicyRow[]>;
  delete(principalKind: PrincipalKind, principalId: string, policyName: string): Promise<boolean>;
}

export interface TagRepo {
  list(kind: TaggableKind, entityId: string): Promise<Tag[]>;
  /** Merges (a key that differs only in case replaces the old one); throws LimitExceeded past 50 tags. */
  tag(accountId: string, kind: TaggableKind, entityId: string, tags: readonly Tag[]): Promise<void>;
  untag(kind: TaggableKind, entityId: string, keys: readonly string[]): Promise<void>;
}

export interface LoginProfileRepo {
  create(p: { accountId: string; userId: string; passwordHash: string; passwordResetRequired: boolean }): Promise<LoginProfileRow>;
  get(userId: string): Promise<LoginProfileRow | undefined>;
  listForAccount(accountId: string): Promise<LoginProfileRow[]>;
  update(userId: string, change: { passwordHash?: string; passwordResetRequired?: boolean }): Promise<void>;
  delete(userId: string): Promise<boolean>;
}

export interface AccountSettingsRepo {
  getPasswordPolicy(accountId: string): Promise<PasswordPolicy | undefined>;
  putPasswordPolicy(accountId: string, policy: PasswordPolicy): Promise<void>;
  deletePasswordPolicy(accountId: string): Promise<boolean>;
  listAliases(accountId: string): Promise<string[]>;
  /** Alias is globally unique: EntityAlreadyExists if another account holds it; replaces this account's alias. */
  setAlias(accountId: string, alias: string): Promise<void>;
  deleteAlias(accountId: string, alias: string): Promise<boolean>;
  getCredentialReport(accountId: string): Promise<CredentialReportRow | undefined>;
  putCredentialReport(row: CredentialReportRow): Promise<void>;
  /** The account's own Block Public Access settings; undefined when none are configured. */
  getPublicAccessBlock(accountId: string): Promise<AccountPublicAccessBlock | undefined>;
  /** Replaces the account's settings; emits a `publicAccessBlock` change. */
  putPublicAccessBlock(accountId: string, settings: AccountPublicAccessBlock): Promise<void>;
  /** Whether there were settings to delete; emits a `publicAccessBlock` change when there were. */
  deletePublicAccessBlock(accountId: string): Promise<boolean>;
}

/** A key that seals STS session tokens (src/sts/session-keys.ts). Stored sealed by the master key. */
export interface SessionKeyRow {
  readonly keyId: string;
  readonly key: Buffer;
  readonly createdAt: Date;
}

export interface SessionKeyRepo {
  list(): Promise<SessionKeyRow[]>;
  /** Idempotent per key id. */
  add(row: SessionKeyRow): Promise<void>;
  deleteCreatedBefore(at: Date): Promise<void>;
}

export interface IamStore {
  readonly accounts: AccountRepo;
  readonly users: UserRepo;
  readonly roles: RoleRepo;
  readonly instanceProfiles: InstanceProfileRepo;
  readonly mfaDevices: MfaDeviceRepo;
  readonly oidcProviders: OidcProviderRepo;
  readonly organizations: OrganizationRepo;
  readonly sessionKeys: SessionKeyRepo;
  readonly workloadTokens: WorkloadTokenRepo;
  readonly accessKeys: AccessKeyRepo;
  readonly groups: GroupRepo;
  readonly policies: ManagedPolicyRepo;
  readonly attachments: AttachmentRepo;
  readonly inlinePolicies: InlinePolicyRepo;
  readonly tags: TagRepo;
  readonly loginProfiles: LoginProfileRepo;
  readonly settings: AccountSettingsRepo;
  /** The access advisor's last-use rows and report jobs. */
  readonly accessActivity: AccessActivityRepo;
  /**
   * Change feed for caches (credential provider, identity-policy cache). Today it fires for writes
   * made through this store on this node; a PostgreSQL adapter would feed it from LISTEN/NOTIFY.
   */
  onChange(listener: (change: IamChange) => void): () => void;
  /**
   * Reports other processes' commits since the last poll (as one `external` change): a no-op unless
   * the store is shared by several processes, whose server polls when a request starts.
   */
  pollExternalChanges(): void;
  close(): Promise<void>;
}
