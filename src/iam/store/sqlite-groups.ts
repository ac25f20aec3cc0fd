import { iamError } from '../errors.js';
import { likePrefix, toDate, type SqliteContext } from './sqlite-context.js';
import { userRow } from './sqlite-identities.js';
import type { GroupRepo, GroupRow, UserRow } from './types.js';

interface GroupDb { account_id: string; group_id: string; group_name: string; group_name_lc: string; path: string; created_at: number }

const groupRow = (r: GroupDb): GroupRow => ({ accountId: r.account_id, groupId: r.group_id, groupName: r.group_name, path: r.path, createdAt: toDate(r.created_at) });

export function sqliteGroups(ctx: SqliteContext): GroupRepo {
  const { db } = ctx;
  const byName = db.prepare<[string, string], GroupDb>('SELECT * FROM groups WHERE account_id = ? AND group_name_lc = ?');
  const byId = db.prepare<[string], GroupDb>('SELECT * FROM groups WHERE group_id = ?');
  const forUser = db.prepare<[string], GroupDb>('SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.group_id WHERE m.user_id = ? ORDER BY g.group_name_lc');
  const count = (sql: string, id: string): number => (db.prepare<[string], { n: number }>(sql).get(id) as { n: number }).n;
  const noSuchGroup = (name: string) => iamError('NoSuchEntity', { message: `The group with name ${name} cannot be found.` });

  const deleteTx = db.transaction((accountId: string, groupName: string): string => {
    const g = byName.get(accountId, groupName.toLowerCase());
    if (!g) throw noSuchGroup(groupName);
    const conflict = (what: string) => iamError('DeleteConflict', { message: `Cannot delete entity, must ${what} first.` });
    if (count('SELECT count(*) n FROM group_members WHERE group_id = ?', g.group_id) > 0) throw conflict('remove users from group');
    if (count(`SELECT count(*) n FROM inline_policies WHERE principal_kind = 'group' AND principal_id = ?`, g.group_id) > 0) throw conflict('delete policies');
    if (count(`SELECT count(*) n FROM attachments WHERE principal_kind = 'group' AND principal_id = ?`, g.group_id) > 0) throw conflict('detach all policies');
    db.prepare('DELETE FROM groups WHERE group_id = ?').run(g.group_id);
    return g.group_id;
  });

  return {
    async create(g) {
      db.transaction(() => {
        if (byName.get(g.accountId, g.groupName.toLowerCase())) {
          throw iamError('EntityAlreadyExists', { message: `Group with name ${g.groupName} already exists.` });
        }
        db.prepare('INSERT INTO groups (group_id, account_id, group_name, group_name_lc, path, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(g.groupId, g.accountId, g.groupName, g.groupName.toLowerCase(), g.path, ctx.now().getTime());
      }).immediate();
      return groupRow(byId.get(g.groupId) as GroupDb);
    },
    async getByName(accountId, groupName) {
      const r = byName.get(accountId, groupName.toLowerCase());
      return r && groupRow(r);
    },
    async list(accountId, pathPrefix) {
      const rows = pathPrefix
        ? db.prepare<[string, string], GroupDb>(`SELECT * FROM groups WHERE account_id = ? AND path LIKE ? ESCAPE '\\' ORDER BY group_name_lc`).all(accountId, likePrefix(pathPrefix))
        : db.prepare<[string], GroupDb>('SELECT * FROM groups WHERE account_id = ? ORDER BY group_name_lc').all(accountId);
      return rows.map(groupRow);
    },
    async update(accountId, groupName, change) {
      const id = db.transaction(() => {
        const g = byName.get(accountId, groupName.toLowerCase());
        if (!g) throw noSuchGroup(groupName);
        const newName = change.newGroupName ?? g.group_name;
        if (newName.toLowerCase() !== g.group_name_lc && byName.get(accountId, newName.toLowerCase())) {
          throw iamError('EntityAlreadyExists', { message: `Group with name ${newName} already exists.` });
        }
        db.prepare('UPDATE groups SET group_name = ?, group_name_lc = ?, path = ? WHERE group_id = ?').run(newName, newName.toLowerCase(), change.newPath ?? g.path, g.group_id);
        return g.group_id;
      }).immediate();
      ctx.emit({ kind: 'group', accountId, groupId: id });
      return groupRow(byId.get(id) as GroupDb);
    },
    async delete(accountId, groupName) {
      const id = deleteTx.immediate(accountId, groupName);
      ctx.emit({ kind: 'group', accountId, groupId: id });
    },
    async addMember(accountId, groupId, userId, maxGroupsPerUser) {
      db.transaction(() => {
        const existing = db.prepare('SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?').get(groupId, userId);
        if (existing) return;
        if (count('SELECT count(*) n FROM group_members WHERE user_id = ?', userId) >= maxGroupsPerUser) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for GroupsPerUser: ${maxGroupsPerUser}` });
        }
        db.prepare('INSERT INTO group_members (account_id, group_id, user_id, added_at) VALUES (?, ?, ?, ?)').run(accountId, groupId, userId, ctx.now().getTime());
      }).immediate();
      ctx.emit({ kind: 'user', accountId, userId });
    },
    async removeMember(accountId, groupId, userId) {
      const r = db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?').run(groupId, userId);
      ctx.emit({ kind: 'user', accountId, userId });
      return r.changes > 0;
    },
    async listMembers(groupId): Promise<UserRow[]> {
      return db
        .prepare<[string], Parameters<typeof userRow>[0]>('SELECT u.* FROM users u JOIN group_members m ON m.user_id = u.user_id WHERE m.group_id = ? ORDER BY u.user_name_lc')
        .all(groupId)
        .map(userRow);
    },
    async listForUser(userId) {
      return forUser.all(userId).map(groupRow);
    },
  };
}
