import { iamError } from '../errors.js';
import { likePrefix, orUndefined, toDate, type SqliteContext, usageCommit } from './sqlite-context.js';
import type { AccessKeyRepo, AccessKeyRow, AccessKeyWithSecret, AccountRepo, AccountRow, KeyStatus, KeyUse, Tag, UserRepo, UserRow } from './types.js';

interface AccountDb {
  account_id: string; is_management: number; created_at: number; name: string | null; email: string | null;
  root_password_hash: string | null; root_password_changed: number | null;
}
interface UserDb { account_id: string; user_id: string; user_name: string; user_name_lc: string; path: string; created_at: number; password_last_used: number | null; permissions_boundary_arn: string | null }
interface KeyDb {
  access_key_id: string; account_id: string; user_id: string | null; secret_sealed: string; status: KeyStatus;
  created_at: number; last_used_at: number | null; last_used_service: string | null; last_used_region: string | null;
}

const accountRow = (r: AccountDb): AccountRow => ({
  accountId: r.account_id,
  isManagement: r.is_management === 1,
  createdAt: toDate(r.created_at),
  name: orUndefined(r.name),
  email: orUndefined(r.email),
});

export const userRow = (r: UserDb): UserRow => ({
  accountId: r.account_id,
  userId: r.user_id,
  userName: r.user_name,
  path: r.path,
  createdAt: toDate(r.created_at),
  passwordLastUsed: toDate(r.password_last_used),
  permissionsBoundaryArn: orUndefined(r.permissions_boundary_arn),
});

const keyRow = (r: KeyDb): AccessKeyRow => ({
  accessKeyId: r.access_key_id,
  accountId: r.account_id,
  userId: orUndefined(r.user_id),
  status: r.status,
  createdAt: toDate(r.created_at),
  lastUsedAt: toDate(r.last_used_at),
  lastUsedService: orUndefined(r.last_used_service),
  lastUsedRegion: orUndefined(r.last_used_region),
});

export function sqliteAccounts(ctx: SqliteContext): AccountRepo {
  const { db } = ctx;
  const get = db.prepare<[string], AccountDb>('SELECT * FROM accounts WHERE account_id = ?');
  return {
    async create(accountId, { isManagement, name, email }) {
      const at = ctx.now().getTime();
      db.prepare('INSERT INTO accounts (account_id, is_management, created_at, name, email) VALUES (?, ?, ?, ?, ?)').run(accountId, isManagement ? 1 : 0, at, name ?? null, email ?? null);
      return { accountId, isManagement, createdAt: new Date(at), name, email };
    },
    async get(accountId) {
      const r = get.get(accountId);
      return r && accountRow(r);
    },
    async getManagement() {
      const r = db.prepare<[], AccountDb>('SELECT * FROM accounts WHERE is_management = 1 ORDER BY created_at LIMIT 1').get();
      return r && accountRow(r);
    },
    async list() {
      return db.prepare<[], AccountDb>('SELECT * FROM accounts ORDER BY created_at, account_id').all().map(accountRow);
    },
    async getRootPassword(accountId) {
      const r = get.get(accountId);
      if (r?.root_password_hash == null) return undefined;
      return { passwordHash: r.root_password_hash, changedAt: new Date(r.root_password_changed ?? 0) };
    },
    async setRootPassword(accountId, passwordHash) {
      const sql = 'UPDATE accounts SET root_password_hash = ?, root_password_changed = ? WHERE account_id = ?';
      db.prepare(sql).run(passwordHash, ctx.now().getTime(), accountId);
    },
  };
}

