import { parseTemplate, renderTemplate, type Template } from '../template.js';
import { negate, type ConditionOperator } from './operator.js';

/** StringEqualsIgnoreCase / StringNotEqualsIgnoreCase. */
interface FoldedValue {
  readonly template: Template;
  readonly literal: string | undefined;
}

export const stringEqualsIgnoreCase: ConditionOperator<FoldedValue, string> = {
  name: 'StringEqualsIgnoreCase',
  negated: false,
  compileValue(raw, version) {
    const template = parseTemplate(raw, version);
    return { template, literal: template.hasVariables ? undefined : renderTemplate(template, () => undefined)?.toLowerCase() };
  },
  prepare: (v) => v.toLowerCase(),
  test(folded, v, vars) {
    const expected = v.literal ?? renderTemplate(v.template, vars)?.toLowerCase();
    return expected === undefined ? undefined : folded === expected;
  },
};

export const stringNotEqualsIgnoreCase = negate(stringEqualsIgnoreCase, 'StringNotEqualsIgnoreCase');
