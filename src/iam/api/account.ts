import { isoSeconds, members } from '../../query/render.js';
import { requiredString } from '../../query/params.js';
import type { QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { IamApiDeps } from './deps.js';
import { accountAuthorizationDetailsOperation } from './authorization-details.js';
import { buildCredentialReport } from './credential-report.js';
import { iamCheck } from './resolve.js';
import { RULES } from './validate.js';

/** A report older than this is expired (AWS: four hours). */
const REPORT_TTL_MS = 4 * 3600 * 1000;

export function accountOperations(deps: IamApiDeps): QueryOperation[] {
  const { store, limits } = deps;
  const star = (opName: string): QueryOperation['checks'] => async (ctx) => [iamCheck(ctx, opName, '*')];

  return [
    {
      name: 'GetAccountSummary',
      checks: star('GetAccountSummary'),
      handler: async (ctx) => {
        const users = await store.users.list(ctx.accountId);
        const policies = await store.policies.list(ctx.accountId);
        let versions = 0;
        for (const p of policies) versions += (await store.policies.listVersions(p.arn)).length;
        const rootKeys = await store.accessKeys.listForUser(ctx.accountId, undefined);
        const mfaDevices = await store.mfaDevices.listVirtual(ctx.accountId);
        const summary: Array<[string, number]> = [
          ['Users', users.length], ['UsersQuota', limits.usersPerAccount],
          ['Groups', (await store.groups.list(ctx.accountId)).length], ['GroupsQuota', limits.groupsPerAccount],
          ['ServerCertificates', 0], ['ServerCertificatesQuota', 20],
          ['UserPolicySizeQuota', limits.inlineUserPolicySize], ['GroupPolicySizeQuota', limits.inlineGroupPolicySize],
          ['GroupsPerUserQuota', limits.groupsPerUser], ['SigningCertificatesPerUserQuota', 2], ['AccessKeysPerUserQuota', limits.accessKeysPerUser],
          ['MFADevices', mfaDevices.length], ['MFADevicesInUse', mfaDevices.filter((d) => d.owner).length],
          ['AccountMFAEnabled', mfaDevices.some((d) => d.owner?.kind === 'root') ? 1 : 0],
          ['AccountAccessKeysPresent', rootKeys.length > 0 ? 1 : 0], ['AccountSigningCertificatesPresent', 0],
          ['AttachedPoliciesPerGroupQuota', limits.managedPoliciesPerGroup], ['AttachedPoliciesPerRoleQuota', limits.managedPoliciesPerRole], ['AttachedPoliciesPerUserQuota', limits.managedPoliciesPerUser],
          ['Policies', policies.length], ['PoliciesQuota', limits.customerManagedPoliciesPerAccount], ['PolicySizeQuota', limits.managedPolicySize],
          ['PolicyVersionsInUse', versions], ['PolicyVersionsInUseQuota', 10000], ['VersionsPerPolicyQuota', limits.versionsPerPolicy],
          ['GlobalEndpointTokenVersion', 1],
          ['Roles', (await store.roles.list(ctx.accountId)).length], ['RolesQuota', limits.rolesPerAccount], ['RolePolicySizeQuota', limits.inlineRolePolicySize],
          ['InstanceProfiles', (await store.instanceProfiles.list(ctx.accountId)).length], ['InstanceProfilesQuota', limits.instanceProfilesPerAccount],
          ['Providers', (await store.oidcProviders.list(ctx.accountId)).length], ['AssumeRolePolicySizeQuota', limits.trustPolicySize],
        ];
        return { SummaryMap: { entry: summary.map(([key, value]) => ({ key, value })) } };
      },
    },
    accountAuthorizationDetailsOperation(deps),
    {
      name: 'CreateAccountAlias',
      checks: star('CreateAccountAlias'),
      handler: async (ctx) => {
        await store.settings.setAlias(ctx.accountId, requiredString(ctx.params, 'AccountAlias', RULES.accountAlias));
        return undefined;
      },
    },
    {
      name: 'ListAccountAliases',
      checks: star('ListAccountAliases'),
      handler: async (ctx) => ({ AccountAliases: members(await store.settings.listAliases(ctx.accountId)), IsTruncated: false }),
    },
    {
      name: 'DeleteAccountAlias',
      checks: star('DeleteAccountAlias'),
      handler: async (ctx) => {
        const alias = requiredString(ctx.params, 'AccountAlias', RULES.accountAlias);
        if (!(await store.settings.deleteAlias(ctx.accountId, alias))) throw iamError('NoSuchEntity', { message: `The account alias ${alias} cannot be found.` });
        return undefined;
      },
    },
    {
      name: 'GenerateCredentialReport',
      checks: star('GenerateCredentialReport'),
      handler: async (ctx) => {
        const now = deps.now();
        const existing = await store.settings.getCredentialReport(ctx.accountId);
        if (existing && now.getTime() - existing.generatedAt.getTime() < REPORT_TTL_MS) return { State: 'COMPLETE' };
        // Generated synchronously (it is small), so the report is COMPLETE as soon as this returns.
        await store.settings.putCredentialReport({ accountId: ctx.accountId, generatedAt: now, content: await buildCredentialReport(store, ctx.accountId) });
        return { State: 'COMPLETE', Description: 'No report exists. Starting a new report generation task' };
      },
    },
    {
      name: 'GetCredentialReport',
      checks: star('GetCredentialReport'),
      handler: async (ctx) => {
        const r = await store.settings.getCredentialReport(ctx.accountId);
        if (!r) throw iamError('ReportNotPresent');
        if (deps.now().getTime() - r.generatedAt.getTime() >= REPORT_TTL_MS) throw iamError('ReportExpired');
        return { Content: Buffer.from(r.content, 'utf8').toString('base64'), ReportFormat: 'text/csv', GeneratedTime: isoSeconds(r.generatedAt) };
      },
    },
  ];
}
