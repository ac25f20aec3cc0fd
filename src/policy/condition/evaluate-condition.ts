import type { ConditionEntry, PolicyVersion } from '../policy-document.js';
import type { VariableSource } from '../template.js';
import { compileNullValue, evaluateNull } from './null.js';
import { parseOperatorName, type BaseOperatorName, type SetQualifier } from './operator-name.js';
import type { ConditionOperator } from './operator.js';
import { OPERATORS, VARIABLE_OPERATORS } from './registry.js';

/**
 * One compiled `operator: { key: values }` entry and its evaluation. The rules that apply to every
 * operator live here, once:
 * - several values for one key: OR (for a negated operator: the request value matches none of them);
 * - a missing key: false, except negated operators (true), `...IfExists` (true), `ForAllValues:`
 *   (true) and `ForAnyValue:` (false);
 * - a multivalued request key: `ForAnyValue:` needs one request value to satisfy the operator,
 *   `ForAllValues:` needs all of them (true for an empty set); without a qualifier a positive
 *   operator needs one request value to match, a negated one needs none to match;
 * - a policy variable without a value makes the condition false (the statement does not apply).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */

export interface ConditionContext {
  /** Request value of a lower-cased key. */
  get(lowerKey: string): string | readonly string[] | undefined;
  readonly vars: VariableSource;
  /** Records a key the condition needed but the request lacked (SimulatePolicy's MissingContextValues). */
  noteMissing(rawKey: string): void;
}

export interface CompiledCondition {
  readonly operator: string;
  readonly base: BaseOperatorName;
  readonly qualifier: SetQualifier;
  readonly ifExists: boolean;
  readonly key: string;
  readonly rawKey: string;
  readonly op: ConditionOperator<unknown, unknown> | undefined;
  readonly values: readonly unknown[];
  readonly nullExpect: readonly (boolean | undefined)[];
  /** Values contain policy variables: evaluate them all, so an unresolved one is always noticed. */
  readonly hasVariables: boolean;
}

/** Compiles a validated entry. Throws only on an unknown operator, which validation already refused. */
export function compileCondition(entry: ConditionEntry, version: PolicyVersion): CompiledCondition {
  const name = parseOperatorName(entry.operator);
  if (!name) throw new Error(`unknown condition operator ${entry.operator}`);
  const op = name.base === 'Null' ? undefined : OPERATORS[name.base];
  return {
    operator: entry.operator,
    base: name.base,
    qualifier: name.qualifier,
    ifExists: name.ifExists,
    key: entry.key.toLowerCase(),
    rawKey: entry.key,
    op,
    values: op ? entry.values.map((v) => op.compileValue(v, version)) : [],
    nullExpect: op ? [] : entry.values.map(compileNullValue),
    hasVariables:
      version === '2012-10-17' && VARIABLE_OPERATORS.has(name.base) && entry.values.some((v) => v.includes('${')),
  };
}

const MATCH = 1;
const NO_MATCH = 0;
const UNRESOLVED = 2;

export function evaluateCondition(c: CompiledCondition, ctx: ConditionContext): boolean {
  const raw = ctx.get(c.key);
  const present = raw !== undefined && (typeof raw === 'string' || raw.length > 0);
  const op = c.op;
  if (!op) return evaluateNull(c.nullExpect, present);
  if (!present) {
    if (c.ifExists || c.qualifier === 'ForAllValues') return true;
    if (raw === undefined) ctx.noteMissing(c.rawKey);
    if (c.qualifier === 'ForAnyValue') return false;
    return op.negated;
  }
  if (typeof raw === 'string') {
    const m = anyMatch(c, op, op.prepare(raw), ctx.vars);
    if (m === UNRESOLVED) return false;
    return op.negated ? m === NO_MATCH : m === MATCH;
  }
  return evaluateMultivalued(c, op, raw as readonly string[], ctx.vars);
}

function evaluateMultivalued(c: CompiledCondition, op: ConditionOperator<unknown, unknown>, values: readonly string[], vars: VariableSource): boolean {
  let satisfied = 0;
  for (const v of values) {
    const m = anyMatch(c, op, op.prepare(v), vars);
    if (m === UNRESOLVED) return false;
    const perValue = op.negated ? m === NO_MATCH : m === MATCH;
    if (perValue) satisfied++;
  }
  switch (c.qualifier) {
    case 'ForAllValues':
      return satisfied === values.length;
    case 'ForAnyValue':
      return satisfied > 0;
    default:
      // No qualifier on a multivalued key: a positive operator needs one match; a negated one needs
      // every value to match none of the policy values.
      return op.negated ? satisfied === values.length : satisfied > 0;
  }
}

/** Whether one request value matches any policy value (OR), or a variable could not be resolved. */
function anyMatch(c: CompiledCondition, op: ConditionOperator<unknown, unknown>, requestValue: unknown, vars: VariableSource): number {
  let result = NO_MATCH;
  for (const pv of c.values) {
    const r = op.test(requestValue, pv, vars);
    if (r === undefined) return UNRESOLVED;
    if (r) {
      if (!c.hasVariables) return MATCH;
      result = MATCH;
    }
  }
  return result;
}
