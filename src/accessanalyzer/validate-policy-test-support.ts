import assert from 'node:assert/strict';
import {
  validatePolicy,
  type Location,
  type PathElement,
  type Position,
  type ValidatePolicyFinding,
  type ValidatePolicyResourceType,
  type ValidatePolicyType,
} from './validate-policy.js';

/** Helpers of the ValidatePolicy unit tests: documents, and findings compared with exact spans. */

/** The position of an offset, computed independently of the parser. */
export function pos(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1), offset };
}

/** The span of the `occurrence`-th `needle` in the text. */
export function spanOf(text: string, needle: string, occurrence = 0): Location['span'] {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} #${occurrence} not in the document`);
  }
  return { start: pos(text, at), end: pos(text, at + needle.length) };
}

export const ROOT = '__root__';
export type Where = readonly [path: readonly PathElement[], needle: string, occurrence?: number];
export type Expected = readonly [type: ValidatePolicyFinding['findingType'], code: string, ...locations: Where[]];

export const S = (i: number, ...rest: PathElement[]): PathElement[] => [{ value: 'Statement' }, { index: i }, ...rest];
export const v = (value: string): PathElement => ({ value });
export const k = (key: string): PathElement => ({ key });
export const ix = (index: number): PathElement => ({ index });

/** Validates a document (an object is written with `JSON.stringify(doc, null, 2)`). */
export function run(doc: unknown, policyType: ValidatePolicyType = 'IDENTITY_POLICY', rt?: ValidatePolicyResourceType) {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  return { text, findings: validatePolicy({ policyDocument: text, policyType, validatePolicyResourceType: rt }) };
}

/** Asserts the exact findings (type, code, every location's path and span), in order. */
export function expectFindings(
  doc: unknown,
  expected: readonly Expected[],
  type?: ValidatePolicyType,
  rt?: ValidatePolicyResourceType,
): void {
  const { text, findings } = run(doc, type, rt);
  const actual = findings.map((f) => [f.findingType, f.issueCode, ...f.locations.map((l) => [l.path, l.span])]);
  const span = (needle: string, n?: number) => (needle === ROOT ? spanOf(text, text) : spanOf(text, needle, n));
  const wanted = expected.map(([t, code, ...where]) => [
    t,
    code,
    ...where.map(([path, needle, n]) => [path, span(needle, n)]),
  ]);
  assert.deepEqual(actual, wanted, findings.map((f) => `${f.issueCode}: ${f.findingDetails}`).join('\n'));
}

export const codes = (doc: unknown, type?: ValidatePolicyType, rt?: ValidatePolicyResourceType): string[] =>
  run(doc, type, rt).findings.map((f) => f.issueCode);

/** How `JSON.stringify(doc, null, 2)` writes a value nested `indent` spaces deep (a statement: 4). */
export function nested(value: unknown, indent: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${' '.repeat(indent)}`);
}

export const V = '2012-10-17';
export const allow = (extra: Record<string, unknown>) => ({ Effect: 'Allow', ...extra });
/** A Version 2012-10-17 document of these statements. */
export const policy = (...statements: unknown[]) => ({ Version: V, Statement: statements });

/** Policy type and resource type arguments. */
export const BUCKET = ['RESOURCE_POLICY', 'AWS::S3::Bucket'] as const;
export const TRUST = ['RESOURCE_POLICY', 'AWS::IAM::AssumeRolePolicyDocument'] as const;

