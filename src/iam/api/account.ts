import { isoSeconds, members } from '../../query/render.js';
import { requiredString } from '../../query/params.js';
import type { QueryOperation } from '../../query/types.js';
import type { XmlNode } from '../../protocol/xml.js';
import { iamError } from '../errors.js';
import type { PrincipalKind } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { buildCredentialReport } from './credential-report.js';
import { findPolicy, iamCheck } from './resolve.js';
import { encodeDocument, groupShape, tagsShape, userShape, type PolicyView } from './shapes.js';
import { RULES } from './validate.js';

/** A report older than this is expired (AWS: four hours). */
const REPORT_TTL_MS = 4 * 3600 * 1000;

export function accountOperations(deps: IamApiDeps): QueryOperation[] {
  const { store, limits } = deps;
  const star = (opName: string): QueryOperation['checks'] => async (ctx) => [iamCheck(ctx, opName, '*')];

  async function attachedShapes(kind: PrincipalKind, id: string, accountId: string): Promise<XmlNode> {
    const out: XmlNode[] = [];
    for (const a of await store.attachments.listForPrincipal(kind, id)) {
      const p = await findPolicy(deps, accountId, a.policyArn);
      if (p) out.push({ PolicyName: p.policyName, PolicyArn: p.arn });
    }
    return members(out);
  }

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
        const summary: Array<[string, number]> = [
          ['Users', users.length], ['UsersQuota', limits.usersPerAccount],
          ['Groups', (await store.groups.list(ctx.accountId)).length], ['GroupsQuota', limits.groupsPerAccount],
          ['ServerCertificates', 0], ['ServerCertificatesQuota', 20],
          ['UserPolicySizeQuota', limits.inlineUserPolicySize], ['GroupPolicySizeQuota', limits.inlineGroupPolicySize],
          ['GroupsPerUserQuota', limits.groupsPerUser], ['SigningCertificatesPerUserQuota', 2], ['AccessKeysPerUserQuota', limits.accessKeysPerUser],
          ['MFADevices', 0], ['MFADevicesInUse', 0], ['AccountMFAEnabled', 0],
          ['AccountAccessKeysPresent', rootKeys.length > 0 ? 1 : 0], ['AccountSigningCertificatesPresent', 0],
          ['AttachedPoliciesPerGroupQuota', limits.managedPoliciesPerGroup], ['AttachedPoliciesPerRoleQuota', 10], ['AttachedPoliciesPerUserQuota', limits.managedPoliciesPerUser],
          ['Policies', policies.length], ['PoliciesQuota', limits.customerManagedPoliciesPerAccount], ['PolicySizeQuota', limits.managedPolicySize],
          ['PolicyVersionsInUse', versions], ['PolicyVersionsInUseQuota', 10000], ['VersionsPerPolicyQuota', limits.versionsPerPolicy],
          ['GlobalEndpointTokenVersion', 1],
          ['Roles', 0], ['RolesQuota', 1000], ['RolePolicySizeQuota', 10240],
          ['InstanceProfiles', 0], ['InstanceProfilesQuota', 1000], ['Providers', 0], ['AssumeRolePolicySizeQuota', 2048],
        ];
        return { SummaryMap: { entry: summary.map(([key, value]) => ({ key, value })) } };
      },
    },
    {
      name: 'GetAccountAuthorizationDetails',
      checks: star('GetAccountAuthorizationDetails'),
      handler: async (ctx) => {
        // Deviation from AWS: everything is returned in one page (IsTruncated false); IAM quotas keep it bounded.
        const filters = new Set(ctx.params.list('Filter') ?? []);
        const want = (f: string) => filters.size === 0 || filters.has(f);
        const attachedArns = new Set<string>();
        const userDetails: XmlNode[] = [];
        if (want('User')) {
          for (const u of await store.users.list(ctx.accountId)) {
            const inline = await store.inlinePolicies.list('user', u.userId);
            const groups = await store.groups.listForUser(u.userId);
            for (const a of await store.attachments.listForPrincipal('user', u.userId)) attachedArns.add(a.policyArn);
            const tags = await store.tags.list('user', u.userId);
            const base = userShape(u, { full: true });
            userDetails.push({
              Path: base.Path, UserName: base.UserName, UserId: base.UserId, Arn: base.Arn, CreateDate: base.CreateDate,
              UserPolicyList: members(inline.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDocument(p.document) }))),
              GroupList: members(groups.map((g) => g.groupName)),
              AttachedManagedPolicies: await attachedShapes('user', u.userId, ctx.accountId),
              PermissionsBoundary: base.PermissionsBoundary,
              Tags: tags.length > 0 ? tagsShape(tags) : undefined,
            });
          }
        }
        const groupDetails: XmlNode[] = [];
        if (want('Group')) {
          for (const g of await store.groups.list(ctx.accountId)) {
            const inline = await store.inlinePolicies.list('group', g.groupId);
            for (const a of await store.attachments.listForPrincipal('group', g.groupId)) attachedArns.add(a.policyArn);
            groupDetails.push({
              ...groupShape(g),
              GroupPolicyList: members(inline.map((p) => ({ PolicyName: p.policyName, PolicyDocument: encodeDocument(p.document) }))),
              AttachedManagedPolicies: await attachedShapes('group', g.groupId, ctx.accountId),
            });
          }
        }
        const counts = await store.attachments.countsByPolicy(ctx.accountId);
        const policyDetails: XmlNode[] = [];
        const views: PolicyView[] = [];
        if (want('LocalManagedPolicy')) for (const p of await store.policies.list(ctx.accountId)) views.push((await findPolicy(deps, ctx.accountId, p.arn)) as PolicyView);
        // AWS lists only the AWS managed policies that are attached in the account.
        if (want('AWSManagedPolicy')) for (const p of deps.awsManaged.list()) if ((counts.get(p.arn) ?? 0) > 0) views.push((await findPolicy(deps, ctx.accountId, p.arn)) as PolicyView);
        for (const p of views) {
          const versions = p.awsManaged
            ? [{ document: deps.awsManaged.get(p.arn)?.document ?? '', versionId: p.defaultVersionId, createdAt: p.updateDate }]
            : (await store.policies.listVersions(p.arn)).map((v) => ({ document: v.document, versionId: v.versionId, createdAt: v.createdAt }));
          policyDetails.push({
            PolicyName: p.policyName, PolicyId: p.policyId, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersionId,
            AttachmentCount: counts.get(p.arn) ?? 0, PermissionsBoundaryUsageCount: 0, IsAttachable: true, Description: p.description,
            CreateDate: isoSeconds(p.createDate), UpdateDate: isoSeconds(p.updateDate),
            PolicyVersionList: members(versions.map((v) => ({ Document: encodeDocument(v.document), VersionId: v.versionId, IsDefaultVersion: v.versionId === p.defaultVersionId, CreateDate: isoSeconds(v.createdAt) }))),
          });
        }
        return { UserDetailList: members(userDetails), GroupDetailList: members(groupDetails), RoleDetailList: members([]), Policies: members(policyDetails), IsTruncated: false };
      },
    },
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
