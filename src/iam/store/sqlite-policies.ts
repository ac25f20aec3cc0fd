import { iamError } from '../errors.js';
import { likePrefix, orUndefined, toDate, type SqliteContext } from './sqlite-context.js';
import type { AttachmentRepo, AttachmentRow, InlinePolicyRepo, InlinePolicyRow, ManagedPolicyRepo, ManagedPolicyRow, PolicyVersionRow, PrincipalKind, Tag } from './types.js';

interface PolicyDb {
  policy_id: string; account_id: string; arn: string; policy_name: string; path: string; description: string | null;
  default_version_id: string; next_version: number; created_at: number; updated_at: number;
}
interface VersionDb { policy_id: string; version_id: string; document: string; created_at: number }
interface AttachmentDb { account_id: string; principal_kind: PrincipalKind; principal_id: string; policy_arn: string }
interface InlineDb { account_id: string; principal_kind: PrincipalKind; principal_id: string; policy_name: string; document: string; updated_at: number; revision: number }

const policyRow = (r: PolicyDb): ManagedPolicyRow => ({
  accountId: r.account_id,
  policyId: r.policy_id,
  policyName: r.policy_name,
  path: r.path,
  arn: r.arn,
  description: orUndefined(r.description),
  defaultVersionId: r.default_version_id,
  createdAt: toDate(r.created_at),
  updatedAt: toDate(r.updated_at),
});

const attachmentRow = (r: AttachmentDb): AttachmentRow => ({ accountId: r.account_id, principalKind: r.principal_kind, principalId: r.principal_id, policyArn: r.policy_arn });

const inlineRow = (r: InlineDb): InlinePolicyRow => ({
  accountId: r.account_id,
  principalKind: r.principal_kind,
  principalId: r.principal_id,
  policyName: r.policy_name,
  document: r.document,
  updatedAt: toDate(r.updated_at),
  revision: r.revision,
});

const noSuchPolicy = (arn: string) => iamError('NoSuchEntity', { message: `Policy ${arn} does not exist or is not attachable.` });

