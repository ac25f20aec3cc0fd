import { checkString, constraintError, requiredString, type QueryParams } from '../../query/params.js';
import { isoSeconds, members } from '../../query/render.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { iamError } from '../errors.js';
import type { OidcProviderRepo, OidcProviderRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { normalizeOidcProviderUrl, oidcProviderArn, parseOidcProviderArn } from './oidc-provider-url.js';
import { paginate } from './paginate.js';
import { iamCheck } from './resolve.js';
import { tagsShape } from './shapes.js';
import { readTagKeys, readTags, requestTagContext, resourceTagContext, RULES } from './validate.js';

/**
 * IAM OpenID Connect identity providers (the trust anchor of AssumeRoleWithWebIdentity).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
 * Quotas (IAM and STS quotas page; CreateOpenIDConnectProvider reference): 100 providers per account,
 * 100 client ids and 5 thumbprints per provider.
 */
export const OIDC_LIMITS = { providersPerAccount: 100, clientIdsPerProvider: 100, thumbprintsPerProvider: 5 } as const;

const URL_RULE = { min: 1, max: 255 };
const CLIENT_ID = { min: 1, max: 255 };
const THUMBPRINT = { min: 40, max: 40 };
type Checks = QueryOperation['checks'];
type ConditionKeys = Record<string, string | string[]>;
type ProviderChange = Parameters<OidcProviderRepo['update']>[1];

const clientIdQuota = () => iamError('LimitExceeded', {
  message: `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${OIDC_LIMITS.clientIdsPerProvider}`,
});

function readClientIds(p: QueryParams, param: string): string[] {
  const ids = (p.list(param) ?? []).map((id, i) => checkString(p, `${param}.member.${i + 1}`, id, CLIENT_ID));
  const unique = [...new Set(ids)];
  if (unique.length > OIDC_LIMITS.clientIdsPerProvider) throw clientIdQuota();
  return unique;
}

/**
 * Thumbprints: hex SHA-1 of the issuer's certificate, 40 characters, at most five. Optional since
 * July 2024 (AWS then trusts the issuer's certificate through its own root CAs); Strongbox keeps
 * them as data only: the issuer's keys are fetched over a verified TLS connection (or loopback).
 */
function readThumbprints(p: QueryParams, options: { required: boolean }): string[] {
  const list = p.list('ThumbprintList');
  if (list === undefined && options.required) {
    throw constraintError(undefined, p.memberPath('ThumbprintList'), 'Member must not be null');
  }
  const prints = (list ?? []).map((t, i) => checkString(p, `ThumbprintList.member.${i + 1}`, t, THUMBPRINT));
  for (const t of prints) {
    if (!/^[0-9a-fA-F]{40}$/.test(t)) {
      throw iamError('InvalidInput', { message: `Thumbprint ${t} is not a hex-encoded SHA-1 hash.` });
    }
  }
  const unique = [...new Set(prints)];
  if (unique.length > OIDC_LIMITS.thumbprintsPerProvider) {
    const message = `Thumbprint list must contain at most ${OIDC_LIMITS.thumbprintsPerProvider} entries.`;
    throw iamError('InvalidInput', { message });
  }
  return unique;
}

export function oidcProviderOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;
  const arnOf = (ctx: QueryContext): string => {
    const arn = requiredString(ctx.params, 'OpenIDConnectProviderArn', RULES.arn);
    if (!parseOidcProviderArn(arn)) throw iamError('InvalidInput', { message: `ARN ${arn} is not valid.` });
    return arn;
  };
  /** A provider of the caller's account; NoSuchEntity for a missing one or another account's. */
  async function mustGet(ctx: QueryContext): Promise<OidcProviderRow> {
    const arn = arnOf(ctx);
    const p = await store.oidcProviders.get(arn);
    if (!p || p.accountId !== ctx.accountId) {
      throw iamError('NoSuchEntity', { message: `OpenIDConnect Provider not found for arn ${arn}` });
    }
    return p;
  }
  const onProvider = (action: string, extra: (ctx: QueryContext) => ConditionKeys = () => ({})): Checks =>
    async (ctx) => {
      const arn = arnOf(ctx);
      const p = await store.oidcProviders.get(arn);
      const tags = p && p.accountId === ctx.accountId ? await store.tags.list('oidc-provider', arn) : [];
      return [iamCheck(ctx, action, arn, { ...resourceTagContext(tags), ...extra(ctx) })];
    };
  type ChangeOf = (ctx: QueryContext, p: OidcProviderRow) => ProviderChange;
  const update = (action: string, change: ChangeOf): QueryOperation => ({
    name: action,
    checks: onProvider(action),
    handler: async (ctx) => {
      const p = await mustGet(ctx);
      await store.oidcProviders.update(p.arn, change(ctx, p));
      return undefined;
    },
  });
  const clientIdOf = (ctx: QueryContext) => requiredString(ctx.params, 'ClientID', CLIENT_ID);

  return [
    {
      name: 'CreateOpenIDConnectProvider',
      checks: async (ctx) => {
        const url = normalizeOidcProviderUrl(requiredString(ctx.params, 'Url', URL_RULE));
        const arn = oidcProviderArn(ctx.accountId, url);
        return [iamCheck(ctx, 'CreateOpenIDConnectProvider', arn, requestTagContext(readTags(ctx.params)))];
      },
      handler: async (ctx) => {
        const url = normalizeOidcProviderUrl(requiredString(ctx.params, 'Url', URL_RULE));
        const clientIds = readClientIds(ctx.params, 'ClientIDList');
        const thumbprints = readThumbprints(ctx.params, { required: false });
        const tags = readTags(ctx.params);
        const quota = OIDC_LIMITS.providersPerAccount;
        if ((await store.oidcProviders.list(ctx.accountId)).length >= quota) {
          const message = `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${quota}`;
          throw iamError('LimitExceeded', { message });
        }
        const arn = oidcProviderArn(ctx.accountId, url);
        await store.oidcProviders.create({ accountId: ctx.accountId, arn, url, clientIds, thumbprints, tags });
        return { OpenIDConnectProviderArn: arn, Tags: tags.length > 0 ? tagsShape(tags) : undefined };
      },
    },
    {
      name: 'GetOpenIDConnectProvider',
      checks: onProvider('GetOpenIDConnectProvider'),
      handler: async (ctx) => {
        const p = await mustGet(ctx);
        const tags = await store.tags.list('oidc-provider', p.arn);
        return {
          Url: p.url,
          ClientIDList: members(p.clientIds),
          ThumbprintList: members(p.thumbprints),
          CreateDate: isoSeconds(p.createdAt),
          Tags: tagsShape(tags),
        };
      },
    },
    {
      name: 'ListOpenIDConnectProviders',
      checks: async (ctx) => [iamCheck(ctx, 'ListOpenIDConnectProviders', '*')],
      handler: async (ctx) => {
        const providers = await store.oidcProviders.list(ctx.accountId);
        return { OpenIDConnectProviderList: members(providers.map((p) => ({ Arn: p.arn }))) };
      },
    },
    {
      name: 'DeleteOpenIDConnectProvider',
      checks: onProvider('DeleteOpenIDConnectProvider'),
      handler: async (ctx) => {
        await store.oidcProviders.delete((await mustGet(ctx)).arn);
        return undefined;
      },
    },
    update('UpdateOpenIDConnectProviderThumbprint', (ctx) => ({
      thumbprints: readThumbprints(ctx.params, { required: true }),
    })),
    // Both are idempotent (AWS: adding a client id already there, or removing one that is not, is no error).
    update('AddClientIDToOpenIDConnectProvider', (ctx, p) => {
      const id = clientIdOf(ctx);
      if (p.clientIds.includes(id)) return {};
      if (p.clientIds.length >= OIDC_LIMITS.clientIdsPerProvider) throw clientIdQuota();
      return { clientIds: [...p.clientIds, id] };
    }),
    update('RemoveClientIDFromOpenIDConnectProvider', (ctx, p) => {
      const id = clientIdOf(ctx);
      return { clientIds: p.clientIds.filter((c) => c !== id) };
    }),
    {
      name: 'TagOpenIDConnectProvider',
      checks: onProvider('TagOpenIDConnectProvider', (ctx) => requestTagContext(readTags(ctx.params, 'Tags', true))),
      handler: async (ctx) => {
        const p = await mustGet(ctx);
        await store.tags.tag(ctx.accountId, 'oidc-provider', p.arn, readTags(ctx.params, 'Tags', true));
        return undefined;
      },
    },
    {
      name: 'UntagOpenIDConnectProvider',
      checks: onProvider('UntagOpenIDConnectProvider', (ctx) => ({ 'aws:TagKeys': readTagKeys(ctx.params) })),
      handler: async (ctx) => {
        const p = await mustGet(ctx);
        await store.tags.untag('oidc-provider', p.arn, readTagKeys(ctx.params));
        return undefined;
      },
    },
    {
      name: 'ListOpenIDConnectProviderTags',
      checks: onProvider('ListOpenIDConnectProviderTags'),
      handler: async (ctx) => {
        const p = await mustGet(ctx);
        const tags = await store.tags.list('oidc-provider', p.arn);
        const indexed = tags.map((t, i) => ({ t, key: String(i).padStart(4, '0') }));
        const page = paginate(indexed, (x) => x.key, ctx.params);
        return { Tags: tagsShape(page.items.map((x) => x.t)), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
  ];
}
