/**
 * IAM store ports for roles, instance profiles, MFA devices and OpenID Connect providers (see
 * types.ts for the conventions every repository follows: names unique case-insensitively per
 * account, invariants enforced atomically inside the store, IAM ServiceErrors for conflicts).
 */
import type { Tag } from './types.js';

export interface RoleRow {
  readonly accountId: string;
  /** `AROA…` */
  readonly roleId: string;
  readonly roleName: string;
  readonly path: string;
  readonly createdAt: Date;
  readonly description: string | undefined;
  /** Seconds, 3600..43200 (default 3600). */
  readonly maxSessionDuration: number;
  /** The trust policy exactly as submitted (JSON text, not URL-encoded). */
  readonly assumeRolePolicyDocument: string;
  /** Changes on every UpdateAssumeRolePolicy: part of the trust-policy cache key. */
  readonly trustRevision: number;
  readonly permissionsBoundaryArn: string | undefined;
  /** RoleLastUsed (GetRole): when a session of the role last made a request, and in which region. */
  readonly lastUsedAt: Date | undefined;
  readonly lastUsedRegion: string | undefined;
}

export interface RoleRepo {
  /** EntityAlreadyExists for a taken name; LimitExceeded past `maxRolesPerAccount`. */
  create(r: {
    accountId: string;
    roleId: string;
    roleName: string;
    path: string;
    assumeRolePolicyDocument: string;
    description?: string;
    maxSessionDuration: number;
    permissionsBoundaryArn?: string;
    tags?: readonly Tag[];
    maxRolesPerAccount: number;
  }): Promise<RoleRow>;
  getByName(accountId: string, roleName: string): Promise<RoleRow | undefined>;
  getById(roleId: string): Promise<RoleRow | undefined>;
  /** Ordered by name (case-insensitively). */
  list(accountId: string, pathPrefix?: string): Promise<RoleRow[]>;
  /** UpdateRole / UpdateRoleDescription / UpdateAssumeRolePolicy (bumps trustRevision). NoSuchEntity when missing. */
  update(accountId: string, roleName: string, change: { description?: string; maxSessionDuration?: number; assumeRolePolicyDocument?: string }): Promise<RoleRow>;
  /** Put/DeleteRolePermissionsBoundary (undefined removes it). NoSuchEntity when missing. */
  setPermissionsBoundary(accountId: string, roleName: string, policyArn: string | undefined): Promise<void>;
  /** DeleteConflict while inline policies, attached policies or instance profiles remain (AWS DeleteRole). */
  delete(accountId: string, roleName: string): Promise<void>;
  /** Buffered RoleLastUsed updates (off the request path, like access-key use). */
  recordUses(uses: readonly { roleId: string; at: Date; region: string }[]): Promise<void>;
}

export interface InstanceProfileRow {
  readonly accountId: string;
  /** `AIPA…` */
  readonly instanceProfileId: string;
  readonly instanceProfileName: string;
  readonly path: string;
  readonly createdAt: Date;
  /** At most one role (AWS quota InstanceSessionsPerInstanceProfile = 1). */
  readonly roleIds: readonly string[];
}

export interface InstanceProfileRepo {
  create(p: { accountId: string; instanceProfileId: string; instanceProfileName: string; path: string; tags?: readonly Tag[] }): Promise<InstanceProfileRow>;
  getByName(accountId: string, name: string): Promise<InstanceProfileRow | undefined>;
  getById(instanceProfileId: string): Promise<InstanceProfileRow | undefined>;
  list(accountId: string, pathPrefix?: string): Promise<InstanceProfileRow[]>;
  listForRole(roleId: string): Promise<InstanceProfileRow[]>;
  /** DeleteConflict while it holds a role. */
  delete(accountId: string, name: string): Promise<void>;
  /** LimitExceeded when it already holds a role; EntityAlreadyExists if it holds this one. */
  addRole(accountId: string, name: string, roleId: string): Promise<void>;
  /** NoSuchEntity when the role is not in it. */
  removeRole(accountId: string, name: string, roleId: string): Promise<void>;
}

/** Who a device is assigned to: an IAM user, or the account's root user. */
export type MfaOwner = { readonly kind: 'user'; readonly userId: string } | { readonly kind: 'root' };

export interface MfaDeviceRow {
  /** `arn:aws:iam::<account>:mfa/<path><name>` for virtual devices. */
  readonly serialNumber: string;
  readonly accountId: string;
  readonly deviceName: string;
  readonly path: string;
  readonly createdAt: Date;
  /** The TOTP secret's raw bytes (Base32StringSeed is their Base32 text), unsealed: only the store and the MFA code checker see it. */
  readonly seed: Buffer;
  /** undefined while unassigned (ListVirtualMFADevices AssignmentStatus Unassigned). */
  readonly owner: MfaOwner | undefined;
  readonly enabledAt: Date | undefined;
  /** The last TOTP time step accepted: a code is accepted at most once, and never an older one. */
  readonly lastUsedStep: number | undefined;
}

export interface MfaDeviceRepo {
  /** EntityAlreadyExists for a taken serial number. The seed is stored sealed. */
  createVirtual(d: { accountId: string; serialNumber: string; deviceName: string; path: string; seed: Buffer; tags?: readonly Tag[] }): Promise<MfaDeviceRow>;
  get(serialNumber: string): Promise<MfaDeviceRow | undefined>;
  /** Virtual devices of the account, by serial number. */
  listVirtual(accountId: string): Promise<MfaDeviceRow[]>;
  listForOwner(accountId: string, owner: MfaOwner): Promise<MfaDeviceRow[]>;
  /** EntityAlreadyExists if assigned already; LimitExceeded past 8 devices per owner. Records `step` as used. */
  enable(serialNumber: string, owner: MfaOwner, step: number): Promise<void>;
  /** NoSuchEntity unless assigned to `owner`. */
  deactivate(serialNumber: string, owner: MfaOwner): Promise<void>;
  /** DeleteConflict while assigned. */
  delete(serialNumber: string): Promise<void>;
  /**
   * Marks `step` used if it is later than the last used step, atomically (two requests with one code:
   * only one wins). Returns false when the step was used already (or an older one).
   */
  consumeStep(serialNumber: string, step: number): Promise<boolean>;
  /** ResyncMFADevice: sets the last used step. */
  resync(serialNumber: string, step: number): Promise<void>;
}

export interface OidcProviderRow {
  /** `arn:aws:iam::<account>:oidc-provider/<host/path>` */
  readonly arn: string;
  readonly accountId: string;
  /** Issuer URL without the scheme, as AWS stores it (`token.example.com/path`). */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly createdAt: Date;
}

export interface OidcProviderRepo {
  /** EntityAlreadyExists for the same URL in the account. */
  create(p: { accountId: string; arn: string; url: string; clientIds: readonly string[]; thumbprints: readonly string[]; tags?: readonly Tag[] }): Promise<OidcProviderRow>;
  get(arn: string): Promise<OidcProviderRow | undefined>;
  list(accountId: string): Promise<OidcProviderRow[]>;
  delete(arn: string): Promise<void>;
  update(arn: string, change: { clientIds?: readonly string[]; thumbprints?: readonly string[] }): Promise<OidcProviderRow>;
}
