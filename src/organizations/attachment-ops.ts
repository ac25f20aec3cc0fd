import { DEFAULT_POLICY_IDS } from '../iam/store/organization-types.js';
import type { OrganizationRow } from '../iam/store/types.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { managedOrganization, orgCheck, organizationForChecks } from './access.js';
import { targetArn } from './arns.js';
import { isSupportedPolicyType } from './aws-managed-policies.js';
import type { OrganizationsDeps } from './deps.js';
import { invalidInput, orgError } from './errors.js';
import { mustGetPolicy, policyCheck } from './policy-ops.js';
import { paginate, resourceTagContext } from './request-helpers.js';
import { RULES } from './rules.js';
import { policySummary, ROOT_NAME } from './shapes.js';

/** Policy attachments: AttachPolicy, DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy. */

async function targetCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string, targetId: string) {
  const org = await organizationForChecks(deps);
  if (!org) return orgCheck(ctx, action);
  return orgCheck(
    ctx,
    action,
    targetArn(org, targetId),
    resourceTagContext(await deps.store.organizations.listTags(targetId)),
  );
}

/** The policy and the target: AttachPolicy and DetachPolicy need both (service authorization reference). */
async function attachmentChecks(deps: OrganizationsDeps, ctx: JsonContext, action: string) {
  const policyId = ctx.input.requiredString('PolicyId', RULES.policyId);
  const targetId = ctx.input.requiredString('TargetId', RULES.targetId);
  return [await policyCheck(deps, ctx, action, policyId), await targetCheck(deps, ctx, action, targetId)];
}

/** What ListTargetsForPolicy reports for a target: its type and name. */
async function targetSummary(deps: OrganizationsDeps, org: OrganizationRow, id: string) {
  if (id === org.rootId) return { TargetId: id, Arn: targetArn(org, id), Name: ROOT_NAME, Type: 'ROOT' };
  if (id.startsWith('ou-')) {
    const u = await deps.store.organizations.getUnit(id);
    return { TargetId: id, Arn: targetArn(org, id), Name: u?.name, Type: 'ORGANIZATIONAL_UNIT' };
  }
  const a = await deps.store.organizations.getAccount(id);
  return { TargetId: id, Arn: targetArn(org, id), Name: a?.name, Type: 'ACCOUNT' };
}

async function mustFindTarget(deps: OrganizationsDeps, org: OrganizationRow, id: string): Promise<void> {
  const found =
    id === org.rootId ||
    (id.startsWith('ou-')
      ? await deps.store.organizations.getUnit(id)
      : await deps.store.organizations.getAccount(id)) !== undefined;
  if (!found) throw orgError('TargetNotFoundException');
}

export function attachmentOperations(deps: OrganizationsDeps): JsonOperation[] {
  const { store } = deps;
  return [
    {
      name: 'AttachPolicy',
      checks: async (ctx) => attachmentChecks(deps, ctx, 'AttachPolicy'),
      handler: async (ctx) => {
        const policyId = ctx.input.requiredString('PolicyId', RULES.policyId);
        const targetId = ctx.input.requiredString('TargetId', RULES.targetId);
        await managedOrganization(deps, ctx);
        await store.organizations.attachPolicy(policyId, targetId, deps.limits.policiesPerTarget);
        return undefined;
      },
    },
    {
      // RCPFullAWSAccess can never be detached; the last SCP of a target neither (ConstraintViolation).
      name: 'DetachPolicy',
      checks: async (ctx) => attachmentChecks(deps, ctx, 'DetachPolicy'),
      handler: async (ctx) => {
        const policyId = ctx.input.requiredString('PolicyId', RULES.policyId);
        const targetId = ctx.input.requiredString('TargetId', RULES.targetId);
        const org = await managedOrganization(deps, ctx);
        await mustGetPolicy(deps, policyId);
        await mustFindTarget(deps, org, targetId);
        if (policyId === DEFAULT_POLICY_IDS.RESOURCE_CONTROL_POLICY) {
          throw invalidInput('NON_DETACHABLE_POLICY', "You can't detach this AWS Managed Policy.");
        }
        await store.organizations.detachPolicy(policyId, targetId);
        return undefined;
      },
    },
    {
      name: 'ListPoliciesForTarget',
      checks: async (ctx) => {
        const targetId = ctx.input.requiredString('TargetId', RULES.targetId);
        const type = ctx.input.requiredString('Filter', RULES.policyType);
        const check = await targetCheck(deps, ctx, 'ListPoliciesForTarget', targetId);
        return [{ ...check, context: { ...check.context, 'organizations:PolicyType': type } }];
      },
      handler: async (ctx) => {
        const targetId = ctx.input.requiredString('TargetId', RULES.targetId);
        const type = ctx.input.requiredString('Filter', RULES.policyType);
        const org = await managedOrganization(deps, ctx);
        await mustFindTarget(deps, org, targetId);
        const policies = [];
        for (const id of await store.organizations.listPolicyIdsForTarget(targetId)) {
          const p = await store.organizations.getPolicy(id);
          if (p && isSupportedPolicyType(type) && p.type === type) policies.push(p);
        }
        const page = paginate(policies, (p) => p.id, ctx.input);
        return { Policies: page.items.map((p) => policySummary(org, p)), NextToken: page.NextToken };
      },
    },
    {
      name: 'ListTargetsForPolicy',
      checks: async (ctx) => [
        await policyCheck(deps, ctx, 'ListTargetsForPolicy', ctx.input.requiredString('PolicyId', RULES.policyId)),
      ],
      handler: async (ctx) => {
        const policyId = ctx.input.requiredString('PolicyId', RULES.policyId);
        const org = await managedOrganization(deps, ctx);
        await mustGetPolicy(deps, policyId);
        const page = paginate(await store.organizations.listTargetIdsForPolicy(policyId), (id) => id, ctx.input);
        const targets = [];
        for (const id of page.items) targets.push(await targetSummary(deps, org, id));
        return { Targets: targets, NextToken: page.NextToken };
      },
    },
  ];
}
