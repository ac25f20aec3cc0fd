import { POLICY_SIZE_LIMITS, policySize, type PolicySizeScope } from '../policy/size-limits.js';
import type { IssueCode } from './validate-policy-catalog.js';
import type { ListElement, PrincipalElement, StatementModel } from './validate-policy-model.js';
import type { CheckContext } from './validate-policy.js';

/**
 * The grammar of the document and of each statement, and the rules of each policy type: Version,
 * Statement, Sid, Effect, which elements a statement needs or may not combine, where Principal is
 * required or refused (identity policies, SCPs, RCPs, role trust policies), and the size quotas.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 */

const VERSIONS = ['2008-10-17', '2012-10-17'];

export function checkDocument(ctx: CheckContext): void {
  const { model, report } = ctx;
  const version = model.version;
  // A Version that is not a string has its DATA_TYPE_MISMATCH already.
  if (!model.versionElement) report('MISSING_VERSION', [model.root]);
  else if (version && !VERSIONS.includes(version.value)) {
    report('INVALID_VERSION', [version.location], { version: version.value, versions: VERSIONS.join(', ') });
  } else if (version?.value === '2008-10-17') {
    // Deviation from AWS: AWS accepts 2008-10-17 silently (it only flags variables it disables).
    report('STRONGBOX_OUTDATED_VERSION', [version.location]);
  }
  if (!model.statement) report('MISSING_STATEMENT', [model.root]);
  else if (model.emptyStatement) report('MISSING_STATEMENT', [model.statement]);
  checkSids(ctx);
  checkRedundantStatements(ctx);
  checkSize(ctx);
}

/**
 * Unique Sids are required where the service refuses duplicates (IAM identity and trust policies;
 * Organizations, whose SCPs and RCPs use IAM's grammar) and only recommended elsewhere (S3 and other
 * resource policies accept them).
 */
function checkSids(ctx: CheckContext): void {
  const required = ctx.policyType !== 'RESOURCE_POLICY' || ctx.resourceType === 'AWS::IAM::AssumeRolePolicyDocument';
  const seen = new Set<string>();
  for (const s of ctx.model.statements) {
    if (!s.sid || s.sid.value === '') continue;
    if (seen.has(s.sid.value)) {
      ctx.report(required ? 'UNIQUE_SIDS_REQUIRED' : 'UNIQUE_SIDS_RECOMMENDED', [s.sid.location]);
    }
    seen.add(s.sid.value);
  }
}

/**
 * REDUNDANT_STATEMENT: a statement that grants exactly what an earlier one does. Two statements are
 * compared element by element with the order of list values ignored and the Sid left out. Locations:
 * the repeated statement, then the first one.
 */
function checkRedundantStatements(ctx: CheckContext): void {
  const seen = new Map<string, StatementModel>();
  for (const s of ctx.model.statements) {
    if (s.effect === undefined) continue;
    const key = canonicalStatement(s);
    const first = seen.get(key);
    if (first) ctx.report('REDUNDANT_STATEMENT', [s.location, first.location]);
    else seen.set(key, s);
  }
}

function canonicalStatement(s: StatementModel): string {
  const list = (l: ListElement | undefined): string[] | undefined => l && l.items.map((i) => i.value).sort();
  const principal = (p: PrincipalElement | undefined): unknown =>
    p && (p.star ? '*' : p.entries.map((e) => [e.type, e.items.map((i) => i.value).sort()]).sort());
  const conditions = s.conditions.map((c) => [c.operator, c.key, c.values.map((v) => v.value).sort()]).sort();
  return JSON.stringify([
    s.effect?.value,
    list(s.action),
    list(s.notAction),
    list(s.resource),
    list(s.notResource),
    principal(s.principal),
    principal(s.notPrincipal),
    conditions,
  ]);
}

/**
 * The quotas of the service the policy is for (src/policy/size-limits.ts): IAM managed policies and
 * role trust policies count characters without white space, Organizations counts every character.
 * A resource policy without a resource type is measured against S3's bucket policy quota.
 */
function checkSize(ctx: CheckContext): void {
  const quota = sizeQuota(ctx);
  const limit = POLICY_SIZE_LIMITS[quota.scope];
  const size = policySize(ctx.text, limit.countWhitespace);
  if (size <= limit.limit) return;
  ctx.report(quota.code, [ctx.model.root], { policySize: String(size), policySizeQuota: String(limit.limit) });
}

function sizeQuota(ctx: CheckContext): { scope: PolicySizeScope; code: IssueCode } {
  switch (ctx.policyType) {
    case 'IDENTITY_POLICY':
      return { scope: 'Managed', code: 'POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA' };
    case 'SERVICE_CONTROL_POLICY':
      return { scope: 'ServiceControlPolicy', code: 'POLICY_SIZE_EXCEEDS_SCP_QUOTA' };
    case 'RESOURCE_CONTROL_POLICY':
      return { scope: 'ResourceControlPolicy', code: 'POLICY_SIZE_EXCEEDS_RCP_QUOTA' };
    default:
      return ctx.resourceType === 'AWS::IAM::AssumeRolePolicyDocument'
        ? { scope: 'RoleTrust', code: 'POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA' }
        : { scope: 'BucketPolicy', code: 'POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA' };
  }
}

