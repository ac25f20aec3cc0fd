import { orgError } from '../../organizations/errors.js';
import type { SqliteContext } from './sqlite-context.js';
import { orgTx, organizationRow, type OrganizationDb } from './sqlite-org-shared.js';
import { sqliteOrgPolicies } from './sqlite-org-policies.js';
import {
  DEFAULT_POLICY_IDS,
  type CreateAccountStatusRow,
  type OrganizationRepo,
  type OrgAccountRow,
  type OrgPolicyType,
  type OrgUnitRow,
} from './organization-types.js';

/**
 * The Organizations repository on the IAM database (migrations 2 and 3). Every write is one
 * immediate transaction (several worker processes share the file) that re-checks what it depends on,
 * and emits `{ kind: 'organization' }` after the commit.
 */

interface AccountDb {
  account_id: string;
  name: string;
  email: string;
  parent_id: string;
  joined_method: string;
  joined_at: number;
  status: string;
}
interface UnitDb {
  ou_id: string;
  parent_id: string;
  name: string;
  created_at: number;
}
interface StatusDb {
  request_id: string;
  account_name: string;
  state: string;
  requested_at: number;
  completed_at: number | null;
  account_id: string | null;
  failure_reason: string | null;
}

const accountRow = (r: AccountDb): OrgAccountRow => ({
  accountId: r.account_id,
  name: r.name,
  email: r.email,
  parentId: r.parent_id,
  joinedMethod: r.joined_method as OrgAccountRow['joinedMethod'],
  joinedAt: new Date(r.joined_at),
  status: r.status as OrgAccountRow['status'],
});

const unitRow = (r: UnitDb): OrgUnitRow => ({
  id: r.ou_id,
  parentId: r.parent_id,
  name: r.name,
  createdAt: new Date(r.created_at),
});

const statusRow = (r: StatusDb): CreateAccountStatusRow => ({
  id: r.request_id,
  accountName: r.account_name,
  state: r.state as CreateAccountStatusRow['state'],
  requestedAt: new Date(r.requested_at),
  completedAt: r.completed_at === null ? undefined : new Date(r.completed_at),
  accountId: r.account_id ?? undefined,
  failureReason: r.failure_reason ?? undefined,
});

/** Tables emptied by DeleteOrganization, children first. */
const ORG_TABLES = [
  'org_policy_targets',
  'org_policies',
  'org_units',
  'org_accounts',
  'create_account_statuses',
  'org_service_access',
  'org_tags',
  'organizations',
];

