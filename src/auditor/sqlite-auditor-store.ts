import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITOR_SCHEMA_VERSION, migrateAuditor } from './auditor-schema.js';
import { ConfigurationHistoryStore } from './configuration-history.js';
import type {
  AnalyzedFinding,
  AnalyzerRecord,
  AnalyzerType,
  ArchiveRuleRecord,
  FilterCriteria,
  FindingChanges,
  FindingRecord,
  FindingStatus,
  FindingType,
} from './auditor-types.js';
import { matchesFilter } from './finding-filter.js';

export const AUDITOR_DB_FILE = 'auditor.sqlite';

interface AnalyzerRow {
  arn: string;
  account_id: string;
  region: string;
  name: string;
  type: string;
  created_at: number;
  data: string;
  scan_requested_at: number | null;
}

interface RuleRow {
  analyzer_arn: string;
  rule_name: string;
  filter: string;
  created_at: number;
  updated_at: number;
}

interface FindingRow {
  id: string;
  analyzer_arn: string;
  finding_key: string;
  resource: string;
  resource_type: string;
  resource_owner_account: string;
  finding_type: string;
  status: string;
  created_at: number;
  updated_at: number;
  analyzed_at: number;
  details: string;
}

/** `created`: it was made; `exists`: an analyzer of that name is there already (ConflictException). */
export type CreateAnalyzerOutcome = 'Created' | 'Exists';

/**
 * The auditor's store over `auditor.sqlite`: analyzers, archive rules, findings and the job's progress.
 * Every write is one BEGIN IMMEDIATE transaction (a server's workers share the file); nothing is cached,
 * so every process reads what another committed.
 */
export class SqliteAuditorStore {
  private readonly s;
  /** The configuration history, in the same file. */
  readonly history: ConfigurationHistoryStore;

