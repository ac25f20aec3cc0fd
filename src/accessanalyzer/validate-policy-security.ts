import type { ConditionEntry, PrincipalSpec } from '../policy/policy-document.js';
import { isPublicPolicyDocument } from '../policy/public-policy.js';
import type { IssueCode } from './validate-policy-catalog.js';
import type { ListElement, PrincipalElement, StatementModel, StringItem } from './validate-policy-model.js';
import { hasWildcard, patternCovers } from './validate-policy-patterns.js';
import type { CheckContext, Location } from './validate-policy.js';

/**
 * Security warnings of Allow statements: AWS's (NotPrincipal, iam:PassRole and
 * iam:CreateServiceLinkedRole on many resources, service principals without a source, federated OIDC
 * principals without a condition) and Strongbox's own (STRONGBOX_…, see validate-policy-catalog.ts).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
 */

interface RoleActionChecks {
  /** The action, lower-cased. */
  readonly action: string;
  /** The role ARNs (resource part) a "star in resource" reaches. */
  readonly roles: string;
  /** A condition key that narrows the grant enough. */
  readonly narrowingKey: string | undefined;
  readonly starInResource: IssueCode;
  readonly starInActionAndResource: IssueCode;
  readonly notResource: IssueCode;
  readonly starInActionAndNotResource: IssueCode;
  readonly starInResourceAndNotAction: IssueCode;
  readonly notActionAndNotResource: IssueCode;
}

const PASS_ROLE: RoleActionChecks = {
  action: 'iam:passrole',
  roles: 'role/*',
  narrowingKey: 'iam:passedtoservice',
  starInResource: 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
  starInActionAndResource: 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE',
  notResource: 'PASS_ROLE_WITH_NOT_RESOURCE',
  starInActionAndNotResource: 'PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE',
  starInResourceAndNotAction: 'PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION',
  notActionAndNotResource: 'PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE',
};

const CREATE_SLR: RoleActionChecks = {
  action: 'iam:createservicelinkedrole',
  roles: 'role/aws-service-role/*',
  narrowingKey: undefined,
  starInResource: 'CREATE_SLR_WITH_STAR_IN_RESOURCE',
  starInActionAndResource: 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE',
  notResource: 'CREATE_SLR_WITH_NOT_RESOURCE',
  starInActionAndNotResource: 'CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE',
  starInResourceAndNotAction: 'CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION',
  notActionAndNotResource: 'CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE',
};

const SOURCE_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
]);
const OIDC_PROVIDER = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/;
const SAML_PROVIDER = /^arn:[^:]+:iam::\d{12}:saml-provider\//;
const GITHUB = 'token.actions.githubusercontent.com';
/** The grants issue #18's source document tells to keep for the security team (seed 003, "Tip # 3"). */
const DANGEROUS_ACTIONS = ['s3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutObjectAcl', 'iam:PassRole'];

export function checkSecurity(ctx: CheckContext, s: StatementModel): void {
  if (s.effect?.value !== 'Allow') return;
  const trust = ctx.isTrust(s);
  if (ctx.policyType === 'RESOURCE_POLICY') {
    if (s.notPrincipal) ctx.report('ALLOW_WITH_NOT_PRINCIPAL', [s.notPrincipal.location]);
    if (trust) checkOidcPrincipals(ctx, s);
    else checkServicePrincipals(ctx, s);
    checkPublicAccess(ctx, s);
  }
  const grants = ctx.policyType === 'IDENTITY_POLICY' || (ctx.policyType === 'RESOURCE_POLICY' && !trust);
  if (!grants) return;
  const passRoleReported = checkRoleAction(ctx, s, PASS_ROLE);
  checkRoleAction(ctx, s, CREATE_SLR);
  checkBroadGrants(ctx, s, { passRoleReported });
}

/**
 * iam:PassRole / iam:CreateServiceLinkedRole granted on every role (Resource `*`, or an ARN whose resource
 * part covers every role, such as `role/*`; a name prefix like `role/app-*` is a choice, not a finding) or
 * with NotResource. The action comes from an exact name, a wildcard, or a NotAction that does not exclude
 * it. iam:PassedToService narrows PassRole to one service, as the reference recommends.
 */
