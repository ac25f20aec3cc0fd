import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { createKeyOperation } from './create-key-op.js';
import { accountCheck, aliasKeys, keyCheck, type Context } from './kms-checks.js';
import { kmsError, pendingDeletion, validation } from './kms-errors.js';
import { keyMetadata } from './key-metadata.js';
import type { LoadedKey } from './loaded-key.js';
import { paginate, requestedKey, RULES, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

const DAY_MS = 86_400_000;

function readOps(deps: KmsDeps): JsonOperation[] {
  return [
    {
      // Keys of other accounts by key ARN or alias ARN.
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
      name: 'DescribeKey',
      async checks(ctx) {
        const found = await requestedKey(deps, ctx, { crossAccount: true });
        const context = aliasKeys(found.requestAlias);
        return [keyCheck(found.key, 'DescribeKey', { callerAccount: ctx.accountId, context })];
      },
      async handler(ctx) {
        const found = await requestedKey(deps, ctx, { crossAccount: true });
        return { KeyMetadata: keyMetadata(found.key) };
      },
    },
    {
      // The caller's account's keys (AWS managed ones included).
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html
      name: 'ListKeys',
      async checks(ctx) {
        return [accountCheck(ctx.accountId, 'ListKeys')];
      },
      async handler(ctx) {
        const keys: LoadedKey[] = [];
        for (const id of await deps.directory.listKeyIds(ctx.accountId)) {
          // byId deletes a key whose waiting period is over: it is not listed.
          const key = await deps.directory.byId(id);
          if (key) keys.push(key);
        }
        const page = paginate(keys, (k) => k.record.keyId, ctx.input);
        return {
          Keys: page.items.map((k) => ({ KeyId: k.record.keyId, KeyArn: k.arn })),
          NextMarker: page.NextMarker,
          Truncated: page.Truncated,
        };
      },
    },
  ];
}

/**
 * Operations that change a customer managed key's state. Key states: Disabled keys may be enabled
 * or disabled again; a key pending deletion accepts only CancelKeyDeletion.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
 */
function stateOps(deps: KmsDeps): JsonOperation[] {
  const key = perRequest((ctx: JsonContext) => requestedKey(deps, ctx, { crossAccount: false }));
  const check =
    (action: string, extra: (ctx: JsonContext) => Context = () => ({})) =>
    async (ctx: JsonContext) => {
      const found = await key(ctx);
      return [keyCheck(found.key, action, { callerAccount: ctx.accountId, context: extra(ctx) })];
    };
  const notPending = (k: LoadedKey) => {
    if (k.record.state === 'PendingDeletion') throw pendingDeletion(k.arn);
  };
  const windowDays = (ctx: JsonContext) => ctx.input.optionalInt('PendingWindowInDays', { min: 1, max: 365 }) ?? 30;
  return [
    {
      name: 'EnableKey',
      checks: check('EnableKey'),
      async handler(ctx) {
        const k = (await key(ctx)).key;
        notPending(k);
        await deps.directory.updateKey(k.record.keyId, { state: 'Enabled' });
        return undefined;
      },
    },
    {
      name: 'DisableKey',
      checks: check('DisableKey'),
      async handler(ctx) {
        const k = (await key(ctx)).key;
        notPending(k);
        await deps.directory.updateKey(k.record.keyId, { state: 'Disabled' });
        return undefined;
      },
    },
    {
      name: 'UpdateKeyDescription',
      checks: check('UpdateKeyDescription'),
      async handler(ctx) {
        const description = ctx.input.requiredString('Description', RULES.description);
        const k = (await key(ctx)).key;
        notPending(k);
        await deps.directory.updateKey(k.record.keyId, { description });
        return undefined;
      },
    },
    {
      // A waiting period of 7..30 days (30 by default); the key is deleted when it ends.
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
      name: 'ScheduleKeyDeletion',
      checks: check('ScheduleKeyDeletion', (ctx) => ({
        'kms:ScheduleKeyDeletionPendingWindowInDays': String(windowDays(ctx)),
      })),
      async handler(ctx) {
        const days = windowDays(ctx);
        if (days < 7 || days > 30)
          throw validation(`PendingWindowInDays should be between 7 and 30, but it is ${days}`);
        const k = (await key(ctx)).key;
        notPending(k);
        const deletionDate = new Date(deps.now().getTime() + days * DAY_MS);
        await deps.directory.updateKey(k.record.keyId, {
          state: 'PendingDeletion',
          deletionDate,
          pendingWindowDays: days,
        });
        return { KeyId: k.arn, DeletionDate: deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays: days };
      },
    },
    {
      // The key comes back Disabled. https://docs.aws.amazon.com/kms/latest/APIReference/API_CancelKeyDeletion.html
      name: 'CancelKeyDeletion',
      checks: check('CancelKeyDeletion'),
      async handler(ctx) {
        const k = (await key(ctx)).key;
        if (k.record.state !== 'PendingDeletion') {
          throw kmsError('KMSInvalidStateException', { message: `${k.arn} is not pending deletion.` });
        }
        await deps.directory.updateKey(k.record.keyId, {
          state: 'Disabled',
          deletionDate: null,
          pendingWindowDays: null,
        });
        return { KeyId: k.arn };
      },
    },
  ];
}

export function keyOperations(deps: KmsDeps): JsonOperation[] {
  return [createKeyOperation(deps), ...readOps(deps), ...stateOps(deps)];
}
