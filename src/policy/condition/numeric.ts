import type { BaseOperatorName } from './operator-name.js';
import { negate, type ConditionOperator } from './operator.js';

/** Numeric*: integers and decimals; a value that is not a number matches nothing. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumeric(raw: string): number {
  const s = raw.trim();
  return NUMBER.test(s) ? Number(s) : NaN;
}

function numeric(name: BaseOperatorName, compare: (request: number, policy: number) => boolean): ConditionOperator<number, number> {
  return {
    name,
    negated: false,
    compileValue: (raw) => parseNumeric(raw),
    prepare: (raw) => parseNumeric(raw),
    test: (n, policyValue) => !Number.isNaN(n) && !Number.isNaN(policyValue) && compare(n, policyValue),
  };
}

export const numericEquals = numeric('NumericEquals', (a, b) => a === b);
export const numericNotEquals = negate(numericEquals, 'NumericNotEquals');
export const numericLessThan = numeric('NumericLessThan', (a, b) => a < b);
export const numericLessThanEquals = numeric('NumericLessThanEquals', (a, b) => a <= b);
export const numericGreaterThan = numeric('NumericGreaterThan', (a, b) => a > b);
export const numericGreaterThanEquals = numeric('NumericGreaterThanEquals', (a, b) => a >= b);
