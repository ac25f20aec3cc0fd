import { isJsonArray, isJsonObject, parseJsonWithSpans, type JsonObject, type JsonValue, type SourceSpan } from './json-source.js';
import { parseOperatorName } from './condition/operator-name.js';
import type { ConditionEntry, PolicyKind, PrincipalSpec } from './policy-document.js';
import { malformed, PolicyRejection } from './policy-error.js';

/**
 * First validation stage: the JSON grammar of a policy document (element names, value types). Its
 * output keeps `Effect` and `Version` as written; later stages check values. IAM answers every
 * grammar error with "Syntax errors in policy."; S3 (bucket policies) names the problem.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

export interface RawStatement {
  readonly span: SourceSpan | undefined;
  readonly sid: string | undefined;
  readonly effect: string;
  readonly principal: PrincipalSpec | undefined;
  readonly notPrincipal: PrincipalSpec | undefined;
  readonly action: readonly string[] | undefined;
  readonly notAction: readonly string[] | undefined;
  readonly resource: readonly string[] | undefined;
  readonly notResource: readonly string[] | undefined;
  readonly conditions: readonly ConditionEntry[];
}

export interface RawDocument {
  readonly version: string | undefined;
  readonly id: string | undefined;
  readonly statements: readonly RawStatement[];
}

export const VALID_VERSIONS: ReadonlySet<string> = new Set(['2012-10-17', '2008-10-17']);
const TOP_ELEMENTS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

export const S3_INVALID_JSON = "Policies must be valid JSON and the first byte must be '{'";
const IAM_SYNTAX = 'Syntax errors in policy.';
const S3_SYNTAX = 'Invalid policy syntax.';

/** Throws the dialect's grammar error: IAM's fixed text, or S3's specific one. */
export function syntaxError(kind: PolicyKind, s3Message: string = S3_SYNTAX): never {
  throw new PolicyRejection(malformed(kind, kind === 'resource' ? s3Message : IAM_SYNTAX));
}

export function readPolicySyntax(text: string, kind: PolicyKind): RawDocument {
  const parsed = parseJsonWithSpans(text);
  if (!parsed.ok || !isJsonObject(parsed.value) || text.trimStart()[0] !== '{') syntaxError(kind, S3_INVALID_JSON);
  const doc = parsed.value;
  for (const k of Object.keys(doc)) if (!TOP_ELEMENTS.has(k)) syntaxError(kind, `Unknown field ${k}`);
  const version = doc.Version;
  if (version !== undefined && (typeof version !== 'string' || !VALID_VERSIONS.has(version))) {
    syntaxError(kind, 'The policy must contain a valid version string');
  }
  if (doc.Id !== undefined && typeof doc.Id !== 'string') syntaxError(kind);
  const st = doc.Statement;
  if (st === undefined) syntaxError(kind, 'Missing required field Statement');
  const list: readonly JsonValue[] = isJsonArray(st) ? st : [st];
  if (list.length === 0) syntaxError(kind, 'Could not parse the policy: Statement is empty!');
  const statements = list.map((s) => readStatement(s, kind, parsed.spans));
  return { version: version as string | undefined, id: doc.Id as string | undefined, statements };
}

function readStatement(s: JsonValue, kind: PolicyKind, spans: ReadonlyMap<object, SourceSpan>): RawStatement {
  if (!isJsonObject(s)) syntaxError(kind);
  for (const k of Object.keys(s)) if (!STATEMENT_ELEMENTS.has(k)) syntaxError(kind, `Unknown field ${k}`);
  if (s.Action !== undefined && s.NotAction !== undefined) syntaxError(kind);
  if (s.Resource !== undefined && s.NotResource !== undefined) syntaxError(kind);
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) syntaxError(kind);
  const effect = s.Effect;
  if (effect === undefined) syntaxError(kind, 'Missing required field Effect');
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) {
    syntaxError(kind, `Invalid effect: ${typeof effect === 'string' ? effect : JSON.stringify(effect)}`);
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') syntaxError(kind);
  return {
    span: spans.get(s),
    sid: s.Sid as string | undefined,
    effect,
    principal: readPrincipal(s.Principal, kind),
    notPrincipal: readPrincipal(s.NotPrincipal, kind),
    action: readStringList(s, 'Action', kind),
    notAction: readStringList(s, 'NotAction', kind),
    resource: readStringList(s, 'Resource', kind),
    notResource: readStringList(s, 'NotResource', kind),
    conditions: readConditions(s.Condition, kind),
  };
}

function readStringList(s: JsonObject, key: string, kind: PolicyKind): readonly string[] | undefined {
  const v = s[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (isJsonArray(v) && v.every((x) => typeof x === 'string')) return v as readonly string[];
  return syntaxError(kind);
}

const INVALID_PRINCIPAL = 'Invalid principal in policy';

function readPrincipal(v: JsonValue | undefined, kind: PolicyKind): PrincipalSpec | undefined {
  if (v === undefined) return undefined;
  if (v === '*') return { wildcard: true, aws: [], service: [], federated: [], canonicalUser: [] };
  if (!isJsonObject(v)) return syntaxError(kind, INVALID_PRINCIPAL);
  const lists: Record<string, string[]> = { AWS: [], Service: [], Federated: [], CanonicalUser: [] };
  for (const [type, value] of Object.entries(v)) {
    if (!PRINCIPAL_TYPES.has(type)) syntaxError(kind, INVALID_PRINCIPAL);
    const values = typeof value === 'string' ? [value] : isJsonArray(value) ? value : undefined;
    if (!values || values.length === 0 || !values.every((x) => typeof x === 'string')) syntaxError(kind, INVALID_PRINCIPAL);
    lists[type].push(...(values as string[]));
  }
  const wildcard = lists.AWS.includes('*');
  return {
    wildcard,
    aws: lists.AWS.filter((a) => a !== '*'),
    service: lists.Service,
    federated: lists.Federated,
    canonicalUser: lists.CanonicalUser,
  };
}

function readConditions(v: JsonValue | undefined, kind: PolicyKind): readonly ConditionEntry[] {
  if (v === undefined) return [];
  if (!isJsonObject(v)) return syntaxError(kind);
  const out: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(v)) {
    if (!isJsonObject(block)) syntaxError(kind);
    const entries = Object.entries(block);
    // IAM accepts an unknown operator with an empty block; it has nothing to evaluate.
    if (entries.length > 0 && !parseOperatorName(operator)) syntaxError(kind, `Invalid Condition type : ${operator}`);
    for (const [key, raw] of entries) {
      out.push({ operator, key, values: readConditionValues(raw, kind) });
    }
  }
  return out;
}

/**
 * Condition values are strings in the grammar; numbers and booleans (`"aws:SecureTransport": false`)
 * are accepted as their text, as IAM and S3 do for the policies people actually write.
 */
function readConditionValues(raw: JsonValue, kind: PolicyKind): readonly string[] {
  const scalar = (x: JsonValue): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
  if (isJsonArray(raw)) {
    const out: string[] = [];
    for (const x of raw) {
      const s = scalar(x);
      if (s === undefined) syntaxError(kind);
      out.push(s);
    }
    return out;
  }
  const s = scalar(raw);
  if (s === undefined) syntaxError(kind);
  return [s];
}