  /** `readOnly`: a reader beside the server (the CLI): no migration, the schema must be this build's. */
  constructor(
    readonly db: Database.Database,
    options: { readonly readOnly?: boolean } = {},
  ) {
    db.pragma('busy_timeout = 5000');
    if (options.readOnly) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== AUDITOR_SCHEMA_VERSION)
        throw new Error(`auditor.sqlite has schema version ${version}; this build reads ${AUDITOR_SCHEMA_VERSION}`);
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrateAuditor(db);
    }
    this.history = new ConfigurationHistoryStore(db);
    this.s = {
      insertAnalyzer: db.prepare(
        'INSERT INTO analyzers (arn, account_id, region, name, type, created_at, data, scan_requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      analyzerByName: db.prepare<[string, string, string], AnalyzerRow>(
        'SELECT * FROM analyzers WHERE account_id = ? AND region = ? AND name = ?',
      ),
      analyzerByArn: db.prepare<[string], AnalyzerRow>('SELECT * FROM analyzers WHERE arn = ?'),
      analyzersOf: db.prepare<[string, string], AnalyzerRow>(
        'SELECT * FROM analyzers WHERE account_id = ? AND region = ? ORDER BY name',
      ),
      allAnalyzers: db.prepare<[], AnalyzerRow>('SELECT * FROM analyzers ORDER BY arn'),
      deleteAnalyzer: db.prepare('DELETE FROM analyzers WHERE arn = ?'),
      setData: db.prepare('UPDATE analyzers SET data = ? WHERE arn = ?'),
      requestScan: db.prepare('UPDATE analyzers SET scan_requested_at = ? WHERE arn = ?'),
      clearScan: db.prepare('UPDATE analyzers SET scan_requested_at = NULL WHERE arn = ? AND scan_requested_at = ?'),
      putRule: db.prepare(
        `INSERT INTO archive_rules (analyzer_arn, rule_name, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (analyzer_arn, rule_name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at`,
      ),
      rule: db.prepare<[string, string], RuleRow>(
        'SELECT * FROM archive_rules WHERE analyzer_arn = ? AND rule_name = ?',
      ),
      rules: db.prepare<[string], RuleRow>('SELECT * FROM archive_rules WHERE analyzer_arn = ? ORDER BY rule_name'),
      deleteRule: db.prepare('DELETE FROM archive_rules WHERE analyzer_arn = ? AND rule_name = ?'),
      findingsOfResource: db.prepare<[string, string], FindingRow>(
        "SELECT * FROM findings WHERE analyzer_arn = ? AND resource = ? AND status != 'RESOLVED'",
      ),
      unresolvedResources: db
        .prepare<[string], string>(
          "SELECT DISTINCT resource FROM findings WHERE analyzer_arn = ? AND status != 'RESOLVED'",
        )
        .pluck(),
      countByStatus: db
        .prepare<[string, string], number>('SELECT count(*) FROM findings WHERE analyzer_arn = ? AND status = ?')
        .pluck(),
      findingsOf: db.prepare<[string], FindingRow>(
        'SELECT * FROM findings WHERE analyzer_arn = ? ORDER BY created_at, id',
      ),
      finding: db.prepare<[string, string], FindingRow>('SELECT * FROM findings WHERE analyzer_arn = ? AND id = ?'),
      insertFinding: db.prepare(
        `INSERT INTO findings (id, analyzer_arn, finding_key, resource, resource_type, resource_owner_account, finding_type, status,
           created_at, updated_at, analyzed_at, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      updateFinding: db.prepare('UPDATE findings SET details = ?, analyzed_at = ?, updated_at = ? WHERE id = ?'),
      analyzedFinding: db.prepare('UPDATE findings SET analyzed_at = ? WHERE id = ?'),
      setStatus: db.prepare('UPDATE findings SET status = ?, updated_at = ? WHERE id = ?'),
      progress: db.prepare<[string], { value: string }>('SELECT value FROM auditor_progress WHERE key = ?'),
      putProgress: db.prepare(
        'INSERT INTO auditor_progress (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  // ---- analyzers ----

  createAnalyzer(
    a: AnalyzerRecord,
    rules: readonly { ruleName: string; filter: FilterCriteria }[],
  ): CreateAnalyzerOutcome {
    return this.db
      .transaction((): CreateAnalyzerOutcome => {
        const at = a.createdAt.getTime();
        const inserted =
          this.s.insertAnalyzer.run(a.arn, a.accountId, a.region, a.name, a.type, at, analyzerData(a), at).changes ===
          1;
        if (!inserted) return 'Exists';
        for (const r of rules) this.s.putRule.run(a.arn, r.ruleName, JSON.stringify(r.filter), at, at);
        return 'Created';
      })
      .immediate();
  }

  getAnalyzer(accountId: string, region: string, name: string): AnalyzerRecord | undefined {
    const row = this.s.analyzerByName.get(accountId, region, name);
    return row && toAnalyzer(row);
  }

  getAnalyzerByArn(arn: string): AnalyzerRecord | undefined {
    const row = this.s.analyzerByArn.get(arn);
    return row && toAnalyzer(row);
  }

  listAnalyzers(accountId: string, region: string): AnalyzerRecord[] {
    return this.s.analyzersOf.all(accountId, region).map(toAnalyzer);
  }

  /** Every analyzer of the server, with when a full scan was asked for (undefined: none pending). */
  allAnalyzers(): { analyzer: AnalyzerRecord; scanRequestedAt: number | undefined }[] {
    return this.s.allAnalyzers
      .all()
      .map((r) => ({ analyzer: toAnalyzer(r), scanRequestedAt: r.scan_requested_at ?? undefined }));
  }

  /** Deletes the analyzer with its archive rules and findings; false when there was none. */
  deleteAnalyzer(arn: string): boolean {
    return this.db.transaction(() => this.s.deleteAnalyzer.run(arn).changes === 1).immediate();
  }

  updateAnalyzer(a: AnalyzerRecord): void {
    this.s.setData.run(analyzerData(a), a.arn);
  }

  requestScan(arn: string, at: number): void {
    this.s.requestScan.run(at, arn);
  }

  /** Clears the request a finished scan answered (a newer request stays). */
  scanDone(arn: string, requestedAt: number): void {
    this.s.clearScan.run(arn, requestedAt);
  }

  // ---- archive rules ----

  putArchiveRule(analyzerArn: string, ruleName: string, filter: FilterCriteria, now: Date): void {
    this.s.putRule.run(analyzerArn, ruleName, JSON.stringify(filter), now.getTime(), now.getTime());
  }

  getArchiveRule(analyzerArn: string, ruleName: string): ArchiveRuleRecord | undefined {
    const row = this.s.rule.get(analyzerArn, ruleName);
    return row && toRule(row);
  }

  listArchiveRules(analyzerArn: string): ArchiveRuleRecord[] {
    return this.s.rules.all(analyzerArn).map(toRule);
  }

  deleteArchiveRule(analyzerArn: string, ruleName: string): boolean {
    return this.s.deleteRule.run(analyzerArn, ruleName).changes === 1;
  }

  // ---- findings ----

  /**
   * Makes the analyzer's findings on `resource` what the latest analysis found, in one transaction: a
   * finding still found keeps its id, status and creation time (its details and analysis time are
   * updated); a new one is created ACTIVE, or ARCHIVED when an archive rule matches it; one no longer
   * found becomes RESOLVED ("Findings resolve themselves when the configuration changes").
   */
  reconcileFindings(
    analyzerArn: string,
    resource: string,
    found: readonly AnalyzedFinding[],
    now: Date,
  ): FindingChanges {
    return this.db
      .transaction((): FindingChanges => {
        const at = now.getTime();
        const existing = new Map(this.s.findingsOfResource.all(analyzerArn, resource).map((r) => [r.finding_key, r]));
        const rules = this.s.rules.all(analyzerArn).map(toRule);
        const created: FindingRecord[] = [];
        for (const f of found) {
          const old = existing.get(f.key);
          existing.delete(f.key);
          const details = JSON.stringify(f.details);
          if (old !== undefined) {
            if (old.details !== details) this.s.updateFinding.run(details, at, at, old.id);
            else this.s.analyzedFinding.run(at, old.id);
            continue;
          }
          const record: FindingRecord = {
            id: randomUUID(),
            analyzerArn,
            resource,
            ...f,
            status: 'ACTIVE',
            createdAt: now,
            updatedAt: now,
            analyzedAt: now,
          };
          const status: FindingStatus = rules.some((r) => matchesFilter(record, r.filter)) ? 'ARCHIVED' : 'ACTIVE';
          this.s.insertFinding.run(
            record.id,
            analyzerArn,
            f.key,
            resource,
            f.resourceType,
            f.resourceOwnerAccount,
            f.findingType,
            status,
            at,
            at,
            at,
            details,
          );
          created.push({ ...record, status });
        }
        const resolved: FindingRecord[] = [];
        for (const old of existing.values()) {
          this.s.setStatus.run('RESOLVED', at, old.id);
          resolved.push({ ...toFinding(old), status: 'RESOLVED', updatedAt: now });
        }
        return { created, resolved };
      })
      .immediate();
  }

  /** Every finding of the analyzer, oldest first. */
  listFindings(analyzerArn: string): FindingRecord[] {
    return this.s.findingsOf.all(analyzerArn).map(toFinding);
  }

  /** The analyzer's findings one at a time, oldest first: a page reads only as far as it needs. */
  *iterateFindings(analyzerArn: string): Generator<FindingRecord> {
    for (const row of this.s.findingsOf.iterate(analyzerArn)) yield toFinding(row);
  }

  /** The resources on which the analyzer has findings that are not resolved (a scan's reconciliation). */
  unresolvedResources(analyzerArn: string): string[] {
    return this.s.unresolvedResources.all(analyzerArn);
  }

  countFindings(analyzerArn: string, status: FindingStatus): number {
    return this.s.countByStatus.get(analyzerArn, status) ?? 0;
  }

  getFinding(analyzerArn: string, id: string): FindingRecord | undefined {
    const row = this.s.finding.get(analyzerArn, id);
    return row && toFinding(row);
  }

  /** Sets the findings' status (UpdateFindings, archive rules); the caller leaves RESOLVED ones out. */
  setFindingStatus(ids: readonly string[], status: 'ACTIVE' | 'ARCHIVED', now: Date): void {
    this.db
      .transaction(() => {
        for (const id of ids) this.s.setStatus.run(status, now.getTime(), id);
      })
      .immediate();
  }

  // ---- progress ----

  progress<T>(key: string): T | undefined {
    const row = this.s.progress.get(key);
    return row && (JSON.parse(row.value) as T);
  }

  setProgress(key: string, value: unknown): void {
    this.s.putProgress.run(key, JSON.stringify(value));
  }

  close(): void {
    this.db.close();
  }
}

/** Opens `<dataDir>/auditor.sqlite` (created 0600, migrated). */
export function openAuditorStore(dataDir: string): SqliteAuditorStore {
  const path = join(dataDir, AUDITOR_DB_FILE);
  closeSync(openSync(path, 'a', 0o600));
  return new SqliteAuditorStore(new Database(path));
}

/** Opens `<dataDir>/auditor.sqlite` read-only (while a server may be writing it): the CLI's reader. */
export function openAuditorStoreReadOnly(dataDir: string): SqliteAuditorStore {
  return new SqliteAuditorStore(new Database(join(dataDir, AUDITOR_DB_FILE), { readonly: true, fileMustExist: true }), {
    readOnly: true,
  });
}

function analyzerData(a: AnalyzerRecord): string {
  return JSON.stringify({
    tags: a.tags,
    configuration: a.configuration,
    lastResourceAnalyzed: a.lastResourceAnalyzed,
    lastResourceAnalyzedAt: a.lastResourceAnalyzedAt?.getTime(),
    clientToken: a.clientToken,
  });
}

function toAnalyzer(r: AnalyzerRow): AnalyzerRecord {
  const d = JSON.parse(r.data) as {
    tags: Record<string, string>;
    configuration?: Record<string, unknown>;
    lastResourceAnalyzed?: string;
    lastResourceAnalyzedAt?: number;
    clientToken?: string;
  };
  return {
    arn: r.arn,
    accountId: r.account_id,
    region: r.region,
    name: r.name,
    type: r.type as AnalyzerType,
    createdAt: new Date(r.created_at),
    tags: d.tags,
    ...(d.configuration ? { configuration: d.configuration } : {}),
    ...(d.lastResourceAnalyzed ? { lastResourceAnalyzed: d.lastResourceAnalyzed } : {}),
    ...(d.lastResourceAnalyzedAt ? { lastResourceAnalyzedAt: new Date(d.lastResourceAnalyzedAt) } : {}),
    ...(d.clientToken ? { clientToken: d.clientToken } : {}),
  };
}

function toRule(r: RuleRow): ArchiveRuleRecord {
  return {
    analyzerArn: r.analyzer_arn,
    ruleName: r.rule_name,
    filter: JSON.parse(r.filter) as FilterCriteria,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toFinding(r: FindingRow): FindingRecord {
  return {
    id: r.id,
    analyzerArn: r.analyzer_arn,
    key: r.finding_key,
    resource: r.resource,
    resourceType: r.resource_type,
    resourceOwnerAccount: r.resource_owner_account,
    findingType: r.finding_type as FindingType,
    status: r.status as FindingStatus,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    analyzedAt: new Date(r.analyzed_at),
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}
