import { parseDateValue } from '../policy/condition/date-value.js';
import { cidrContains, parseCidr, type CidrBlock } from '../policy/condition/ip-value.js';
import { parseOperatorName, type OperatorName } from '../policy/condition/operator-name.js';
import type { ConditionClause, StatementModel } from './validate-policy-model.js';
import {
  globalKey,
  keyTypeLabel,
  operatorCategory,
  operatorFitsKey,
  TAG_KEY_FAMILIES,
} from './validate-policy-keys.js';
import { hasVariable } from './validate-policy-patterns.js';
import type { CheckContext } from './validate-policy.js';

/**
 * The Condition element: operators (the engine's parseOperatorName decides which exist), key names,
 * values against their operator's type (dates with the engine's parseDateValue, CIDR blocks with its
 * parseCidr), global keys against their type, and the checks on particular keys (aws:SourceIp,
 * aws:SourceVpc(e), s3:prefix, GitHub's OIDC subject).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */

const NEGATED_STRING = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike']);
const EQUALS_STRING = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
]);
const S3_RESOURCE_TYPES = new Set(['AWS::S3::Bucket', 'AWS::S3::AccessPoint', 'AWS::S3::MultiRegionAccessPoint']);
/** Keys about the resource's own account: in the resource's own policy they say nothing. */
const IRRELEVANT_IN_S3_POLICY = new Set(['s3:resourceaccount', 'aws:resourceaccount']);
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'].map(
  (c) => parseCidr(c) as CidrBlock,
);
const GITHUB_SUB = 'token.actions.githubusercontent.com:sub';
const VPC_KEYS = new Set(['aws:sourcevpc', 'aws:sourcevpce', 'aws:sourcevpcarn']);
const NUMBER = /^-?\d+(\.\d+)?$/;

export function checkConditions(ctx: CheckContext, s: StatementModel): void {
  const operators = new Map<string, OperatorName | undefined>();
  const blocks = new Map<number, ConditionClause[]>();
  for (const c of s.conditions) {
    const start = c.operatorKey.span.start.offset;
    if (!blocks.has(start)) {
      blocks.set(start, []);
      operators.set(c.operator, checkOperator(ctx, c));
    }
    blocks.get(start)?.push(c);
  }
  for (const clauses of blocks.values()) checkKeyCase(ctx, clauses);
  for (const c of s.conditions) {
    checkKey(ctx, c);
    checkClause(ctx, s, c, operators.get(c.operator));
  }
  checkPairedKeys(ctx, s);
}

/** Once per operator block. Null tests presence: IfExists makes no sense on it, a set qualifier neither. */
function checkOperator(ctx: CheckContext, c: ConditionClause): OperatorName | undefined {
  const op = parseOperatorName(c.operator);
  if (op) {
    if (op.base === 'Null' && op.qualifier !== 'None') ctx.report('NULL_WITH_QUALIFIER', [c.operatorKey]);
    return op;
  }
  if (/^(?:ForAnyValue:|ForAllValues:)?NullIfExists$/.test(c.operator)) {
    ctx.report('NULL_WITH_IF_EXISTS', [c.operatorKey]);
    return undefined;
  }
  ctx.report('INVALID_CONDITION_OPERATOR', [c.operatorKey], { operator: c.operator });
  return undefined;
}

/** Key names compare case-insensitively: `aws:SourceIp` twice in one block, in two spellings, is one key twice. */
function checkKeyCase(ctx: CheckContext, clauses: readonly ConditionClause[]): void {
  const seen = new Map<string, string>();
  for (const c of clauses) {
    const lower = c.key.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined && first !== c.key) {
      ctx.report('DUPLICATE_KEYS_WITH_DIFFERENT_CASE', [c.keyLocation], { key: c.key });
    }
    if (first === undefined) seen.set(lower, c.key);
  }
}

function checkKey(ctx: CheckContext, c: ConditionClause): void {
  const colon = c.key.indexOf(':');
  if (colon <= 0 || colon === c.key.length - 1 || /\s/.test(c.key)) {
    ctx.report('INVALID_CONDITION_KEY_FORMAT', [c.keyLocation]);
    return;
  }
  const lower = c.key.toLowerCase();
  if (!lower.startsWith('aws:')) return;
  const family = TAG_KEY_FAMILIES.find((f) => lower === f.toLowerCase() || lower === f.toLowerCase().slice(0, -1));
  if (lower === 'aws:arn') ctx.report('UNSUPPORTED_GLOBAL_CONDITION_KEY', [c.keyLocation]);
  else if (family) ctx.report('MISSING_TAG_KEY_IN_CONDITION', [c.keyLocation], { conditionKeyName: family });
  else if (!globalKey(c.key)) ctx.report('INVALID_GLOBAL_CONDITION_KEY', [c.keyLocation], { key: c.key });
}

