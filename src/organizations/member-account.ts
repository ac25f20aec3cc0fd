import { newAccountId, newUniqueId } from '../iam/ids.js';
import type { CreateAccountStatusRow, OrganizationRow, OrgTag } from '../iam/store/types.js';
import type { OrganizationsDeps } from './deps.js';

/**
 * What CreateAccount does once the request is accepted: a new account (12-digit id) in the root, with
 * the role named by RoleName (default OrganizationAccountAccessRole) trusting the management account
 * and holding AdministratorAccess, so the management account reaches it with sts:AssumeRole.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html
 * AWS does this asynchronously; here it is done before CreateAccount answers, so the request's status
 * is SUCCEEDED (or FAILED) by the time DescribeCreateAccountStatus is called.
 */
export interface NewAccountRequest {
  readonly requestId: string;
  readonly email: string;
  readonly accountName: string;
  readonly roleName: string;
  readonly tags: readonly OrgTag[];
  readonly requestedAt: Date;
}

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export function accessRoleTrustPolicy(managementAccountId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementAccountId}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
}

/** The account ids the organization can not reuse: every account of this Strongbox. */
async function freshAccountId(deps: OrganizationsDeps): Promise<string> {
  for (;;) {
    const id = newAccountId();
    if ((await deps.store.accounts.get(id)) === undefined) return id;
  }
}

/** Creates the account and its access role; records and returns the final status. */
export async function provisionMemberAccount(
  deps: OrganizationsDeps,
  org: OrganizationRow,
  req: NewAccountRequest,
): Promise<CreateAccountStatusRow> {
  const { store } = deps;
  const base = {
    id: req.requestId,
    accountName: req.accountName,
    requestedAt: req.requestedAt,
    failureReason: undefined,
  };
  const emailLc = req.email.toLowerCase();
  if ((await store.organizations.listAccounts()).some((a) => a.email.toLowerCase() === emailLc)) {
    return finish(deps, {
      ...base,
      state: 'FAILED',
      completedAt: deps.now(),
      accountId: undefined,
      failureReason: 'EMAIL_ALREADY_EXISTS',
    });
  }
  const accountId = await freshAccountId(deps);
  try {
    await store.accounts.create(accountId, { isManagement: false, name: req.accountName, email: req.email });
    const role = await store.roles.create({
      accountId,
      roleId: newUniqueId('AROA'),
      roleName: req.roleName,
      path: '/',
      assumeRolePolicyDocument: accessRoleTrustPolicy(org.managementAccountId),
      maxSessionDuration: 3600,
      maxRolesPerAccount: 1000,
    });
    await store.attachments.attach(
      { accountId, principalKind: 'role', principalId: role.roleId, policyArn: ADMINISTRATOR_ACCESS_ARN },
      10,
    );
    await store.organizations.addAccount(
      {
        accountId,
        name: req.accountName,
        email: req.email,
        parentId: org.rootId,
        joinedMethod: 'CREATED',
        joinedAt: deps.now(),
        status: 'ACTIVE',
      },
      req.tags,
    );
  } catch {
    // Deviation from AWS: a failure half-way leaves the bare account behind (it belongs to no organization).
    return finish(deps, {
      ...base,
      state: 'FAILED',
      completedAt: deps.now(),
      accountId: undefined,
      failureReason: 'INTERNAL_FAILURE',
    });
  }
  return finish(deps, { ...base, state: 'SUCCEEDED', completedAt: deps.now(), accountId });
}

async function finish(deps: OrganizationsDeps, s: CreateAccountStatusRow): Promise<CreateAccountStatusRow> {
  await deps.store.organizations.putCreateAccountStatus(s);
  return s;
}
