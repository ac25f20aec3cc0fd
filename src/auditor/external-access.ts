import {
  actionPattern,
  ACTION_OPS,
  inSet,
  RESOURCE_OPS,
  resourcePattern,
  setContains,
  setsDisjoint,
} from '../accessanalyzer/policy-check-patterns.js';
import { conditionsImply } from '../accessanalyzer/policy-check-conditions.js';
import { principalsContain, type PrincipalAtom, type Principals } from '../accessanalyzer/policy-check-principals.js';
import { publicStatements } from '../accessanalyzer/policy-check-public.js';
import { checkStatements, type CheckStatement } from '../accessanalyzer/policy-check-region.js';
import { parseOperatorName } from '../policy/condition/operator-name.js';
import type { ConditionEntry, PolicyDocument } from '../policy/policy-document.js';
import { isPublicPolicyDocument } from '../policy/public-policy.js';
import { ACL_GROUPS, type AclGrant, type AclPermission } from '../storage/ports.js';
import { bucketAclActions } from '../s3/acl-access.js';
import { actionsOf, type AnalyzedResourceType } from './resource-actions.js';

/**
 * IAM Access Analyzer's external access analysis: which principals outside the zone of trust (the
 * account, or the organization) a resource's policy — and a bucket's ACL — lets in, with which
 * actions and under which conditions. Computed from the policy language with the custom checks'
 * reasoning (src/accessanalyzer/policy-check-*.ts), never by sampling requests:
 * - each Allow statement names its principals (`*`, NotPrincipal: anyone); a principal inside the zone
 *   is no finding, nor is a statement whose conditions pin the caller inside it (aws:PrincipalAccount,
 *   aws:PrincipalOrgID, aws:PrincipalArn, kms:CallerAccount naming zone accounts only);
 * - its actions are the resource type's actions the statement can allow on this resource (an S3
 *   statement on `bucket/*` grants the object actions only), less those a Deny of the same policy
 *   refuses whenever the Allow applies;
 * - public (`isPublic`) is S3's "meaning of public" (policy-check-public.ts): a principal that is not
 *   fixed and no condition that pins the caller or the network;
 * - a bucket's Block Public Access: RestrictPublicBuckets makes a public policy grant nothing outside
 *   the account, IgnorePublicAcls makes public ACL grants count for nothing.
 * Findings are grouped as AWS groups them: one per principal and condition, with every action.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
 *
 * Decisions: AWS service principals are not external (they act for the resource's own account); a
 * canonical user id outside the zone is reported as `{"CanonicalUser": id}`.
 */

export interface AnalyzedResource {
  readonly resourceType: AnalyzedResourceType;
  readonly arn: string;
  readonly ownerAccount: string;
  /** The resource policy (bucket policy, trust policy, key policy), parsed; undefined: none. */
  readonly policy: PolicyDocument | undefined;
  /** A bucket's ACL grants, when ACLs are enabled (not BucketOwnerEnforced). */
  readonly acl?: readonly AclGrant[];
  /** A bucket's effective Block Public Access (bucket and account settings together). */
  readonly blockPublicAccess?: { readonly restrictPublicBuckets: boolean; readonly ignorePublicAcls: boolean };
}

export interface ZoneOfTrust {
  readonly accounts: ReadonlySet<string>;
  /** The organization, for an ORGANIZATION analyzer. */
  readonly organizationId?: string;
  /** The account a canonical user id stands for, when it is one of this server's. */
  readonly accountOfCanonicalUser: (id: string) => string | undefined;
}

export interface FindingSource {
  readonly type: 'POLICY' | 'BUCKET_ACL';
}

export interface ExternalAccess {
  readonly principal: Readonly<Record<string, string>>;
  readonly action: readonly string[];
  readonly condition: Readonly<Record<string, string>>;
  readonly isPublic: boolean;
  readonly sources: readonly FindingSource[];
  /** The statements that grant it (policy findings). */
  readonly statements: readonly { readonly index: number; readonly sid?: string }[];
  /** The ACL permissions that grant it (ACL findings). */
  readonly aclPermissions?: readonly AclPermission[];
}