export function sqliteUsers(ctx: SqliteContext, insertTags: (accountId: string, kind: 'user', id: string, tags: readonly Tag[]) => void): UserRepo {
  const { db } = ctx;
  const byName = db.prepare<[string, string], UserDb>('SELECT * FROM users WHERE account_id = ? AND user_name_lc = ?');
  const byId = db.prepare<[string], UserDb>('SELECT * FROM users WHERE user_id = ?');
  const count = (sql: string, id: string): number => (db.prepare<[string], { n: number }>(sql).get(id) as { n: number }).n;

  const deleteTx = db.transaction((accountId: string, userName: string): string => {
    const u = byName.get(accountId, userName.toLowerCase());
    if (!u) throw iamError('NoSuchEntity', { message: `The user with name ${userName} cannot be found.` });
    const id = u.user_id;
    const conflict = (what: string) => iamError('DeleteConflict', { message: `Cannot delete entity, must ${what} first.` });
    if (count('SELECT count(*) n FROM login_profiles WHERE user_id = ?', id) > 0) throw conflict('delete login profile');
    if (count('SELECT count(*) n FROM access_keys WHERE user_id = ?', id) > 0) throw conflict('delete access keys');
    if (count('SELECT count(*) n FROM mfa_devices WHERE user_id = ?', id) > 0) throw conflict('delete MFA device');
    if (count(`SELECT count(*) n FROM inline_policies WHERE principal_kind = 'user' AND principal_id = ?`, id) > 0) throw conflict('delete policies');
    if (count(`SELECT count(*) n FROM attachments WHERE principal_kind = 'user' AND principal_id = ?`, id) > 0) throw conflict('detach all policies');
    if (count('SELECT count(*) n FROM group_members WHERE user_id = ?', id) > 0) throw conflict('remove user from all groups');
    db.prepare(`DELETE FROM tags WHERE entity_kind = 'user' AND entity_id = ?`).run(id);
    db.prepare('DELETE FROM users WHERE user_id = ?').run(id);
    return id;
  });

  return {
    async create(u) {
      const at = ctx.now().getTime();
      db.transaction(() => {
        if (byName.get(u.accountId, u.userName.toLowerCase())) {
          throw iamError('EntityAlreadyExists', { message: `User with name ${u.userName} already exists.` });
        }
        db.prepare('INSERT INTO users (user_id, account_id, user_name, user_name_lc, path, created_at, permissions_boundary_arn) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(u.userId, u.accountId, u.userName, u.userName.toLowerCase(), u.path, at, u.permissionsBoundaryArn ?? null);
        if (u.tags && u.tags.length > 0) insertTags(u.accountId, 'user', u.userId, u.tags);
      }).immediate();
      return userRow(byId.get(u.userId) as UserDb);
    },
    async getByName(accountId, userName) {
      const r = byName.get(accountId, userName.toLowerCase());
      return r && userRow(r);
    },
    async getById(userId) {
      const r = byId.get(userId);
      return r && userRow(r);
    },
    async list(accountId, pathPrefix) {
      const rows = pathPrefix
        ? db.prepare<[string, string], UserDb>(`SELECT * FROM users WHERE account_id = ? AND path LIKE ? ESCAPE '\\' ORDER BY user_name_lc`).all(accountId, likePrefix(pathPrefix))
        : db.prepare<[string], UserDb>('SELECT * FROM users WHERE account_id = ? ORDER BY user_name_lc').all(accountId);
      return rows.map(userRow);
    },
    async update(accountId, userName, change) {
      const id = db.transaction(() => {
        const u = byName.get(accountId, userName.toLowerCase());
        if (!u) throw iamError('NoSuchEntity', { message: `The user with name ${userName} cannot be found.` });
        const newName = change.newUserName ?? u.user_name;
        if (newName.toLowerCase() !== u.user_name_lc && byName.get(accountId, newName.toLowerCase())) {
          throw iamError('EntityAlreadyExists', { message: `User with name ${newName} already exists.` });
        }
        db.prepare('UPDATE users SET user_name = ?, user_name_lc = ?, path = ? WHERE user_id = ?').run(newName, newName.toLowerCase(), change.newPath ?? u.path, u.user_id);
        return u.user_id;
      }).immediate();
      ctx.emit({ kind: 'user', accountId, userId: id });
      return userRow(byId.get(id) as UserDb);
    },
    async setPermissionsBoundary(accountId, userName, policyArn) {
      // One statement: the existence check and the write are atomic.
      const r = db
        .prepare<[string | null, string, string], { user_id: string }>(
          'UPDATE users SET permissions_boundary_arn = ? WHERE account_id = ? AND user_name_lc = ? RETURNING user_id',
        )
        .get(policyArn ?? null, accountId, userName.toLowerCase());
      if (!r) throw iamError('NoSuchEntity', { message: `The user with name ${userName} cannot be found.` });
      ctx.emit({ kind: 'user', accountId, userId: r.user_id });
    },
    async delete(accountId, userName) {
      const id = deleteTx.immediate(accountId, userName);
      ctx.emit({ kind: 'user', accountId, userId: id });
    },
    async setPasswordLastUsed(userId, at) {
      db.prepare('UPDATE users SET password_last_used = ? WHERE user_id = ?').run(at.getTime(), userId);
    },
  };
}

export function sqliteAccessKeys(ctx: SqliteContext): AccessKeyRepo {
  const { db, sealer } = ctx;
  const get = db.prepare<[string], KeyDb>('SELECT * FROM access_keys WHERE access_key_id = ?');
  const use = db.prepare('UPDATE access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE access_key_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)');
  const recordTx = db.transaction((uses: readonly KeyUse[]) => {
    for (const u of uses) use.run(u.at.getTime(), u.service, u.region, u.accessKeyId, u.at.getTime());
  });
  const setStatus = db.prepare<[KeyStatus, string], { account_id: string }>(
    'UPDATE access_keys SET status = ? WHERE access_key_id = ? RETURNING account_id',
  );
  const del = db.prepare<[string], { account_id: string }>('DELETE FROM access_keys WHERE access_key_id = ? RETURNING account_id');
  return {
    async create(k) {
      const at = ctx.now().getTime();
      db.transaction(() => {
        const n = k.userId === undefined
          ? (db.prepare<[string], { n: number }>('SELECT count(*) n FROM access_keys WHERE account_id = ? AND user_id IS NULL').get(k.accountId) as { n: number }).n
          : (db.prepare<[string], { n: number }>('SELECT count(*) n FROM access_keys WHERE user_id = ?').get(k.userId) as { n: number }).n;
        if (n >= k.maxPerOwner) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for AccessKeysPerUser: ${k.maxPerOwner}` });
        }
        db.prepare(`INSERT INTO access_keys (access_key_id, account_id, user_id, secret_sealed, status, created_at) VALUES (?, ?, ?, ?, 'Active', ?)`)
          .run(k.accessKeyId, k.accountId, k.userId ?? null, sealer.seal(k.secretAccessKey, k.accessKeyId), at);
      }).immediate();
      ctx.emit({ kind: 'accessKey', accountId: k.accountId, accessKeyId: k.accessKeyId });
      return keyRow(get.get(k.accessKeyId) as KeyDb);
    },
    async get(accessKeyId) {
      const r = get.get(accessKeyId);
      return r && keyRow(r);
    },
    async getWithSecret(accessKeyId): Promise<AccessKeyWithSecret | undefined> {
      const r = get.get(accessKeyId);
      return r && { ...keyRow(r), secretAccessKey: sealer.unseal(r.secret_sealed, r.access_key_id) };
    },
    async listForUser(accountId, userId) {
      const rows = userId === undefined
        ? db.prepare<[string], KeyDb>('SELECT * FROM access_keys WHERE account_id = ? AND user_id IS NULL ORDER BY created_at').all(accountId)
        : db.prepare<[string], KeyDb>('SELECT * FROM access_keys WHERE user_id = ? ORDER BY created_at').all(userId);
      return rows.map(keyRow);
    },
    async listForAccount(accountId) {
      return db.prepare<[string], KeyDb>('SELECT * FROM access_keys WHERE account_id = ? ORDER BY created_at').all(accountId).map(keyRow);
    },
    // Single statements with RETURNING: the existence check and the write cannot be split by another writer.
    async setStatus(accessKeyId, status) {
      const r = setStatus.get(status, accessKeyId);
      if (!r) throw iamError('NoSuchEntity', { message: `The Access Key with id ${accessKeyId} cannot be found.` });
      ctx.emit({ kind: 'accessKey', accountId: r.account_id, accessKeyId });
    },
    async delete(accessKeyId) {
      const r = del.get(accessKeyId);
      if (!r) throw iamError('NoSuchEntity', { message: `The Access Key with id ${accessKeyId} cannot be found.` });
      ctx.emit({ kind: 'accessKey', accountId: r.account_id, accessKeyId });
    },
    async recordUses(uses) {
      if (uses.length > 0) usageCommit(db, recordTx, uses);
    },
  };
}
