import type { JsonInput, NumberRules, StringRules } from '../json-protocol/json-input.js';
import { serializationError } from '../json-protocol/json-input.js';
import type { JsonContext } from '../json-protocol/types.js';
import { buildRequestContext, principalFromCaller } from '../policy/index.js';
import type { Context } from './kms-checks.js';
import type { KeyDirectory, FoundKey } from './key-directory.js';
import { kmsError } from './kms-errors.js';
import type { EncryptionContext } from './encryption-context.js';
import type { KmsTag } from './key-types.js';

/** Shapes' constraints from the botocore model `kms/2014-11-01`. */
export const RULES = {
  keyId: { min: 1, max: 2048 },
  aliasName: { min: 1, max: 256, pattern: '^[a-zA-Z0-9:/_-]+$' },
  description: { min: 0, max: 8192 },
  policy: { min: 1, max: 131072, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  policyName: { min: 1, max: 128, pattern: '[\\w]+' },
  marker: { min: 1, max: 1024, pattern: '[\\u0020-\\u00FF]*' },
  tagKey: { min: 1, max: 128 },
  tagValue: { min: 0, max: 256 },
  grantToken: { min: 1, max: 8192 },
} as const satisfies Record<string, StringRules>;

export const LIMIT: NumberRules = { min: 1, max: 1000 };

/** What every KMS operation handler is given. */
export interface KmsDeps {
  readonly directory: KeyDirectory;
  readonly now: () => Date;
  /** Whether an IAM user or role ARN named in a key policy exists. */
  readonly principalExists: (arn: string) => Promise<boolean>;
}

/** The key the member names, looked up in the caller's account (and, for `crossAccount`, by ARN in others). */
export async function requestedKey(
  deps: KmsDeps,
  ctx: JsonContext,
  o: { readonly member?: string; readonly crossAccount: boolean },
): Promise<FoundKey> {
  const ref = ctx.input.requiredString(o.member ?? 'KeyId', RULES.keyId);
  return deps.directory.find(ref, { accountId: ctx.accountId, crossAccount: o.crossAccount });
}

/** A blob member (base64 in JSON) with the model's length bounds; SerializationException when not base64. */
export function readBlob(
  input: JsonInput,
  member: string,
  o: { readonly min: number; readonly max: number; readonly required: boolean },
): Buffer | undefined {
  const text = o.required ? input.requiredString(member) : input.optionalString(member);
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1)
    throw serializationError(`Expected base64 for ${member}`);
  const bytes = Buffer.from(text, 'base64');
  const at = member.charAt(0).toLowerCase() + member.slice(1);
  const fail = (constraint: string) =>
    kmsError('ValidationException', {
      message: `1 validation error detected: Value at '${at}' failed to satisfy constraint: ${constraint}`,
    });
  if (bytes.length < o.min) throw fail(`Member must have length greater than or equal to ${o.min}`);
  if (bytes.length > o.max) throw fail(`Member must have length less than or equal to ${o.max}`);
  return bytes;
}

export function readContext(input: JsonInput, member = 'EncryptionContext'): EncryptionContext {
  return input.optionalStringMap(member) ?? {};
}

/** GrantTokens are accepted and ignored: Strongbox has no grants. */
export function readGrantTokens(input: JsonInput): void {
  const tokens = input.optionalStringList('GrantTokens', RULES.grantToken);
  if (tokens !== undefined && tokens.length > 10) {
    throw input.problem(
      'GrantTokens',
      'MAX_LENGTH_EXCEEDED',
      tokens.length,
      'Member must have length less than or equal to 10',
    );
  }
}

/**
 * Tags of CreateKey / TagResource: keys 1..128, values 0..256 characters; the `aws:` prefix is
 * reserved (TagException). A key given twice keeps its last value, as TagResource overwrites.
 * https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html
 */
export function readTags(input: JsonInput, member: string, o: { readonly required: boolean }): KmsTag[] {
  const list = input.optionalStructureList(member);
  if (list === undefined) {
    if (o.required) input.requiredString(member);
    return [];
  }
  const byKey = new Map<string, string>();
  for (const t of list) {
    const key = t.requiredString('TagKey', RULES.tagKey);
    const value = t.requiredString('TagValue', RULES.tagValue);
    if (key.toLowerCase().startsWith('aws:'))
      throw kmsError('TagException', { message: 'Tags beginning with aws: are reserved' });
    byKey.set(key, value);
  }
  if (byKey.size > MAX_TAGS)
    throw kmsError('LimitExceededException', { message: `A KMS key can have at most ${MAX_TAGS} tags.` });
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

/** Tags per KMS key (quota). */
export const MAX_TAGS = 50;

export interface Page<T> {
  readonly items: T[];
  readonly NextMarker: string | undefined;
  readonly Truncated: boolean;
}

/**
 * Marker/Limit pagination (Limit 1..1000, default 100). The marker is the opaque position after the
 * last item returned, ordered by `keyOf`; a marker that is not one of ours is InvalidMarkerException.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (t: T) => string,
  input: JsonInput,
  defaultLimit = 100,
): Page<T> {
  const limit = input.optionalInt('Limit', LIMIT) ?? defaultLimit;
  const marker = input.optionalString('Marker', RULES.marker);
  let start = 0;
  if (marker !== undefined) {
    const m = /^v1:(.+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
    if (!m) throw kmsError('InvalidMarkerException', { message: 'The marker is not valid.' });
    start = items.findIndex((t) => keyOf(t) > m[1]);
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    items: page,
    NextMarker: more ? Buffer.from(`v1:${keyOf(page[page.length - 1])}`).toString('base64') : undefined,
    Truncated: more,
  };
}

/** The principal and condition keys of the request, as the key policy lockout safety check evaluates them. */
export function requestFacts(ctx: JsonContext, operationContext: Context) {
  return {
    principal: principalFromCaller(ctx.caller),
    context: buildRequestContext({ caller: ctx.caller, request: ctx.info, auth: ctx.auth.facts, operationContext }),
  };
}
