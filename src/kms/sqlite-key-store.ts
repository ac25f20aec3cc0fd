import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Sealer } from '../crypto/sealer.js';
import { ExternalChanges } from '../storage/sqlite/external-changes.js';
import { migrateKms } from './kms-schema.js';
import type {
  AliasRecord,
  KeyChange,
  KeyMaterial,
  KeyRecord,
  KmsKeyStore,
  KmsTag,
  NewKey,
  StoredKey,
} from './key-types.js';

export const KMS_DB_FILE = 'kms.sqlite';

export interface SqliteKeyStoreOptions {
  /** File path, or `:memory:` for tests. */
  readonly path: string;
  /** Seals key material with the master key (the same one that seals IAM secrets). */
  readonly sealer: Sealer;
  /** Other processes (the server's other workers) use the same file. */
  readonly shared?: boolean;
}

interface KeyRow {
  key_id: string;
  account_id: string;
  region: string;
  description: string;
  key_manager: string;
  state: string;
  created_at: number;
  deletion_date: number | null;
  pending_window_days: number | null;
  policy: string;
  policy_revision: number;
  rotation_enabled: number;
  rotation_period_days: number | null;
  next_rotation_at: number | null;
}

interface MaterialRow {
  version: number;
  material_id: string;
  material_sealed: string;
  created_at: number;
  rotation_type: string | null;
}

interface AliasRow {
  account_id: string;
  region: string;
  alias_name: string;
  key_id: string;
  created_at: number;
  updated_at: number;
}

const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** What a material's seal is bound to: a sealed material copied onto another key or version fails to unseal. */
const sealContext = (keyId: string, version: number): string => `kms:${keyId}:${version}`;

/**
 * `<dataDir>/kms.sqlite`. Writes are BEGIN IMMEDIATE transactions (several worker processes share the
 * file) with synchronous=FULL: losing acknowledged key material would lose every object it protects.
 */
