import { isoSeconds, members } from '../../query/render.js';
import { optionalBool, optionalEnum, optionalString, requiredString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { ServiceError } from '../../errors/service-error.js';
import { parsePolicyArn, policyArn } from '../arn.js';
import { iamError } from '../errors.js';
import { newUniqueId } from '../ids.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { policySize } from './policy-validation.js';
import { iamCheck, mustFindPolicy, readPolicyArn } from './resolve.js';
import { awsPolicyView, customerPolicyView, encodeDocument, policyShape, tagsShape, type PolicyView } from './shapes.js';
import { name, readTagKeys, readTags, requestTagContext, resourceTagContext, RULES } from './validate.js';

/** Shared by CreatePolicy and CreatePolicyVersion: size quota, then the policy grammar. */
export function readManagedDocument(deps: IamApiDeps, ctx: QueryContext): string {
  const doc = requiredString(ctx.params, 'PolicyDocument', RULES.policyDocument);
  if (policySize(doc) > deps.limits.managedPolicySize) {
    throw iamError('LimitExceeded', { message: `Cannot exceed quota for PolicySize: ${deps.limits.managedPolicySize}` });
  }
  deps.validatePolicy(doc, { managed: true });
  return doc;
}

function notModifiable(arn: string): ServiceError {
  // AWS managed policies belong to AWS; the account cannot change them.
  return new ServiceError('AccessDenied', `Policy ${arn} is an AWS managed policy and cannot be modified.`, 403);
}

export function managedPolicyOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function counts(accountId: string): Promise<{ attachments: Map<string, number>; boundaries: Map<string, number> }> {
    const boundaries = new Map<string, number>();
    for (const u of await store.users.list(accountId)) {
      if (u.permissionsBoundaryArn) boundaries.set(u.permissionsBoundaryArn, (boundaries.get(u.permissionsBoundaryArn) ?? 0) + 1);
    }
    return { attachments: await store.attachments.countsByPolicy(accountId), boundaries };
  }

  /** A customer managed policy of this account (the ones that can be changed). */
  async function ownPolicy(ctx: QueryContext) {
    const arn = readPolicyArn(ctx);
    if (parsePolicyArn(arn)?.owner === 'aws' && deps.awsManaged.get(arn)) throw notModifiable(arn);
    const p = parsePolicyArn(arn)?.owner === ctx.accountId ? await store.policies.get(arn) : undefined;
    if (!p) throw iamError('NoSuchEntity', { message: `Policy ${arn} does not exist or is not attachable.` });
    return p;
  }

  const policyScoped = (opName: string, withTags = false): QueryOperation['checks'] => async (ctx) => {
    const arn = readPolicyArn(ctx);
    const p = parsePolicyArn(arn)?.owner === ctx.accountId ? await store.policies.get(arn) : undefined;
    const context = withTags && p ? resourceTagContext(await store.tags.list('policy', p.policyId)) : {};
    return [iamCheck(ctx, opName, arn, context)];
  };

  const versionShape = (versionId: string, isDefault: boolean, createDate: Date, document?: string) => ({
    Document: document === undefined ? undefined : encodeDocument(document),
    VersionId: versionId,
    IsDefaultVersion: isDefault,
    CreateDate: isoSeconds(createDate),
  });

  return [
    {
      name: 'CreatePolicy',
      checks: async (ctx) => {
        const arn = policyArn(ctx.accountId, optionalString(ctx.params, 'Path', RULES.policyPath) ?? '/', name(ctx.params, 'PolicyName', RULES.policyName));
        return [iamCheck(ctx, 'CreatePolicy', arn, requestTagContext(readTags(ctx.params)))];
      },
      handler: async (ctx) => {
        const policyName = name(ctx.params, 'PolicyName', RULES.policyName);
        const path = optionalString(ctx.params, 'Path', RULES.policyPath) ?? '/';
        const description = optionalString(ctx.params, 'Description', RULES.description);
        const tags = readTags(ctx.params);
        const document = readManagedDocument(deps, ctx);
        if ((await store.policies.list(ctx.accountId)).length >= deps.limits.customerManagedPoliciesPerAccount) {
          throw iamError('LimitExceeded', { message: `Cannot exceed quota for PoliciesPerAccount: ${deps.limits.customerManagedPoliciesPerAccount}` });
        }
        const row = await store.policies.create({ accountId: ctx.accountId, policyId: newUniqueId('ANPA'), policyName, path, arn: policyArn(ctx.accountId, path, policyName), description, document, tags });
        return { Policy: policyShape(customerPolicyView(row), 0, { description: true, tags }) };
      },
    },
    {
      name: 'GetPolicy',
      checks: policyScoped('GetPolicy', true),
      handler: async (ctx) => {
        const p = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx));
        const c = await counts(ctx.accountId);
        const tags = p.awsManaged ? [] : await store.tags.list('policy', p.policyId);
        return { Policy: { ...policyShape(p, c.attachments.get(p.arn) ?? 0, { description: true, tags }), PermissionsBoundaryUsageCount: c.boundaries.get(p.arn) ?? 0 } };
      },
    },
    {
      name: 'ListPolicies',
      checks: async (ctx) => [iamCheck(ctx, 'ListPolicies', policyArn(ctx.accountId, optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/', ''))],
      handler: async (ctx) => {
        const scope = optionalEnum(ctx.params, 'Scope', ['All', 'AWS', 'Local'] as const) ?? 'All';
        const onlyAttached = optionalBool(ctx.params, 'OnlyAttached') ?? false;
        const prefix = optionalString(ctx.params, 'PathPrefix', RULES.pathPrefix) ?? '/';
        const usage = optionalEnum(ctx.params, 'PolicyUsageFilter', ['PermissionsPolicy', 'PermissionsBoundary'] as const);
        const c = await counts(ctx.accountId);
        let views: PolicyView[] = [
          ...(scope === 'Local' ? [] : deps.awsManaged.list().map(awsPolicyView)),
          ...(scope === 'AWS' ? [] : (await store.policies.list(ctx.accountId)).map(customerPolicyView)),
        ].filter((p) => p.path.startsWith(prefix));
        if (onlyAttached) views = views.filter((p) => (usage === 'PermissionsBoundary' ? c.boundaries.get(p.arn) : c.attachments.get(p.arn)) ?? 0);
        else if (usage === 'PermissionsBoundary') views = views.filter((p) => (c.boundaries.get(p.arn) ?? 0) > 0);
        const key = (p: PolicyView) => `${p.policyName.toLowerCase()}\u0000${p.arn}`;
        views.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        const page = paginate(views, key, ctx.params);
        return {
          Policies: members(page.items.map((p) => ({ ...policyShape(p, c.attachments.get(p.arn) ?? 0), PermissionsBoundaryUsageCount: c.boundaries.get(p.arn) ?? 0 }))),
          IsTruncated: page.IsTruncated,
          Marker: page.Marker,
        };
      },
    },
    {
      name: 'DeletePolicy',
      checks: policyScoped('DeletePolicy', true),
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        await store.policies.delete(p.arn);
        return undefined;
      },
    },
    {
      name: 'CreatePolicyVersion',
      checks: policyScoped('CreatePolicyVersion', true),
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        const document = readManagedDocument(deps, ctx);
        const setAsDefault = optionalBool(ctx.params, 'SetAsDefault') ?? false;
        const v = await store.policies.createVersion(p.arn, document, { setAsDefault, maxVersions: deps.limits.versionsPerPolicy });
        return { PolicyVersion: versionShape(v.versionId, setAsDefault, v.createdAt) };
      },
    },
    {
      name: 'GetPolicyVersion',
      checks: policyScoped('GetPolicyVersion', true),
      handler: async (ctx) => {
        const arn = readPolicyArn(ctx);
        const versionId = requiredString(ctx.params, 'VersionId', RULES.policyVersionId);
        const p = await mustFindPolicy(deps, ctx.accountId, arn);
        const noVersion = () => iamError('NoSuchEntity', { message: `Policy ${arn} version ${versionId} does not exist or is not attachable.` });
        if (p.awsManaged) {
          const aws = deps.awsManaged.get(arn);
          if (!aws || versionId !== aws.defaultVersionId) throw noVersion();
          return { PolicyVersion: versionShape(versionId, true, aws.updateDate, aws.document) };
        }
        const v = await store.policies.getVersion(arn, versionId);
        if (!v) throw noVersion();
        return { PolicyVersion: versionShape(v.versionId, v.versionId === p.defaultVersionId, v.createdAt, v.document) };
      },
    },
    {
      name: 'ListPolicyVersions',
      checks: policyScoped('ListPolicyVersions', true),
      handler: async (ctx) => {
        const p = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx));
        const versions = p.awsManaged
          ? [{ versionId: p.defaultVersionId, createdAt: p.updateDate }]
          : (await store.policies.listVersions(p.arn)).map((v) => ({ versionId: v.versionId, createdAt: v.createdAt }));
        const keyed = versions.map((v, i) => ({ v, key: String(i).padStart(2, '0') }));
        const page = paginate(keyed, (x) => x.key, ctx.params);
        return { Versions: members(page.items.map(({ v }) => versionShape(v.versionId, v.versionId === p.defaultVersionId, v.createdAt))), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'DeletePolicyVersion',
      checks: policyScoped('DeletePolicyVersion', true),
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        await store.policies.deleteVersion(p.arn, requiredString(ctx.params, 'VersionId', RULES.policyVersionId));
        return undefined;
      },
    },
    {
      name: 'SetDefaultPolicyVersion',
      checks: policyScoped('SetDefaultPolicyVersion', true),
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        await store.policies.setDefaultVersion(p.arn, requiredString(ctx.params, 'VersionId', RULES.policyVersionId));
        return undefined;
      },
    },
    {
      name: 'TagPolicy',
      checks: async (ctx) => {
        const [check] = await policyScoped('TagPolicy', true)(ctx);
        return [{ ...check, context: { ...check.context, ...requestTagContext(readTags(ctx.params, 'Tags', true)) } }];
      },
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        await store.tags.tag(ctx.accountId, 'policy', p.policyId, readTags(ctx.params, 'Tags', true));
        return undefined;
      },
    },
    {
      name: 'UntagPolicy',
      checks: async (ctx) => {
        const [check] = await policyScoped('UntagPolicy', true)(ctx);
        return [{ ...check, context: { ...check.context, 'aws:TagKeys': readTagKeys(ctx.params) } }];
      },
      handler: async (ctx) => {
        const p = await ownPolicy(ctx);
        await store.tags.untag('policy', p.policyId, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListPolicyTags',
      checks: policyScoped('ListPolicyTags', true),
      handler: async (ctx) => {
        const p = await mustFindPolicy(deps, ctx.accountId, readPolicyArn(ctx));
        const tags = p.awsManaged ? [] : await store.tags.list('policy', p.policyId);
        const keyed = tags.map((t, i) => ({ t, key: String(i).padStart(4, '0') }));
        const page = paginate(keyed, (x) => x.key, ctx.params);
        return { Tags: tagsShape(page.items.map((x) => x.t)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}
