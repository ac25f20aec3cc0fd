import type { ConditionOperator } from './operator.js';

/** Bool: `true` / `false`, compared case-insensitively. */
export const bool: ConditionOperator<string, string> = {
  name: 'Bool',
  negated: false,
  compileValue: (raw) => raw.trim().toLowerCase(),
  prepare: (raw) => raw.trim().toLowerCase(),
  test: (requestValue, policyValue) => requestValue === policyValue,
};
