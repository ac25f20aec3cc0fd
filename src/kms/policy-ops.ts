import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import { keyCheck } from './kms-checks.js';
import { kmsError } from './kms-errors.js';
import { KEY_POLICY_NAME, validateKeyPolicy } from './key-policy.js';
import { requestedKey, requestFacts, RULES, type KmsDeps } from './kms-request.js';
import { perRequest } from '../protocol/per-request.js';

/**
 * Get/PutKeyPolicy and ListKeyPolicies. A key has one policy, named `default`. PutKeyPolicy validates
 * it as CreateKey does (grammar, principals that exist, the lockout safety check) and replaces it.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
 */
export function policyOperations(deps: KmsDeps): JsonOperation[] {
  const key = perRequest((ctx: JsonContext) => requestedKey(deps, ctx, { crossAccount: false }));
  const policyName = (ctx: JsonContext) => ctx.input.optionalString('PolicyName', RULES.policyName) ?? KEY_POLICY_NAME;
  const bypass = (ctx: JsonContext) => ctx.input.optionalBoolean('BypassPolicyLockoutSafetyCheck') ?? false;
  return [
    {
      name: 'GetKeyPolicy',
      async checks(ctx) {
        return [keyCheck((await key(ctx)).key, 'GetKeyPolicy', { callerAccount: ctx.accountId })];
      },
      async handler(ctx) {
        if (policyName(ctx) !== KEY_POLICY_NAME)
          throw kmsError('NotFoundException', { message: 'No such policy exists' });
        return { Policy: (await key(ctx)).key.record.policy, PolicyName: KEY_POLICY_NAME };
      },
    },
    {
      name: 'PutKeyPolicy',
      async checks(ctx) {
        const context = { 'kms:BypassPolicyLockoutSafetyCheck': String(bypass(ctx)) };
        return [keyCheck((await key(ctx)).key, 'PutKeyPolicy', { callerAccount: ctx.accountId, context })];
      },
      async handler(ctx) {
        const policy = ctx.input.requiredString('Policy', RULES.policy);
        if (policyName(ctx) !== KEY_POLICY_NAME) {
          throw kmsError('UnsupportedOperationException', { message: 'The only valid policy name is default.' });
        }
        const k = (await key(ctx)).key;
        await validateKeyPolicy({
          policy,
          keyArn: k.arn,
          keyAccount: k.record.accountId,
          ...requestFacts(ctx, { ...k.conditionKeys, 'kms:CallerAccount': ctx.accountId }),
          bypassLockoutSafetyCheck: bypass(ctx),
          principalExists: deps.principalExists,
        });
        await deps.directory.updateKey(k.record.keyId, { policy });
        return undefined;
      },
    },
    {
      name: 'ListKeyPolicies',
      async checks(ctx) {
        return [keyCheck((await key(ctx)).key, 'ListKeyPolicies', { callerAccount: ctx.accountId })];
      },
      async handler(ctx) {
        await key(ctx);
        return { PolicyNames: [KEY_POLICY_NAME], Truncated: false };
      },
    },
  ];
}
