import type { OrgTag } from '../iam/store/types.js';
import type { JsonInput } from '../json-protocol/json-input.js';
import type { OrganizationsLimits } from './deps.js';
import { constraintViolation, invalidInput } from './errors.js';
import { MAX_RESULTS, RULES } from './rules.js';
import type { Context } from './access.js';

/** `Tags` of CreateAccount / CreateOrganizationalUnit / CreatePolicy. */
export function readTags(input: JsonInput, limits: OrganizationsLimits): OrgTag[] {
  const tags = (input.optionalStructureList('Tags') ?? []).map((t) => ({
    Key: t.requiredString('Key', RULES.tagKey),
    Value: t.requiredString('Value', RULES.tagValue),
  }));
  const keys = new Set(tags.map((t) => t.Key));
  if (keys.size !== tags.length) throw invalidInput('DUPLICATE_TAG_KEY', 'You provided duplicate tag keys.');
  if (tags.length > limits.tagsPerResource) {
    throw constraintViolation(
      'MAX_TAG_LIMIT_EXCEEDED',
      `You can attach at most ${limits.tagsPerResource} tags to a resource.`,
    );
  }
  return tags;
}

/** aws:RequestTag/<key> and aws:TagKeys for a request that tags what it creates. */
export function requestTagContext(tags: readonly OrgTag[]): Context {
  if (tags.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
}

/** aws:ResourceTag/<key> of an existing account, OU, policy or root. */
export function resourceTagContext(tags: readonly OrgTag[]): Context {
  const ctx: Record<string, string> = {};
  for (const t of tags) ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
  return ctx;
}

export interface Page<T> {
  readonly items: T[];
  readonly NextToken: string | undefined;
}

/**
 * NextToken/MaxResults pagination (MaxResults 1..20, default 20). Items are listed in the order of
 * `keyOf` (unique per item); the token is the opaque key of the last item returned, so a page boundary
 * survives inserts and deletes between calls. A token that is not one of ours is INVALID_NEXT_TOKEN.
 */
export function paginate<T>(items: readonly T[], keyOf: (t: T) => string, input: JsonInput): Page<T> {
  const max = input.optionalInt('MaxResults', MAX_RESULTS) ?? MAX_RESULTS.max;
  const token = input.optionalString('NextToken', RULES.nextToken);
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (token !== undefined) {
    const m = /^v1:(.+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!m) throw invalidInput('INVALID_NEXT_TOKEN', 'The NextToken value is not valid.');
    start = sorted.findIndex((t) => keyOf(t) > m[1]);
    if (start === -1) start = sorted.length;
  }
  const page = sorted.slice(start, start + max);
  const more = start + max < sorted.length;
  return {
    items: page,
    NextToken: more ? Buffer.from(`v1:${keyOf(page[page.length - 1])}`).toString('base64') : undefined,
  };
}
