import { compileActionPatterns } from '../policy/action-matcher.js';
import type { PrincipalSpec } from '../policy/policy-document.js';
import { principalProblem } from '../policy/principal-rules.js';
import type { PrincipalElement, PrincipalEntry, StatementModel, StringItem } from './validate-policy-model.js';
import type { CheckContext, Location } from './validate-policy.js';

/**
 * The Principal and NotPrincipal of resource policies: principal types, wildcards, the format of
 * service and federated principals (the engine's principal-rules.ts decides the format), IAM unique ids
 * where an ARN belongs, and the role trust policy checks that tie actions to principals.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

const PRINCIPAL_TYPES: ReadonlySet<string> = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const SAML_PROVIDER = /^arn:[^:]+:iam::\d{12}:saml-provider\//;
const ASSUMED_ROLE = /^(arn:[^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ROLE = /^(arn:[^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const ROLES_ANYWHERE = 'rolesanywhere.amazonaws.com';
const ROLES_ANYWHERE_ACTIONS = ['sts:assumerole', 'sts:setsourceidentity', 'sts:tagsession'];

/** Identity policies, SCPs and RCPs refuse or restrict Principal as a whole (validate-policy-structure.ts). */
export function checkPrincipals(ctx: CheckContext, s: StatementModel): void {
  if (ctx.policyType !== 'RESOURCE_POLICY') return;
  for (const p of [s.principal, s.notPrincipal]) if (p) checkPrincipalElement(ctx, s, p);
  if (!ctx.isTrust(s) || !s.principal) return;
  checkRedundantSessions(ctx, s.principal);
  if (s.effect?.value !== 'Allow') return;
  checkMismatchedActions(ctx, s, s.principal);
  checkRolesAnywhere(ctx, s, s.principal);
}

function checkPrincipalElement(ctx: CheckContext, s: StatementModel, p: PrincipalElement): void {
  if (p.isObject && p.entries.length === 0) ctx.report('EMPTY_OBJECT_PRINCIPAL', [p.location]);
  for (const entry of p.entries) {
    if (!PRINCIPAL_TYPES.has(entry.type)) {
      ctx.report('INVALID_PRINCIPAL_KEY', [entry.key], { 'principal-key': entry.type });
      continue;
    }
    if (entry.isArray && entry.items.length === 0) ctx.report('EMPTY_ARRAY_PRINCIPAL', [entry.location]);
    for (const item of entry.items) checkPrincipalValue(ctx, s, entry.type, item);
  }
}

/** A wildcard is only a whole `"*"` of the AWS type ("You cannot use a wildcard to match part of a name or an ARN"). */
function checkPrincipalValue(ctx: CheckContext, s: StatementModel, type: string, item: StringItem): void {
  const v = item.value;
  if (/[*?]/.test(v)) {
    if (!(type === 'AWS' && v === '*')) {
      ctx.report('UNSUPPORTED_WILDCARD_IN_PRINCIPAL', [item.location], { principal_key: type });
    }
    return;
  }
  if (type === 'AWS') {
    if (/^AROA[0-9A-Z]+$/.test(v)) ctx.report('INVALID_ROLE_REFERENCE', [item.location], { roleid: v });
    else if (/^AIDA[0-9A-Z]+$/.test(v)) ctx.report('INVALID_USER_REFERENCE', [item.location], { userid: v });
  } else if (type === 'Service') {
    if (principalProblem(spec({ service: [v] }), CHECK)) {
      ctx.report('INVALID_SERVICE_PRINCIPAL_FORMAT', [item.location], { expectedFormat: 'service-name.amazonaws.com' });
    }
  } else if (type === 'Federated') {
    // Federated principals belong in role trust policies only ("you can't use a SAML principal in an
    // Amazon S3 bucket policy").
    if (!ctx.isTrust(s)) ctx.report('FEDERATED_PRINCIPAL_NOT_SUPPORTED', [item.location]);
    else if (principalProblem(spec({ federated: [v] }), CHECK)) {
      ctx.report('INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY', [item.location]);
    }
  }
}

const CHECK = { principalExists: undefined, allowCanonicalUser: true } as const;

function spec(values: Partial<Pick<PrincipalSpec, 'service' | 'federated'>>): PrincipalSpec {
  const { service = [], federated = [] } = values;
  return { wildcard: false, aws: [], service, federated, canonicalUser: [] };
}

/** An assumed-role session named next to its role adds nothing: the role already covers every session. */
function checkRedundantSessions(ctx: CheckContext, p: PrincipalElement): void {
  const aws = p.entries.filter((e) => e.type === 'AWS').flatMap((e) => e.items);
  const roles = new Map<string, string>();
  for (const item of aws) {
    const m = ROLE.exec(item.value);
    if (m) roles.set(`${m[1]}|${m[2]}|${m[3]}`, item.value);
  }
  for (const item of aws) {
    const m = ASSUMED_ROLE.exec(item.value);
    const role = m && roles.get(`${m[1]}|${m[2]}|${m[3]}`);
    if (!role) continue;
    const params = { redundant_principal: item.value, parent_role: role };
    ctx.report('REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY', [item.location], params);
  }
}

/**
 * Each way of assuming a role has its principal: sts:AssumeRole an AWS or service principal,
 * sts:AssumeRoleWithSAML a SAML provider, sts:AssumeRoleWithWebIdentity an OIDC provider (the CLI's
 * validate-policy example: sts:AssumeRole with the federated `cognito-identity.amazonaws.com`).
 * Locations: the action, then the principal types it does not fit.
 */
function checkMismatchedActions(ctx: CheckContext, s: StatementModel, p: PrincipalElement): void {
  const federated = p.entries.filter((e) => e.type === 'Federated');
  const others = p.entries.filter((e) => e.type !== 'Federated');
  const saml = federated.filter((e) => e.items.some((i) => SAML_PROVIDER.test(i.value)));
  const oidc = federated.filter((e) => e.items.some((i) => !SAML_PROVIDER.test(i.value)));
  for (const action of s.action?.items ?? []) {
    const name = action.value.toLowerCase();
    let misfits: readonly PrincipalEntry[] = [];
    if (name === 'sts:assumerole' && federated.length > 0 && others.length === 0) misfits = federated;
    else if (name === 'sts:assumerolewithsaml' && saml.length === 0) misfits = p.entries;
    else if (name === 'sts:assumerolewithwebidentity' && oidc.length === 0) misfits = p.entries;
    if (misfits.length === 0) continue;
    const names = misfits.flatMap((e) => e.items.map((i) => i.value)).join(', ');
    const locations: Location[] = [action.location, ...misfits.map((e) => e.location)];
    ctx.report('MISMATCHED_ACTION_FOR_PRINCIPAL', locations, { actionName: action.value, principalNames: names });
  }
}

function checkRolesAnywhere(ctx: CheckContext, s: StatementModel, p: PrincipalElement): void {
  const services = p.entries.filter((e) => e.type === 'Service').flatMap((e) => e.items);
  const rolesAnywhere = services.find((i) => i.value === ROLES_ANYWHERE);
  if (!rolesAnywhere) return;
  const actions = compileActionPatterns((s.action?.items ?? []).map((i) => i.value));
  if (ROLES_ANYWHERE_ACTIONS.every((a) => actions.matches(a))) return;
  ctx.report('MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY', [rolesAnywhere.location]);
}
