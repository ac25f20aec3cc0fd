import { iamError } from '../errors.js';
import { likePrefix, orUndefined, toDate, type SqliteContext, usageCommit } from './sqlite-context.js';
import type { InstanceProfileRepo, InstanceProfileRow, RoleRepo, RoleRow, Tag, TaggableKind } from './types.js';

/** Tag writes inside this repository's transactions (CreateRole / CreateInstanceProfile with Tags). */
export type TagInserter = (accountId: string, kind: TaggableKind, id: string, tags: readonly Tag[]) => void;

interface RoleDb {
  role_id: string;
  account_id: string;
  role_name: string;
  role_name_lc: string;
  path: string;
  created_at: number;
  description: string | null;
  max_session_duration: number;
  trust_policy: string;
  trust_revision: number;
  permissions_boundary_arn: string | null;
  last_used_at: number | null;
  last_used_region: string | null;
}

interface ProfileDb {
  instance_profile_id: string;
  account_id: string;
  name: string;
  name_lc: string;
  path: string;
  created_at: number;
}

const roleRow = (r: RoleDb): RoleRow => ({
  accountId: r.account_id,
  roleId: r.role_id,
  roleName: r.role_name,
  path: r.path,
  createdAt: toDate(r.created_at),
  description: orUndefined(r.description),
  maxSessionDuration: r.max_session_duration,
  assumeRolePolicyDocument: r.trust_policy,
  trustRevision: r.trust_revision,
  permissionsBoundaryArn: orUndefined(r.permissions_boundary_arn),
  lastUsedAt: toDate(r.last_used_at),
  lastUsedRegion: orUndefined(r.last_used_region),
});

const noSuchRole = (roleName: string) =>
  iamError('NoSuchEntity', { message: `The role with name ${roleName} cannot be found.` });
const noSuchProfile = (name: string) => iamError('NoSuchEntity', { message: `Instance Profile ${name} cannot be found.` });
// DeleteRole's messages (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html).
const conflict = (what: string) => iamError('DeleteConflict', { message: `Cannot delete entity, must ${what} first.` });

