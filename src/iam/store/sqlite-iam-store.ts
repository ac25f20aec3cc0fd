import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Sealer } from '../../crypto/sealer.js';
import { loadOrCreateMasterKey } from '../../crypto/master-key.js';
import { ExternalChanges } from '../../storage/sqlite/external-changes.js';
import { migrate } from './schema.js';
import type { SqliteContext } from './sqlite-context.js';
import { sqliteAccessKeys, sqliteAccounts, sqliteUsers } from './sqlite-identities.js';
import { sqliteGroups } from './sqlite-groups.js';
import { sqliteAttachments, sqliteInlinePolicies, sqliteManagedPolicies } from './sqlite-policies.js';
import { sqliteLoginProfiles, sqliteSettings, sqliteTags, tagWriter } from './sqlite-misc.js';
import { sqliteSessionKeys } from './sqlite-session-keys.js';
import { sqliteInstanceProfiles, sqliteRoles } from './sqlite-roles.js';
import { sqliteMfaDevices } from './sqlite-mfa.js';
import { sqliteOidcProviders } from './sqlite-oidc-providers.js';
import { sqliteOrganizations } from './sqlite-organizations.js';
import { sqliteWorkloadTokens } from './sqlite-workload-tokens.js';
import { sqliteAccessActivity } from './sqlite-access-activity.js';
import type { IamChange, IamStore } from './types.js';

export const IAM_DB_FILE = 'iam.sqlite';

export interface SqliteIamStoreOptions {
  /** File path, or `:memory:` for tests. */
  readonly path: string;
  readonly sealer: Sealer;
  readonly now?: () => Date;
  /** Other processes (the server's other workers) use the same file: see `pollExternalChanges`. */
  readonly shared?: boolean;
}

export function createSqliteIamStore(options: SqliteIamStoreOptions): IamStore {
  const db = new Database(options.path);
  // First: every statement after this one, the journal-mode switch and the migrations included, waits
  // for another worker's write lock instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged IAM change (a new key, a detached policy) must survive an OS crash too.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);

  const listeners = new Set<(c: IamChange) => void>();
  const ctx: SqliteContext = {
    db,
    sealer: options.sealer,
    now: options.now ?? (() => new Date()),
    emit: (c) => {
      for (const l of listeners) l(c);
    },
  };
  const external = options.shared === true ? new ExternalChanges(db) : undefined;
  const writeTags = tagWriter(ctx);
  return {
    accounts: sqliteAccounts(ctx),
    users: sqliteUsers(ctx, writeTags),
    roles: sqliteRoles(ctx, writeTags),
    instanceProfiles: sqliteInstanceProfiles(ctx, writeTags),
    mfaDevices: sqliteMfaDevices(ctx, writeTags),
    oidcProviders: sqliteOidcProviders(ctx, writeTags),
    organizations: sqliteOrganizations(ctx),
    accessKeys: sqliteAccessKeys(ctx),
    groups: sqliteGroups(ctx),
    policies: sqliteManagedPolicies(ctx, writeTags),
    attachments: sqliteAttachments(ctx),
    inlinePolicies: sqliteInlinePolicies(ctx),
    tags: sqliteTags(ctx),
    loginProfiles: sqliteLoginProfiles(ctx),
    settings: sqliteSettings(ctx),
    sessionKeys: sqliteSessionKeys(ctx),
    workloadTokens: sqliteWorkloadTokens(ctx),
    accessActivity: sqliteAccessActivity(ctx),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pollExternalChanges() {
      if (external?.changedSinceLastPoll()) ctx.emit({ kind: 'external' });
    },
    async close() {
      listeners.clear();
      db.close();
    },
  };
}

/**
 * Opens `<dataDir>/iam.sqlite` (migrating it) with secrets sealed by `<dataDir>/master.key`
 * (created on first start, mode 0600).
 */
export function openIamStore(options: { dataDir: string; now?: () => Date; shared?: boolean }): IamStore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const sealer = new Sealer(loadOrCreateMasterKey(options.dataDir));
  const path = join(options.dataDir, IAM_DB_FILE);
  // Created private before SQLite opens it (its -wal and -shm files get the same mode): password hashes.
  closeSync(openSync(path, 'a', 0o600));
  return createSqliteIamStore({ path, sealer, now: options.now, shared: options.shared });
}