export function analyzeExternalAccess(r: AnalyzedResource, zone: ZoneOfTrust): ExternalAccess[] {
  const found = new Map<string, Mutable>();
  if (r.policy) for (const a of policyAccess(r, r.policy, zone)) merge(found, a);
  if (r.acl) for (const a of aclAccess(r, r.acl, zone)) merge(found, a);
  return [...found.values()].map((m) => ({ ...m, action: [...m.action].sort() }));
}

type Mutable = Omit<ExternalAccess, 'action' | 'statements' | 'aclPermissions'> & {
  action: Set<string>;
  statements: { index: number; sid?: string }[];
  aclPermissions?: AclPermission[];
};

function merge(found: Map<string, Mutable>, a: ExternalAccess): void {
  const key = JSON.stringify([a.principal, a.condition, a.isPublic, a.sources[0]?.type]);
  const m = found.get(key);
  if (m === undefined) {
    found.set(key, {
      ...a,
      action: new Set(a.action),
      statements: [...a.statements],
      aclPermissions: a.aclPermissions && [...a.aclPermissions],
    });
    return;
  }
  for (const x of a.action) m.action.add(x);
  for (const s of a.statements) if (!m.statements.some((t) => t.index === s.index)) m.statements.push(s);
  for (const p of a.aclPermissions ?? []) if (!m.aclPermissions?.includes(p)) (m.aclPermissions ??= []).push(p);
}

// ---- policies ----

/** The resource types' names for the public-access reasoning (CheckNoPublicAccess's). */
const PUBLIC_CHECK_TYPE: Readonly<Record<AnalyzedResourceType, string>> = {
  'AWS::S3::Bucket': 'AWS::S3::Bucket',
  'AWS::IAM::Role': 'AWS::IAM::AssumeRolePolicyDocument',
  'AWS::KMS::Key': 'AWS::KMS::Key',
};

function policyAccess(r: AnalyzedResource, doc: PolicyDocument, zone: ZoneOfTrust): ExternalAccess[] {
  // RestrictPublicBuckets: a public policy lets in only the owner's account and services.
  if (r.blockPublicAccess?.restrictPublicBuckets && isPublicPolicyDocument(doc)) return [];
  const statements = checkStatements(doc);
  const denies = statements.filter((s) => s.effect === 'Deny');
  const publicIndexes = new Set(publicStatements(doc, PUBLIC_CHECK_TYPE[r.resourceType]));
  const out: ExternalAccess[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const conditions = doc.statements[s.index]!.conditions;
    if (pinnedInsideZone(conditions, zone)) continue;
    const actions = actionsOf(r.resourceType, r.arn).filter(
      (a) =>
        setContains(ACTION_OPS, s.actions, inSet([actionPattern(a.name)])) &&
        !setsDisjoint(RESOURCE_OPS, s.resources, inSet([resourcePattern(a.resource, doc.version)])),
    );
    if (actions.length === 0) continue;
    for (const p of externalPrincipals(s.principals, zone)) {
      const allowed = actions.filter((a) => !denies.some((d) => refuses(d, s, p.principals, a)));
      if (allowed.length === 0) continue;
      out.push({
        principal: p.map,
        action: allowed.map((a) => a.name),
        condition: conditionMap(conditions),
        isPublic: p.anyone && publicIndexes.has(s.index),
        sources: [{ type: 'POLICY' }],
        statements: [{ index: s.index, ...(s.sid !== undefined ? { sid: s.sid } : {}) }],
      });
    }
  }
  return out;
}

/** A Deny refuses the action to the principals whenever the Allow grants it (sound: false when unsure). */
function refuses(
  d: CheckStatement,
  allow: CheckStatement,
  principals: Principals,
  a: { name: string; resource: string },
): boolean {
  if (!setContains(ACTION_OPS, d.actions, inSet([actionPattern(a.name)]))) return false;
  const scope = inSet([resourcePattern(a.resource, '2012-10-17')]);
  if (!setContains(RESOURCE_OPS, d.resources, allow.resources) && !setContains(RESOURCE_OPS, d.resources, scope))
    return false;
  return principalsContain(d.principals, principals) && conditionsImply(allow.conditions, d.conditions);
}

interface ExternalPrincipal {
  readonly map: Readonly<Record<string, string>>;
  /** `*` or NotPrincipal: anyone (public unless a condition pins the caller). */
  readonly anyone: boolean;
  /** The principal as a set, for weighing Denies. */
  readonly principals: Principals;
}