export function sqliteRoles(ctx: SqliteContext, insertTags: TagInserter): RoleRepo {
  const { db } = ctx;
  const byName = db.prepare<[string, string], RoleDb>('SELECT * FROM roles WHERE account_id = ? AND role_name_lc = ?');
  const byId = db.prepare<[string], RoleDb>('SELECT * FROM roles WHERE role_id = ?');
  const count = (sql: string, ...args: string[]): number =>
    (db.prepare<string[], { n: number }>(sql).get(...args) as { n: number }).n;
  const mustGet = (accountId: string, roleName: string): RoleDb => {
    const r = byName.get(accountId, roleName.toLowerCase());
    if (!r) throw noSuchRole(roleName);
    return r;
  };
  const changed = (accountId: string, roleId: string) => ctx.emit({ kind: 'role', accountId, roleId });

  const createTx = db.transaction((r: Parameters<RoleRepo['create']>[0], at: number) => {
    if (byName.get(r.accountId, r.roleName.toLowerCase())) {
      throw iamError('EntityAlreadyExists', { message: `Role with name ${r.roleName} already exists.` });
    }
    if (count('SELECT count(*) n FROM roles WHERE account_id = ?', r.accountId) >= r.maxRolesPerAccount) {
      throw iamError('LimitExceeded', { message: `Cannot exceed quota for RolesPerAccount: ${r.maxRolesPerAccount}` });
    }
    db.prepare(
      `INSERT INTO roles (role_id, account_id, role_name, role_name_lc, path, created_at, description,
         max_session_duration, trust_policy, trust_revision, permissions_boundary_arn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
    ).run(r.roleId, r.accountId, r.roleName, r.roleName.toLowerCase(), r.path, at, r.description ?? null,
      r.maxSessionDuration, r.assumeRolePolicyDocument, r.permissionsBoundaryArn ?? null);
    if (r.tags && r.tags.length > 0) insertTags(r.accountId, 'role', r.roleId, r.tags);
  });

  const updateTx = db.transaction((accountId: string, roleName: string, change: Parameters<RoleRepo['update']>[2]) => {
    const r = mustGet(accountId, roleName);
    const trustChanged = change.assumeRolePolicyDocument !== undefined;
    db.prepare(
      `UPDATE roles SET description = ?, max_session_duration = ?, trust_policy = ?, trust_revision = trust_revision + ?
       WHERE role_id = ?`,
    ).run(change.description ?? r.description, change.maxSessionDuration ?? r.max_session_duration,
      change.assumeRolePolicyDocument ?? r.trust_policy, trustChanged ? 1 : 0, r.role_id);
    return r.role_id;
  });

  const deleteTx = db.transaction((accountId: string, roleName: string): string => {
    const id = mustGet(accountId, roleName).role_id;
    if (count(`SELECT count(*) n FROM inline_policies WHERE principal_kind = 'role' AND principal_id = ?`, id) > 0) {
      throw conflict('delete policies');
    }
    if (count(`SELECT count(*) n FROM attachments WHERE principal_kind = 'role' AND principal_id = ?`, id) > 0) {
      throw conflict('detach all policies');
    }
    if (count('SELECT count(*) n FROM instance_profile_roles WHERE role_id = ?', id) > 0) {
      throw conflict('remove roles from instance profile');
    }
    // A permissions boundary does not block DeleteRole on AWS: it goes with the role.
    db.prepare(`DELETE FROM tags WHERE entity_kind = 'role' AND entity_id = ?`).run(id);
    db.prepare('DELETE FROM roles WHERE role_id = ?').run(id);
    return id;
  });

  const use = db.prepare(
    `UPDATE roles SET last_used_at = ?, last_used_region = ?
     WHERE role_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
  );
  const recordTx = db.transaction((uses: Parameters<RoleRepo['recordUses']>[0]) => {
    for (const u of uses) use.run(u.at.getTime(), u.region, u.roleId, u.at.getTime());
  });

  return {
    async create(r) {
      createTx.immediate(r, ctx.now().getTime());
      changed(r.accountId, r.roleId);
      return roleRow(byId.get(r.roleId) as RoleDb);
    },
    async getByName(accountId, roleName) {
      const r = byName.get(accountId, roleName.toLowerCase());
      return r && roleRow(r);
    },
    async getById(roleId) {
      const r = byId.get(roleId);
      return r && roleRow(r);
    },
    async list(accountId, pathPrefix) {
      const rows = pathPrefix
        ? db
          .prepare<[string, string], RoleDb>(
            `SELECT * FROM roles WHERE account_id = ? AND path LIKE ? ESCAPE '\\' ORDER BY role_name_lc`,
          )
          .all(accountId, likePrefix(pathPrefix))
        : db.prepare<[string], RoleDb>('SELECT * FROM roles WHERE account_id = ? ORDER BY role_name_lc').all(accountId);
      return rows.map(roleRow);
    },
    async update(accountId, roleName, change) {
      const id = updateTx.immediate(accountId, roleName, change);
      changed(accountId, id);
      return roleRow(byId.get(id) as RoleDb);
    },
    async setPermissionsBoundary(accountId, roleName, policyArn) {
      // One statement: the write and the existence check are atomic.
      const r = db
        .prepare<[string | null, string, string], { role_id: string }>(
          'UPDATE roles SET permissions_boundary_arn = ? WHERE account_id = ? AND role_name_lc = ? RETURNING role_id',
        )
        .get(policyArn ?? null, accountId, roleName.toLowerCase());
      if (!r) throw noSuchRole(roleName);
      changed(accountId, r.role_id);
    },
    async delete(accountId, roleName) {
      const id = deleteTx.immediate(accountId, roleName);
      changed(accountId, id);
    },
    async recordUses(uses) {
      if (uses.length > 0) usageCommit(db, recordTx, uses);
    },
  };
}

export function sqliteInstanceProfiles(ctx: SqliteContext, insertTags: TagInserter): InstanceProfileRepo {
  const { db } = ctx;
  const byName = db.prepare<[string, string], ProfileDb>(
    'SELECT * FROM instance_profiles WHERE account_id = ? AND name_lc = ?',
  );
  const byId = db.prepare<[string], ProfileDb>('SELECT * FROM instance_profiles WHERE instance_profile_id = ?');
  const rolesOf = db.prepare<[string], { role_id: string }>(
    'SELECT role_id FROM instance_profile_roles WHERE instance_profile_id = ? ORDER BY role_id',
  );
  const profileRow = (r: ProfileDb): InstanceProfileRow => ({
    accountId: r.account_id,
    instanceProfileId: r.instance_profile_id,
    instanceProfileName: r.name,
    path: r.path,
    createdAt: toDate(r.created_at),
    roleIds: rolesOf.all(r.instance_profile_id).map((x) => x.role_id),
  });
  const mustGet = (accountId: string, name: string): ProfileDb => {
    const p = byName.get(accountId, name.toLowerCase());
    if (!p) throw noSuchProfile(name);
    return p;
  };

  const createTx = db.transaction((p: Parameters<InstanceProfileRepo['create']>[0], at: number) => {
    if (byName.get(p.accountId, p.instanceProfileName.toLowerCase())) {
      throw iamError('EntityAlreadyExists', { message: `Instance Profile ${p.instanceProfileName} already exists.` });
    }
    db.prepare(
      `INSERT INTO instance_profiles (instance_profile_id, account_id, name, name_lc, path, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(p.instanceProfileId, p.accountId, p.instanceProfileName, p.instanceProfileName.toLowerCase(), p.path, at);
    if (p.tags && p.tags.length > 0) insertTags(p.accountId, 'instance-profile', p.instanceProfileId, p.tags);
  });

  const deleteTx = db.transaction((accountId: string, name: string) => {
    const p = mustGet(accountId, name);
    if (rolesOf.all(p.instance_profile_id).length > 0) throw conflict('remove roles from instance profile');
    db.prepare(`DELETE FROM tags WHERE entity_kind = 'instance-profile' AND entity_id = ?`).run(p.instance_profile_id);
    db.prepare('DELETE FROM instance_profiles WHERE instance_profile_id = ?').run(p.instance_profile_id);
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: one role per instance profile.
  const addTx = db.transaction((accountId: string, name: string, roleId: string) => {
    const p = mustGet(accountId, name);
    const held = rolesOf.all(p.instance_profile_id).map((x) => x.role_id);
    if (held.includes(roleId)) {
      throw iamError('EntityAlreadyExists', { message: `Instance Profile ${p.name} already has this role.` });
    }
    if (held.length >= 1) {
      throw iamError('LimitExceeded', { message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1' });
    }
    db.prepare('INSERT INTO instance_profile_roles (instance_profile_id, role_id) VALUES (?, ?)')
      .run(p.instance_profile_id, roleId);
  });

  const removeTx = db.transaction((accountId: string, name: string, roleId: string) => {
    const p = mustGet(accountId, name);
    const r = db.prepare('DELETE FROM instance_profile_roles WHERE instance_profile_id = ? AND role_id = ?')
      .run(p.instance_profile_id, roleId);
    if (r.changes === 0) throw iamError('NoSuchEntity', { message: `The role is not in instance profile ${p.name}.` });
  });

  return {
    async create(p) {
      createTx.immediate(p, ctx.now().getTime());
      return profileRow(byId.get(p.instanceProfileId) as ProfileDb);
    },
    async getByName(accountId, name) {
      const p = byName.get(accountId, name.toLowerCase());
      return p && profileRow(p);
    },
    async getById(id) {
      const p = byId.get(id);
      return p && profileRow(p);
    },
    async list(accountId, pathPrefix) {
      const rows = pathPrefix
        ? db
          .prepare<[string, string], ProfileDb>(
            `SELECT * FROM instance_profiles WHERE account_id = ? AND path LIKE ? ESCAPE '\\' ORDER BY name_lc`,
          )
          .all(accountId, likePrefix(pathPrefix))
        : db
          .prepare<[string], ProfileDb>('SELECT * FROM instance_profiles WHERE account_id = ? ORDER BY name_lc')
          .all(accountId);
      return rows.map(profileRow);
    },
    async listForRole(roleId) {
      return db
        .prepare<[string], ProfileDb>(
          `SELECT p.* FROM instance_profiles p
           JOIN instance_profile_roles r ON r.instance_profile_id = p.instance_profile_id
           WHERE r.role_id = ? ORDER BY p.name_lc`,
        )
        .all(roleId)
        .map(profileRow);
    },
    async delete(accountId, name) {
      deleteTx.immediate(accountId, name);
    },
    // The role's instance profiles matter to whoever hands out its credentials (workload tokens): a role change.
    async addRole(accountId, name, roleId) {
      addTx.immediate(accountId, name, roleId);
      ctx.emit({ kind: 'role', accountId, roleId });
    },
    async removeRole(accountId, name, roleId) {
      removeTx.immediate(accountId, name, roleId);
      ctx.emit({ kind: 'role', accountId, roleId });
    },
  };
}
