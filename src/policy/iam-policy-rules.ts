import { parseDateValue } from './condition/date-value.js';
import { parseOperatorName } from './condition/operator-name.js';
import type { PolicyKind } from './policy-document.js';
import { malformed, PolicyRejection } from './policy-error.js';
import type { RawDocument, RawStatement } from './policy-syntax.js';
import { principalProblem, type PrincipalCheck } from './principal-rules.js';

/**
 * IAM's checks after the grammar, in the order IAM applies them (the first failing check decides
 * the message). The messages are IAM's own, as returned by CreatePolicy, Put*Policy, CreateRole and
 * UpdateAssumeRolePolicy. Organizations (SCPs) runs the same checks but answers with one generic text.
 */

export interface IamRuleOptions {
  readonly kind: PolicyKind;
  /** CreatePolicy / CreatePolicyVersion / boundaries: Version 2012-10-17 is required. */
  readonly managed: boolean;
  readonly principalExists: ((arn: string) => boolean) | undefined;
}

const VALID_PARTITIONS: ReadonlySet<string> = new Set(['*', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f']);
const IAM_RESOURCE_PREFIXES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
];
const TRUST_ACTIONS: ReadonlySet<string> = new Set(
  [
    'sts:AssumeRole',
    'sts:AssumeRoleWithSAML',
    'sts:AssumeRoleWithWebIdentity',
    'sts:DecodeAuthorizationMessage',
    'sts:GetAccessKeyInfo',
    'sts:GetCallerIdentity',
    'sts:GetFederationToken',
    'sts:GetServiceBearerToken',
    'sts:GetSessionToken',
    'sts:SetContext',
    'sts:SetSourceIdentity',
    'sts:TagSession',
  ].map((a) => a.toLowerCase()),
);
const NO_PRINCIPALS =
  'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!';

export function applyIamRules(doc: RawDocument, o: IamRuleOptions): void {
  const fail = (message: string): never => {
    throw new PolicyRejection(malformed(o.kind, message));
  };
  const identityLike = o.kind === 'identity' || o.kind === 'boundary' || o.kind === 'session' || o.kind === 'scp';
  if (identityLike) for (const s of doc.statements) if (s.principal || s.notPrincipal) fail('Policy document should not specify a principal.');
  if (o.kind === 'rcp') checkRcp(doc, fail);
  if (o.managed && doc.version !== '2012-10-17') fail('Policy document must be version 2012-10-17 or greater.');
  for (const s of doc.statements) if (s.effect !== 'Allow' && s.effect !== 'Deny') fail('The policy failed legacy parsing');
  for (const s of doc.statements) if (!datesParse(s)) fail('The policy failed legacy parsing');
  const resourceError = checkResources(doc.statements, fail);
  checkSids(doc.statements, o.kind, fail);
  for (const s of doc.statements) if (!nonEmpty(s.action) && !nonEmpty(s.notAction)) fail('Policy statement must contain actions.');
  if (resourceError !== undefined) fail(resourceError);
  for (const s of doc.statements) for (const a of s.action ?? []) checkActionPrefix(a, fail);
  for (const s of doc.statements) for (const a of s.notAction ?? []) checkActionPrefix(a, fail);
  if (o.kind !== 'trust') {
    for (const s of doc.statements) if (!nonEmpty(s.resource) && !nonEmpty(s.notResource)) fail('Policy statement must contain resources.');
    // A resource-based policy checked with IAM's rules (the simulator's ResourcePolicy).
    if (o.kind === 'resource') for (const s of doc.statements) if (!s.principal && !s.notPrincipal) fail(NO_PRINCIPALS);
    return;
  }
  checkTrustPolicy(doc, o, fail);
}

/**
 * A resource control policy: every statement's Principal is `"*"` (conditions narrow it); NotPrincipal
 * and NotAction are not supported. That customers' RCPs may only Deny (only the AWS-managed
 * RCPFullAWSAccess allows) is Organizations' rule for CreatePolicy / UpdatePolicy, checked there.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 */
function checkRcp(doc: RawDocument, fail: (m: string) => never): void {
  for (const s of doc.statements) {
    if (s.notPrincipal) fail('NotPrincipal is not supported in resource control policies.');
    if (s.notAction) fail('NotAction is not supported in resource control policies.');
    const p = s.principal;
    if (!p || !p.wildcard || p.aws.length + p.service.length + p.federated.length + p.canonicalUser.length > 0) {
      fail('The Principal element of a resource control policy must be "*".');
    }
  }
}

/** A role trust policy: only STS actions, no Resource, and every statement names a valid principal. */
function checkTrustPolicy(doc: RawDocument, o: IamRuleOptions, fail: (m: string) => never): void {
  for (const s of doc.statements) {
    for (const a of s.action ?? []) {
      if (!TRUST_ACTIONS.has(a.toLowerCase())) {
        fail('Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity');
      }
    }
  }
  for (const s of doc.statements) {
    if (s.resource) fail('Has prohibited field Resource');
    if (s.notResource) fail('Has prohibited field NotResource');
  }
  for (const s of doc.statements) if (!s.principal && !s.notPrincipal) fail(NO_PRINCIPALS);
  const check: PrincipalCheck = { principalExists: o.principalExists, allowCanonicalUser: false };
  for (const s of doc.statements) {
    for (const spec of [s.principal, s.notPrincipal]) {
      const problem = spec ? principalProblem(spec, check) : undefined;
      if (problem) fail(`Invalid principal in policy: "${problem.type}":"${problem.value}"`);
    }
  }
}

function nonEmpty(list: readonly string[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

function datesParse(s: RawStatement): boolean {
  for (const c of s.conditions) {
    const name = parseOperatorName(c.operator);
    if (name && name.base.startsWith('Date')) for (const v of c.values) if (parseDateValue(v) === undefined) return false;
  }
  return true;
}

function checkSids(statements: readonly RawStatement[], kind: PolicyKind, fail: (m: string) => never): void {
  const seen = new Set<string>();
  for (const s of statements) {
    if (!s.sid) continue;
    if (seen.has(s.sid)) fail('Statement IDs (SID) in a single policy must be unique.');
    seen.add(s.sid);
  }
  if (kind === 'identity' || kind === 'boundary' || kind === 'trust') {
    for (const s of statements) {
      if (s.sid !== undefined && !/^[0-9A-Za-z]*$/.test(s.sid)) {
        fail('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
      }
    }
  }
}

/**
 * Resource format. IAM reports the last malformed resource it meets (statements in order, each
 * statement's list in descending order); a resource that is well-formed but fails the legacy parser
 * (`arn:aws:s3::bucket`, an empty service) is reported at once — but only while no format error was
 * seen yet.
 */
function checkResources(statements: readonly RawStatement[], fail: (m: string) => never): string | undefined {
  let error: string | undefined;
  for (const s of statements) {
    for (const list of [s.resource, s.notResource]) {
      if (!list) continue;
      for (const r of [...list].sort().reverse()) {
        const e = resourceFormatError(r);
        if (e !== undefined) error = e;
      }
      if (error === undefined) for (const r of list) if (failsLegacyParse(r)) fail('The policy failed legacy parsing');
    }
  }
  return error;
}

function failsLegacyParse(r: string): boolean {
  if (r === '*') return false;
  const colons = r.split(':').length - 1;
  if (colons < 5 && r.includes('::')) return true;
  const parts = r.split(':');
  return parts.length > 2 && parts[2] === '';
}

export function resourceFormatError(r: string): string | undefined {
  if (r === '*') return undefined;
  const first = r.indexOf(':');
  if (first < 0) return `Resource ${r} must be in ARN format or "*".`;
  const afterFirst = r.slice(first + 1);
  const second = afterFirst.indexOf(':');
  const partition = second < 0 ? afterFirst : afterFirst.slice(0, second);
  if (!VALID_PARTITIONS.has(partition)) {
    const rest = second < 0 ? [''] : afterFirst.slice(second + 1).split(':');
    const a1 = rest[0] !== '' || rest.length > 1 ? rest[0] : '*';
    const a2 = rest.length > 1 ? rest[1] : '*';
    const a3 = rest.length > 2 ? rest[2] : '*';
    const a4 = rest.length > 3 ? rest.slice(3).join(':') : '*';
    return `Partition "${partition}" is not valid for resource "arn:${partition}:${a1}:${a2}:${a3}:${a4}".`;
  }
  if (second < 0) return 'Resource vendor must be fully qualified and cannot contain regexes.';
  const parts = afterFirst.slice(second + 1).split(':');
  const service = parts[0];
  const region = parts[1] ?? '';
  if (service === 'iam' && region !== '') return `IAM resource ${r} cannot contain region information.`;
  const resourcePart = parts.slice(3).join(':');
  if (service === 's3' && region !== '' && !resourcePart.startsWith('accesspoint/')) return `Resource ${r} can not contain region information.`;
  if (service === 'iam' && parts.length > 3) {
    if (resourcePart !== '*' && resourcePart !== 'root' && !IAM_RESOURCE_PREFIXES.some((p) => resourcePart.startsWith(p))) {
      return `IAM resource path must either be "*", root, or start with ${IAM_RESOURCE_PREFIXES.join(', ')}.`;
    }
  }
  return undefined;
}

function checkActionPrefix(action: string, fail: (m: string) => never): void {
  const parts = action.split(':');
  if (parts.length === 1 && parts[0] !== '*') fail('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
  if (parts.length > 2) fail('Actions/Condition can contain only one colon.');
  if (parts[0] !== '*' && /[^a-zA-Z0-9\-.]/.test(parts[0])) fail(`Vendor ${parts[0]} is not valid`);
}