export function sqliteOrganizations(ctx: SqliteContext): OrganizationRepo {
  const { db } = ctx;
  const tx = orgTx(db);
  const changed = () => ctx.emit({ kind: 'organization' });
  const getOrg = db.prepare<[], OrganizationDb>('SELECT * FROM organizations LIMIT 1');
  const getAccount = db.prepare<[string], AccountDb>('SELECT * FROM org_accounts WHERE account_id = ?');
  const getUnit = db.prepare<[string], UnitDb>('SELECT * FROM org_units WHERE ou_id = ?');
  const insertAccount = db.prepare(
    'INSERT INTO org_accounts (account_id, name, email, parent_id, joined_method, joined_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insertPolicy = db.prepare(
    'INSERT INTO org_policies (policy_id, policy_type, name, description, content, aws_managed, revision) VALUES (?, ?, ?, ?, ?, ?, 1)',
  );
  const unitNamed = db.prepare<[string, string], UnitDb>('SELECT * FROM org_units WHERE parent_id = ? AND name = ?');
  const count = (sql: string, ...args: string[]): number =>
    (db.prepare<string[], { n: number }>(sql).get(...args) as { n: number }).n;
  const setTypes = (types: readonly OrgPolicyType[]) =>
    db.prepare('UPDATE organizations SET enabled_policy_types = ?').run(JSON.stringify(types));
  const write = <A extends unknown[], R>(fn: (...args: A) => R) => {
    const t = db.transaction(fn);
    return (...args: A): R => {
      const r = t.immediate(...args);
      changed();
      return r;
    };
  };

  const create = write((o: Parameters<OrganizationRepo['create']>[0], at: number) => {
    if (getOrg.get()) throw orgError('AlreadyInOrganizationException');
    db.prepare(
      `INSERT INTO organizations (organization_id, management_account_id, feature_set, root_id, created_at, enabled_policy_types,
         root_credentials_management, root_sessions) VALUES (?, ?, ?, ?, ?, '[]', 0, 0)`,
    ).run(o.id, o.managementAccountId, o.featureSet, o.rootId, at);
    insertAccount.run(
      o.managementAccountId,
      o.managementAccount.name,
      o.managementAccount.email,
      o.rootId,
      'CREATED',
      at,
      'ACTIVE',
    );
    for (const p of o.awsManagedPolicies)
      insertPolicy.run(p.id, p.type, p.name, p.description, p.content, p.awsManaged ? 1 : 0);
  });

  const deleteOrg = write(() => {
    const org = tx.org();
    if (count('SELECT count(*) n FROM org_accounts WHERE account_id <> ?', org.management_account_id) > 0) {
      throw orgError('OrganizationNotEmptyException');
    }
    for (const table of ORG_TABLES) db.prepare(`DELETE FROM ${table}`).run();
  });

  const enableType = write((type: OrgPolicyType) => {
    const org = tx.org();
    const types = organizationRow(org).enabledPolicyTypes;
    if (types.includes(type)) throw orgError('PolicyTypeAlreadyEnabledException');
    setTypes([...types, type]);
    const defaultPolicy = DEFAULT_POLICY_IDS[type];
    if (defaultPolicy === undefined) return; // a management policy type: nothing is attached
    // AWS attaches the type's default policy to the root, every OU and every account.
    const attach = db.prepare('INSERT OR IGNORE INTO org_policy_targets (policy_id, target_id) VALUES (?, ?)');
    const targets = [
      org.root_id,
      ...db
        .prepare<[], { id: string }>('SELECT ou_id id FROM org_units')
        .all()
        .map((r) => r.id),
      ...db
        .prepare<[], { id: string }>('SELECT account_id id FROM org_accounts')
        .all()
        .map((r) => r.id),
    ];
    for (const t of targets) attach.run(defaultPolicy, t);
  });

  const disableType = write((type: OrgPolicyType) => {
    const types = organizationRow(tx.org()).enabledPolicyTypes;
    if (!types.includes(type)) throw orgError('PolicyTypeNotEnabledException');
    // "When you disable a policy type, all policies of that type are detached from all entities."
    db.prepare(
      'DELETE FROM org_policy_targets WHERE policy_id IN (SELECT policy_id FROM org_policies WHERE policy_type = ?)',
    ).run(type);
    setTypes(types.filter((t) => t !== type));
  });

  const addAccount = write((a: OrgAccountRow, tags: Parameters<OrganizationRepo['addAccount']>[1]) => {
    const org = tx.org();
    if (!tx.isParent(org, a.parentId)) throw orgError('ParentNotFoundException');
    insertAccount.run(a.accountId, a.name, a.email, a.parentId, a.joinedMethod, a.joinedAt.getTime(), a.status);
    tx.attachDefaults(org, a.accountId);
    tx.insertTags(a.accountId, tags);
  });

  const moveAccount = write((accountId: string, source: string, destination: string) => {
    const org = tx.org();
    const a = getAccount.get(accountId);
    if (!a) throw orgError('AccountNotFoundException');
    if (!tx.isParent(org, source) || a.parent_id !== source) throw orgError('SourceParentNotFoundException');
    if (!tx.isParent(org, destination)) throw orgError('DestinationParentNotFoundException');
    if (source === destination) throw orgError('DuplicateAccountException');
    db.prepare('UPDATE org_accounts SET parent_id = ? WHERE account_id = ?').run(destination, accountId);
  });

  const removeAccount = write((accountId: string) => {
    db.prepare('DELETE FROM org_policy_targets WHERE target_id = ?').run(accountId);
    db.prepare('DELETE FROM org_tags WHERE resource_id = ?').run(accountId);
    db.prepare('DELETE FROM org_accounts WHERE account_id = ?').run(accountId);
  });

  const createUnit = write((u: OrgUnitRow, tags: Parameters<OrganizationRepo['createUnit']>[1]) => {
    const org = tx.org();
    if (!tx.isParent(org, u.parentId)) throw orgError('ParentNotFoundException');
    if (unitNamed.get(u.parentId, u.name)) throw orgError('DuplicateOrganizationalUnitException');
    db.prepare('INSERT INTO org_units (ou_id, parent_id, name, created_at) VALUES (?, ?, ?, ?)').run(
      u.id,
      u.parentId,
      u.name,
      u.createdAt.getTime(),
    );
    tx.attachDefaults(org, u.id);
    tx.insertTags(u.id, tags);
  });

  const renameUnit = write((id: string, name: string): OrgUnitRow => {
    const u = getUnit.get(id);
    if (!u) throw orgError('OrganizationalUnitNotFoundException');
    const other = unitNamed.get(u.parent_id, name);
    if (other && other.ou_id !== id) throw orgError('DuplicateOrganizationalUnitException');
    db.prepare('UPDATE org_units SET name = ? WHERE ou_id = ?').run(name, id);
    return unitRow({ ...u, name });
  });

  const deleteUnit = write((id: string) => {
    if (!getUnit.get(id)) throw orgError('OrganizationalUnitNotFoundException');
    const children =
      count('SELECT count(*) n FROM org_units WHERE parent_id = ?', id) +
      count('SELECT count(*) n FROM org_accounts WHERE parent_id = ?', id);
    if (children > 0) throw orgError('OrganizationalUnitNotEmptyException');
    db.prepare('DELETE FROM org_policy_targets WHERE target_id = ?').run(id);
    db.prepare('DELETE FROM org_tags WHERE resource_id = ?').run(id);
    db.prepare('DELETE FROM org_units WHERE ou_id = ?').run(id);
  });

  const putStatus = write((s: CreateAccountStatusRow) => {
    db.prepare(
      `INSERT OR REPLACE INTO create_account_statuses (request_id, account_name, state, requested_at, completed_at, account_id, failure_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      s.id,
      s.accountName,
      s.state,
      s.requestedAt.getTime(),
      s.completedAt?.getTime() ?? null,
      s.accountId ?? null,
      s.failureReason ?? null,
    );
  });

  const setAccess = write((servicePrincipal: string, enable: 'enable' | 'disable', at: number) => {
    tx.org();
    if (enable === 'enable') {
      db.prepare('INSERT OR IGNORE INTO org_service_access (service_principal, enabled_at) VALUES (?, ?)').run(
        servicePrincipal,
        at,
      );
    } else {
      db.prepare('DELETE FROM org_service_access WHERE service_principal = ?').run(servicePrincipal);
    }
  });

  const update = write((change: Parameters<OrganizationRepo['update']>[0]) => {
    const org = tx.org();
    const next = {
      rcm: change.rootCredentialsManagement ?? org.root_credentials_management === 1,
      rs: change.rootSessions ?? org.root_sessions === 1,
    };
    db.prepare('UPDATE organizations SET root_credentials_management = ?, root_sessions = ?').run(
      next.rcm ? 1 : 0,
      next.rs ? 1 : 0,
    );
  });

  const current = () => organizationRow(getOrg.get() as OrganizationDb);

  return {
    async get() {
      const o = getOrg.get();
      return o && organizationRow(o);
    },
    async create(o) {
      create(o, ctx.now().getTime());
      return current();
    },
    async delete() {
      deleteOrg();
    },
    async update(change) {
      update(change);
      return current();
    },
    async enablePolicyType(type) {
      enableType(type);
      return current();
    },
    async disablePolicyType(type) {
      disableType(type);
      return current();
    },
    async getAccount(accountId) {
      const r = getAccount.get(accountId);
      return r && accountRow(r);
    },
    async listAccounts(parentId) {
      const rows =
        parentId === undefined
          ? db.prepare<[], AccountDb>('SELECT * FROM org_accounts ORDER BY joined_at, account_id').all()
          : db
              .prepare<[string], AccountDb>(
                'SELECT * FROM org_accounts WHERE parent_id = ? ORDER BY joined_at, account_id',
              )
              .all(parentId);
      return rows.map(accountRow);
    },
    async addAccount(a, tags) {
      addAccount(a, tags);
    },
    async moveAccount(accountId, source, destination) {
      moveAccount(accountId, source, destination);
    },
    async removeAccount(accountId) {
      removeAccount(accountId);
    },
    async getUnit(id) {
      const r = getUnit.get(id);
      return r && unitRow(r);
    },
    async listUnits(parentId) {
      return db
        .prepare<[string], UnitDb>('SELECT * FROM org_units WHERE parent_id = ? ORDER BY created_at, ou_id')
        .all(parentId)
        .map(unitRow);
    },
    async createUnit(u, tags) {
      createUnit(u, tags);
    },
    async renameUnit(id, name) {
      return renameUnit(id, name);
    },
    async deleteUnit(id) {
      deleteUnit(id);
    },
    ...sqliteOrgPolicies(ctx, tx),
    async putCreateAccountStatus(s) {
      putStatus(s);
    },
    async getCreateAccountStatus(id) {
      const r = db.prepare<[string], StatusDb>('SELECT * FROM create_account_statuses WHERE request_id = ?').get(id);
      return r && statusRow(r);
    },
    async listCreateAccountStatuses() {
      return db
        .prepare<[], StatusDb>('SELECT * FROM create_account_statuses ORDER BY requested_at DESC, request_id')
        .all()
        .map(statusRow);
    },
    async listServiceAccess() {
      return db
        .prepare<[], { service_principal: string; enabled_at: number }>(
          'SELECT * FROM org_service_access ORDER BY service_principal',
        )
        .all()
        .map((r) => ({ servicePrincipal: r.service_principal, enabledAt: new Date(r.enabled_at) }));
    },
    async enableServiceAccess(servicePrincipal) {
      setAccess(servicePrincipal, 'enable', ctx.now().getTime());
    },
    async disableServiceAccess(servicePrincipal) {
      setAccess(servicePrincipal, 'disable', ctx.now().getTime());
    },
    async listTags(resourceId) {
      return db
        .prepare<[string], { tag_key: string; tag_value: string }>(
          'SELECT tag_key, tag_value FROM org_tags WHERE resource_id = ? ORDER BY tag_key',
        )
        .all(resourceId)
        .map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
    },
  };
}
