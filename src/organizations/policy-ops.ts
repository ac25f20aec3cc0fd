import type { OrganizationRow, OrgPolicyRow } from '../iam/store/types.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { managedOrganization, orgCheck, organizationForChecks } from './access.js';
import { policyArn } from './arns.js';
import { isSupportedPolicyType } from './aws-managed-policies.js';
import type { OrganizationsDeps } from './deps.js';
import { constraintViolation, invalidInput, orgError } from './errors.js';
import { newPolicyId } from './ids.js';
import { validatePolicyContent } from './policy-content.js';
import { paginate, readTags, requestTagContext, resourceTagContext } from './request-helpers.js';
import { RULES } from './rules.js';
import { policyShape, policySummary } from './shapes.js';

/** SCPs and RCPs: CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy, ListPolicies. */

/** The check on an existing policy: its ARN, type and tags (`*` when it is unknown). */
export async function policyCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string, policyId: string) {
  const org = await organizationForChecks(deps);
  const p = await deps.store.organizations.getPolicy(policyId);
  if (!org || !p) return orgCheck(ctx, action);
  const context = {
    'organizations:PolicyType': p.type,
    ...resourceTagContext(await deps.store.organizations.listTags(p.id)),
  };
  return orgCheck(ctx, action, policyArn(org, p), context);
}

export async function mustGetPolicy(deps: OrganizationsDeps, id: string): Promise<OrgPolicyRow> {
  const p = await deps.store.organizations.getPolicy(id);
  if (!p) throw orgError('PolicyNotFoundException');
  return p;
}

function immutable(): never {
  throw invalidInput('IMMUTABLE_POLICY', "You specified a policy that is managed by AWS and can't be modified.");
}

async function createPolicy(deps: OrganizationsDeps, ctx: JsonContext, org: OrganizationRow) {
  const { input } = ctx;
  const content = input.requiredString('Content', RULES.policyContent);
  const description = input.requiredString('Description', RULES.policyDescription);
  const name = input.requiredString('Name', RULES.policyName);
  const type = input.requiredString('Type', RULES.policyType);
  const tags = readTags(input, deps.limits);
  // Deviation from AWS: only SCPs, RCPs and S3 policies exist here; other types are refused as unavailable.
  if (!isSupportedPolicyType(type) || org.featureSet !== 'ALL')
    throw orgError('PolicyTypeNotAvailableForOrganizationException');
  const existing = (await deps.store.organizations.listPolicies(type)).filter((p) => !p.awsManaged);
  if (existing.length >= deps.limits.policiesPerType) {
    throw constraintViolation(
      'POLICY_NUMBER_LIMIT_EXCEEDED',
      'You have reached the maximum number of policies of this type.',
    );
  }
  validatePolicyContent(type, content);
  const p = await deps.store.organizations.createPolicy(
    { id: newPolicyId(), type, name, description, content, awsManaged: false },
    tags,
  );
  return { Policy: policyShape(org, p) };
}

export function policyOperations(deps: OrganizationsDeps): JsonOperation[] {
  const { store } = deps;
  const byId = (ctx: JsonContext) => ctx.input.requiredString('PolicyId', RULES.policyId);
  return [
    {
      name: 'CreatePolicy',
      checks: async (ctx) => {
        const type = ctx.input.requiredString('Type', RULES.policyType);
        return [
          orgCheck(ctx, 'CreatePolicy', '*', {
            'organizations:PolicyType': type,
            ...requestTagContext(readTags(ctx.input, deps.limits)),
          }),
        ];
      },
      handler: async (ctx) => createPolicy(deps, ctx, await managedOrganization(deps, ctx)),
    },
    {
      name: 'DescribePolicy',
      checks: async (ctx) => [await policyCheck(deps, ctx, 'DescribePolicy', byId(ctx))],
      handler: async (ctx) => {
        const id = byId(ctx);
        const org = await managedOrganization(deps, ctx);
        return { Policy: policyShape(org, await mustGetPolicy(deps, id)) };
      },
    },
    {
      // A new Content must pass the same validation as CreatePolicy; it starts a new revision.
      name: 'UpdatePolicy',
      checks: async (ctx) => [await policyCheck(deps, ctx, 'UpdatePolicy', byId(ctx))],
      handler: async (ctx) => {
        const id = byId(ctx);
        const name = ctx.input.optionalString('Name', RULES.policyName);
        const description = ctx.input.optionalString('Description', RULES.policyDescription);
        const content = ctx.input.optionalString('Content', RULES.policyContent);
        const org = await managedOrganization(deps, ctx);
        const p = await mustGetPolicy(deps, id);
        if (p.awsManaged) immutable();
        if (content !== undefined) validatePolicyContent(p.type, content);
        return { Policy: policyShape(org, await store.organizations.updatePolicy(id, { name, description, content })) };
      },
    },
    {
      name: 'DeletePolicy',
      checks: async (ctx) => [await policyCheck(deps, ctx, 'DeletePolicy', byId(ctx))],
      handler: async (ctx) => {
        const id = byId(ctx);
        await managedOrganization(deps, ctx);
        if ((await mustGetPolicy(deps, id)).awsManaged) immutable();
        await store.organizations.deletePolicy(id);
        return undefined;
      },
    },
    {
      name: 'ListPolicies',
      checks: async (ctx) => [
        orgCheck(ctx, 'ListPolicies', '*', {
          'organizations:PolicyType': ctx.input.requiredString('Filter', RULES.policyType),
        }),
      ],
      handler: async (ctx) => {
        const type = ctx.input.requiredString('Filter', RULES.policyType);
        const org = await managedOrganization(deps, ctx);
        const all = isSupportedPolicyType(type) ? await store.organizations.listPolicies(type) : [];
        const page = paginate(all, (p) => p.id, ctx.input);
        return { Policies: page.items.map((p) => policySummary(org, p)), NextToken: page.NextToken };
      },
    },
  ];
}
