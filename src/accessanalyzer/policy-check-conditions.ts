import { cidrContains, parseCidr, type CidrBlock } from '../policy/condition/ip-value.js';
import { parseOperatorName, type OperatorName } from '../policy/condition/operator-name.js';
import type { ConditionEntry, PolicyVersion } from '../policy/policy-document.js';
import { globContains, literalGlob, toGlob } from './policy-check-glob.js';

/**
 * Reasoning over `Condition` blocks, read as the engine evaluates them
 * (src/policy/condition/evaluate-condition.ts): a statement applies when every entry holds; an entry's
 * values are OR-ed (a negated operator: the request value matches none of them); a missing key makes a
 * positive operator false and a negated one, `...IfExists` and `ForAllValues:` true; a policy variable
 * without a value makes the entry false.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *
 * Deviation from AWS: IAM Access Analyzer reasons about every operator with an SMT solver. Here an entry
 * implies another only when they compare the same key with the same operator and value sets that nest,
 * plus a few cross-operator cases (StringEquals/StringLike values, IP ranges, Null). Other pairs are
 * "unknown", which can only turn a PASS into a FAIL, never the reverse.
 */

export interface CheckCondition {
  readonly operator: string;
  readonly name: OperatorName | undefined;
  /** Lower-cased: condition keys are case-insensitive. */
  readonly key: string;
  /** The values as written; `variable[i]` says whether value i holds a policy variable. */
  readonly values: readonly string[];
  readonly variable: readonly boolean[];
  readonly version: PolicyVersion;
}

export function checkCondition(c: ConditionEntry, version: PolicyVersion): CheckCondition {
  const name = parseOperatorName(c.operator);
  const values = name?.base === 'Null' ? c.values.map((v) => v.trim().toLowerCase()) : c.values;
  return {
    operator: c.operator,
    name,
    key: c.key.toLowerCase(),
    values,
    variable: values.map((v) => version === '2012-10-17' && v.includes('${')),
    version,
  };
}

/** The identity of a value across documents: the text, and whether it is a variable or plain text. */
function valueIds(c: CheckCondition): string[] {
  return c.values.map((v, i) => `${c.variable[i] ? 'V' : 'L'}:${v}`);
}

function subset(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return a.every((x) => set.has(x));
}

/** Whenever every entry of `given` holds, every entry of `required` holds. */
export function conditionsImply(given: readonly CheckCondition[], required: readonly CheckCondition[]): boolean {
  return required.every((r) => given.some((g) => entryImplies(g, r)));
}

export function entryImplies(g: CheckCondition, r: CheckCondition): boolean {
  if (g.key !== r.key || !g.name || !r.name) return false;
  if (g.name.base === 'Null') return nullImplies(g, r);
  if (g.operator === r.operator) {
    if (isNegated(r.name)) return subset(valueIds(r), valueIds(g));
    // An entry with a variable that has no value is false: `r` must not fail where `g` holds.
    const gIds = valueIds(g);
    if (subset(gIds, valueIds(r)) && valueIds(r).every((id, i) => !r.variable[i] || gIds.includes(id))) return true;
  }
  if (!sameShape(g.name, r.name) || g.variable.some(Boolean) || r.variable.some(Boolean)) return false;
  if (r.name.base === 'StringLike' && (g.name.base === 'StringEquals' || g.name.base === 'StringLike')) {
    const rPatterns = r.values.map((v) => toGlob(v, { version: r.version }));
    return g.values.every((v) => {
      const sub = g.name?.base === 'StringEquals' ? literalGlob(v) : toGlob(v, { version: g.version });
      return rPatterns.some((p) => globContains(p, sub));
    });
  }
  if (r.name.base === 'IpAddress' && g.name.base === 'IpAddress') return ipRangesNest(g.values, r.values);
  return false;
}

/** Null "true" (key absent) makes a negated, `IfExists` or `ForAllValues:` entry true. */
function nullImplies(g: CheckCondition, r: CheckCondition): boolean {
  if (r.name?.base === 'Null') return subset(g.values, r.values);
  const absent = g.values.length > 0 && g.values.every((v) => v === 'true');
  if (!absent || !r.name) return false;
  return r.name.ifExists || r.name.qualifier === 'ForAllValues' || (r.name.qualifier === 'None' && isNegated(r.name));
}

function sameShape(a: OperatorName, b: OperatorName): boolean {
  return a.qualifier === b.qualifier && a.ifExists === b.ifExists;
}

/** Every valid range of `inner` lies in a valid range of `outer` (an invalid range matches nothing). */
function ipRangesNest(inner: readonly string[], outer: readonly string[]): boolean {
  const blocks = outer.map(parseCidr).filter((b): b is CidrBlock => b !== undefined);
  return inner.every((v) => {
    const b = parseCidr(v);
    return b === undefined || blocks.some((o) => o.family === b.family && o.prefix <= b.prefix && cidrContains(o, b));
  });
}

const NEGATION: Readonly<Record<string, string>> = {
  StringEquals: 'StringNotEquals',
  StringEqualsIgnoreCase: 'StringNotEqualsIgnoreCase',
  StringLike: 'StringNotLike',
  ArnEquals: 'ArnNotEquals',
  ArnLike: 'ArnNotLike',
  NumericEquals: 'NumericNotEquals',
  DateEquals: 'DateNotEquals',
  IpAddress: 'NotIpAddress',
};
const NEGATED: ReadonlySet<string> = new Set(Object.values(NEGATION));

function isNegated(n: OperatorName): boolean {
  return NEGATED.has(n.base);
}

/** No request satisfies every entry of both lists (false when unsure). */
export function conditionsContradict(a: readonly CheckCondition[], b: readonly CheckCondition[]): boolean {
  return a.some((x) => b.some((y) => entriesContradict(x, y) || entriesContradict(y, x)));
}

function entriesContradict(x: CheckCondition, y: CheckCondition): boolean {
  if (x.key !== y.key || !x.name || !y.name) return false;
  if (x.name.base === 'Null') {
    const absent = x.values.length > 0 && x.values.every((v) => v === 'true');
    const present = x.values.length > 0 && x.values.every((v) => v === 'false');
    if (y.name.base === 'Null') {
      const yAbsent = y.values.length > 0 && y.values.every((v) => v === 'true');
      const yPresent = y.values.length > 0 && y.values.every((v) => v === 'false');
      return (absent && yPresent) || (present && yAbsent);
    }
    // A positive operator without IfExists (and not ForAllValues:) needs the key.
    return absent && !y.name.ifExists && y.name.qualifier !== 'ForAllValues' && !isNegated(y.name);
  }
  // "Some request value is one of V" against "no request value is one of W", with V ⊆ W.
  const plain = (n: OperatorName) => n.qualifier === 'None' && !n.ifExists;
  if (!plain(x.name) || !plain(y.name) || NEGATION[x.name.base] !== y.name.base) return false;
  return x.values.length > 0 && subset(valueIds(x), valueIds(y));
}
