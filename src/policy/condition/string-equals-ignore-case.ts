import { parseTemplate, renderTemplate, type Template } from '../template.js';
import { negate, type ConditionOperator } from './operator.js';

/** StringEqualsIgnoreCase / StringNotEqualsIgnoreCase. */
interface FoldedValue {
  readonly template: Template;
  readonly literal: string | undefined;
}

export const stringEqualsIgnoreCase: ConditionOperator<FoldedValue> = {
  name: 'StringEqualsIgnoreCase',
  negated: false,
  compileValue(raw, version) {
    const template = parseTemplate(raw, version);
    return { template, literal: template.hasVariables ? undefined : renderTemplate(template, () => undefined)?.toLowerCase() };
  },
  test(requestValue, v, vars) {
    const expected = v.literal ?? renderTemplate(v.template, vars)?.toLowerCase();
    return expected === undefined ? undefined : requestValue.toLowerCase() === expected;
  },
};

export const stringNotEqualsIgnoreCase = negate(stringEqualsIgnoreCase, 'StringNotEqualsIgnoreCase');
