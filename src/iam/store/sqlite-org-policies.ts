import { constraintViolation, orgError } from '../../organizations/errors.js';
import type { SqliteContext } from './sqlite-context.js';
import { organizationRow, type OrgTx } from './sqlite-org-shared.js';
import { DEFAULT_POLICY_IDS, type OrganizationRepo, type OrgPolicyRow, type OrgPolicyType } from './organization-types.js';

/** The policy half of the Organizations repository: policies and their attachments to targets. */

interface PolicyDb {
  policy_id: string;
  policy_type: string;
  name: string;
  description: string;
  content: string;
  aws_managed: number;
  revision: number;
}

const policyRow = (r: PolicyDb): OrgPolicyRow => ({
  id: r.policy_id,
  type: r.policy_type as OrgPolicyType,
  name: r.name,
  description: r.description,
  content: r.content,
  awsManaged: r.aws_managed === 1,
  revision: r.revision,
});

type PolicyMethods = Pick<
  OrganizationRepo,
  | 'getPolicy'
  | 'listPolicies'
  | 'createPolicy'
  | 'updatePolicy'
  | 'deletePolicy'
  | 'attachPolicy'
  | 'detachPolicy'
  | 'listPolicyIdsForTarget'
  | 'listTargetIdsForPolicy'
>;

export function sqliteOrgPolicies(ctx: SqliteContext, tx: OrgTx): PolicyMethods {
  const { db } = ctx;
  const byId = db.prepare<[string], PolicyDb>('SELECT * FROM org_policies WHERE policy_id = ?');
  const named = db.prepare<[string, string], PolicyDb>('SELECT * FROM org_policies WHERE policy_type = ? AND name = ?');
  const attached = db.prepare<[string, string], { policy_id: string }>(
    'SELECT policy_id FROM org_policy_targets WHERE policy_id = ? AND target_id = ?',
  );
  const countOfType = db.prepare<[string, string], { n: number }>(
    `SELECT count(*) n FROM org_policy_targets t JOIN org_policies p ON p.policy_id = t.policy_id WHERE t.target_id = ? AND p.policy_type = ?`,
  );
  const mustGet = (id: string): PolicyDb => {
    const p = byId.get(id);
    if (!p) throw orgError('PolicyNotFoundException');
    return p;
  };
  const write = <A extends unknown[], R>(fn: (...args: A) => R) => {
    const t = db.transaction(fn);
    return (...args: A): R => {
      const r = t.immediate(...args);
      ctx.emit({ kind: 'organization' });
      return r;
    };
  };

  const create = write((p: Omit<OrgPolicyRow, 'revision'>, tags: Parameters<OrganizationRepo['createPolicy']>[1]) => {
    tx.org();
    if (named.get(p.type, p.name)) throw orgError('DuplicatePolicyException');
    db.prepare(
      'INSERT INTO org_policies (policy_id, policy_type, name, description, content, aws_managed, revision) VALUES (?, ?, ?, ?, ?, ?, 1)',
    ).run(p.id, p.type, p.name, p.description, p.content, p.awsManaged ? 1 : 0);
    tx.insertTags(p.id, tags);
  });

  const update = write((id: string, change: Parameters<OrganizationRepo['updatePolicy']>[1]) => {
    const p = mustGet(id);
    const name = change.name ?? p.name;
    const other = named.get(p.policy_type, name);
    if (other && other.policy_id !== id) throw orgError('DuplicatePolicyException');
    const content = change.content ?? p.content;
    const revision = content === p.content ? p.revision : p.revision + 1;
    db.prepare('UPDATE org_policies SET name = ?, description = ?, content = ?, revision = ? WHERE policy_id = ?').run(
      name,
      change.description ?? p.description,
      content,
      revision,
      id,
    );
  });

  const remove = write((id: string) => {
    mustGet(id);
    if (db.prepare('SELECT 1 FROM org_policy_targets WHERE policy_id = ? LIMIT 1').get(id))
      throw orgError('PolicyInUseException');
    db.prepare('DELETE FROM org_tags WHERE resource_id = ?').run(id);
    db.prepare('DELETE FROM org_policies WHERE policy_id = ?').run(id);
  });

  const attach = write((policyId: string, targetId: string, maxPerTarget: number) => {
    const org = tx.org();
    const p = mustGet(policyId);
    if (!tx.isTarget(org, targetId)) throw orgError('TargetNotFoundException');
    if (!organizationRow(org).enabledPolicyTypes.includes(p.policy_type as OrgPolicyType))
      throw orgError('PolicyTypeNotEnabledException');
    if (attached.get(policyId, targetId)) throw orgError('DuplicatePolicyAttachmentException');
    if ((countOfType.get(targetId, p.policy_type) as { n: number }).n >= maxPerTarget) {
      throw constraintViolation(
        'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
        `You can attach at most ${maxPerTarget} policies of this type to a target.`,
      );
    }
    db.prepare('INSERT INTO org_policy_targets (policy_id, target_id) VALUES (?, ?)').run(policyId, targetId);
  });

  const detach = write((policyId: string, targetId: string) => {
    const org = tx.org();
    const p = mustGet(policyId);
    if (!tx.isTarget(org, targetId)) throw orgError('TargetNotFoundException');
    if (!attached.get(policyId, targetId)) throw orgError('PolicyNotAttachedException');
    // Every target of an enabled authorization policy type keeps at least one policy of it (an SCP-less
    // target would deny everything); management policy types have no such floor.
    const type = p.policy_type as OrgPolicyType;
    const hasFloor = organizationRow(org).enabledPolicyTypes.includes(type) && DEFAULT_POLICY_IDS[type] !== undefined;
    if (hasFloor && (countOfType.get(targetId, p.policy_type) as { n: number }).n <= 1) {
      throw constraintViolation(
        'MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
        'You cannot remove the last policy of this type attached to the target.',
      );
    }
    db.prepare('DELETE FROM org_policy_targets WHERE policy_id = ? AND target_id = ?').run(policyId, targetId);
  });

  return {
    async getPolicy(id) {
      const r = byId.get(id);
      return r && policyRow(r);
    },
    async listPolicies(type) {
      return db
        .prepare<[string], PolicyDb>('SELECT * FROM org_policies WHERE policy_type = ? ORDER BY name, policy_id')
        .all(type)
        .map(policyRow);
    },
    async createPolicy(p, tags) {
      create(p, tags);
      return policyRow(byId.get(p.id) as PolicyDb);
    },
    async updatePolicy(id, change) {
      update(id, change);
      return policyRow(byId.get(id) as PolicyDb);
    },
    async deletePolicy(id) {
      remove(id);
    },
    async attachPolicy(policyId, targetId, maxPerTarget) {
      attach(policyId, targetId, maxPerTarget);
    },
    async detachPolicy(policyId, targetId) {
      detach(policyId, targetId);
    },
    async listPolicyIdsForTarget(targetId) {
      return db
        .prepare<[string], { policy_id: string }>(
          'SELECT policy_id FROM org_policy_targets WHERE target_id = ? ORDER BY policy_id',
        )
        .all(targetId)
        .map((r) => r.policy_id);
    },
    async listTargetIdsForPolicy(policyId) {
      return db
        .prepare<[string], { target_id: string }>(
          'SELECT target_id FROM org_policy_targets WHERE policy_id = ? ORDER BY target_id',
        )
        .all(policyId)
        .map((r) => r.target_id);
    },
  };
}
