import { errorFactory, type ErrorSpec } from '../../errors/service-error.js';
import { members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import type { OrganizationRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { iamCheck } from './resolve.js';

/**
 * Centralized root access for member accounts (IAM Query API): the management account turns on root
 * credentials management and privileged root sessions (sts:AssumeRoot) for the organization's member
 * accounts. It needs an organization with all features and trusted access for IAM
 * (organizations:EnableAWSServiceAccess with `iam.amazonaws.com`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management
 */
export const ORGANIZATIONS_FEATURE_ERRORS = {
  OrganizationNotFoundException: {
    status: 400,
    message: 'The request was rejected because no organization is associated with your account.',
  },
  OrganizationNotInAllFeaturesModeException: {
    status: 400,
    message: 'The request was rejected because your organization does not have All features enabled.',
  },
  ServiceAccessNotEnabledException: {
    status: 400,
    message: 'The request was rejected because trusted access is not enabled for IAM in AWS Organizations.',
  },
  AccountNotManagementOrDelegatedAdministratorException: {
    status: 400,
    message:
      'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.',
  },
  CallerIsNotManagementAccountException: {
    status: 400,
    message:
      'The request was rejected because the account making the request is not the management account for the organization.',
  },
} as const satisfies Record<string, ErrorSpec>;

const featureError = errorFactory(ORGANIZATIONS_FEATURE_ERRORS);

export const IAM_SERVICE_PRINCIPAL = 'iam.amazonaws.com';

type Feature = 'RootCredentialsManagement' | 'RootSessions';

function enabledFeatures(org: OrganizationRow): Feature[] {
  const out: Feature[] = [];
  if (org.rootCredentialsManagement) out.push('RootCredentialsManagement');
  if (org.rootSessions) out.push('RootSessions');
  return out;
}

/**
 * The organization, when the caller may manage its root-access features. Enable* may only be called by
 * the management account (CallerIsNotManagementAccountException); Disable* and List* also by a
 * delegated administrator, which Strongbox has none of (AccountNotManagementOrDelegatedAdministratorException).
 */
async function manageableOrganization(
  deps: IamApiDeps,
  ctx: QueryContext,
  mode: 'enable' | 'other',
): Promise<OrganizationRow> {
  const org = await deps.store.organizations.get();
  if (!org || (await deps.store.organizations.getAccount(ctx.accountId)) === undefined)
    throw featureError('OrganizationNotFoundException');
  if (org.managementAccountId !== ctx.accountId) {
    throw featureError(
      mode === 'enable'
        ? 'CallerIsNotManagementAccountException'
        : 'AccountNotManagementOrDelegatedAdministratorException',
    );
  }
  if (org.featureSet !== 'ALL') throw featureError('OrganizationNotInAllFeaturesModeException');
  const access = await deps.store.organizations.listServiceAccess();
  if (!access.some((a) => a.servicePrincipal === IAM_SERVICE_PRINCIPAL))
    throw featureError('ServiceAccessNotEnabledException');
  return org;
}

function result(org: OrganizationRow) {
  return { OrganizationId: org.id, EnabledFeatures: members(enabledFeatures(org)) };
}

export function organizationsFeatureOperations(deps: IamApiDeps): QueryOperation[] {
  const toggle = (
    name: string,
    change: { rootCredentialsManagement?: boolean; rootSessions?: boolean },
  ): QueryOperation => ({
    name,
    checks: async (ctx) => [iamCheck(ctx, name, '*')],
    handler: async (ctx) => {
      const enabling = change.rootCredentialsManagement === true || change.rootSessions === true;
      await manageableOrganization(deps, ctx, enabling ? 'enable' : 'other');
      return result(await deps.store.organizations.update(change));
    },
  });
  return [
    toggle('EnableOrganizationsRootCredentialsManagement', { rootCredentialsManagement: true }),
    toggle('DisableOrganizationsRootCredentialsManagement', { rootCredentialsManagement: false }),
    toggle('EnableOrganizationsRootSessions', { rootSessions: true }),
    toggle('DisableOrganizationsRootSessions', { rootSessions: false }),
    {
      name: 'ListOrganizationsFeatures',
      checks: async (ctx) => [iamCheck(ctx, 'ListOrganizationsFeatures', '*')],
      handler: async (ctx) => result(await manageableOrganization(deps, ctx, 'other')),
    },
  ];
}
