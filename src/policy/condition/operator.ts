import type { PolicyVersion } from '../policy-document.js';
import type { VariableSource } from '../template.js';
import type { BaseOperatorName } from './operator-name.js';

/**
 * One condition operator: how a policy value is precompiled and how one request value is compared
 * with one policy value. Everything else — several values (OR), negation, missing keys, `IfExists`,
 * `ForAnyValue:` / `ForAllValues:` — is handled once, in evaluate-condition.ts.
 */
export interface ConditionOperator<V = unknown, R = unknown> {
  readonly name: BaseOperatorName;
  /**
   * Negated operators (StringNotEquals, NumericNotEquals, DateNotEquals, StringNotLike, ArnNotEquals,
   * ArnNotLike, NotIpAddress, StringNotEqualsIgnoreCase): a request value satisfies the condition when
   * it matches none of the policy values, and a missing key makes the condition true.
   */
  readonly negated: boolean;
  compileValue(raw: string, version: PolicyVersion): V;
  /** Parses one request value once (number, date, address, ARN …), however many policy values it meets. */
  prepare(requestValue: string): R;
  /** Does the request value match `policyValue`? undefined: a policy variable in the value has no value. */
  test(requestValue: R, policyValue: V, vars: VariableSource): boolean | undefined;
}

/** `prepare` for operators that compare the text as is. */
export const asIs = (v: string): string => v;

/** The negated twin of an operator: same comparison, negated semantics. */
export function negate<V, R>(op: ConditionOperator<V, R>, name: BaseOperatorName): ConditionOperator<V, R> {
  return { name, negated: true, compileValue: op.compileValue, prepare: op.prepare, test: op.test };
}