function externalPrincipals(p: Principals, zone: ZoneOfTrust): ExternalPrincipal[] {
  if (p.set.mode !== 'in') return [{ map: { AWS: '*' }, anyone: true, principals: p }];
  const out: ExternalPrincipal[] = [];
  for (const atom of p.set.atoms) {
    const map = externalAtom(atom, zone);
    if (map) out.push({ map, anyone: false, principals: { set: { mode: 'in', atoms: [atom] }, effect: 'Allow' } });
  }
  return out;
}

function externalAtom(atom: PrincipalAtom, zone: ZoneOfTrust): Record<string, string> | undefined {
  switch (atom.type) {
    case 'AWS':
      if (atom.account !== undefined && zone.accounts.has(atom.account)) return undefined;
      return { AWS: atom.arn ?? atom.account ?? '*' };
    case 'Federated':
      return { Federated: atom.value };
    case 'CanonicalUser': {
      const account = zone.accountOfCanonicalUser(atom.value);
      return account !== undefined && zone.accounts.has(account) ? undefined : { CanonicalUser: atom.value };
    }
    default:
      return undefined;
  }
}

const ACCOUNT_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * Conditions that let in only callers of the zone: a positive, fixed-value test of the caller's
 * account, organization or ARN, every value inside the zone.
 */
function pinnedInsideZone(conditions: readonly ConditionEntry[], zone: ZoneOfTrust): boolean {
  return conditions.some((c) => {
    const op = parseOperatorName(c.operator);
    if (!op || op.ifExists || op.qualifier === 'ForAllValues' || c.values.length === 0) return false;
    if (!['StringEquals', 'StringEqualsIgnoreCase', 'StringLike', 'ArnEquals', 'ArnLike'].includes(op.base))
      return false;
    if (c.values.some((v) => /[*?]|\$\{/.test(v))) return false;
    switch (c.key.toLowerCase()) {
      case 'aws:principalaccount':
      case 'kms:calleraccount':
        return c.values.every((v) => zone.accounts.has(v));
      case 'aws:principalorgid':
        return zone.organizationId !== undefined && c.values.every((v) => v === zone.organizationId);
      case 'aws:principalarn':
        return c.values.every((v) => zone.accounts.has(ACCOUNT_ARN.exec(v)?.[1] ?? ''));
      default:
        return false;
    }
  });
}

/** AWS's ConditionKeyMap: each key of the statement's conditions with its values. */
function conditionMap(conditions: readonly ConditionEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of conditions) {
    const values = c.values.join(',');
    out[c.key] = out[c.key] === undefined ? values : `${out[c.key]},${values}`;
  }
  return out;
}

// ---- bucket ACLs ----

function aclAccess(r: AnalyzedResource, acl: readonly AclGrant[], zone: ZoneOfTrust): ExternalAccess[] {
  const out: ExternalAccess[] = [];
  for (const g of acl) {
    const who = aclGrantee(g, r, zone);
    if (who === undefined) continue;
    out.push({
      principal: who.map,
      action: bucketAclActions(g.permission),
      condition: {},
      isPublic: who.isPublic,
      sources: [{ type: 'BUCKET_ACL' }],
      statements: [],
      aclPermissions: [g.permission],
    });
  }
  return out;
}

function aclGrantee(
  g: AclGrant,
  r: AnalyzedResource,
  zone: ZoneOfTrust,
): { map: Record<string, string>; isPublic: boolean } | undefined {
  if (g.grantee.type === 'CanonicalUser') {
    const account = zone.accountOfCanonicalUser(g.grantee.id);
    if (account !== undefined && zone.accounts.has(account)) return undefined;
    return { map: account !== undefined ? { AWS: account } : { CanonicalUser: g.grantee.id }, isPublic: false };
  }
  // The log-delivery group is S3's own service; only everyone and every AWS account are external.
  if (g.grantee.uri !== ACL_GROUPS.AllUsers && g.grantee.uri !== ACL_GROUPS.AuthenticatedUsers) return undefined;
  if (r.blockPublicAccess?.ignorePublicAcls) return undefined;
  return { map: { AWS: '*' }, isPublic: true };
}
