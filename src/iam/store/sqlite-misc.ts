import { iamError } from '../errors.js';
import { toDate, type SqliteContext } from './sqlite-context.js';
import type {
  AccountPublicAccessBlock,
  AccountSettingsRepo,
  LoginProfileRepo,
  LoginProfileRow,
  PasswordPolicy,
  Tag,
  TaggableKind,
  TagRepo,
} from './types.js';

export const MAX_TAGS_PER_ENTITY = 50;

interface TagDb { tag_key: string; tag_value: string }
interface LoginDb { account_id: string; user_id: string; password_hash: string; password_reset_required: number; created_at: number; password_last_changed: number }

const loginRow = (r: LoginDb): LoginProfileRow => ({
  accountId: r.account_id,
  userId: r.user_id,
  passwordHash: r.password_hash,
  passwordResetRequired: r.password_reset_required === 1,
  createdAt: toDate(r.created_at),
  passwordLastChanged: toDate(r.password_last_changed),
});

/** Tag writes used inside other repositories' transactions (CreateUser/CreatePolicy with Tags). */
export function tagWriter(ctx: SqliteContext) {
  const upsert = ctx.db.prepare(`INSERT INTO tags (account_id, entity_kind, entity_id, tag_key, tag_key_lc, tag_value) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (entity_kind, entity_id, tag_key_lc) DO UPDATE SET tag_key = excluded.tag_key, tag_value = excluded.tag_value`);
  const count = ctx.db.prepare<[string, string], { n: number }>('SELECT count(*) n FROM tags WHERE entity_kind = ? AND entity_id = ?');
  return (accountId: string, kind: TaggableKind, id: string, tags: readonly Tag[]): void => {
    for (const t of tags) upsert.run(accountId, kind, id, t.Key, t.Key.toLowerCase(), t.Value);
    if ((count.get(kind, id) as { n: number }).n > MAX_TAGS_PER_ENTITY) {
      throw iamError('LimitExceeded', { message: `The number of tags has reached the maximum limit (${MAX_TAGS_PER_ENTITY}).` });
    }
  };
}

export function sqliteTags(ctx: SqliteContext): TagRepo {
  const { db } = ctx;
  const write = tagWriter(ctx);
  const listTags = db.prepare<[string, string], TagDb>('SELECT tag_key, tag_value FROM tags WHERE entity_kind = ? AND entity_id = ? ORDER BY rowid');
  const emit = (accountId: string, kind: TaggableKind, id: string) => {
    // Principal tags feed aws:PrincipalTag conditions.
    if (kind === 'user') ctx.emit({ kind: 'user', accountId, userId: id });
    else if (kind === 'role') ctx.emit({ kind: 'role', accountId, roleId: id });
    else ctx.emit({ kind: 'policy', accountId });
  };
  return {
    async list(kind, id) {
      return listTags.all(kind, id).map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
    },
    async tag(accountId, kind, id, tags) {
      db.transaction(() => write(accountId, kind, id, tags)).immediate();
      emit(accountId, kind, id);
    },
    async untag(kind, id, keys) {
      const del = db.prepare('DELETE FROM tags WHERE entity_kind = ? AND entity_id = ? AND tag_key_lc = ?');
      const accountRow = db.transaction(() => {
        const r = db
          .prepare<[string, string], { account_id: string }>('SELECT account_id FROM tags WHERE entity_kind = ? AND entity_id = ? LIMIT 1')
          .get(kind, id);
        keys.forEach((k) => del.run(kind, id, k.toLowerCase()));
        return r;
      }).immediate();
      if (accountRow) emit(accountRow.account_id, kind, id);
    },
  };
}

export function sqliteLoginProfiles(ctx: SqliteContext): LoginProfileRepo {
  const { db } = ctx;
  const get = db.prepare<[string], LoginDb>('SELECT * FROM login_profiles WHERE user_id = ?');
  return {
    async create(p) {
      const at = ctx.now().getTime();
      db.transaction(() => {
        if (get.get(p.userId)) throw iamError('EntityAlreadyExists', { message: 'Login Profile for user already exists.' });
        db.prepare('INSERT INTO login_profiles (user_id, account_id, password_hash, password_reset_required, created_at, password_last_changed) VALUES (?, ?, ?, ?, ?, ?)')
          .run(p.userId, p.accountId, p.passwordHash, p.passwordResetRequired ? 1 : 0, at, at);
      }).immediate();
      return loginRow(get.get(p.userId) as LoginDb);
    },
    async get(userId) {
      const r = get.get(userId);
      return r && loginRow(r);
    },
    async listForAccount(accountId) {
      return db.prepare<[string], LoginDb>('SELECT * FROM login_profiles WHERE account_id = ?').all(accountId).map(loginRow);
    },
    async update(userId, change) {
      const at = ctx.now().getTime();
      db.transaction(() => {
        const r = get.get(userId);
        if (!r) throw iamError('NoSuchEntity', { message: 'Login Profile for User cannot be found.' });
        db.prepare('UPDATE login_profiles SET password_hash = ?, password_reset_required = ?, password_last_changed = ? WHERE user_id = ?').run(
          change.passwordHash ?? r.password_hash,
          change.passwordResetRequired === undefined ? r.password_reset_required : change.passwordResetRequired ? 1 : 0,
          change.passwordHash === undefined ? r.password_last_changed : at,
          userId,
        );
      }).immediate();
    },
    async delete(userId) {
      return db.prepare('DELETE FROM login_profiles WHERE user_id = ?').run(userId).changes > 0;
    },
  };
}

