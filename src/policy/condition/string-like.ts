import { parseTemplate } from '../template.js';
import { compileWildcard, type WildcardMatcher } from '../wildcard.js';
import { asIs, negate, type ConditionOperator } from './operator.js';

/** StringLike / StringNotLike: case-sensitive, `*` and `?` wildcards, policy variables. */
export const stringLike: ConditionOperator<WildcardMatcher, string> = {
  name: 'StringLike',
  negated: false,
  compileValue: (raw, version) => compileWildcard(parseTemplate(raw, version)),
  prepare: asIs,
  test: (requestValue, matcher, vars) => matcher.test(requestValue, 0, requestValue.length, vars),
};

export const stringNotLike = negate(stringLike, 'StringNotLike');
