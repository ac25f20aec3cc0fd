import { parseOperatorName } from './condition/operator-name.js';
import { cidrIsEverything } from './condition/ip-value.js';
import type { ConditionEntry, PolicyDocument, PolicyStatement } from './policy-document.js';
import { parsePolicy } from './parse-policy.js';

/**
 * S3's "The meaning of public" for a bucket policy (GetBucketPolicyStatus IsPublic, Block Public
 * Access's BlockPublicPolicy and RestrictPublicBuckets). A policy is public when any Allow statement
 * grants to a principal that is not fixed (`*`, a wildcard, NotPrincipal) without a condition that
 * pins it to fixed values of a key that identifies who or where the request comes from. A value is
 * fixed when it has no wildcard and no policy variable; negated operators, `...IfExists` and
 * `ForAllValues:` (which an absent or empty key satisfies) pin nothing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
const PINNING_KEYS: ReadonlySet<string> = new Set([
  'aws:sourceip',
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:userid',
  'aws:principalarn',
  's3:dataaccesspointarn',
  's3:dataaccesspointaccount',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
]);

const POSITIVE_OPERATORS: ReadonlySet<string> = new Set(['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress']);

/** IsPublic of a bucket policy document (an unparsable one counts as public: nothing vouches for it). */
export function isPublicBucketPolicy(document: string): boolean {
  const parsed = parsePolicy(document, { kind: 'resource' });
  return !parsed.ok || isPublicPolicyDocument(parsed.document);
}

export function isPublicPolicyDocument(doc: PolicyDocument): boolean {
  return doc.statements.some((st) => st.effect === 'Allow' && !fixedPrincipal(st) && !st.conditions.some(pins));
}

function hasWildcard(v: string): boolean {
  return v.includes('*') || v.includes('?') || v.includes('${');
}

/** A Principal naming only fixed accounts, ARNs, services or canonical users. */
function fixedPrincipal(st: PolicyStatement): boolean {
  const p = st.principal;
  if (!p || st.notPrincipal) return false;
  if (p.wildcard) return false;
  return [...p.aws, ...p.service, ...p.federated, ...p.canonicalUser].every((v) => !hasWildcard(v));
}

function pins(c: ConditionEntry): boolean {
  const key = c.key.toLowerCase();
  if (!PINNING_KEYS.has(key)) return false;
  const op = parseOperatorName(c.operator);
  if (!op || op.ifExists || op.qualifier === 'ForAllValues' || !POSITIVE_OPERATORS.has(op.base)) return false;
  if (c.values.length === 0 || c.values.some(hasWildcard)) return false;
  if (key === 'aws:sourceip') return c.values.every((v) => !cidrIsEverything(v));
  // aws:userid pins only outside the role-session pattern "AROLEID:*" (any session of a role).
  return true;
}
