import type Database from 'better-sqlite3';

/**
 * Ordered migrations for `<dataDir>/kms.sqlite`. Each runs once, in a transaction, and bumps
 * `PRAGMA user_version`. Never edit a released migration; append a new one. Times are integer
 * milliseconds since the epoch.
 *
 * KMS keeps its own database rather than tables in iam.sqlite: its writes (a first SSE-KMS upload
 * creates the account's `aws/s3` key) must not make every worker process drop its IAM caches, and
 * KMS's schema moves on its own.
 */
export const KMS_MIGRATIONS: readonly string[] = [
  // 1: keys, their key material (sealed by the master key), aliases, tags.
  `
  CREATE TABLE keys (
    key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    description TEXT NOT NULL,
    key_manager TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deletion_date INTEGER,
    pending_window_days INTEGER,
    policy TEXT NOT NULL,
    policy_revision INTEGER NOT NULL,
    rotation_enabled INTEGER NOT NULL,
    rotation_period_days INTEGER,
    next_rotation_at INTEGER
  );
  CREATE INDEX keys_account ON keys (account_id, region, key_id);
  CREATE TABLE key_materials (
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    material_id TEXT NOT NULL,
    material_sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    rotation_type TEXT,
    PRIMARY KEY (key_id, version)
  );
  CREATE TABLE aliases (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    alias_name TEXT NOT NULL,
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, alias_name)
  );
  CREATE INDEX aliases_key ON aliases (key_id);
  CREATE TABLE key_tags (
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (key_id, tag_key)
  );
  `,
];

export const KMS_SCHEMA_VERSION = KMS_MIGRATIONS.length;

/** Applies pending migrations (BEGIN IMMEDIATE: worker processes may open the file at once). */
export function migrateKms(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > KMS_SCHEMA_VERSION) {
      throw new Error(
        `kms.sqlite has schema version ${current}, newer than this build supports (${KMS_SCHEMA_VERSION})`,
      );
    }
    for (let v = current; v < KMS_SCHEMA_VERSION; v++) {
      db.exec(KMS_MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
