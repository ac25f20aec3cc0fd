import type { OrganizationRow } from '../iam/store/types.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { managedOrganization, orgCheck, organizationForChecks } from './access.js';
import { accountArn, targetArn } from './arns.js';
import type { OrganizationsDeps } from './deps.js';
import { constraintViolation, orgError } from './errors.js';
import { newCreateAccountRequestId } from './ids.js';
import { provisionMemberAccount } from './member-account.js';
import { paginate, readTags, requestTagContext, resourceTagContext } from './request-helpers.js';
import { RULES } from './rules.js';
import { accountShape, createAccountStatusShape } from './shapes.js';

async function accountCheck(deps: OrganizationsDeps, ctx: JsonContext, action: string) {
  const org = await organizationForChecks(deps);
  const accountId = ctx.input.requiredString('AccountId', RULES.accountId);
  if (!org) return [orgCheck(ctx, action)];
  const tags = await deps.store.organizations.listTags(accountId);
  return [orgCheck(ctx, action, accountArn(org, accountId), resourceTagContext(tags))];
}

async function mustFindParent(deps: OrganizationsDeps, org: OrganizationRow, parentId: string): Promise<void> {
  if (parentId !== org.rootId && (await deps.store.organizations.getUnit(parentId)) === undefined)
    throw orgError('ParentNotFoundException');
}

export function accountOperations(deps: OrganizationsDeps): JsonOperation[] {
  const { store } = deps;
  return [
    {
      // The status is returned IN_PROGRESS, as AWS does; the account exists (or the request failed)
      // by the time DescribeCreateAccountStatus is called.
      name: 'CreateAccount',
      checks: async (ctx) => [orgCheck(ctx, 'CreateAccount', '*', requestTagContext(readTags(ctx.input, deps.limits)))],
      handler: async (ctx) => {
        const { input } = ctx;
        const email = input.requiredString('Email', RULES.email);
        const accountName = input.requiredString('AccountName', RULES.createAccountName);
        const roleName = input.optionalString('RoleName', RULES.roleName) ?? 'OrganizationAccountAccessRole';
        input.optionalString('IamUserAccessToBilling', RULES.iamUserAccessToBilling);
        const tags = readTags(input, deps.limits);
        const org = await managedOrganization(deps, ctx);
        if ((await store.organizations.listAccounts()).length >= deps.limits.accounts) {
          throw constraintViolation(
            'ACCOUNT_NUMBER_LIMIT_EXCEEDED',
            'You have reached the maximum number of accounts in the organization.',
          );
        }
        const request = {
          requestId: newCreateAccountRequestId(),
          email,
          accountName,
          roleName,
          tags,
          requestedAt: deps.now(),
        };
        const pending = {
          id: request.requestId,
          accountName,
          state: 'IN_PROGRESS' as const,
          requestedAt: request.requestedAt,
        };
        await store.organizations.putCreateAccountStatus({
          ...pending,
          completedAt: undefined,
          accountId: undefined,
          failureReason: undefined,
        });
        await provisionMemberAccount(deps, org, request);
        return {
          CreateAccountStatus: createAccountStatusShape({
            ...pending,
            completedAt: undefined,
            accountId: undefined,
            failureReason: undefined,
          }),
        };
      },
    },
    {
      name: 'DescribeCreateAccountStatus',
      checks: async (ctx) => [orgCheck(ctx, 'DescribeCreateAccountStatus')],
      handler: async (ctx) => {
        await managedOrganization(deps, ctx);
        const s = await store.organizations.getCreateAccountStatus(
          ctx.input.requiredString('CreateAccountRequestId', RULES.createAccountRequestId),
        );
        if (!s) throw orgError('CreateAccountStatusNotFoundException');
        return { CreateAccountStatus: createAccountStatusShape(s) };
      },
    },
    {
      name: 'ListCreateAccountStatus',
      checks: async (ctx) => [orgCheck(ctx, 'ListCreateAccountStatus')],
      handler: async (ctx) => {
        await managedOrganization(deps, ctx);
        const states = ctx.input.optionalStringList('States', RULES.createAccountState);
        const all = await store.organizations.listCreateAccountStatuses();
        const wanted = states === undefined || states.length === 0 ? all : all.filter((s) => states.includes(s.state));
        const page = paginate(wanted, (s) => s.id, ctx.input);
        return { CreateAccountStatuses: page.items.map(createAccountStatusShape), NextToken: page.NextToken };
      },
    },
    {
      name: 'ListAccounts',
      checks: async (ctx) => [orgCheck(ctx, 'ListAccounts')],
      handler: async (ctx) => {
        const org = await managedOrganization(deps, ctx);
        const page = paginate(await store.organizations.listAccounts(), (a) => a.accountId, ctx.input);
        return { Accounts: page.items.map((a) => accountShape(org, a)), NextToken: page.NextToken };
      },
    },
    {
      name: 'ListAccountsForParent',
      checks: async (ctx) => {
        const org = await organizationForChecks(deps);
        const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
        return [orgCheck(ctx, 'ListAccountsForParent', org ? targetArn(org, parentId) : '*')];
      },
      handler: async (ctx) => {
        const org = await managedOrganization(deps, ctx);
        const parentId = ctx.input.requiredString('ParentId', RULES.parentId);
        await mustFindParent(deps, org, parentId);
        const page = paginate(await store.organizations.listAccounts(parentId), (a) => a.accountId, ctx.input);
        return { Accounts: page.items.map((a) => accountShape(org, a)), NextToken: page.NextToken };
      },
    },
    {
      name: 'DescribeAccount',
      checks: async (ctx) => accountCheck(deps, ctx, 'DescribeAccount'),
      handler: async (ctx) => {
        const org = await managedOrganization(deps, ctx);
        const a = await store.organizations.getAccount(ctx.input.requiredString('AccountId', RULES.accountId));
        if (!a) throw orgError('AccountNotFoundException');
        return { Account: accountShape(org, a) };
      },
    },
    {
      // Needs the account and both parents (service authorization reference: account, root, OU).
      name: 'MoveAccount',
      checks: async (ctx) => {
        const checks = await accountCheck(deps, ctx, 'MoveAccount');
        const org = await organizationForChecks(deps);
        if (!org) return checks;
        const source = ctx.input.requiredString('SourceParentId', RULES.parentId);
        const destination = ctx.input.requiredString('DestinationParentId', RULES.parentId);
        return [
          ...checks,
          orgCheck(ctx, 'MoveAccount', targetArn(org, source)),
          orgCheck(ctx, 'MoveAccount', targetArn(org, destination)),
        ];
      },
      handler: async (ctx) => {
        await managedOrganization(deps, ctx);
        const accountId = ctx.input.requiredString('AccountId', RULES.accountId);
        const source = ctx.input.requiredString('SourceParentId', RULES.parentId);
        const destination = ctx.input.requiredString('DestinationParentId', RULES.parentId);
        await store.organizations.moveAccount(accountId, source, destination);
        return undefined;
      },
    },
  ];
}
