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