function checkClause(ctx: CheckContext, s: StatementModel, c: ConditionClause, op: OperatorName | undefined): void {
  if (c.isArray && c.values.length === 0) {
    const code = !op
      ? 'EMPTY_ARRAY_CONDITION'
      : op.qualifier === 'ForAllValues'
        ? 'EMPTY_ARRAY_CONDITION_FORALLVALUES'
        : op.qualifier === 'ForAnyValue'
          ? 'EMPTY_ARRAY_CONDITION_FORANYVALUE'
          : op.ifExists
            ? 'EMPTY_ARRAY_CONDITION_IFEXISTS'
            : 'EMPTY_ARRAY_CONDITION';
    ctx.report(code, [c.location], { key: c.key });
    return;
  }
  if (new Set(c.values.map((v) => v.jsonType)).size > 1) ctx.report('INVALID_CONDITION_DATA_TYPE', [c.location]);
  if (!op) return;
  checkKeyType(ctx, s, c, op);
  checkValues(ctx, c, op);
  checkSpecialKeys(ctx, s, c, op);
}

/**
 * Global keys against their operator: TYPE_MISMATCH, StringLike on an ARN key (ArnLike compares ARNs
 * field by field), a multivalued key without a set qualifier, ForAllValues on a single-valued key — which
 * an absent key satisfies, so it only loosens an Allow (Strongbox reports it on Allow statements).
 */
function checkKeyType(ctx: CheckContext, s: StatementModel, c: ConditionClause, op: OperatorName): void {
  const key = globalKey(c.key);
  if (!key || op.base === 'Null') return;
  const category = operatorCategory(op.base);
  if (key.type === 'ARN' && op.base === 'StringLike') {
    const params = { allowed: 'ARN', operator: c.operator, key: c.key };
    ctx.report('STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS', [c.keyLocation], params);
  } else if (!operatorFitsKey(category, key.type)) {
    ctx.report('TYPE_MISMATCH', [c.keyLocation], { allowed: keyTypeLabel(key.type), operator: c.operator, key: c.key });
  }
  if (key.multivalued && op.qualifier === 'None') ctx.report('MISSING_QUALIFIER', [c.keyLocation], { key: c.key });
  if (!key.multivalued && op.qualifier === 'ForAllValues' && s.effect?.value === 'Allow') {
    ctx.report('FORALLVALUES_WITH_SINGLE_VALUED_KEY', [c.keyLocation], { key: c.key });
  }
}

/** Values against the operator's type. */
function checkValues(ctx: CheckContext, c: ConditionClause, op: OperatorName): void {
  const category = operatorCategory(op.base);
  const params = { operator: c.operator };
  if (category !== 'String' && category !== 'ARN') {
    const withVariable = c.values.find((v) => hasVariable(v.value));
    if (withVariable) ctx.report('INVALID_VARIABLE_FOR_OPERATOR', [withVariable.location]);
  }
  const literals = c.values.filter((v) => !hasVariable(v.value));
  if (category === 'Bool' || category === 'Null') {
    for (const v of literals) {
      if (!/^(true|false)$/i.test(v.value)) ctx.report('TYPE_MISMATCH_BOOLEAN', [v.location], params);
    }
    if (category === 'Bool' && c.values.length > 1) ctx.report('INVALID_CONDITION_MULTIPLE_BOOLEAN', [c.location]);
  } else if (category === 'Numeric') {
    for (const v of literals) if (!NUMBER.test(v.value)) ctx.report('TYPE_MISMATCH_NUMBER', [v.location], params);
    checkRedundantNumbers(ctx, c, op);
  } else if (category === 'Date') {
    for (const v of literals) {
      if (/^\d+$/.test(v.value.trim())) ctx.report('INVALID_DATE_VALUE', [v.location], { date: v.value });
      else if (parseDateValue(v.value) === undefined) ctx.report('TYPE_MISMATCH_DATE', [v.location]);
    }
  } else if (category === 'IP') {
    checkIpValues(ctx, c, op);
  } else if (category === 'Binary') {
    for (const v of literals) if (!isBase64(v.value)) ctx.report('TYPE_MISMATCH_STRING', [v.location], params);
  } else if (EQUALS_STRING.has(op.base)) {
    for (const v of literals) if (/[*?]/.test(v.value)) ctx.report('WILDCARD_WITHOUT_LIKE_OPERATOR', [v.location]);
  }
}

function isBase64(v: string): boolean {
  return v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
}

/** `NumericLessThan: [2700, 3600]` is `< 3600`: only the greatest (LessThan) or least (GreaterThan) value counts. */
function checkRedundantNumbers(ctx: CheckContext, c: ConditionClause, op: OperatorName): void {
  const less = op.base === 'NumericLessThan' || op.base === 'NumericLessThanEquals';
  const greater = op.base === 'NumericGreaterThan' || op.base === 'NumericGreaterThanEquals';
  if ((!less && !greater) || op.qualifier !== 'None') return;
  const numbers = c.values.filter((v) => NUMBER.test(v.value));
  if (numbers.length < 2) return;
  const params = { operator: c.operator, 'greatest/least': less ? 'greatest' : 'least', key: c.key };
  ctx.report('REDUNDANT_CONDITION_VALUE_NUM', [c.location], params);
}

