import { parseTemplate } from '../template.js';
import { compileWildcard, type WildcardMatcher } from '../wildcard.js';
import { negate, type ConditionOperator } from './operator.js';

/** StringLike / StringNotLike: case-sensitive, `*` and `?` wildcards, policy variables. */
export const stringLike: ConditionOperator<WildcardMatcher> = {
  name: 'StringLike',
  negated: false,
  compileValue: (raw, version) => compileWildcard(parseTemplate(raw, version)),
  test: (requestValue, matcher, vars) => matcher.test(requestValue, 0, requestValue.length, vars),
};

export const stringNotLike = negate(stringLike, 'StringNotLike');
