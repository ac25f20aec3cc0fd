import { checkString, constraintError, optionalString, requiredString, type QueryParams, type StringRule } from '../../query/params.js';
import { iamError } from '../errors.js';
import type { Tag } from '../store/types.js';

/** Constraints from the IAM service model (botocore iam/2010-05-08). */
export const RULES = {
  userName: { min: 1, max: 64, pattern: '[\\w+=,.@-]+' },
  existingUserName: { min: 1, max: 128, pattern: '[\\w+=,.@-]+' },
  groupName: { min: 1, max: 128, pattern: '[\\w+=,.@-]+' },
  policyName: { min: 1, max: 128, pattern: '[\\w+=,.@-]+' },
  roleName: { min: 1, max: 64, pattern: '[\\w+=,.@-]+' },
  roleDescription: { max: 1000, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*' },
  instanceProfileName: { min: 1, max: 128, pattern: '[\\w+=,.@-]+' },
  path: { min: 1, max: 512, pattern: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)' },
  pathPrefix: { min: 1, max: 512, pattern: '\\u002F[\\u0021-\\u007F]*' },
  policyPath: { min: 1, max: 512, pattern: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/' },
  policyDocument: { min: 1, max: 131072, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  arn: { min: 20, max: 2048 },
  accessKeyId: { min: 16, max: 128, pattern: '[\\w]+' },
  policyVersionId: { pattern: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?' },
  accountAlias: { min: 3, max: 63, pattern: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$' },
  password: { min: 1, max: 128, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  description: { min: 0, max: 1000 },
  tagKey: { min: 1, max: 128, pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' },
  tagValue: { min: 0, max: 256, pattern: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' },
} as const satisfies Record<string, StringRule>;

export function name(p: QueryParams, param: string, rule: StringRule): string {
  return requiredString(p, param, rule);
}

export function optionalPath(p: QueryParams, param = 'Path', rule: StringRule = RULES.path): string {
  return optionalString(p, param, rule) ?? '/';
}

/** `Tags.member.N.Key/Value`: at most 50, keys unique case-insensitively, no `aws:` prefix. */
export function readTags(p: QueryParams, param = 'Tags', required = false): Tag[] {
  const list = p.structList(param);
  if (list === undefined) {
    if (required) throw constraintError(undefined, p.memberPath(param), 'Member must not be null');
    return [];
  }
  if (list.length > 50) throw constraintError(undefined, p.memberPath(param), 'Member must have length less than or equal to 50');
  const tags = list.map((t) => ({ Key: requiredString(t, 'Key', RULES.tagKey), Value: checkString(t, 'Value', t.get('Value') ?? '', RULES.tagValue) }));
  const seen = new Set<string>();
  for (const t of tags) {
    const lc = t.Key.toLowerCase();
    if (seen.has(lc)) throw iamError('InvalidInput', { message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' });
    if (lc.startsWith('aws:')) throw iamError('InvalidInput', { message: 'User provided tag keys cannot begin with aws:' });
    seen.add(lc);
  }
  return tags;
}

export function readTagKeys(p: QueryParams, param = 'TagKeys'): string[] {
  const keys = p.list(param);
  if (keys === undefined) throw constraintError(undefined, p.memberPath(param), 'Member must not be null');
  if (keys.length > 50) throw constraintError(undefined, p.memberPath(param), 'Member must have length less than or equal to 50');
  keys.forEach((k, i) => checkString(p, `${param}.member.${i + 1}`, k, RULES.tagKey));
  return keys;
}

/** Condition keys a request with tags contributes (aws:RequestTag/<k>, aws:TagKeys). */
export function requestTagContext(tags: readonly Tag[]): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
}

/** aws:ResourceTag/<k> (and IAM's own iam:ResourceTag/<k>) for an existing tagged resource. */
export function resourceTagContext(tags: readonly Tag[]): Record<string, string> {
  const ctx: Record<string, string> = {};
  for (const t of tags) {
    ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
    ctx[`iam:ResourceTag/${t.Key}`] = t.Value;
  }
  return ctx;
}
