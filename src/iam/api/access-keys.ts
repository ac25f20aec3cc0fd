import { isoSeconds, members } from '../../query/render.js';
import { optionalEnum, requiredString } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import { userArn } from '../arn.js';
import { iamError } from '../errors.js';
import { newAccessKeyIdFor } from '../access-key-account.js';
import { newSecretAccessKey } from '../ids.js';
import type { AccessKeyRow } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { iamCheck, mustGetUser, targetOf, targetResource, type SelfOrUser } from './resolve.js';
import { accessKeyMetadataShape } from './shapes.js';
import { RULES } from './validate.js';

const STATUSES = ['Active', 'Inactive'] as const;

/** Sorts as the keys are listed: by creation time (fixed-width milliseconds), then by id. */
function creationKey(k: AccessKeyRow): string {
  return `${String(k.createdAt.getTime()).padStart(15, '0')}${k.accessKeyId}`;
}

export function accessKeyOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  /** Owner of the target: `undefined` user id for the account root. */
  async function owner(ctx: QueryContext, t: SelfOrUser): Promise<{ userId: string | undefined; userName: string | undefined }> {
    if (t.kind === 'root') return { userId: undefined, userName: undefined };
    const u = await mustGetUser(deps, ctx.accountId, t.userName);
    return { userId: u.userId, userName: u.userName };
  }

  /** The key, which must belong to the target; otherwise NoSuchEntity as AWS answers. */
  async function ownedKey(ctx: QueryContext, t: SelfOrUser): Promise<AccessKeyRow> {
    const id = requiredString(ctx.params, 'AccessKeyId', RULES.accessKeyId);
    const o = await owner(ctx, t);
    const k = await store.accessKeys.get(id);
    if (!k || k.accountId !== ctx.accountId || k.userId !== o.userId) {
      throw iamError('NoSuchEntity', { message: `The Access Key with id ${id} cannot be found.` });
    }
    return k;
  }

  const userScoped = (opName: string): QueryOperation['checks'] => async (ctx) => {
    const r = await targetResource(deps, ctx, targetOf(ctx));
    return [iamCheck(ctx, opName, r.arn, r.context)];
  };

  return [
    {
      name: 'CreateAccessKey',
      checks: userScoped('CreateAccessKey'),
      handler: async (ctx) => {
        const o = await owner(ctx, targetOf(ctx));
        const secret = newSecretAccessKey();
        const k = await store.accessKeys.create({ accessKeyId: newAccessKeyIdFor('AKIA', ctx.accountId), accountId: ctx.accountId, userId: o.userId, secretAccessKey: secret, maxPerOwner: deps.limits.accessKeysPerUser });
        return { AccessKey: { UserName: o.userName, AccessKeyId: k.accessKeyId, Status: k.status, SecretAccessKey: secret, CreateDate: isoSeconds(k.createdAt) } };
      },
    },
    {
      name: 'ListAccessKeys',
      checks: userScoped('ListAccessKeys'),
      handler: async (ctx) => {
        const o = await owner(ctx, targetOf(ctx));
        // Listed in creation order, so the marker must follow that order (not the key id's): creation
        // time, then the id for keys created in the same millisecond.
        const keys = (await store.accessKeys.listForUser(ctx.accountId, o.userId)).map((k) => ({ k, key: creationKey(k) }));
        keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const page = paginate(keys, (x) => x.key, ctx.params);
        return { AccessKeyMetadata: members(page.items.map(({ k }) => accessKeyMetadataShape(k, o.userName))), IsTruncated: page.IsTruncated, Marker: page.Marker };
      },
    },
    {
      name: 'UpdateAccessKey',
      checks: userScoped('UpdateAccessKey'),
      handler: async (ctx) => {
        const status = optionalEnum(ctx.params, 'Status', STATUSES);
        if (status === undefined) throw iamError('ValidationError', { message: "1 validation error detected: Value null at 'status' failed to satisfy constraint: Member must not be null" });
        const k = await ownedKey(ctx, targetOf(ctx));
        // The store's change feed clears the credential cache: the key is refused on the next request.
        await store.accessKeys.setStatus(k.accessKeyId, status);
        return undefined;
      },
    },
    {
      name: 'DeleteAccessKey',
      checks: userScoped('DeleteAccessKey'),
      handler: async (ctx) => {
        const k = await ownedKey(ctx, targetOf(ctx));
        await store.accessKeys.delete(k.accessKeyId);
        return undefined;
      },
    },
    {
      name: 'GetAccessKeyLastUsed',
      checks: async (ctx) => {
        const id = requiredString(ctx.params, 'AccessKeyId', RULES.accessKeyId);
        const k = await store.accessKeys.get(id);
        const u = k?.userId !== undefined ? await store.users.getById(k.userId) : undefined;
        const resource = k && k.accountId === ctx.accountId ? (u ? userArn(u.accountId, u.path, u.userName) : `arn:aws:iam::${ctx.accountId}:root`) : '*';
        return [iamCheck(ctx, 'GetAccessKeyLastUsed', resource)];
      },
      handler: async (ctx) => {
        const id = requiredString(ctx.params, 'AccessKeyId', RULES.accessKeyId);
        const k = await store.accessKeys.get(id);
        // Deviation from AWS: AWS answers AccessDenied for a key it cannot attribute; we say NoSuchEntity.
        if (!k || k.accountId !== ctx.accountId) throw iamError('NoSuchEntity', { message: `The Access Key with id ${id} cannot be found.` });
        const u = k.userId !== undefined ? await store.users.getById(k.userId) : undefined;
        return {
          UserName: u?.userName,
          AccessKeyLastUsed: k.lastUsedAt
            ? { LastUsedDate: isoSeconds(k.lastUsedAt), ServiceName: k.lastUsedService ?? 'N/A', Region: k.lastUsedRegion ?? 'N/A' }
            : { ServiceName: 'N/A', Region: 'N/A' },
        };
      },
    },
  ];
}
