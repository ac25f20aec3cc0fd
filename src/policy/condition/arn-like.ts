import { compileArnPattern, splitArn, type ArnPattern } from '../arn-pattern.js';
import { negate, type ConditionOperator } from './operator.js';

/**
 * ArnEquals / ArnLike (identical in IAM: each of the six ARN parts is matched separately, with `*`
 * and `?`) and their negations ArnNotEquals / ArnNotLike.
 */
export const arnLike: ConditionOperator<ArnPattern> = {
  name: 'ArnLike',
  negated: false,
  compileValue: (raw, version) => compileArnPattern(raw, version),
  test: (requestValue, pattern, vars) => pattern.test(splitArn(requestValue), vars),
};

export const arnEquals: ConditionOperator<ArnPattern> = { ...arnLike, name: 'ArnEquals' };
export const arnNotLike = negate(arnLike, 'ArnNotLike');
export const arnNotEquals = negate(arnLike, 'ArnNotEquals');
