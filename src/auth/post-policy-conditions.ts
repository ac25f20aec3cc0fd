import { AuthFailure, s3AuthError } from './auth-errors.js';
import type { PolicyCondition, PostPolicyDocument } from './post-policy-document.js';

/** What the upload handler knows once the form (and the file) has been read. */
export interface PostUploadFacts {
  /** Every form field as submitted (names case-insensitive), `file` excluded. */
  readonly fields: Readonly<Record<string, string>>;
  /** Size of the file part in bytes. */
  readonly contentLength: number;
  /** The bucket of the request URL (conditions may name `$bucket`; it is not a form field). */
  readonly bucket?: string;
}

/** Form fields S3 never requires a condition for ("Creating a POST policy"). */
function exempt(name: string): boolean {
  return name === 'x-amz-signature' || name === 'file' || name === 'policy' || name === 'bucket' || name.startsWith('x-ignore-');
}

function policyFailure(detail: string) {
  return s3AuthError('AccessDenied', new AuthFailure('post-policy', { service: 's3' }), {
    message: `Invalid according to Policy: ${detail}`,
  });
}

function lowerKeys(fields: Readonly<Record<string, string>>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) m.set(k.toLowerCase(), v);
  return m;
}

function check(c: PolicyCondition, values: Map<string, string>, contentLength: number): void {
  if (c.op === 'content-length-range') {
    if (contentLength < c.min) {
      throw s3AuthError('EntityTooSmall', new AuthFailure('post-policy', { service: 's3' }), {
        fields: { ProposedSize: String(contentLength), MinSizeAllowed: String(c.min) },
      });
    }
    if (contentLength > c.max) {
      throw s3AuthError('EntityTooLarge', new AuthFailure('post-policy', { service: 's3' }), {
        fields: { ProposedSize: String(contentLength), MaxSizeAllowed: String(c.max) },
      });
    }
    return;
  }
  const actual = values.get(c.field) ?? '';
  if (c.op === 'eq') {
    if (actual !== c.value) throw policyFailure(`Policy Condition failed: ${c.text}`);
    return;
  }
  // Content-Type may list several types; each must satisfy starts-with.
  const candidates = c.field === 'content-type' ? actual.split(',').map((s) => s.trim()) : [actual];
  if (!candidates.every((v) => v.startsWith(c.value))) throw policyFailure(`Policy Condition failed: ${c.text}`);
}

/**
 * Enforces every condition and that every form field is covered by one (S3 rejects a field the
 * policy does not mention with "Extra input fields").
 */
export function checkPostConditions(policy: PostPolicyDocument, facts: PostUploadFacts): void {
  const values = lowerKeys(facts.fields);
  if (facts.bucket !== undefined) values.set('bucket', facts.bucket);
  for (const c of policy.conditions) check(c, values, facts.contentLength);
  const covered = new Set<string>();
  for (const c of policy.conditions) if (c.op !== 'content-length-range') covered.add(c.field);
  const extra = [...lowerKeys(facts.fields).keys()].filter((name) => !exempt(name) && !covered.has(name));
  if (extra.length > 0) throw policyFailure(`Extra input fields: ${extra.join(', ')}`);
}
