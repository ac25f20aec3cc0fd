import type { IssueCode } from './validate-policy-catalog.js';
import type { StatementModel, StringItem } from './validate-policy-model.js';
import type { CheckContext, Location } from './validate-policy.js';

/**
 * Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the escapes `${*}`,
 * `${?}`, `${$}` — allowed in Resource / NotResource and in Condition values of version 2012-10-17
 * documents (the engine's template.ts reads them the same way: a malformed one is plain text there).
 * A finding points at the variable itself: the value's path plus a `substring` element.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

const ESCAPES: ReadonlySet<string> = new Set(['*', '?', '$']);

export function checkVariables(ctx: CheckContext, s: StatementModel): void {
  const unsupported = [
    ...(s.action?.items ?? []),
    ...(s.notAction?.items ?? []),
    ...[s.principal, s.notPrincipal].flatMap((p) => p?.entries.flatMap((e) => e.items) ?? []),
  ];
  for (const item of unsupported) {
    const start = item.value.indexOf('${');
    if (start < 0) continue;
    const close = item.value.indexOf('}', start);
    const variable = item.value.slice(start, close < 0 ? item.value.length : close + 1);
    ctx.report('VARIABLE_UNSUPPORTED_IN_ELEMENT', [substring(ctx, item, start, variable.length)], { variable });
  }
  const supported: StringItem[] = [
    ...(s.resource?.items ?? []),
    ...(s.notResource?.items ?? []),
    ...s.conditions.flatMap((c) => c.values),
  ];
  for (const item of supported) checkValue(ctx, item);
}

function checkValue(ctx: CheckContext, item: StringItem): void {
  const v = item.value;
  let i = v.indexOf('${');
  if (i >= 0 && !ctx.variablesEnabled) {
    ctx.report('VARIABLE_UNSUPPORTED_IN_VERSION', [item.location]);
    return;
  }
  while (i >= 0) {
    const close = v.indexOf('}', i + 2);
    if (close < 0) {
      ctx.report('MISSING_BRACE_IN_VARIABLE', [substring(ctx, item, i, v.length - i)]);
      return;
    }
    const problem = variableProblem(v.slice(i + 2, close));
    if (problem) ctx.report(problem, [substring(ctx, item, i, close + 1 - i)]);
    i = v.indexOf('${', close + 1);
  }
}

/** The body of `${…}`: a key without white space, optionally `, 'default'`. */
function variableProblem(body: string): IssueCode | undefined {
  if (ESCAPES.has(body)) return undefined;
  if (body.trim() === '') return 'EMPTY_VARIABLE';
  const comma = body.indexOf(',');
  const key = (comma < 0 ? body : body.slice(0, comma)).trim();
  if (key === '') return 'EMPTY_VARIABLE';
  if (/\s/.test(key)) return 'UNSUPPORTED_SPACE_IN_VARIABLE';
  if (comma < 0) return undefined;
  const d = body.slice(comma + 1).trim();
  return d.length >= 2 && d.startsWith("'") && d.endsWith("'") ? undefined : 'MISSING_QUOTE_IN_VARIABLE';
}

/**
 * The location of `length` characters of a string value from `start`: its span in the text when the
 * JSON string has no escape sequence (so value and text line up), else the whole value's span.
 */
function substring(ctx: CheckContext, item: StringItem, start: number, length: number): Location {
  const { span, path } = item.location;
  const raw = ctx.text.slice(span.start.offset + 1, span.end.offset - 1);
  const sub = { path: [...path, { substring: { start, length } }] };
  if (raw !== item.value) return { ...sub, span };
  const from = span.start.offset + 1 + start;
  const column = span.start.column + 1 + start;
  return {
    ...sub,
    span: {
      start: { line: span.start.line, column, offset: from },
      end: { line: span.start.line, column: column + length, offset: from + length },
    },
  };
}
