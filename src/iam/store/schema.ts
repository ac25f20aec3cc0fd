import type Database from 'better-sqlite3';

/**
 * Ordered migrations for `<dataDir>/iam.sqlite`. Each runs once, in a transaction, and bumps
 * `PRAGMA user_version`. Never edit a released migration; append a new one.
 * Times are integer milliseconds since the epoch. `*_lc` columns hold lower-cased names so names are
 * unique case-insensitively (AWS: "names are not distinguished by case").
 */
export const MIGRATIONS: readonly string[] = [
  // 1: identities, keys, groups, policies, attachments, inline policies, tags, console access, settings
  `
  CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    is_management INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    user_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    user_name TEXT NOT NULL,
    user_name_lc TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_last_used INTEGER,
    permissions_boundary_arn TEXT,
    UNIQUE (account_id, user_name_lc)
  );
  CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    user_id TEXT REFERENCES users(user_id),
    secret_sealed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_service TEXT,
    last_used_region TEXT
  );
  CREATE INDEX access_keys_owner ON access_keys (account_id, user_id);
  CREATE TABLE groups (
    group_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    group_name TEXT NOT NULL,
    group_name_lc TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, group_name_lc)
  );
  CREATE TABLE group_members (
    account_id TEXT NOT NULL,
    group_id TEXT NOT NULL REFERENCES groups(group_id),
    user_id TEXT NOT NULL REFERENCES users(user_id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
  );
  CREATE INDEX group_members_user ON group_members (user_id);
  CREATE TABLE managed_policies (
    policy_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    arn TEXT NOT NULL UNIQUE,
    policy_name TEXT NOT NULL,
    policy_name_lc TEXT NOT NULL,
    path TEXT NOT NULL,
    description TEXT,
    default_version_id TEXT NOT NULL,
    next_version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (account_id, policy_name_lc)
  );
  CREATE TABLE policy_versions (
    account_id TEXT NOT NULL,
    policy_id TEXT NOT NULL REFERENCES managed_policies(policy_id),
    version_id TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version_id)
  );
  CREATE TABLE attachments (
    account_id TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (principal_kind, principal_id, policy_arn)
  );
  CREATE INDEX attachments_policy ON attachments (account_id, policy_arn);
  CREATE TABLE inline_policies (
    account_id TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    document TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (principal_kind, principal_id, policy_name)
  );
  CREATE TABLE tags (
    account_id TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_key_lc TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (entity_kind, entity_id, tag_key_lc)
  );
  CREATE TABLE login_profiles (
    user_id TEXT PRIMARY KEY REFERENCES users(user_id),
    account_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    password_last_changed INTEGER NOT NULL
  );
  CREATE TABLE mfa_devices (
    serial_number TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    user_id TEXT REFERENCES users(user_id),
    enabled_at INTEGER
  );
  CREATE TABLE password_policies (
    account_id TEXT PRIMARY KEY,
    policy_json TEXT NOT NULL
  );
  CREATE TABLE account_aliases (
    alias TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE credential_reports (
    account_id TEXT PRIMARY KEY,
    generated_at INTEGER NOT NULL,
    content TEXT NOT NULL
  );
  `,
  // 2: roles, instance profiles, MFA devices (replacing the unused placeholder), OIDC providers,
  // Organizations, STS session-token keys; account names and e-mails.
  `
  ALTER TABLE accounts ADD COLUMN name TEXT;
  ALTER TABLE accounts ADD COLUMN email TEXT;
  CREATE TABLE roles (
    role_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    role_name TEXT NOT NULL,
    role_name_lc TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    trust_policy TEXT NOT NULL,
    trust_revision INTEGER NOT NULL,
    permissions_boundary_arn TEXT,
    last_used_at INTEGER,
    last_used_region TEXT,
    UNIQUE (account_id, role_name_lc)
  );
  CREATE TABLE instance_profiles (
    instance_profile_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    name TEXT NOT NULL,
    name_lc TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, name_lc)
  );
  CREATE TABLE instance_profile_roles (
    instance_profile_id TEXT NOT NULL REFERENCES instance_profiles(instance_profile_id),
    role_id TEXT NOT NULL REFERENCES roles(role_id),
    PRIMARY KEY (instance_profile_id, role_id)
  );
  CREATE INDEX instance_profile_roles_role ON instance_profile_roles (role_id);
  DROP TABLE mfa_devices;
  CREATE TABLE mfa_devices (
    serial_number TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    device_name TEXT NOT NULL,
    path TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    seed_sealed TEXT NOT NULL,
    owner_kind TEXT CHECK (owner_kind IN ('user', 'root')),
    user_id TEXT REFERENCES users(user_id),
    enabled_at INTEGER,
    last_used_step INTEGER
  );
  CREATE INDEX mfa_devices_owner ON mfa_devices (account_id, owner_kind, user_id);
  CREATE TABLE oidc_providers (
    arn TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    url TEXT NOT NULL,
    client_ids TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE organizations (
    organization_id TEXT PRIMARY KEY,
    management_account_id TEXT NOT NULL REFERENCES accounts(account_id),
    feature_set TEXT NOT NULL,
    root_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    enabled_policy_types TEXT NOT NULL,
    root_credentials_management INTEGER NOT NULL,
    root_sessions INTEGER NOT NULL
  );
  CREATE TABLE org_units (
    ou_id TEXT PRIMARY KEY,
    parent_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX org_units_parent ON org_units (parent_id);
  CREATE TABLE org_accounts (
    account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    joined_method TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    status TEXT NOT NULL
  );
  CREATE INDEX org_accounts_parent ON org_accounts (parent_id);
  CREATE TABLE org_policies (
    policy_id TEXT PRIMARY KEY,
    policy_type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    content TEXT NOT NULL,
    aws_managed INTEGER NOT NULL,
    revision INTEGER NOT NULL
  );
  CREATE TABLE org_policy_targets (
    policy_id TEXT NOT NULL REFERENCES org_policies(policy_id),
    target_id TEXT NOT NULL,
    PRIMARY KEY (policy_id, target_id)
  );
  CREATE INDEX org_policy_targets_target ON org_policy_targets (target_id);
  CREATE TABLE create_account_statuses (
    request_id TEXT PRIMARY KEY,
    account_name TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    completed_at INTEGER,
    account_id TEXT,
    failure_reason TEXT
  );
  CREATE TABLE session_keys (
    key_id TEXT PRIMARY KEY,
    key_sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // 3: Organizations trusted access (EnableAWSServiceAccess) and tags of accounts, OUs, policies, the root.
  `
  CREATE TABLE org_service_access (
    service_principal TEXT PRIMARY KEY,
    enabled_at INTEGER NOT NULL
  );
  CREATE TABLE org_tags (
    resource_id TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (resource_id, tag_key)
  );
  `,
  // 4: workload tokens (src/workloads). Only the token's SHA-256 is kept. No foreign key to the
  // instance profile: DeleteInstanceProfile must not be blocked by a token, which then stops working.
  `
  CREATE TABLE workload_tokens (
    token_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    instance_profile_id TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at INTEGER NOT NULL,
    created_by_arn TEXT NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX workload_tokens_account ON workload_tokens (account_id, created_at);
  `,
  // 5: account-level S3 Block Public Access (S3 Control PutPublicAccessBlock): the account's own
  // settings, kept while an organization's S3 policy overrides them so they come back on detach.
  `
  CREATE TABLE account_public_access_blocks (
    account_id TEXT PRIMARY KEY REFERENCES accounts(account_id),
    block_public_acls INTEGER NOT NULL,
    ignore_public_acls INTEGER NOT NULL,
    block_public_policy INTEGER NOT NULL,
    restrict_public_buckets INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // 6: the access advisor (src/iam/access-activity.ts, src/iam/api/access-advisor.ts): the last
  // authorized use of each action by each entity, and finished report jobs. No foreign keys: a batch of
  // uses must never fail because an entity or account went away meanwhile.
  `
  CREATE TABLE access_activity (
    account_id TEXT NOT NULL,
    entity_arn TEXT NOT NULL,
    service_namespace TEXT NOT NULL,
    action TEXT NOT NULL,
    last_authenticated INTEGER NOT NULL,
    region TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_arn, service_namespace, action)
  ) WITHOUT ROWID;
  CREATE TABLE access_advisor_jobs (
    job_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    created_by_arn TEXT NOT NULL,
    job_type TEXT NOT NULL CHECK (job_type IN ('SERVICE_LEVEL', 'ACTION_LEVEL')),
    created_at INTEGER NOT NULL,
    completed_at INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE INDEX access_advisor_jobs_created ON access_advisor_jobs (created_at);
  `,
  // 7: the root user's console password (src/console; AWS sets it at sign-up)
  `
  ALTER TABLE accounts ADD COLUMN root_password_hash TEXT;
  ALTER TABLE accounts ADD COLUMN root_password_changed INTEGER;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Applies pending migrations; refuses a database written by a newer Strongbox. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`iam.sqlite has schema version ${current}, newer than this build supports (${SCHEMA_VERSION})`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
