import type { Effect, PolicyStatement, PrincipalSpec } from '../policy/policy-document.js';

/**
 * The principals a statement applies to, read as the engine reads `Principal` / `NotPrincipal`
 * (src/policy/principal-matcher.ts): an account (`123456789012` or its root ARN) covers every principal
 * of the account; an IAM or STS ARN the principal itself (a role ARN also its sessions, a user ARN the
 * federated sessions it starts); services, identity providers and canonical users by name. A statement
 * without either element (identity policies) applies to the one principal the policy is attached to.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * Deviation from AWS: a role ARN is not taken to cover the role's session ARNs, nor a canonical user
 * the account it stands for, and a NotPrincipal to be contained is compared only with another NotPrincipal:
 * each can make a check FAIL where AWS's solver answers PASS, never the reverse.
 */

export type PrincipalAtom =
  | {
      readonly type: 'AWS';
      /** The account the value names or lies in (undefined when the value shows none). */
      readonly account: string | undefined;
      /** Undefined for an account (`123456789012`, `arn:aws:iam::123456789012:root`). */
      readonly arn: string | undefined;
      readonly arnService: 'iam' | 'sts' | 'other';
      readonly key: string;
    }
  | { readonly type: 'Service' | 'Federated' | 'CanonicalUser'; readonly value: string; readonly key: string };

export type PrincipalSet =
  | { readonly mode: 'any' }
  | { readonly mode: 'in' | 'notIn'; readonly atoms: readonly PrincipalAtom[] };

const ACCOUNT = /^\d{12}$/;
const ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const IAM_OR_STS = /^arn:aws[a-z-]*:(iam|sts)::(\d{12}):/;

export function principalSet(st: PolicyStatement): PrincipalSet {
  if (st.principal) return st.principal.wildcard ? { mode: 'any' } : { mode: 'in', atoms: atomsOf(st.principal) };
  if (st.notPrincipal) {
    // NotPrincipal naming "*" excludes everyone: the statement applies to no one.
    return st.notPrincipal.wildcard ? { mode: 'in', atoms: [] } : { mode: 'notIn', atoms: atomsOf(st.notPrincipal) };
  }
  return { mode: 'any' };
}

function atomsOf(spec: PrincipalSpec): PrincipalAtom[] {
  const atoms: PrincipalAtom[] = spec.aws.map(awsAtom);
  for (const v of spec.service) atoms.push({ type: 'Service', value: v.toLowerCase(), key: `svc:${v.toLowerCase()}` });
  for (const v of spec.federated) atoms.push({ type: 'Federated', value: v, key: `fed:${v}` });
  for (const v of spec.canonicalUser) atoms.push({ type: 'CanonicalUser', value: v, key: `cu:${v}` });
  return atoms;
}

function awsAtom(v: string): PrincipalAtom {
  const account = ACCOUNT.test(v) ? v : ROOT.exec(v)?.[1];
  if (account !== undefined) {
    return { type: 'AWS', account, arn: undefined, arnService: 'other', key: `acct:${account}` };
  }
  const m = IAM_OR_STS.exec(v);
  return {
    type: 'AWS',
    account: m?.[2],
    arn: v,
    arnService: m ? (m[1] as 'iam' | 'sts') : 'other',
    key: `arn:${v}`,
  };
}

/** Every principal `sub` names is named by `sup`. */
function atomContains(sup: PrincipalAtom, sub: PrincipalAtom): boolean {
  if (sup.key === sub.key) return true;
  if (sup.type !== 'AWS' || sub.type !== 'AWS') return false;
  return sup.arn === undefined && sup.account !== undefined && sub.account === sup.account;
}

/** No principal is named by both (false when unsure). */
function atomsDisjoint(a: PrincipalAtom, b: PrincipalAtom): boolean {
  if (a.type !== b.type) {
    // A canonical user id stands for an account: it may be any AWS principal's.
    return !(a.type === 'CanonicalUser' && b.type === 'AWS') && !(a.type === 'AWS' && b.type === 'CanonicalUser');
  }
  if (a.key === b.key) return false;
  if (a.type !== 'AWS' || b.type !== 'AWS') return true;
  if (a.account !== undefined && b.account !== undefined && a.account !== b.account) return true;
  if (a.arn === undefined || b.arn === undefined) return false;
  // A principal has at most one IAM ARN (user, or role of a session, or user behind a federated
  // session) and at most one STS ARN (its session): two different ones of a kind never meet.
  return a.arnService !== 'other' && a.arnService === b.arnService;
}

export interface Principals {
  readonly set: PrincipalSet;
  readonly effect: Effect;
}

/**
 * Every principal `sub` applies to, `sup` applies to. NotPrincipal needs care (principal-matcher.ts):
 * an Allow with NotPrincipal applies when no identity of the principal's chain (account, role, session)
 * is listed; a Deny with NotPrincipal applies when one is not listed, and always to a principal with a
 * permissions boundary. So a NotPrincipal on the contained side is contained only in a NotPrincipal
 * with the same or a shorter list.
 */
export function principalsContain(sup: Principals, sub: Principals): boolean {
  if (sup.set.mode === 'any') return true;
  if (sub.set.mode === 'any') return false;
  if (sub.set.mode === 'notIn') {
    // Both lists compare the same chain of identities: a shorter list excludes fewer. A Deny's
    // NotPrincipal reaches further than an Allow's (the boundary rule), so it is never inside one.
    if (sup.set.mode !== 'notIn' || (sub.effect === 'Deny' && sup.effect === 'Allow')) return false;
    const listed = new Set(sub.set.atoms.map((a) => a.key));
    return sup.set.atoms.every((a) => listed.has(a.key));
  }
  const supSet = sup.set;
  if (supSet.mode === 'in') return sub.set.atoms.every((x) => supSet.atoms.some((y) => atomContains(y, x)));
  if (sup.effect === 'Deny') return sub.set.atoms.every((x) => supSet.atoms.every((n) => atomsDisjoint(x, n)));
  return sub.set.atoms.every((x) => allowNotPrincipalApplies(supSet.atoms, x));
}

/** An Allow with NotPrincipal `listed` applies to every principal `x` names. */
function allowNotPrincipalApplies(listed: readonly PrincipalAtom[], x: PrincipalAtom): boolean {
  switch (x.type) {
    case 'AWS':
      // No identity of the account may be listed: not the account, nor any user, role or session in it.
      return (
        x.account !== undefined &&
        listed.every((n) => n.type !== 'AWS' || (n.account !== undefined && n.account !== x.account))
      );
    case 'Service':
    case 'Federated':
      return listed.every((n) => n.key !== x.key);
    default:
      return false;
  }
}

/** No principal is both named by an Allow's `allow` and a Deny's `deny` (false when unsure). */
export function principalsDisjoint(allow: PrincipalSet, deny: PrincipalSet): boolean {
  if (allow.mode !== 'in' || deny.mode !== 'in') return false;
  return allow.atoms.every((x) => deny.atoms.every((y) => atomsDisjoint(x, y)));
}

/** The principals both sets name: the narrower when one contains the other, else undefined. */
export function principalsMeet(a: Principals, b: Principals): Principals | undefined {
  if (principalsContain(a, b)) return b;
  if (principalsContain(b, a)) return a;
  return undefined;
}
