import { AuthFailure, s3AuthError } from './auth-errors.js';

/**
 * The POST policy document ("Creating a POST policy"): an expiration and a list of conditions,
 * each an exact match (`{"acl": "public-read"}` or `["eq", "$acl", "public-read"]`), a prefix
 * match (`["starts-with", "$key", "user/"]`) or a size range (`["content-length-range", 0, 10485760]`).
 * Parsed and validated once; evaluation (post-policy-conditions.ts) then sees only valid shapes.
 */
export type PolicyCondition =
  | { readonly op: 'eq'; readonly field: string; readonly value: string; readonly text: string }
  | { readonly op: 'starts-with'; readonly field: string; readonly value: string; readonly text: string }
  | { readonly op: 'content-length-range'; readonly min: number; readonly max: number; readonly text: string };

export interface PostPolicyDocument {
  readonly expiration: Date;
  readonly conditions: readonly PolicyCondition[];
}

function invalid(message: string) {
  return s3AuthError('InvalidPolicyDocument', new AuthFailure('post-policy', { service: 's3' }), { message: `Invalid Policy: ${message}` });
}

function fieldName(ref: unknown, text: string): string {
  if (typeof ref !== 'string' || !ref.startsWith('$') || ref.length < 2) throw invalid(`Invalid Condition: ${text}`);
  return ref.slice(1).toLowerCase();
}

function integer(v: unknown, text: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`Invalid Condition: ${text}`);
  return n;
}

/**
 * The condition as JSON text, for messages and `text`. Nested values (never valid) are cut at a few
 * levels: a policy of thousands of nested arrays made JSON.stringify overflow the stack (a 500).
 */
function conditionText(c: unknown, depth = 0): string {
  if (Array.isArray(c)) return depth > 2 ? '[...]' : `[${c.map((v) => conditionText(v, depth + 1)).join(',')}]`;
  if (c === null || typeof c !== 'object') return JSON.stringify(c);
  if (depth > 2) return '{...}';
  return `{${Object.entries(c).map(([k, v]) => `${JSON.stringify(k)}:${conditionText(v, depth + 1)}`).join(',')}}`;
}

function parseCondition(c: unknown): PolicyCondition {
  const text = conditionText(c);
  if (Array.isArray(c)) {
    const op = typeof c[0] === 'string' ? c[0].toLowerCase() : '';
    if (c.length !== 3) throw invalid(`Invalid Condition: ${text}`);
    if (op === 'eq' || op === 'starts-with') {
      if (typeof c[2] !== 'string') throw invalid(`Invalid Condition: ${text}`);
      return { op, field: fieldName(c[1], text), value: c[2], text };
    }
    if (op === 'content-length-range') {
      const min = integer(c[1], text);
      const max = integer(c[2], text);
      return { op, min, max, text };
    }
    throw invalid(`Invalid Condition: ${text}`);
  }
  if (c !== null && typeof c === 'object') {
    const entries = Object.entries(c);
    if (entries.length !== 1) throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    const [name, value] = entries[0] as [string, unknown];
    if (typeof value !== 'string') throw invalid(`Invalid Simple-Condition: value must be a string.`);
    const field = name.startsWith('$') ? name.slice(1) : name;
    return { op: 'eq', field: field.toLowerCase(), value, text: `["eq", "$${field}", ${JSON.stringify(value)}]` };
  }
  throw invalid(`Invalid Condition: ${text}`);
}

/** Decodes the base64 `policy` form field. */
export function parsePostPolicy(base64Policy: string): PostPolicyDocument {
  let doc: unknown;
  try {
    if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(base64Policy)) throw new Error('not base64');
    doc = JSON.parse(Buffer.from(base64Policy, 'base64').toString('utf8'));
  } catch {
    throw invalid('Invalid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalid('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalid('Policy missing expiration.');
  const expires = typeof expiration === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(expiration) ? new Date(expiration) : new Date(NaN);
  if (Number.isNaN(expires.getTime())) throw invalid(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (conditions === undefined) throw invalid('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalid('Invalid JSON.');
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}
