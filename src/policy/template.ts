import type { PolicyVersion } from './policy-document.js';

/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`) and the escapes `${*}`,
 * `${?}`, `${$}`. A policy string is split once, at compile time, into parts; only version 2012-10-17
 * documents have variables — in 2008-10-17 `${...}` is plain text.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

export type TemplatePart =
  /** Policy text: `*` and `?` are wildcards where the element supports them. */
  | { readonly kind: 'pattern'; readonly text: string }
  /** Text that is never a wildcard: an escape (`${*}`) or, at evaluation, a substituted value. */
  | { readonly kind: 'literal'; readonly text: string }
  /** A variable; `key` is lower-cased (context keys are case-insensitive). */
  | { readonly kind: 'var'; readonly key: string; readonly rawKey: string; readonly defaultValue: string | undefined };

export interface Template {
  readonly raw: string;
  readonly parts: readonly TemplatePart[];
  readonly hasVariables: boolean;
}

/** Looks a context key (lower-cased) up; a multivalued key cannot be used as a variable. */
export type VariableSource = (lowerKey: string) => string | readonly string[] | undefined;

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

export function parseTemplate(raw: string, version: PolicyVersion): Template {
  if (version !== '2012-10-17' || !raw.includes('${')) {
    return { raw, parts: [{ kind: 'pattern', text: raw }], hasVariables: false };
  }
  const parts: TemplatePart[] = [];
  let hasVariables = false;
  let text = '';
  let i = 0;
  while (i < raw.length) {
    const open = raw.indexOf('${', i);
    const close = open < 0 ? -1 : raw.indexOf('}', open + 2);
    if (open < 0 || close < 0) {
      text += raw.slice(i);
      break;
    }
    text += raw.slice(i, open);
    const body = raw.slice(open + 2, close);
    const escaped = ESCAPES[body];
    const variable = escaped === undefined ? parseVariableBody(body) : undefined;
    if (escaped !== undefined || variable) {
      if (text) parts.push({ kind: 'pattern', text });
      text = '';
      if (escaped !== undefined) parts.push({ kind: 'literal', text: escaped });
      else if (variable) {
        parts.push(variable);
        hasVariables = true;
      }
    } else {
      text += raw.slice(open, close + 1);
    }
    i = close + 1;
  }
  if (text) parts.push({ kind: 'pattern', text });
  return { raw, parts, hasVariables };
}

function parseVariableBody(body: string): TemplatePart | undefined {
  const comma = body.indexOf(',');
  const rawKey = (comma < 0 ? body : body.slice(0, comma)).trim();
  if (rawKey === '' || /\s/.test(rawKey)) return undefined;
  let defaultValue: string | undefined;
  if (comma >= 0) {
    const d = body.slice(comma + 1).trim();
    if (d.length < 2 || d[0] !== "'" || d[d.length - 1] !== "'") return undefined;
    defaultValue = d.slice(1, -1);
  }
  return { kind: 'var', key: rawKey.toLowerCase(), rawKey, defaultValue };
}

/** The value of a variable, or undefined when it has no value and no default. */
export function resolveVariable(part: Extract<TemplatePart, { kind: 'var' }>, vars: VariableSource): string | undefined {
  const v = vars(part.key);
  if (typeof v === 'string') return v;
  return part.defaultValue;
}

/** Exact text of a template with variables substituted (wildcard characters kept as written). */
export function renderTemplate(t: Template, vars: VariableSource): string | undefined {
  let out = '';
  for (const p of t.parts) {
    if (p.kind === 'var') {
      const v = resolveVariable(p, vars);
      if (v === undefined) return undefined;
      out += v;
    } else out += p.text;
  }
  return out;
}