export function checkStatementStructure(ctx: CheckContext, s: StatementModel): void {
  checkSid(ctx, s);
  checkEffect(ctx, s);
  checkCombinations(ctx, s);
  checkActionAndResource(ctx, s);
  switch (ctx.policyType) {
    case 'IDENTITY_POLICY':
      for (const p of [s.principal, s.notPrincipal]) {
        if (p) ctx.report('UNSUPPORTED_PRINCIPAL', [p.location], { policy_type: ctx.policyType });
      }
      break;
    case 'SERVICE_CONTROL_POLICY':
      for (const p of [s.principal, s.notPrincipal]) if (p) ctx.report('SCP_SYNTAX_ERROR_PRINCIPAL', [p.location]);
      break;
    case 'RESOURCE_CONTROL_POLICY':
      checkRcpStatement(ctx, s);
      break;
    default:
      checkResourcePolicyStatement(ctx, s);
  }
}

/** IAM (identity and trust policies) allows only letters and digits in a Sid; S3 and others allow more. */
function checkSid(ctx: CheckContext, s: StatementModel): void {
  if (!s.sid) return;
  if (s.sid.value === '') ctx.report('EMPTY_SID_VALUE', [s.sid.location]);
  else if (iamGrammar(ctx) && !/^[0-9A-Za-z]*$/.test(s.sid.value)) ctx.report('UNSUPPORTED_SID', [s.sid.location]);
}

function iamGrammar(ctx: CheckContext): boolean {
  return ctx.policyType === 'IDENTITY_POLICY' || ctx.resourceType === 'AWS::IAM::AssumeRolePolicyDocument';
}

function checkEffect(ctx: CheckContext, s: StatementModel): void {
  if (!s.elements.has('Effect')) ctx.report('MISSING_EFFECT', [s.location]);
  else if (s.effect && s.effect.value !== 'Allow' && s.effect.value !== 'Deny') {
    ctx.report('INVALID_EFFECT', [s.effect.location], { effect: s.effect.value });
  }
}

const EXCLUSIVE_PAIRS = [
  ['Action', 'NotAction'],
  ['Resource', 'NotResource'],
  ['Principal', 'NotPrincipal'],
] as const;

/** Locations: both elements' keys. */
function checkCombinations(ctx: CheckContext, s: StatementModel): void {
  for (const [one, other] of EXCLUSIVE_PAIRS) {
    const a = s.elements.get(one);
    const b = s.elements.get(other);
    if (a && b) ctx.report('UNSUPPORTED_ELEMENT_COMBINATION', [a.key, b.key], { element1: one, element2: other });
  }
}

/**
 * Every statement needs actions; every statement but a role trust policy's needs resources ("All policies
 * except role trust policies must include a Resource or NotResource element"). An empty array is not
 * an error but a statement that grants nothing (EMPTY_ARRAY_ACTION / EMPTY_ARRAY_RESOURCE).
 */
function checkActionAndResource(ctx: CheckContext, s: StatementModel): void {
  if (!s.action && !s.notAction) ctx.report('MISSING_ACTION', [s.location]);
  for (const l of [s.action, s.notAction]) {
    if (l?.isArray && l.items.length === 0) ctx.report('EMPTY_ARRAY_ACTION', [l.location]);
  }
  const trust = ctx.isTrust(s);
  if (!s.resource && !s.notResource && !trust) ctx.report('MISSING_RESOURCE', [s.location]);
  for (const l of [s.resource, s.notResource]) {
    if (!l) continue;
    if (trust && ctx.resourceType === 'AWS::IAM::AssumeRolePolicyDocument') {
      ctx.report('ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE', [l.location]);
    } else if (l.isArray && l.items.length === 0) ctx.report('EMPTY_ARRAY_RESOURCE', [l.location]);
  }
}

/**
 * Resource policies name who they grant to. A role trust policy (resource type
 * AWS::IAM::AssumeRolePolicyDocument) refuses NotPrincipal and `"Principal": "*"`.
 */
function checkResourcePolicyStatement(ctx: CheckContext, s: StatementModel): void {
  if (!s.principal && !s.notPrincipal) ctx.report('MISSING_PRINCIPAL', [s.location]);
  if (ctx.resourceType !== 'AWS::IAM::AssumeRolePolicyDocument') return;
  if (s.notPrincipal) ctx.report('ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL', [s.notPrincipal.location]);
  if (s.principal?.star) ctx.report('ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL', [s.principal.location]);
}

/**
 * A resource control policy: Principal `"*"` only (conditions narrow it), no NotPrincipal or NotAction;
 * an Allow statement must be `"*"` on `"*"` without Condition (only the AWS-managed RCPFullAWSAccess
 * allows); actions only of the services RCPs apply to.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 */
function checkRcpStatement(ctx: CheckContext, s: StatementModel): void {
  if (!s.principal && !s.notPrincipal) ctx.report('MISSING_PRINCIPAL', [s.location]);
  if (s.notPrincipal) ctx.report('RCP_SYNTAX_ERROR_PRINCIPAL', [s.notPrincipal.location]);
  const allPrincipals = s.principal !== undefined && isAllPrincipals(s.principal);
  if (s.principal && !allPrincipals) ctx.report('RCP_SYNTAX_ERROR_PRINCIPAL', [s.principal.location]);
  if (s.notAction) ctx.report('RCP_SYNTAX_ERROR_NOTACTION', [s.notAction.location]);
  if (s.effect?.value !== 'Allow') return;
  const allResources = s.resource !== undefined && onlyStars(s.resource.items);
  if (!allPrincipals || !allResources || s.elements.has('Condition')) {
    ctx.report('RCP_SYNTAX_ERROR_ALLOW', [s.location]);
  }
}

function isAllPrincipals(p: PrincipalElement): boolean {
  if (p.star) return true;
  return p.entries.length === 1 && p.entries[0].type === 'AWS' && onlyStars(p.entries[0].items);
}

function onlyStars(items: readonly { readonly value: string }[]): boolean {
  return items.length > 0 && items.every((i) => i.value === '*');
}
