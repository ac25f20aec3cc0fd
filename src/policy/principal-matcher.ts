import type { RequestPrincipal } from './authorization-types.js';
import type { Effect, PrincipalSpec } from './policy-document.js';

/**
 * Principal / NotPrincipal of resource-based and trust policies.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * How a statement names the principal matters to the evaluation (see authorize.ts):
 * - `Direct`: the principal's own ARN (user, role session, federated user), `*`, a service or
 *   identity provider. Within one account this grants even without an identity-based allow.
 * - `RoleArn`: the role of a role session. Limited by the role's boundary and the session policy.
 * - `FederatingUser`: the IAM user behind a GetFederationToken session. Limited likewise.
 * - `Account`: the account (`123456789012`, `arn:aws:iam::123456789012:root`, its canonical user).
 *   This delegates to the account's identity-based policies.
 */
export type PrincipalMatch = 'Direct' | 'RoleArn' | 'FederatingUser' | 'Account' | 'None';

export interface PrincipalMatcher {
  match(p: RequestPrincipal): PrincipalMatch;
}

export interface NotPrincipalMatcher {
  /** Whether a statement with this NotPrincipal applies to `p`. */
  applies(p: RequestPrincipal, effect: Effect, hasPermissionsBoundary: boolean): boolean;
}

interface PrincipalSets {
  readonly wildcard: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly arns: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
  readonly canonical: ReadonlySet<string>;
}

const ROOT_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

function compileSets(spec: PrincipalSpec): PrincipalSets {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  for (const v of spec.aws) {
    if (/^\d{12}$/.test(v)) accounts.add(v);
    else {
      const root = ROOT_ARN.exec(v);
      if (root) accounts.add(root[1]);
      else arns.add(v);
    }
  }
  return {
    wildcard: spec.wildcard,
    accounts,
    arns,
    services: new Set(spec.service.map((s) => s.toLowerCase())),
    federated: new Set(spec.federated),
    canonical: new Set(spec.canonicalUser),
  };
}

export function compilePrincipal(spec: PrincipalSpec): PrincipalMatcher {
  const sets = compileSets(spec);
  return { match: (p) => matchPrincipal(sets, p) };
}

function matchPrincipal(s: PrincipalSets, p: RequestPrincipal): PrincipalMatch {
  if (s.wildcard) return 'Direct';
  switch (p.kind) {
    case 'Anonymous':
      return 'None';
    case 'Service':
      return p.service !== undefined && s.services.has(p.service.toLowerCase()) ? 'Direct' : 'None';
    case 'WebIdentity':
      return p.identityProvider !== undefined && s.federated.has(p.identityProvider) ? 'Direct' : 'None';
    default:
      break;
  }
  if (p.kind !== 'Root' && p.arn !== undefined && s.arns.has(p.arn)) return 'Direct';
  if (p.kind === 'AssumedRole' && p.roleArn !== undefined && s.arns.has(p.roleArn)) return 'RoleArn';
  if (p.kind === 'FederatedUser' && p.federatingUserArn !== undefined && s.arns.has(p.federatingUserArn)) return 'FederatingUser';
  if (p.accountId !== undefined && s.accounts.has(p.accountId)) return 'Account';
  if (p.canonicalUserId !== undefined && s.canonical.has(p.canonicalUserId)) return 'Account';
  return 'None';
}

/**
 * AWS checks a request against NotPrincipal at several levels — the account, then the role, then the
 * session or user ("AWS might validate the account first, then the role, and then the assumed-role
 * user"). We model that as the principal's chain of identities and read it conservatively:
 * a Deny applies when any identity of the chain is not listed (so the account must be listed too, as
 * the docs require); an Allow applies only when no identity of the chain is listed.
 *
 * Documented quirk kept on purpose: a Deny with NotPrincipal always applies to an IAM user or role
 * session that has a permissions boundary, whatever NotPrincipal lists.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
 */
export function compileNotPrincipal(spec: PrincipalSpec): NotPrincipalMatcher {
  const sets = compileSets(spec);
  return {
    applies(p, effect, hasPermissionsBoundary) {
      if (sets.wildcard) return false;
      if (effect === 'Deny' && hasPermissionsBoundary && (p.kind === 'User' || p.kind === 'AssumedRole')) return true;
      const chain = identityChain(p);
      if (chain.length === 0) return true;
      let listed = 0;
      for (const id of chain) if (isListed(sets, id)) listed++;
      return effect === 'Deny' ? listed < chain.length : listed === 0;
    },
  };
}

type ChainIdentity = { readonly account: string } | { readonly arn: string } | { readonly service: string } | { readonly provider: string };

function identityChain(p: RequestPrincipal): ChainIdentity[] {
  const chain: ChainIdentity[] = [];
  switch (p.kind) {
    case 'Anonymous':
      return chain;
    case 'Service':
      if (p.service !== undefined) chain.push({ service: p.service.toLowerCase() });
      return chain;
    case 'WebIdentity':
      if (p.identityProvider !== undefined) chain.push({ provider: p.identityProvider });
      return chain;
    default:
      break;
  }
  if (p.accountId !== undefined) chain.push({ account: p.accountId });
  if (p.kind === 'AssumedRole' && p.roleArn !== undefined) chain.push({ arn: p.roleArn });
  if (p.kind !== 'Root' && p.arn !== undefined) chain.push({ arn: p.arn });
  return chain;
}

function isListed(s: PrincipalSets, id: ChainIdentity): boolean {
  if ('account' in id) return s.accounts.has(id.account);
  if ('arn' in id) return s.arns.has(id.arn);
  if ('service' in id) return s.services.has(id.service);
  return s.federated.has(id.provider);
}
