import type { Database } from 'better-sqlite3';

/**
 * `auditor.sqlite` (issue #18): the continuous auditor's own state — analyzers and their archive rules,
 * findings, the configuration history, and the job's progress. Apart from the metadata and the audit
 * trail because it is derived from them: it can be rebuilt by a scan, and its writes never wait on a
 * request's.
 */
const AUDITOR_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE analyzers (
    arn TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- JSON: tags, configuration, lastResourceAnalyzed(At)
    data TEXT NOT NULL,
    -- set when the analyzer must look at every resource again (new analyzer, zone changed, schedule)
    scan_requested_at INTEGER,
    UNIQUE (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE archive_rules (
    analyzer_arn TEXT NOT NULL REFERENCES analyzers (arn) ON DELETE CASCADE,
    rule_name TEXT NOT NULL,
    filter TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (analyzer_arn, rule_name)
  ) WITHOUT ROWID;
  CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    analyzer_arn TEXT NOT NULL REFERENCES analyzers (arn) ON DELETE CASCADE,
    -- what makes two analyses the same finding: principal, condition, public, source
    finding_key TEXT NOT NULL,
    resource TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_owner_account TEXT NOT NULL,
    finding_type TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    analyzed_at INTEGER NOT NULL,
    details TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX findings_by_resource ON findings (analyzer_arn, resource, status);
  CREATE TABLE configuration_items (
    resource_type TEXT NOT NULL,
    account_id TEXT NOT NULL,
    resource_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- AWS Config's resourceId (a bucket's name, a user's AIDA id, a key's id): what the API queries by
    resource_id TEXT NOT NULL,
    capture_time INTEGER NOT NULL,
    status TEXT NOT NULL,
    state_hash TEXT NOT NULL,
    -- JSON: the description (ResourceDescription), the diff from the previous item, the causing event
    item TEXT NOT NULL,
    PRIMARY KEY (resource_type, account_id, resource_name, version)
  ) WITHOUT ROWID;
  CREATE INDEX configuration_items_by_id ON configuration_items (account_id, resource_type, resource_id, capture_time);
  -- StartPolicyGeneration's jobs (src/auditor/policy-generation): the request, its status and result.
  CREATE TABLE policy_generations (
    job_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    principal_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    started_on INTEGER NOT NULL,
    completed_on INTEGER,
    -- JSON: the request (policyGenerationDetails, cloudTrailDetails), the result or the job error
    data TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX policy_generations_by_account ON policy_generations (account_id, started_on);
  CREATE TABLE auditor_progress (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
];

export const AUDITOR_SCHEMA_VERSION = AUDITOR_MIGRATIONS.length;

/** Applies pending migrations (BEGIN IMMEDIATE: worker processes may open the file at once). */
export function migrateAuditor(db: Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > AUDITOR_SCHEMA_VERSION) {
      throw new Error(
        `auditor.sqlite has schema version ${current}, newer than this build supports (${AUDITOR_SCHEMA_VERSION})`,
      );
    }
    for (let v = current; v < AUDITOR_SCHEMA_VERSION; v++) {
      db.exec(AUDITOR_MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}
