import type { OrganizationRow, OrgPolicyType } from '../iam/store/types.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { managedOrganization, memberOrganization, orgCheck, organizationForChecks } from './access.js';
import { organizationArn, rootArn } from './arns.js';
import { AWS_MANAGED_ORG_POLICIES, isSupportedPolicyType } from './aws-managed-policies.js';
import type { OrganizationsDeps } from './deps.js';
import { constraintViolation, invalidInput, orgError } from './errors.js';
import { newOrganizationId, newRootId } from './ids.js';
import { paginate } from './request-helpers.js';
import { RULES } from './rules.js';
import { organizationShape, rootShape } from './shapes.js';

/**
 * Deviation from AWS: Strongbox's management account has no sign-up name or e-mail; the organization
 * reports these for it unless the account row carries its own.
 */
function managementIdentity(
  accountId: string,
  row: { name?: string; email?: string } | undefined,
): { name: string; email: string } {
  return { name: row?.name ?? 'Management account', email: row?.email ?? `management-${accountId}@strongbox.invalid` };
}

async function managementEmail(deps: OrganizationsDeps, org: OrganizationRow): Promise<string> {
  return (
    (await deps.store.organizations.getAccount(org.managementAccountId))?.email ??
    managementIdentity(org.managementAccountId, undefined).email
  );
}

function readPolicyTypeOfRoot(ctx: JsonContext, org: OrganizationRow): OrgPolicyType {
  const rootId = ctx.input.requiredString('RootId', RULES.rootId);
  const type = ctx.input.requiredString('PolicyType', RULES.policyType);
  if (rootId !== org.rootId) throw orgError('RootNotFoundException');
  // Deviation from AWS: only SCPs, RCPs and S3 policies exist here; other types are refused as unavailable.
  if (!isSupportedPolicyType(type) || org.featureSet !== 'ALL')
    throw orgError('PolicyTypeNotAvailableForOrganizationException');
  return type;
}

async function rootTypeCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string) {
  const org = await organizationForChecks(deps);
  const rootId = ctx.input.requiredString('RootId', RULES.rootId);
  const type = ctx.input.requiredString('PolicyType', RULES.policyType);
  return [orgCheck(ctx, action, org ? rootArn(org, rootId) : '*', { 'organizations:PolicyType': type })];
}

/** Any `<service>.amazonaws.com` principal may be given trusted access. */
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/;

function readServicePrincipal(ctx: JsonContext): string {
  const sp = ctx.input.requiredString('ServicePrincipal', RULES.servicePrincipal);
  if (!SERVICE_PRINCIPAL.test(sp))
    throw invalidInput('UNRECOGNIZED_SERVICE_PRINCIPAL', `You specified an unrecognized service principal: ${sp}`);
  return sp;
}