export function sqliteManagedPolicies(ctx: SqliteContext, insertTags: (accountId: string, kind: 'policy', id: string, tags: readonly Tag[]) => void): ManagedPolicyRepo {
  const { db } = ctx;
  const byArn = db.prepare<[string], PolicyDb>('SELECT * FROM managed_policies WHERE arn = ?');
  const version = db.prepare<[string, string], VersionDb>('SELECT * FROM policy_versions WHERE policy_id = ? AND version_id = ?');
  const versions = db.prepare<[string], VersionDb>('SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY created_at DESC, version_id DESC');
  const versionRow = (arn: string, r: VersionDb): PolicyVersionRow => ({ policyArn: arn, versionId: r.version_id, document: r.document, createdAt: toDate(r.created_at) });
  const mustGet = (arn: string): PolicyDb => {
    const p = byArn.get(arn);
    if (!p) throw noSuchPolicy(arn);
    return p;
  };
  const changed = (accountId: string) => ctx.emit({ kind: 'policy', accountId });

  return {
    async create(p) {
      const at = ctx.now().getTime();
      db.transaction(() => {
        if (db.prepare('SELECT 1 FROM managed_policies WHERE account_id = ? AND policy_name_lc = ?').get(p.accountId, p.policyName.toLowerCase())) {
          throw iamError('EntityAlreadyExists', { message: `A policy called ${p.policyName} already exists. Duplicate names are not allowed.` });
        }
        db.prepare(`INSERT INTO managed_policies (policy_id, account_id, arn, policy_name, policy_name_lc, path, description, default_version_id, next_version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?)`)
          .run(p.policyId, p.accountId, p.arn, p.policyName, p.policyName.toLowerCase(), p.path, p.description ?? null, at, at);
        db.prepare(`INSERT INTO policy_versions (account_id, policy_id, version_id, document, created_at) VALUES (?, ?, 'v1', ?, ?)`).run(p.accountId, p.policyId, p.document, at);
        if (p.tags && p.tags.length > 0) insertTags(p.accountId, 'policy', p.policyId, p.tags);
      }).immediate();
      return policyRow(byArn.get(p.arn) as PolicyDb);
    },
    async get(arn) {
      const r = byArn.get(arn);
      return r && policyRow(r);
    },
    async list(accountId, pathPrefix) {
      const rows = pathPrefix
        ? db.prepare<[string, string], PolicyDb>(`SELECT * FROM managed_policies WHERE account_id = ? AND path LIKE ? ESCAPE '\\' ORDER BY policy_name_lc`).all(accountId, likePrefix(pathPrefix))
        : db.prepare<[string], PolicyDb>('SELECT * FROM managed_policies WHERE account_id = ? ORDER BY policy_name_lc').all(accountId);
      return rows.map(policyRow);
    },
    async delete(arn) {
      db.transaction(() => {
        const p = mustGet(arn);
        // A policy in use as a permissions boundary counts as attached (AWS refuses to delete it too).
        const inUse = db.prepare(`SELECT 1 FROM attachments WHERE policy_arn = @arn
          UNION ALL SELECT 1 FROM users WHERE permissions_boundary_arn = @arn
          UNION ALL SELECT 1 FROM roles WHERE permissions_boundary_arn = @arn LIMIT 1`).get({ arn });
        if (inUse) throw iamError('DeleteConflict', { message: 'Cannot delete a policy attached to entities.' });
        if ((db.prepare<[string], { n: number }>('SELECT count(*) n FROM policy_versions WHERE policy_id = ?').get(p.policy_id) as { n: number }).n > 1) {
          throw iamError('DeleteConflict', { message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy." });
        }
        db.prepare('DELETE FROM policy_versions WHERE policy_id = ?').run(p.policy_id);
        db.prepare(`DELETE FROM tags WHERE entity_kind = 'policy' AND entity_id = ?`).run(p.policy_id);
        db.prepare('DELETE FROM managed_policies WHERE policy_id = ?').run(p.policy_id);
      }).immediate();
    },
    async createVersion(arn, document, { setAsDefault, maxVersions }) {
      const at = ctx.now().getTime();
      const created = db.transaction(() => {
        const p = mustGet(arn);
        const n = (db.prepare<[string], { n: number }>('SELECT count(*) n FROM policy_versions WHERE policy_id = ?').get(p.policy_id) as { n: number }).n;
        if (n >= maxVersions) {
          throw iamError('LimitExceeded', { message: `A managed policy can have up to ${maxVersions} versions. Before you create a new version, you must delete an existing version.` });
        }
        const versionId = `v${p.next_version}`;
        db.prepare('INSERT INTO policy_versions (account_id, policy_id, version_id, document, created_at) VALUES (?, ?, ?, ?, ?)').run(p.account_id, p.policy_id, versionId, document, at);
        db.prepare('UPDATE managed_policies SET next_version = next_version + 1, updated_at = ?, default_version_id = CASE WHEN ? THEN ? ELSE default_version_id END WHERE policy_id = ?')
          .run(at, setAsDefault ? 1 : 0, versionId, p.policy_id);
        return { accountId: p.account_id, row: versionRow(arn, version.get(p.policy_id, versionId) as VersionDb) };
      }).immediate();
      changed(created.accountId);
      return created.row;
    },
    async getVersion(arn, versionId) {
      const p = byArn.get(arn);
      const r = p && version.get(p.policy_id, versionId);
      return r ? versionRow(arn, r) : undefined;
    },
    async listVersions(arn) {
      const p = mustGet(arn);
      return versions.all(p.policy_id).map((r) => versionRow(arn, r));
    },
    async deleteVersion(arn, versionId) {
      db.transaction(() => {
        const p = mustGet(arn);
        if (!version.get(p.policy_id, versionId)) {
          throw iamError('NoSuchEntity', { message: `Policy ${arn} version ${versionId} does not exist.` });
        }
        if (p.default_version_id === versionId) throw iamError('DeleteConflict', { message: 'Cannot delete the default version of a policy.' });
        db.prepare('DELETE FROM policy_versions WHERE policy_id = ? AND version_id = ?').run(p.policy_id, versionId);
      }).immediate();
    },
    async setDefaultVersion(arn, versionId) {
      const accountId = db.transaction(() => {
        const p = mustGet(arn);
        if (!version.get(p.policy_id, versionId)) {
          throw iamError('NoSuchEntity', { message: `Policy ${arn} version ${versionId} does not exist.` });
        }
        db.prepare('UPDATE managed_policies SET default_version_id = ?, updated_at = ? WHERE policy_id = ?').run(versionId, ctx.now().getTime(), p.policy_id);
        return p.account_id;
      }).immediate();
      changed(accountId);
    },
  };
}

export function sqliteAttachments(ctx: SqliteContext): AttachmentRepo {
  const { db } = ctx;
  const forPrincipal = db.prepare<[string, string], AttachmentDb>('SELECT * FROM attachments WHERE principal_kind = ? AND principal_id = ? ORDER BY attached_at, policy_arn');
  return {
    async attach(a, maxPerPrincipal) {
      db.transaction(() => {
        if (db.prepare('SELECT 1 FROM attachments WHERE principal_kind = ? AND principal_id = ? AND policy_arn = ?').get(a.principalKind, a.principalId, a.policyArn)) return;
        const n = (db.prepare<[string, string], { n: number }>('SELECT count(*) n FROM attachments WHERE principal_kind = ? AND principal_id = ?').get(a.principalKind, a.principalId) as { n: number }).n;
        if (n >= maxPerPrincipal) {
          const kind = a.principalKind === 'user' ? 'User' : a.principalKind === 'group' ? 'Group' : 'Role';
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for PoliciesPer${kind}: ${maxPerPrincipal}` });
        }
        db.prepare('INSERT INTO attachments (account_id, principal_kind, principal_id, policy_arn, attached_at) VALUES (?, ?, ?, ?, ?)')
          .run(a.accountId, a.principalKind, a.principalId, a.policyArn, ctx.now().getTime());
      }).immediate();
      ctx.emit({ kind: 'policy', accountId: a.accountId });
    },
    async detach(a) {
      const r = db.prepare('DELETE FROM attachments WHERE principal_kind = ? AND principal_id = ? AND policy_arn = ?').run(a.principalKind, a.principalId, a.policyArn);
      ctx.emit({ kind: 'policy', accountId: a.accountId });
      return r.changes > 0;
    },
    async listForPrincipal(principalKind, principalId) {
      return forPrincipal.all(principalKind, principalId).map(attachmentRow);
    },
    async listForPolicy(accountId, policyArn) {
      return db.prepare<[string, string], AttachmentDb>('SELECT * FROM attachments WHERE account_id = ? AND policy_arn = ?').all(accountId, policyArn).map(attachmentRow);
    },
    async countsByPolicy(accountId) {
      const rows = db.prepare<[string], { policy_arn: string; n: number }>('SELECT policy_arn, count(*) n FROM attachments WHERE account_id = ? GROUP BY policy_arn').all(accountId);
      return new Map(rows.map((r) => [r.policy_arn, r.n]));
    },
  };
}

export function sqliteInlinePolicies(ctx: SqliteContext): InlinePolicyRepo {
  const { db } = ctx;
  const get = db.prepare<[string, string, string], InlineDb>('SELECT * FROM inline_policies WHERE principal_kind = ? AND principal_id = ? AND policy_name = ?');
  const listFor = db.prepare<[string, string], InlineDb>('SELECT * FROM inline_policies WHERE principal_kind = ? AND principal_id = ? ORDER BY policy_name');
  const del = db.prepare<[string, string, string], { account_id: string }>(
    'DELETE FROM inline_policies WHERE principal_kind = ? AND principal_id = ? AND policy_name = ? RETURNING account_id',
  );
  return {
    async put(p) {
      const at = ctx.now().getTime();
      db.prepare(`INSERT INTO inline_policies (account_id, principal_kind, principal_id, policy_name, document, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?, 1)
                  ON CONFLICT (principal_kind, principal_id, policy_name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, revision = revision + 1`)
        .run(p.accountId, p.principalKind, p.principalId, p.policyName, p.document, at);
      ctx.emit({ kind: 'policy', accountId: p.accountId });
    },
    async get(kind, id, name) {
      const r = get.get(kind, id, name);
      return r && inlineRow(r);
    },
    async list(kind, id) {
      return listFor.all(kind, id).map(inlineRow);
    },
    async delete(kind, id, name): Promise<boolean> {
      // One statement: nothing can come between finding the policy and deleting it.
      const row = del.get(kind, id, name);
      if (!row) return false;
      ctx.emit({ kind: 'policy', accountId: row.account_id });
      return true;
    },
  };
}
