import { compileArnPattern, splitArn, type ArnPattern, type SplitArn } from '../arn-pattern.js';
import { negate, type ConditionOperator } from './operator.js';

/**
 * ArnEquals / ArnLike (identical in IAM: each of the six ARN parts is matched separately, with `*`
 * and `?`) and their negations ArnNotEquals / ArnNotLike.
 */
export const arnLike: ConditionOperator<ArnPattern, SplitArn> = {
  name: 'ArnLike',
  negated: false,
  compileValue: (raw, version) => compileArnPattern(raw, version),
  prepare: (raw) => splitArn(raw),
  test: (arn, pattern, vars) => pattern.test(arn, vars),
};

export const arnEquals: ConditionOperator<ArnPattern, SplitArn> = { ...arnLike, name: 'ArnEquals' };
export const arnNotLike = negate(arnLike, 'ArnNotLike');
export const arnNotEquals = negate(arnLike, 'ArnNotEquals');