interface PublicAccessBlockDb {
  block_public_acls: number;
  ignore_public_acls: number;
  block_public_policy: number;
  restrict_public_buckets: number;
}

/** The account-level Block Public Access half of the settings repository (migration 5). */
type PublicAccessBlockMethods = 'getPublicAccessBlock' | 'putPublicAccessBlock' | 'deletePublicAccessBlock';

function publicAccessBlocks(ctx: SqliteContext): Pick<AccountSettingsRepo, PublicAccessBlockMethods> {
  const { db } = ctx;
  const get = db.prepare<[string], PublicAccessBlockDb>(`SELECT block_public_acls, ignore_public_acls,
      block_public_policy, restrict_public_buckets FROM account_public_access_blocks WHERE account_id = ?`);
  const put = db.prepare(`INSERT INTO account_public_access_blocks
      (account_id, block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets, updated_at)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (account_id) DO UPDATE SET block_public_acls = excluded.block_public_acls,
      ignore_public_acls = excluded.ignore_public_acls, block_public_policy = excluded.block_public_policy,
      restrict_public_buckets = excluded.restrict_public_buckets, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM account_public_access_blocks WHERE account_id = ?');
  const bit = (b: boolean) => (b ? 1 : 0);
  return {
    async getPublicAccessBlock(accountId) {
      const r = get.get(accountId);
      if (!r) return undefined;
      const settings: AccountPublicAccessBlock = {
        blockPublicAcls: r.block_public_acls === 1,
        ignorePublicAcls: r.ignore_public_acls === 1,
        blockPublicPolicy: r.block_public_policy === 1,
        restrictPublicBuckets: r.restrict_public_buckets === 1,
      };
      return settings;
    },
    async putPublicAccessBlock(accountId, s) {
      const at = ctx.now().getTime();
      // One statement: SQLite takes the write lock at once (no deferred read-then-write upgrade).
      const bits = [s.blockPublicAcls, s.ignorePublicAcls, s.blockPublicPolicy, s.restrictPublicBuckets].map(bit);
      put.run(accountId, ...bits, at);
      ctx.emit({ kind: 'publicAccessBlock', accountId });
    },
    async deletePublicAccessBlock(accountId) {
      const deleted = del.run(accountId).changes > 0;
      if (deleted) ctx.emit({ kind: 'publicAccessBlock', accountId });
      return deleted;
    },
  };
}

export function sqliteSettings(ctx: SqliteContext): AccountSettingsRepo {
  const { db } = ctx;
  return {
    ...publicAccessBlocks(ctx),
    async getPasswordPolicy(accountId) {
      const r = db.prepare<[string], { policy_json: string }>('SELECT policy_json FROM password_policies WHERE account_id = ?').get(accountId);
      return r && (JSON.parse(r.policy_json) as PasswordPolicy);
    },
    async putPasswordPolicy(accountId, policy) {
      db.prepare('INSERT INTO password_policies (account_id, policy_json) VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET policy_json = excluded.policy_json').run(accountId, JSON.stringify(policy));
    },
    async deletePasswordPolicy(accountId) {
      return db.prepare('DELETE FROM password_policies WHERE account_id = ?').run(accountId).changes > 0;
    },
    async listAliases(accountId) {
      return db.prepare<[string], { alias: string }>('SELECT alias FROM account_aliases WHERE account_id = ?').all(accountId).map((r) => r.alias);
    },
    async setAlias(accountId, alias) {
      db.transaction(() => {
        const owner = db.prepare<[string], { account_id: string }>('SELECT account_id FROM account_aliases WHERE alias = ?').get(alias);
        if (owner && owner.account_id !== accountId) throw iamError('EntityAlreadyExists', { message: `The account alias ${alias} already exists.` });
        db.prepare('DELETE FROM account_aliases WHERE account_id = ?').run(accountId);
        db.prepare('INSERT INTO account_aliases (alias, account_id) VALUES (?, ?)').run(alias, accountId);
      }).immediate();
    },
    async deleteAlias(accountId, alias) {
      return db.prepare('DELETE FROM account_aliases WHERE account_id = ? AND alias = ?').run(accountId, alias).changes > 0;
    },
    async getCredentialReport(accountId) {
      const r = db.prepare<[string], { generated_at: number; content: string }>('SELECT generated_at, content FROM credential_reports WHERE account_id = ?').get(accountId);
      return r && { accountId, generatedAt: toDate(r.generated_at), content: r.content };
    },
    async putCredentialReport(row) {
      db.prepare('INSERT INTO credential_reports (account_id, generated_at, content) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET generated_at = excluded.generated_at, content = excluded.content')
        .run(row.accountId, row.generatedAt.getTime(), row.content);
    },
  };
}
