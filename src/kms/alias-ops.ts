import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import type { AuthzCheck } from '../server/protocol.js';
import { ALIAS_PREFIX, aliasArn, AWS_ALIAS_PREFIX, parseKeyRef } from './kms-arns.js';
import { accountCheck, keyCheck } from './kms-checks.js';
import { aliasNotFound, kmsError, pendingDeletion, validation } from './kms-errors.js';
import { KeyDirectory } from './key-directory.js';
import type { LoadedKey } from './loaded-key.js';
import { paginate, RULES, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

/**
 * Aliases: friendly names (`alias/…`) for keys of one account and Region. Creating, updating or
 * deleting one needs the permission on the alias (IAM policy) and on each key involved (key policy).
 * Names under `alias/aws/` belong to AWS managed keys.
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html
 */

const MISSING_PREFIX =
  'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html';

/** AliasName as CreateAlias, UpdateAlias and DeleteAlias take it: a name (not an ARN) outside `alias/aws/`. */
function readAliasName(ctx: JsonContext): string {
  const name = ctx.input.requiredString('AliasName', RULES.aliasName);
  if (!name.startsWith(ALIAS_PREFIX)) throw validation(MISSING_PREFIX);
  if (name.startsWith(AWS_ALIAS_PREFIX)) throw kmsError('NotAuthorizedException');
  return name;
}

/** TargetKeyId: a key id or key ARN of the caller's account; aliases cannot point at aliases. */
async function readTarget(deps: KmsDeps, ctx: JsonContext): Promise<LoadedKey> {
  const ref = ctx.input.requiredString('TargetKeyId', RULES.keyId);
  const kind = parseKeyRef(ref).kind;
  if (kind === 'AliasName' || kind === 'AliasArn') throw validation('Aliases must refer to keys. Not aliases');
  return (await deps.directory.find(ref, { accountId: ctx.accountId, crossAccount: false })).key;
}

interface AliasRequest {
  readonly name: string;
  readonly arn: string;
  /** The key the alias points at now (UpdateAlias, DeleteAlias). */
  readonly current: LoadedKey | undefined;
  /** The key it will point at (CreateAlias, UpdateAlias). */
  readonly target: LoadedKey | undefined;
}

function aliasOps(deps: KmsDeps): JsonOperation[] {
  const region = deps.directory.region;
  const existing = async (ctx: JsonContext, name: string): Promise<LoadedKey> => {
    const keyId = await deps.directory.aliasTarget(ctx.accountId, name, { create: false });
    const key = keyId === undefined ? undefined : await deps.directory.byId(keyId);
    if (!key) throw aliasNotFound(aliasArn(region, ctx.accountId, name));
    return key;
  };
  const request = (o: { current: boolean; target: boolean }) =>
    perRequest(async (ctx: JsonContext): Promise<AliasRequest> => {
      const name = readAliasName(ctx);
      return {
        name,
        arn: aliasArn(region, ctx.accountId, name),
        target: o.target ? await readTarget(deps, ctx) : undefined,
        current: o.current ? await existing(ctx, name) : undefined,
      };
    });
  const checks = (action: string, read: (ctx: JsonContext) => Promise<AliasRequest>) => async (ctx: JsonContext) => {
    const r = await read(ctx);
    const out: AuthzCheck[] = [accountCheck(ctx.accountId, action, r.arn)];
    for (const key of [r.current, r.target]) if (key) out.push(keyCheck(key, action, { callerAccount: ctx.accountId }));
    return out;
  };
  const create = request({ current: false, target: true });
  const update = request({ current: true, target: true });
  const remove = request({ current: true, target: false });
  return [
    {
      name: 'CreateAlias',
      checks: checks('CreateAlias', create),
      async handler(ctx) {
        const r = await create(ctx);
        const target = r.target as LoadedKey;
        if (target.record.state === 'PendingDeletion') throw pendingDeletion(target.arn);
        const at = deps.now();
        const alias = {
          accountId: ctx.accountId,
          region,
          aliasName: r.name,
          keyId: target.record.keyId,
          createdAt: at,
          updatedAt: at,
        };
        const created = await deps.directory.changeAliases((store) => store.createAlias(alias));
        if (!created)
          throw kmsError('AlreadyExistsException', { message: `An alias with the name ${r.arn} already exists` });
        return undefined;
      },
    },
    {
      name: 'UpdateAlias',
      checks: checks('UpdateAlias', update),
      async handler(ctx) {
        const r = await update(ctx);
        const target = r.target as LoadedKey;
        if (target.record.state === 'PendingDeletion') throw pendingDeletion(target.arn);
        const at = deps.now();
        const updated = await deps.directory.changeAliases((store) =>
          store.updateAlias(ctx.accountId, region, r.name, target.record.keyId, at),
        );
        if (!updated) throw aliasNotFound(r.arn);
        return undefined;
      },
    },
    {
      name: 'DeleteAlias',
      checks: checks('DeleteAlias', remove),
      async handler(ctx) {
        const r = await remove(ctx);
        const deleted = await deps.directory.changeAliases((store) => store.deleteAlias(ctx.accountId, region, r.name));
        if (!deleted) throw aliasNotFound(r.arn);
        return undefined;
      },
    },
    listAliases(deps),
  ];
}

/**
 * ListAliases: the account's aliases by name, or those of one key (KeyId). Predefined AWS aliases
 * whose key does not exist yet are listed without TargetKeyId, as AWS lists them.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ListAliases.html
 */
function listAliases(deps: KmsDeps): JsonOperation {
  const region = deps.directory.region;
  const keyFilter = perRequest(async (ctx: JsonContext) => {
    if (!ctx.input.has('KeyId')) return undefined;
    const ref = ctx.input.requiredString('KeyId', RULES.keyId);
    return (await deps.directory.find(ref, { accountId: ctx.accountId, crossAccount: false })).key;
  });
  return {
    name: 'ListAliases',
    async checks(ctx) {
      await keyFilter(ctx);
      return [accountCheck(ctx.accountId, 'ListAliases')];
    },
    async handler(ctx) {
      const key = await keyFilter(ctx);
      const stored = await deps.directory.listAliases(ctx.accountId);
      const entries: Record<string, unknown>[] = stored
        .filter((a) => key === undefined || a.keyId === key.record.keyId)
        .map((a) => ({
          AliasName: a.aliasName,
          AliasArn: aliasArn(region, ctx.accountId, a.aliasName),
          TargetKeyId: a.keyId,
          CreationDate: a.createdAt,
          LastUpdatedDate: a.updatedAt,
        }));
      if (key === undefined) {
        for (const name of KeyDirectory.predefinedAliases()) {
          if (!stored.some((a) => a.aliasName === name))
            entries.push({ AliasName: name, AliasArn: aliasArn(region, ctx.accountId, name) });
        }
      }
      entries.sort((a, b) => ((a.AliasName as string) < (b.AliasName as string) ? -1 : 1));
      const page = paginate(entries, (a) => a.AliasName as string, ctx.input);
      return { Aliases: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
    },
  };
}

export function aliasOperations(deps: KmsDeps): JsonOperation[] {
  return aliasOps(deps);
}
