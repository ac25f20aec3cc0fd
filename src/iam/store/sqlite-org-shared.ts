import type Database from 'better-sqlite3';
import { orgError } from '../../organizations/errors.js';
import { DEFAULT_POLICY_IDS, type OrganizationRow, type OrgPolicyType, type OrgTag } from './organization-types.js';

/** Row shapes and in-transaction helpers shared by the Organizations repository's two halves. */

export interface OrganizationDb {
  organization_id: string;
  management_account_id: string;
  feature_set: string;
  root_id: string;
  created_at: number;
  enabled_policy_types: string;
  root_credentials_management: number;
  root_sessions: number;
}

export const organizationRow = (r: OrganizationDb): OrganizationRow => ({
  id: r.organization_id,
  managementAccountId: r.management_account_id,
  featureSet: r.feature_set as OrganizationRow['featureSet'],
  rootId: r.root_id,
  createdAt: new Date(r.created_at),
  enabledPolicyTypes: JSON.parse(r.enabled_policy_types) as OrgPolicyType[],
  rootCredentialsManagement: r.root_credentials_management === 1,
  rootSessions: r.root_sessions === 1,
});

export interface OrgTx {
  /** The organization, or AWSOrganizationsNotInUseException. */
  org(): OrganizationDb;
  /** Whether `id` is the root or an OU. */
  isParent(org: OrganizationDb, id: string): boolean;
  /** Whether `id` is the root, an OU or an account of the organization. */
  isTarget(org: OrganizationDb, id: string): boolean;
  /** Attaches the default policy of every enabled type to a new root child. */
  attachDefaults(org: OrganizationDb, targetId: string): void;
  insertTags(resourceId: string, tags: readonly OrgTag[] | undefined): void;
}

export function orgTx(db: Database.Database): OrgTx {
  const getOrg = db.prepare<[], OrganizationDb>('SELECT * FROM organizations LIMIT 1');
  const unit = db.prepare<[string], { ou_id: string }>('SELECT ou_id FROM org_units WHERE ou_id = ?');
  const account = db.prepare<[string], { account_id: string }>(
    'SELECT account_id FROM org_accounts WHERE account_id = ?',
  );
  const attach = db.prepare('INSERT OR IGNORE INTO org_policy_targets (policy_id, target_id) VALUES (?, ?)');
  const tag = db.prepare('INSERT OR REPLACE INTO org_tags (resource_id, tag_key, tag_value) VALUES (?, ?, ?)');
  const isParent = (org: OrganizationDb, id: string) => id === org.root_id || unit.get(id) !== undefined;
  return {
    org() {
      const o = getOrg.get();
      if (!o) throw orgError('AWSOrganizationsNotInUseException');
      return o;
    },
    isParent,
    isTarget: (org, id) => isParent(org, id) || account.get(id) !== undefined,
    attachDefaults(org, targetId) {
      for (const type of JSON.parse(org.enabled_policy_types) as OrgPolicyType[]) {
        const id = DEFAULT_POLICY_IDS[type];
        if (id !== undefined) attach.run(id, targetId);
      }
    },
    insertTags(resourceId, tags) {
      for (const t of tags ?? []) tag.run(resourceId, t.Key, t.Value);
    },
  };
}