/**
 * CIDR blocks: malformed ones, host bits after the mask (IMPROVE_IP_RANGE, IPv4 only), and aws:SourceIp
 * ranges that are private (RFC 1918 and IPv6 unique local addresses): AWS never sees them as aws:SourceIp.
 */
function checkIpValues(ctx: CheckContext, c: ConditionClause, op: OperatorName): void {
  const blocks: CidrBlock[] = [];
  for (const v of c.values) {
    if (hasVariable(v.value)) continue;
    const block = parseCidr(v.value);
    if (!block) {
      ctx.report('TYPE_MISMATCH_IP_RANGE', [v.location], { operator: c.operator });
      continue;
    }
    blocks.push(block);
    const masked = maskedIpv4(block);
    if (masked !== undefined && v.value.trim().includes('/') && masked !== v.value.trim()) {
      ctx.report('IMPROVE_IP_RANGE', [v.location], { addr: masked });
    }
  }
  if (c.key.toLowerCase() !== 'aws:sourceip' || blocks.length === 0) return;
  const privates = blocks.filter((b) => PRIVATE_RANGES.some((r) => b.prefix >= r.prefix && cidrContains(r, b)));
  if (privates.length === 0) return;
  const negated = op.base === 'NotIpAddress';
  if (privates.length === blocks.length) {
    ctx.report(negated ? 'PRIVATE_NOT_IP_ADDRESS' : 'PRIVATE_IP_ADDRESS', [c.location]);
  } else {
    ctx.report(negated ? 'PRIVATE_NOT_IP_ADDRESS_SUBSET' : 'PRIVATE_IP_ADDRESS_SUBSET', [c.location]);
  }
}

function maskedIpv4(b: CidrBlock): string | undefined {
  if (b.family !== 4) return undefined;
  const mask = b.prefix === 0 ? 0 : (0xffffffff << (32 - b.prefix)) >>> 0;
  const n = (b.words[0] & mask) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${b.prefix}`;
}

function checkSpecialKeys(ctx: CheckContext, s: StatementModel, c: ConditionClause, op: OperatorName): void {
  const lower = c.key.toLowerCase();
  const stringOperator = operatorCategory(op.base) === 'String';
  if ((lower === 'aws:sourcevpc' || lower === 'aws:sourcevpce') && stringOperator) {
    const prefix = lower === 'aws:sourcevpc' ? 'vpc' : 'vpce';
    const format = new RegExp(`^${prefix}-(?:[a-z0-9]{8}|[a-z0-9]{17})$`);
    for (const v of c.values) {
      if (/[*?]/.test(v.value) || hasVariable(v.value) || format.test(v.value)) continue;
      ctx.report(prefix === 'vpc' ? 'INVALID_VPC_FORMAT' : 'INVALID_VPCE_FORMAT', [v.location]);
    }
  }
  // s3:prefix only narrows what a listing shows under the given prefix: a shorter prefix escapes a Deny.
  if (lower === 's3:prefix' && stringOperator) {
    const negated = NEGATED_STRING.has(op.base);
    if ((s.effect?.value === 'Deny' && !negated) || (s.effect?.value === 'Allow' && negated)) {
      ctx.report('S3_PREFIX_IN_NEGATIVE_CONTEXT', [c.keyLocation]);
    }
  }
  if (lower === GITHUB_SUB) {
    for (const v of c.values) {
      if (v.value.includes('*')) ctx.report('SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED', [v.location]);
    }
  }
  if (ctx.resourceType && S3_RESOURCE_TYPES.has(ctx.resourceType) && IRRELEVANT_IN_S3_POLICY.has(lower)) {
    const params = { 'condition-key': c.key, 'resource-type': ctx.resourceType };
    ctx.report('IRRELEVANT_CONDITION_KEY_IN_POLICY', [c.keyLocation], params);
  }
}

/** aws:VpcSourceIp alone matches the address in any VPC: pair it with the VPC (the reference's example). */
function checkPairedKeys(ctx: CheckContext, s: StatementModel): void {
  if (s.effect?.value !== 'Allow') return;
  const vpcSourceIp = s.conditions.find((c) => c.key.toLowerCase() === 'aws:vpcsourceip');
  if (!vpcSourceIp || s.conditions.some((c) => VPC_KEYS.has(c.key.toLowerCase()))) return;
  ctx.report('MISSING_PAIRED_CONDITION_KEYS', [vpcSourceIp.keyLocation], {
    conditionKeyName: vpcSourceIp.key,
    recommendedKeys: 'aws:SourceVpc, aws:SourceVpce',
  });
}
