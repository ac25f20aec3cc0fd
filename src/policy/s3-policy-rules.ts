import { parseCidr } from './condition/ip-value.js';
import { parseOperatorName } from './condition/operator-name.js';
import { malformed, PolicyRejection } from './policy-error.js';
import type { RawDocument, RawStatement } from './policy-syntax.js';
import { principalProblem } from './principal-rules.js';
import { S3_IAM_ACTIONS, type S3ResourceKind } from './s3-actions.js';
import { parseTemplate } from './template.js';
import { compileWildcard } from './wildcard.js';

/**
 * PutBucketPolicy's checks after the grammar, with S3's messages (error code MalformedPolicy).
 * Every statement must name a principal; actions must be S3 actions; resources must be this bucket
 * or objects in it; every action must apply to at least one of the statement's resources.
 */

export interface S3RuleOptions {
  /** The bucket the policy is for: every Resource must name it (or objects in it). */
  readonly bucket: string | undefined;
  readonly principalExists: ((arn: string) => boolean) | undefined;
}

const S3_ARN_PREFIX = 'arn:aws:s3:::';

export function applyS3Rules(doc: RawDocument, o: S3RuleOptions): void {
  const fail = (message: string): never => {
    throw new PolicyRejection(malformed('resource', message));
  };
  for (const s of doc.statements) checkStatement(s, o, fail);
}

function checkStatement(s: RawStatement, o: S3RuleOptions, fail: (m: string) => never): void {
  if (s.effect !== 'Allow' && s.effect !== 'Deny') fail(`Invalid effect: ${s.effect}`);
  if (!s.principal && !s.notPrincipal) fail('Missing required field Principal');
  for (const spec of [s.principal, s.notPrincipal]) {
    if (spec && principalProblem(spec, { principalExists: o.principalExists, allowCanonicalUser: true })) {
      fail('Invalid principal in policy');
    }
  }
  const actions = s.action ?? s.notAction;
  if (!actions || actions.length === 0) fail('Missing required field Action');
  const resources = s.resource ?? s.notResource;
  if (!resources || resources.length === 0) fail('Missing required field Resource');
  const actionKinds = actions.map((a) => kindsOfActionPattern(a) ?? fail('Policy has invalid action'));
  const resourceKinds = resources.map((r) => kindsOfResource(r, o.bucket) ?? fail('Policy has invalid resource'));
  if (s.action && s.resource) {
    for (const kinds of actionKinds) {
      if (!resourceKinds.some((rk) => [...rk].some((k) => kinds.has(k)))) fail('Action does not apply to any resource(s) in statement');
    }
  }
  for (const c of s.conditions) {
    const key = c.key.toLowerCase();
    if (!key.startsWith('aws:') && !key.startsWith('s3:')) fail('Policy has an invalid condition key');
    const name = parseOperatorName(c.operator);
    if (name && (name.base === 'IpAddress' || name.base === 'NotIpAddress')) {
      for (const v of c.values) if (!parseCidr(v)) fail('Invalid IP address in Conditions');
    }
  }
}

/** Resource kinds the S3 actions matched by `pattern` apply to; undefined when it matches no S3 action. */
function kindsOfActionPattern(pattern: string): ReadonlySet<S3ResourceKind> | undefined {
  const p = pattern.toLowerCase();
  if (p === '*' || p === 's3:*') return new Set<S3ResourceKind>(['bucket', 'object']);
  if (!p.startsWith('s3:')) return undefined;
  const matcher = compileWildcard(parseTemplate(p, '2008-10-17'), { ignoreCase: true });
  const kinds = new Set<S3ResourceKind>();
  let any = false;
  for (const [action, kind] of S3_IAM_ACTIONS) {
    const a = action.toLowerCase();
    if (matcher.test(a, 0, a.length, undefined) === true) {
      any = true;
      kinds.add(kind);
    }
  }
  return any ? kinds : undefined;
}

/** `arn:aws:s3:::bucket` is a bucket; `arn:aws:s3:::bucket/key` an object; a `*` before any `/` may be both. */
function kindsOfResource(r: string, bucket: string | undefined): ReadonlySet<S3ResourceKind> | undefined {
  if (!r.startsWith(S3_ARN_PREFIX)) return undefined;
  const rest = r.slice(S3_ARN_PREFIX.length);
  if (rest === '') return undefined;
  const slash = rest.indexOf('/');
  const bucketPart = slash < 0 ? rest : rest.slice(0, slash);
  if (bucketPart === '') return undefined;
  if (bucket !== undefined) {
    const m = compileWildcard(parseTemplate(bucketPart, '2012-10-17'));
    if (m.test(bucket, 0, bucket.length, () => undefined) === false) return undefined;
  }
  if (slash >= 0) return new Set<S3ResourceKind>(['object']);
  return bucketPart.includes('*') ? new Set<S3ResourceKind>(['bucket', 'object']) : new Set<S3ResourceKind>(['bucket']);
}
