import { parseTemplate, renderTemplate, type Template } from '../template.js';
import { asIs, negate, type ConditionOperator } from './operator.js';

/** StringEquals / StringNotEquals: exact, case-sensitive; policy variables allowed in values. */
interface ExactValue {
  readonly template: Template;
  /** The value when it has no variables (the common case: no work at evaluation). */
  readonly literal: string | undefined;
}

export const stringEquals: ConditionOperator<ExactValue, string> = {
  name: 'StringEquals',
  negated: false,
  compileValue(raw, version) {
    const template = parseTemplate(raw, version);
    return { template, literal: template.hasVariables ? undefined : renderTemplate(template, () => undefined) };
  },
  prepare: asIs,
  test(requestValue, v, vars) {
    if (v.literal !== undefined) return requestValue === v.literal;
    const rendered = renderTemplate(v.template, vars);
    return rendered === undefined ? undefined : requestValue === rendered;
  },
};

export const stringNotEquals = negate(stringEquals, 'StringNotEquals');
