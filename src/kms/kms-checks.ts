import type { AuthzCheck } from '../server/protocol.js';
import type { LoadedKey } from './loaded-key.js';

/**
 * The authorization checks of KMS operations, as data. A check on a key carries the key policy as its
 * resource policy (KeyPolicy: it must allow, or delegate to the account, even within the account)
 * and the key's condition keys; checks on aliases and account-wide actions (CreateKey, ListKeys,
 * ListAliases) have no resource policy: IAM policies alone decide.
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
 */

export type Context = Readonly<Record<string, string | readonly string[]>>;

export interface KeyCheckOptions {
  /** The caller's account: kms:CallerAccount. */
  readonly callerAccount: string;
  /** Operation keys: kms:EncryptionContext:*, kms:RequestAlias, kms:ViaService… */
  readonly context?: Context;
}

/** `kms:<action>` on the key, evaluated against its key policy. */
export function keyCheck(key: LoadedKey, action: string, o: KeyCheckOptions): AuthzCheck {
  return {
    action: `kms:${action}`,
    resource: key.arn,
    resourceAccount: key.record.accountId,
    context: { ...key.conditionKeys, 'kms:CallerAccount': o.callerAccount, ...o.context },
    resourcePolicy: key.policyRef,
  };
}

/** `kms:<action>` on `*` or an alias ARN of the caller's account: identity policies decide. */
export function accountCheck(accountId: string, action: string, resource = '*', context: Context = {}): AuthzCheck {
  return {
    action: `kms:${action}`,
    resource,
    resourceAccount: accountId,
    context: { 'kms:CallerAccount': accountId, ...context },
  };
}

/** aws:RequestTag/<key> and aws:TagKeys of a request that sets tags. */
export function requestTagKeys(tags: readonly { TagKey: string; TagValue: string }[]): Context {
  if (tags.length === 0) return {};
  const out: Record<string, string | readonly string[]> = { 'aws:TagKeys': tags.map((t) => t.TagKey) };
  for (const t of tags) out[`aws:RequestTag/${t.TagKey}`] = t.TagValue;
  return out;
}

/** kms:RequestAlias when the request named the key by an alias. */
export function aliasKeys(requestAlias: string | undefined): Context {
  return requestAlias === undefined ? {} : { 'kms:RequestAlias': requestAlias };
}
