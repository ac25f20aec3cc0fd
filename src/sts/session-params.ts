import { deflateRawSync } from 'node:zlib';
import { checkString, constraintError, optionalInt, optionalString, requiredString, type QueryParams, type StringRule } from '../query/params.js';
import { parsePolicy, toServiceError } from '../policy/index.js';
import { RULES } from '../iam/api/validate.js';
import { stsError } from './sts-errors.js';

/**
 * The request members STS's session-issuing operations share (botocore sts/2011-06-15), validated
 * with AWS's constraints and messages.
 */
export const STS_RULES = {
  roleArn: { min: 20, max: 2048 },
  roleSessionName: { min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
  externalId: { min: 2, max: 1224, pattern: '[\\w+=,.@:\\/-]*' },
  serialNumber: { min: 9, max: 256, pattern: '[\\w+=/:,.@-]*' },
  tokenCode: { min: 6, max: 6, pattern: '[\\d]*' },
  sourceIdentity: { min: 2, max: 64, pattern: '[\\w+=,.@-]*' },
  policy: { min: 1, pattern: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+' },
  tagKey: RULES.tagKey,
  tagValue: RULES.tagValue,
  arn: { min: 20, max: 2048 },
} as const satisfies Record<string, StringRule>;

/** Session policies: the plain text of inline and managed session policies together (AWS: 2,048 characters). */
const SESSION_POLICY_PLAINTEXT_MAX = 2048;
/**
 * The packed (compressed) session policies and tags may take at most this many bytes; AWS reports
 * the share used as PackedPolicySize. Deviation from AWS: AWS's packing format is not public; this
 * one deflates the minified policy, the policy ARNs and the tags, so percentages are close to, not
 * equal to, AWS's.
 */
const PACKED_LIMIT_BYTES = 2048;
const MAX_POLICY_ARNS = 10;

export interface SessionPolicyInput {
  readonly policy: string | undefined;
  readonly policyArns: readonly string[];
}

/** `Policy` (validated as a session policy) and `PolicyArns.member.N.arn`. */
export function readSessionPolicies(p: QueryParams): SessionPolicyInput {
  const policy = optionalString(p, 'Policy', STS_RULES.policy);
  if (policy !== undefined) {
    if (policy.length > SESSION_POLICY_PLAINTEXT_MAX) {
      throw constraintError(policy, 'policy', `Member must have length less than or equal to ${SESSION_POLICY_PLAINTEXT_MAX}`);
    }
    const parsed = parsePolicy(policy, { kind: 'session' });
    if (!parsed.ok) throw stsError('MalformedPolicyDocument', { message: toServiceError(parsed.error).message });
  }
  const arns = (p.structList('PolicyArns') ?? []).map((m) => requiredString(m, 'arn', STS_RULES.arn));
  if (arns.length > MAX_POLICY_ARNS) throw constraintError(undefined, 'policyArns', `Member must have length less than or equal to ${MAX_POLICY_ARNS}`);
  for (const arn of arns) {
    if (!/^arn:aws:iam::(\d{12}|aws):policy\/.+/.test(arn)) throw stsError('ValidationError', { message: `${arn} is invalid` });
  }
  return { policy, policyArns: arns };
}

export function readDuration(p: QueryParams, range: { min: number; max: number }, fallback: number): number {
  return optionalInt(p, 'DurationSeconds', range) ?? fallback;
}

/** Session tags (`Tags.member.N.Key/Value`): at most 50, keys unique case-insensitively. */
export function readSessionTags(p: QueryParams): Record<string, string> {
  const list = p.structList('Tags') ?? [];
  if (list.length > 50) throw constraintError(undefined, 'tags', 'Member must have length less than or equal to 50');
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  for (const t of list) {
    const key = requiredString(t, 'Key', STS_RULES.tagKey);
    const value = checkString(t, 'Value', t.get('Value') ?? '', STS_RULES.tagValue);
    if (seen.has(key.toLowerCase())) throw stsError('ValidationError', { message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' });
    if (key.toLowerCase().startsWith('aws:')) throw stsError('ValidationError', { message: 'User provided tag keys cannot begin with aws:' });
    seen.add(key.toLowerCase());
    tags[key] = value;
  }
  return tags;
}

export function readTransitiveTagKeys(p: QueryParams): string[] {
  const keys = p.list('TransitiveTagKeys') ?? [];
  if (keys.length > 50) throw constraintError(undefined, 'transitiveTagKeys', 'Member must have length less than or equal to 50');
  keys.forEach((k, i) => checkString(p, `TransitiveTagKeys.member.${i + 1}`, k, STS_RULES.tagKey));
  return keys;
}

/** `RoleArn` → the role's account, path and name; undefined when it is not a role ARN. */
export function parseRoleArn(arn: string): { accountId: string; path: string; roleName: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[^/]+\/)*)([\w+=,.@-]+)$/.exec(arn);
  return m ? { accountId: m[1], path: m[2], roleName: m[3] } : undefined;
}

export function readRoleArn(p: QueryParams): string {
  return requiredString(p, 'RoleArn', STS_RULES.roleArn);
}

export function readRoleSessionName(p: QueryParams): string {
  return requiredString(p, 'RoleSessionName', STS_RULES.roleSessionName);
}

/**
 * PackedPolicySize: the share (percent) of the packed limit the session policies and tags use;
 * undefined when the request has neither. PackedPolicyTooLarge past 100 %.
 */
export function packedPolicySize(policies: SessionPolicyInput, tags: Readonly<Record<string, string>>): number | undefined {
  const tagEntries = Object.entries(tags);
  if (policies.policy === undefined && policies.policyArns.length === 0 && tagEntries.length === 0) return undefined;
  const minified = policies.policy === undefined ? '' : JSON.stringify(JSON.parse(policies.policy));
  const packed = deflateRawSync(Buffer.from(JSON.stringify([minified, policies.policyArns, tagEntries]))).length;
  const percent = Math.ceil((packed * 100) / PACKED_LIMIT_BYTES);
  if (percent > 100) {
    throw stsError('PackedPolicyTooLarge', { message: `Packed policy consumes ${percent}% of allotted space, please use smaller policy.` });
  }
  return percent;
}
