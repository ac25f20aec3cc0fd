import { parseDateValue } from './date-value.js';
import type { BaseOperatorName } from './operator-name.js';
import { negate, type ConditionOperator } from './operator.js';

/** Date*: ISO 8601 or epoch seconds on either side (aws:CurrentTime, aws:EpochTime, aws:TokenIssueTime). */
function date(name: BaseOperatorName, compare: (request: number, policy: number) => boolean): ConditionOperator<number | undefined, number | undefined> {
  return {
    name,
    negated: false,
    compileValue: (raw) => parseDateValue(raw),
    prepare: (raw) => parseDateValue(raw),
    test: (t, policyValue) => t !== undefined && policyValue !== undefined && compare(t, policyValue),
  };
}

export const dateEquals = date('DateEquals', (a, b) => a === b);
export const dateNotEquals = negate(dateEquals, 'DateNotEquals');
export const dateLessThan = date('DateLessThan', (a, b) => a < b);
export const dateLessThanEquals = date('DateLessThanEquals', (a, b) => a <= b);
export const dateGreaterThan = date('DateGreaterThan', (a, b) => a > b);
export const dateGreaterThanEquals = date('DateGreaterThanEquals', (a, b) => a >= b);
