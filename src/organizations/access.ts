import type { OrganizationRow } from '../iam/store/types.js';
import type { JsonContext } from '../json-protocol/types.js';
import type { AuthzCheck } from '../server/protocol.js';
import type { OrganizationsDeps } from './deps.js';
import { orgError } from './errors.js';

export type Context = Readonly<Record<string, string | readonly string[]>>;

/**
 * One check of `organizations:<action>`. Organizations resources carry no resource-based policy that
 * could admit another account (only the delegated-administrator policy, out of scope), so the caller's
 * own identity policies decide: the resource is "owned" by the caller's account for evaluation.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
export function orgCheck(ctx: JsonContext, action: string, resource = '*', context: Context = {}): AuthzCheck {
  return { action: `organizations:${action}`, resource, resourceAccount: ctx.accountId, context };
}

/** The organization the caller's account belongs to; AWSOrganizationsNotInUseException otherwise. */
export async function memberOrganization(deps: OrganizationsDeps, ctx: JsonContext): Promise<OrganizationRow> {
  const org = await deps.store.organizations.get();
  if (!org || (await deps.store.organizations.getAccount(ctx.accountId)) === undefined)
    throw orgError('AWSOrganizationsNotInUseException');
  return org;
}

/**
 * The organization, for an operation only its management account may call (every one but
 * DescribeOrganization here: "This operation can be called only from the organization's management
 * account"). Other members get AccessDeniedException; accounts outside any organization
 * AWSOrganizationsNotInUseException.
 */
export async function managedOrganization(deps: OrganizationsDeps, ctx: JsonContext): Promise<OrganizationRow> {
  const org = await memberOrganization(deps, ctx);
  if (org.managementAccountId !== ctx.accountId) throw orgError('AccessDeniedException');
  return org;
}

/** The organization, if there is one, for building the ARNs of checks (`*` when there is none). */
export async function organizationForChecks(deps: OrganizationsDeps): Promise<OrganizationRow | undefined> {
  return deps.store.organizations.get();
}
