import { parseCidr, type CidrBlock } from './condition/ip-value.js';
import { parseOperatorName } from './condition/operator-name.js';
import type { ConditionEntry, PolicyDocument, PolicyStatement } from './policy-document.js';
import { parsePolicy } from './parse-policy.js';

/**
 * S3's "The meaning of public" for a bucket policy (GetBucketPolicyStatus IsPublic, Block Public
 * Access's BlockPublicPolicy and RestrictPublicBuckets). S3 starts from "public" and looks for what
 * makes the policy non-public: every Allow statement must grant only to fixed values — values with no
 * wildcard and no policy variable — of a principal (an account, user, role, service or canonical user)
 * or of one of the keys below. A statement whose principal is not fixed (`*`, `{"AWS": "*"}`,
 * NotPrincipal) is public unless one of its conditions pins such a key. Negated operators
 * (StringNotEquals, NotIpAddress, ...), `...IfExists` and `ForAllValues:` (which an absent key
 * satisfies) and `Null` pin nothing. Deny statements never make a policy public.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 *
 * The keys: those the user guide lists (aws:SourceIp, aws:SourceArn, aws:SourceVpc, aws:SourceVpce,
 * aws:SourceOwner, aws:SourceAccount, aws:userid, s3:DataAccessPointArn, s3:DataAccessPointAccount)
 * and the principal-identifying keys IAM Access Analyzer also treats as fixing who may call
 * (aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths).
 * s3:x-amz-server-side-encryption-aws-kms-key-id, which an older version of the list named, is not
 * one: any caller can name a key id.
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
]);

const POSITIVE_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
]);

/**
 * aws:SourceIp pins only ranges no broader than /8 (IPv4) or /32 (IPv6): "Bucket policies that grant
 * access conditioned on the aws:SourceIp condition key with very broad IP ranges (for example,
 * 0.0.0.0/1) are evaluated as public. This includes values broader than /8 for IPv4 and /32 for IPv6
 * (excluding RFC1918 private ranges)" (same page). The RFC 1918 blocks are /8 or narrower, so the
 * exclusion needs no rule of its own.
 */
const NARROWEST_PUBLIC_PREFIX = { 4: 8, 6: 32 } as const;

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
  if (!op || op.ifExists || op.qualifier === 'ForAllValues' || c.values.length === 0) return false;
  if (key === 'aws:sourceip') return op.base === 'IpAddress' && c.values.every(narrowCidr);
  if (!POSITIVE_OPERATORS.has(op.base)) return false;
  if (key === 's3:dataaccesspointarn') return c.values.every(fixedAccessPointAccount);
  // aws:userid "AROLEID:*" (any session of a role) is not fixed: its wildcard already says so.
  return c.values.every((v) => !hasWildcard(v));
}

function narrowCidr(v: string): boolean {
  const block: CidrBlock | undefined = v.includes('${') ? undefined : parseCidr(v);
  return block !== undefined && block.prefix >= NARROWEST_PUBLIC_PREFIX[block.family];
}

/**
 * s3:DataAccessPointArn "can contain a wildcard for the access point name without rendering the policy
 * public, as long as the account ID is fixed" (arn:aws:s3:us-west-2:123456789012:accesspoint/*).
 */
function fixedAccessPointAccount(v: string): boolean {
  const [arn, partition, service, , account, ...rest] = v.split(':');
  if ([arn, partition, service, account].some((p) => p === undefined || hasWildcard(p))) return false;
  return arn === 'arn' && service === 's3' && /^\d{12}$/.test(account) && rest.join(':').startsWith('accesspoint/');
}