export function organizationOperations(deps: OrganizationsDeps): JsonOperation[] {
  const { store } = deps;
  const serviceAccess = (name: string, mode: 'enable' | 'disable'): JsonOperation => ({
    name,
    checks: async (ctx) => [
      orgCheck(ctx, name, '*', {
        'organizations:ServicePrincipal': ctx.input.requiredString('ServicePrincipal', RULES.servicePrincipal),
      }),
    ],
    handler: async (ctx) => {
      const org = await managedOrganization(deps, ctx);
      const sp = readServicePrincipal(ctx);
      if (org.featureSet !== 'ALL')
        throw constraintViolation(
          'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE',
          'The organization must have all features enabled.',
        );
      if (mode === 'enable') await store.organizations.enableServiceAccess(sp);
      else await store.organizations.disableServiceAccess(sp);
      return undefined;
    },
  });
  return [
    {
      // Only the management account (the account the server created first) can create the organization.
      name: 'CreateOrganization',
      checks: async (ctx) => [orgCheck(ctx, 'CreateOrganization')],
      handler: async (ctx) => {
        const featureSet = (ctx.input.optionalString('FeatureSet', RULES.featureSet) ??
          'ALL') as OrganizationRow['featureSet'];
        const existing = await store.organizations.get();
        if (existing && (await store.organizations.getAccount(ctx.accountId)))
          throw orgError('AlreadyInOrganizationException');
        const account = await store.accounts.get(ctx.accountId);
        if (!account?.isManagement) {
          // Deviation from AWS: any standalone account may create an organization on AWS.
          throw orgError('AccessDeniedException', {
            message: 'Only the management account of this Strongbox can create the organization.',
          });
        }
        const org = await store.organizations.create({
          id: newOrganizationId(),
          managementAccountId: ctx.accountId,
          rootId: newRootId(),
          featureSet,
          managementAccount: managementIdentity(ctx.accountId, account),
          awsManagedPolicies: AWS_MANAGED_ORG_POLICIES,
        });
        return { Organization: organizationShape(org, await managementEmail(deps, org)) };
      },
    },
    {
      // Any account of the organization may describe it.
      name: 'DescribeOrganization',
      checks: async (ctx) => {
        const org = await organizationForChecks(deps);
        return [orgCheck(ctx, 'DescribeOrganization', org ? organizationArn(org) : '*')];
      },
      handler: async (ctx) => {
        const org = await memberOrganization(deps, ctx);
        return { Organization: organizationShape(org, await managementEmail(deps, org)) };
      },
    },
    {
      // Only without member accounts (OrganizationNotEmptyException).
      name: 'DeleteOrganization',
      checks: async (ctx) => {
        const org = await organizationForChecks(deps);
        return [orgCheck(ctx, 'DeleteOrganization', org ? organizationArn(org) : '*')];
      },
      handler: async (ctx) => {
        await managedOrganization(deps, ctx);
        await store.organizations.delete();
        return undefined;
      },
    },
    {
      name: 'ListRoots',
      checks: async (ctx) => [orgCheck(ctx, 'ListRoots')],
      handler: async (ctx) => {
        const org = await managedOrganization(deps, ctx);
        const page = paginate([org], (o) => o.rootId, ctx.input);
        return { Roots: page.items.map(rootShape), NextToken: page.NextToken };
      },
    },
    {
      // Attaches the type's AWS-managed default (FullAWSAccess / RCPFullAWSAccess) everywhere.
      name: 'EnablePolicyType',
      checks: async (ctx) => rootTypeCheck(deps, ctx, 'EnablePolicyType'),
      handler: async (ctx) => {
        const type = readPolicyTypeOfRoot(ctx, await managedOrganization(deps, ctx));
        return { Root: rootShape(await store.organizations.enablePolicyType(type)) };
      },
    },
    {
      // Detaches every policy of the type from every target.
      name: 'DisablePolicyType',
      checks: async (ctx) => rootTypeCheck(deps, ctx, 'DisablePolicyType'),
      handler: async (ctx) => {
        const org = await managedOrganization(deps, ctx);
        const rootId = ctx.input.requiredString('RootId', RULES.rootId);
        const type = ctx.input.requiredString('PolicyType', RULES.policyType);
        if (rootId !== org.rootId) throw orgError('RootNotFoundException');
        if (!isSupportedPolicyType(type)) throw orgError('PolicyTypeNotEnabledException');
        return { Root: rootShape(await store.organizations.disablePolicyType(type)) };
      },
    },
    serviceAccess('EnableAWSServiceAccess', 'enable'),
    serviceAccess('DisableAWSServiceAccess', 'disable'),
    {
      name: 'ListAWSServiceAccessForOrganization',
      checks: async (ctx) => [orgCheck(ctx, 'ListAWSServiceAccessForOrganization')],
      handler: async (ctx) => {
        await managedOrganization(deps, ctx);
        const page = paginate(await store.organizations.listServiceAccess(), (s) => s.servicePrincipal, ctx.input);
        return {
          EnabledServicePrincipals: page.items.map((s) => ({
            ServicePrincipal: s.servicePrincipal,
            DateEnabled: s.enabledAt,
          })),
          NextToken: page.NextToken,
        };
      },
    },
  ];
}