function checkRoleAction(ctx: CheckContext, s: StatementModel, c: RoleActionChecks): boolean {
  if (c.narrowingKey && s.conditions.some((k) => k.key.toLowerCase() === c.narrowingKey)) return false;
  const granting = (s.action?.items ?? []).filter((i) => covers(i.value, c.action));
  const exact = granting.find((i) => !hasWildcard(i.value));
  const viaNotAction = s.notAction !== undefined && !s.notAction.items.some((i) => covers(i.value, c.action));
  if (granting.length === 0 && !viaNotAction) return false;
  const starResource = (s.resource?.items ?? []).find((r) => coversAllRoles(r.value, c.roles));
  const action: StringItem | undefined = exact ?? granting[0];
  let code: IssueCode | undefined;
  let locations: Location[] = [];
  if (action && starResource) {
    code = exact ? c.starInResource : c.starInActionAndResource;
    locations = [action.location, starResource.location];
  } else if (action && s.notResource) {
    code = exact ? c.notResource : c.starInActionAndNotResource;
    locations = [action.location, s.notResource.location];
  } else if (!action && s.notAction && starResource) {
    code = c.starInResourceAndNotAction;
    locations = [s.notAction.location, starResource.location];
  } else if (!action && s.notAction && s.notResource) {
    code = c.notActionAndNotResource;
    locations = [s.notAction.location, s.notResource.location];
  }
  if (!code) return false;
  ctx.report(code, locations);
  return true;
}

function coversAllRoles(resource: string, roles: string): boolean {
  if (resource === '*') return true;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const exact = { ignoreCase: false };
  return patternCovers(parts[2], 'iam', exact) && patternCovers(parts.slice(5).join(':'), roles, exact);
}

/**
 * A service principal acts for many customers: without aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or
 * aws:SourceOrgPaths any of them can make it use this grant (the confused deputy). Role trust policies
 * are left out: a service assumes a role only for its own account.
 */
function checkServicePrincipals(ctx: CheckContext, s: StatementModel): void {
  const services = (s.principal?.entries ?? []).filter((e) => e.type === 'Service').flatMap((e) => e.items);
  if (services.length === 0 || s.conditions.some((c) => SOURCE_KEYS.has(c.key.toLowerCase()))) return;
  ctx.report('RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL', services.map((i) => i.location));
}

/** A federated OIDC principal needs a condition on its own claims (`<provider>:aud`, `…:sub`). */
function checkOidcPrincipals(ctx: CheckContext, s: StatementModel): void {
  const keys = s.conditions.map((c) => c.key.toLowerCase());
  const federated = (s.principal?.entries ?? []).filter((e) => e.type === 'Federated').flatMap((e) => e.items);
  for (const item of federated) {
    if (SAML_PROVIDER.test(item.value)) continue;
    const host = (OIDC_PROVIDER.exec(item.value)?.[1] ?? item.value).toLowerCase();
    if (host === GITHUB) {
      if (!keys.includes(`${GITHUB}:sub`)) ctx.report('MISSING_GITHUB_REPO_CONDITION_KEY', [item.location]);
    } else if (!keys.some((k) => k.startsWith(`${host}:`))) {
      ctx.report('MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL', [item.location]);
    }
  }
}

/**
 * STRONGBOX_PUBLIC_ACCESS: an Allow statement of a resource policy that S3's "meaning of public" calls
 * public (src/policy/public-policy.ts): a principal that is not fixed (`*`, `{"AWS": "*"}`, NotPrincipal,
 * a wildcard) and no condition that pins the caller.
 */
function checkPublicAccess(ctx: CheckContext, s: StatementModel): void {
  const element = s.notPrincipal ?? s.principal;
  if (!element) return;
  const statement = {
    sid: s.sid?.value,
    effect: 'Allow' as const,
    principal: s.principal && principalSpec(s.principal),
    notPrincipal: s.notPrincipal && principalSpec(s.notPrincipal),
    action: s.action?.items.map((i) => i.value),
    notAction: s.notAction?.items.map((i) => i.value),
    resource: s.resource?.items.map((i) => i.value),
    notResource: s.notResource?.items.map((i) => i.value),
    conditions: s.conditions.map(
      (c): ConditionEntry => ({ operator: c.operator, key: c.key, values: c.values.map((v) => v.value) }),
    ),
    span: undefined,
  };
  const document = { version: '2012-10-17' as const, versionGiven: true, id: undefined, statements: [statement] };
  if (!isPublicPolicyDocument(document)) return;
  const { span } = element.location;
  const written = ctx.text.slice(span.start.offset, span.end.offset).replace(/\s+/g, ' ');
  const principal = `${element.name} ${written.length > 80 ? `${written.slice(0, 77)}...` : written}`;
  ctx.report('STRONGBOX_PUBLIC_ACCESS', [element.location], { principal });
}

