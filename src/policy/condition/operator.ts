import type { PolicyVersion } from '../policy-document.js';
import type { VariableSource } from '../template.js';
import type { BaseOperatorName } from './operator-name.js';

/**
 * One condition operator: how a policy value is precompiled and how one request value is compared
 * with one policy value. Everything else — several values (OR), negation, missing keys, `IfExists`,
 * `ForAnyValue:` / `ForAllValues:` — is handled once, in evaluate-condition.ts.
 */
export interface ConditionOperator<V = unknown> {
  readonly name: BaseOperatorName;
  /**
   * Negated operators (StringNotEquals, NumericNotEquals, DateNotEquals, StringNotLike, ArnNotEquals,
   * ArnNotLike, NotIpAddress, StringNotEqualsIgnoreCase): a request value satisfies the condition when
   * it matches none of the policy values, and a missing key makes the condition true.
   */
  readonly negated: boolean;
  compileValue(raw: string, version: PolicyVersion): V;
  /** Does `requestValue` match `policyValue`? undefined: a policy variable in the value has no value. */
  test(requestValue: string, policyValue: V, vars: VariableSource): boolean | undefined;
}

/** The negated twin of an operator: same comparison, negated semantics. */
export function negate<V>(op: ConditionOperator<V>, name: BaseOperatorName): ConditionOperator<V> {
  return { name, negated: true, compileValue: op.compileValue, test: op.test };
}
