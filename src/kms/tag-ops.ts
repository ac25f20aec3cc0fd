import type { JsonContext } from '../json-protocol/types.js';
import type { JsonOperation } from '../json-protocol/types.js';
import { keyCheck, requestTagKeys } from './kms-checks.js';
import { kmsError, pendingDeletion } from './kms-errors.js';
import { MAX_TAGS, paginate, readTags, requestedKey, RULES, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

/**
 * Tags of customer managed keys (TagResource overwrites a key's value; UntagResource ignores keys
 * the key does not have). A key pending deletion cannot be tagged or untagged.
 * https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html
 */
export function tagOperations(deps: KmsDeps): JsonOperation[] {
  const key = perRequest((ctx: JsonContext) => requestedKey(deps, ctx, { crossAccount: false }));
  const tags = perRequest(async (ctx: JsonContext) => readTags(ctx.input, 'Tags', { required: true }));
  const tagKeys = perRequest(async (ctx: JsonContext) => {
    const list = ctx.input.optionalStringList('TagKeys', RULES.tagKey);
    return list ?? [ctx.input.requiredString('TagKeys')];
  });
  return [
    {
      name: 'TagResource',
      async checks(ctx) {
        const context = requestTagKeys(await tags(ctx));
        return [keyCheck((await key(ctx)).key, 'TagResource', { callerAccount: ctx.accountId, context })];
      },
      async handler(ctx) {
        const k = (await key(ctx)).key;
        if (k.record.state === 'PendingDeletion') throw pendingDeletion(k.arn);
        const add = await tags(ctx);
        const after = new Set([...k.record.tags.map((t) => t.TagKey), ...add.map((t) => t.TagKey)]);
        if (after.size > MAX_TAGS)
          throw kmsError('LimitExceededException', { message: `A KMS key can have at most ${MAX_TAGS} tags.` });
        await deps.directory.putTags(k.record.keyId, add);
        return undefined;
      },
    },
    {
      name: 'UntagResource',
      async checks(ctx) {
        const context = { 'aws:TagKeys': await tagKeys(ctx) };
        return [keyCheck((await key(ctx)).key, 'UntagResource', { callerAccount: ctx.accountId, context })];
      },
      async handler(ctx) {
        const k = (await key(ctx)).key;
        if (k.record.state === 'PendingDeletion') throw pendingDeletion(k.arn);
        await deps.directory.removeTags(k.record.keyId, await tagKeys(ctx));
        return undefined;
      },
    },
    {
      name: 'ListResourceTags',
      async checks(ctx) {
        return [keyCheck((await key(ctx)).key, 'ListResourceTags', { callerAccount: ctx.accountId })];
      },
      async handler(ctx) {
        const k = (await key(ctx)).key;
        const page = paginate(k.record.tags, (t) => t.TagKey, ctx.input, MAX_TAGS);
        return { Tags: page.items, NextMarker: page.NextMarker, Truncated: page.Truncated };
      },
    },
  ];
}