function principalSpec(p: PrincipalElement): PrincipalSpec {
  const values = (type: string): string[] =>
    p.entries.filter((e) => e.type === type).flatMap((e) => e.items.map((i) => i.value));
  const aws = values('AWS');
  return {
    wildcard: p.star || aws.includes('*'),
    aws: aws.filter((v) => v !== '*'),
    service: values('Service'),
    federated: values('Federated'),
    canonicalUser: values('CanonicalUser'),
  };
}

/**
 * Strongbox's least-privilege warnings (Deviation from AWS: its policy checks do not flag these):
 * - STRONGBOX_FULL_ACCESS: every action (`*`, `*:*`, or a NotAction) on every resource;
 * - STRONGBOX_FULL_SERVICE_ACCESS: `service:*` on every resource;
 * - STRONGBOX_DANGEROUS_ACTION: s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutObjectAcl or iam:PassRole (by name,
 *   by a wildcard such as `s3:*`, or not excluded by a NotAction) on a wildcard resource or a NotResource.
 *   An action already reported as full access is not repeated; iam:PassRole is left to AWS's PASS_ROLE_…
 *   check when that check fired.
 * "Every resource" is `*`, an ARN whose resource part is `*` (`arn:aws:s3:::*`), or a NotResource.
 */
function checkBroadGrants(ctx: CheckContext, s: StatementModel, o: { passRoleReported: boolean }): void {
  const everyResource = s.notResource !== undefined || (s.resource?.items ?? []).some((r) => isEveryResource(r.value));
  const wildcardResource = s.notResource ? 'NotResource' : s.resource?.items.find((r) => hasWildcard(r.value))?.value;
  const dangerous = DANGEROUS_ACTIONS.filter((a) => !(o.passRoleReported && a === 'iam:PassRole'));
  const reportDangerous = (location: Location, actions: readonly string[]): void => {
    if (wildcardResource !== undefined && actions.length > 0) {
      ctx.report('STRONGBOX_DANGEROUS_ACTION', [location], { actions: actions.join(', '), resource: wildcardResource });
    }
  };
  for (const item of s.action?.items ?? []) {
    const [service, name] = splitAction(item.value);
    if (everyResource && name === '*' && (service === undefined || hasWildcard(service))) {
      ctx.report('STRONGBOX_FULL_ACCESS', [item.location], { action: item.value });
    } else if (everyResource && name === '*' && service !== undefined) {
      ctx.report('STRONGBOX_FULL_SERVICE_ACCESS', [item.location], { service, action: item.value });
    } else {
      reportDangerous(item.location, dangerous.filter((a) => covers(item.value, a)));
    }
  }
  const notAction: ListElement | undefined = s.notAction;
  if (!notAction) return;
  if (everyResource) ctx.report('STRONGBOX_FULL_ACCESS', [notAction.location], { action: 'NotAction' });
  else reportDangerous(notAction.location, dangerous.filter((a) => !notAction.items.some((i) => covers(i.value, a))));
}

/** Whether an action pattern grants `action` (names compare case-insensitively). */
function covers(pattern: string, action: string): boolean {
  return patternCovers(pattern, action, { ignoreCase: true });
}

/** `s3:Get*` → [`s3`, `Get*`]; `*` → [undefined, `*`]. */
function splitAction(action: string): [string | undefined, string] {
  const colon = action.indexOf(':');
  return colon < 0 ? [undefined, action] : [action.slice(0, colon), action.slice(colon + 1)];
}

function isEveryResource(resource: string): boolean {
  if (resource === '*') return true;
  const parts = resource.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && parts.slice(5).join(':') === '*';
}