export function createSqliteKeyStore(options: SqliteKeyStoreOptions): KmsKeyStore {
  const db = new Database(options.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrateKms(db);
  const { sealer } = options;
  const external = options.shared === true ? new ExternalChanges(db) : undefined;
  const s = statements(db);

  const readKey = (keyId: string): StoredKey | undefined => {
    const row = s.key.get(keyId);
    if (!row) return undefined;
    const materials = s.materials.all(keyId).map((m) => toMaterial(sealer, keyId, m));
    const tags = s.tags.all(keyId).map((t) => ({ TagKey: t.tag_key, TagValue: t.tag_value }));
    const aliases = s.aliasesOfKey.all(keyId);
    return { record: toRecord(row, tags, aliases), materials };
  };
  const insertKey = (k: NewKey): void => {
    const r = k.record;
    s.insertKey.run(
      r.keyId,
      r.accountId,
      r.region,
      r.description,
      r.keyManager,
      r.state,
      r.createdAt.getTime(),
      r.deletionDate?.getTime() ?? null,
      r.pendingWindowDays ?? null,
      r.policy,
      1,
      r.rotation.enabled ? 1 : 0,
      r.rotation.periodDays ?? null,
      r.rotation.nextRotationAt?.getTime() ?? null,
    );
    insertMaterial(k.record.keyId, k.material);
    for (const t of r.tags) s.putTag.run(r.keyId, t.TagKey, t.TagValue);
  };
  const insertMaterial = (keyId: string, m: KeyMaterial): void => {
    const sealed = sealer.seal(m.key, sealContext(keyId, m.version));
    s.insertMaterial.run(keyId, m.version, m.materialId, sealed, m.createdAt.getTime(), m.rotationType ?? null);
  };
  const write = <T>(fn: () => T): T => db.transaction(fn).immediate();
  // A key, its material, tags and aliases read in one snapshot (another process may be writing).
  const readKeySnapshot = db.transaction(readKey);

  return {
    async getKey(keyId) {
      return readKeySnapshot(keyId);
    },
    async listKeyIds(accountId, region) {
      return s.keyIds.all(accountId, region);
    },
    async createKey(key) {
      write(() => insertKey(key));
    },
    async ensureAliasedKey(accountId, region, aliasName, make) {
      return write(() => {
        const found = s.alias.get(accountId, region, aliasName);
        if (found) return found.key_id;
        const key = make();
        insertKey(key);
        const at = key.record.createdAt.getTime();
        s.insertAlias.run(accountId, region, aliasName, key.record.keyId, at, at);
        return key.record.keyId;
      });
    },
    async updateKey(keyId, change) {
      return write(() => applyChange(s, keyId, change));
    },
    async addMaterial(keyId, material, o) {
      return write(() => {
        if (s.latestVersion.get(keyId) !== o.expectedVersion) return false;
        insertMaterial(keyId, material);
        if (o.nextRotationAt !== undefined) s.setNextRotation.run(o.nextRotationAt.getTime(), keyId);
        return true;
      });
    },
    async deleteKey(keyId) {
      write(() => s.deleteKey.run(keyId));
    },
    async putTags(keyId, tags) {
      write(() => {
        for (const t of tags) s.putTag.run(keyId, t.TagKey, t.TagValue);
      });
    },
    async removeTags(keyId, tagKeys) {
      write(() => {
        for (const k of tagKeys) s.deleteTag.run(keyId, k);
      });
    },
    async getAlias(accountId, region, aliasName) {
      const row = s.alias.get(accountId, region, aliasName);
      return row && toAlias(row);
    },
    async listAliases(accountId, region) {
      return s.aliases.all(accountId, region).map(toAlias);
    },
    async createAlias(a) {
      const row = [a.accountId, a.region, a.aliasName, a.keyId, a.createdAt.getTime(), a.updatedAt.getTime()];
      return write(() => s.insertAliasIfAbsent.run(...row).changes === 1);
    },
    async updateAlias(accountId, region, aliasName, keyId, at) {
      return write(() => s.updateAlias.run(keyId, at.getTime(), accountId, region, aliasName).changes === 1);
    },
    async deleteAlias(accountId, region, aliasName) {
      return write(() => s.deleteAlias.run(accountId, region, aliasName).changes === 1);
    },
    changedElsewhere() {
      return external?.changedSinceLastPoll() ?? false;
    },
    async close() {
      db.close();
    },
  };
}

/** Opens `<dataDir>/kms.sqlite` (migrating it). */
export function openKeyStore(options: { dataDir: string; sealer: Sealer; shared?: boolean }): KmsKeyStore {
  const path = join(options.dataDir, KMS_DB_FILE);
  // Created private before SQLite opens it (its -wal and -shm files get the same mode).
  closeSync(openSync(path, 'a', 0o600));
  return createSqliteKeyStore({
    path,
    sealer: options.sealer,
    shared: options.shared,
  });
}

function statements(db: Database.Database) {
  return {
    key: db.prepare<[string], KeyRow>('SELECT * FROM keys WHERE key_id = ?'),
    keyIds: db
      .prepare<[string, string], string>('SELECT key_id FROM keys WHERE account_id = ? AND region = ? ORDER BY key_id')
      .pluck(),
    materials: db.prepare<[string], MaterialRow>('SELECT * FROM key_materials WHERE key_id = ? ORDER BY version'),
    latestVersion: db.prepare<[string], number>('SELECT max(version) FROM key_materials WHERE key_id = ?').pluck(),
    tags: db.prepare<[string], { tag_key: string; tag_value: string }>(
      'SELECT tag_key, tag_value FROM key_tags WHERE key_id = ? ORDER BY tag_key',
    ),
    aliasesOfKey: db
      .prepare<[string], string>('SELECT alias_name FROM aliases WHERE key_id = ? ORDER BY alias_name')
      .pluck(),
    insertKey: db.prepare(
      `INSERT INTO keys (key_id, account_id, region, description, key_manager, state, created_at, deletion_date,
         pending_window_days, policy, policy_revision, rotation_enabled, rotation_period_days, next_rotation_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertMaterial: db.prepare(
      `INSERT INTO key_materials (key_id, version, material_id, material_sealed, created_at, rotation_type)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    setNextRotation: db.prepare('UPDATE keys SET next_rotation_at = ? WHERE key_id = ?'),
    deleteKey: db.prepare('DELETE FROM keys WHERE key_id = ?'),
    putTag: db.prepare(
      `INSERT INTO key_tags (key_id, tag_key, tag_value) VALUES (?, ?, ?)
       ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
    ),
    deleteTag: db.prepare('DELETE FROM key_tags WHERE key_id = ? AND tag_key = ?'),
    alias: db.prepare<[string, string, string], AliasRow>(
      'SELECT * FROM aliases WHERE account_id = ? AND region = ? AND alias_name = ?',
    ),
    aliases: db.prepare<[string, string], AliasRow>(
      'SELECT * FROM aliases WHERE account_id = ? AND region = ? ORDER BY alias_name',
    ),
    insertAlias: db.prepare(
      'INSERT INTO aliases (account_id, region, alias_name, key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertAliasIfAbsent: db.prepare(
      `INSERT INTO aliases (account_id, region, alias_name, key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, region, alias_name) DO NOTHING`,
    ),
    updateAlias: db.prepare(
      'UPDATE aliases SET key_id = ?, updated_at = ? WHERE account_id = ? AND region = ? AND alias_name = ?',
    ),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE account_id = ? AND region = ? AND alias_name = ?'),
    db,
  };
}

type Statements = ReturnType<typeof statements>;

/** One UPDATE of the columns `change` names. */
function applyChange(s: Statements, keyId: string, change: KeyChange): boolean {
  const sets: string[] = [];
  const values: (string | number | null)[] = [];
  const set = (column: string, value: string | number | null) => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  if (change.description !== undefined) set('description', change.description);
  if (change.state !== undefined) set('state', change.state);
  if (change.deletionDate !== undefined) set('deletion_date', change.deletionDate?.getTime() ?? null);
  if (change.pendingWindowDays !== undefined) set('pending_window_days', change.pendingWindowDays);
  if (change.policy !== undefined) {
    set('policy', change.policy);
    sets.push('policy_revision = policy_revision + 1');
  }
  if (change.rotation !== undefined) {
    set('rotation_enabled', change.rotation.enabled ? 1 : 0);
    set('rotation_period_days', change.rotation.periodDays ?? null);
    set('next_rotation_at', change.rotation.nextRotationAt?.getTime() ?? null);
  }
  if (sets.length === 0) return s.key.get(keyId) !== undefined;
  // The column list is built from the fixed names above, never from input.
  return s.db.prepare(`UPDATE keys SET ${sets.join(', ')} WHERE key_id = ?`).run(...values, keyId).changes === 1;
}

function toRecord(r: KeyRow, tags: KmsTag[], aliases: string[]): KeyRecord {
  return {
    keyId: r.key_id,
    accountId: r.account_id,
    region: r.region,
    description: r.description,
    keyManager: r.key_manager as KeyRecord['keyManager'],
    state: r.state as KeyRecord['state'],
    createdAt: new Date(r.created_at),
    deletionDate: date(r.deletion_date),
    pendingWindowDays: r.pending_window_days ?? undefined,
    policy: r.policy,
    policyRevision: r.policy_revision,
    rotation: {
      enabled: r.rotation_enabled === 1,
      periodDays: r.rotation_period_days ?? undefined,
      nextRotationAt: date(r.next_rotation_at),
    },
    tags,
    aliases,
  };
}

function toMaterial(sealer: Sealer, keyId: string, m: MaterialRow): KeyMaterial {
  return {
    version: m.version,
    materialId: m.material_id,
    key: sealer.unsealToBuffer(m.material_sealed, sealContext(keyId, m.version)),
    createdAt: new Date(m.created_at),
    rotationType: (m.rotation_type ?? undefined) as KeyMaterial['rotationType'],
  };
}

function toAlias(r: AliasRow): AliasRecord {
  return {
    accountId: r.account_id,
    region: r.region,
    aliasName: r.alias_name,
    keyId: r.key_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}
