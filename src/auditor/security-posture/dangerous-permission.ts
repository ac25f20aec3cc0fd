/**
 * A user's or role's dangerous permissions as one `DangerousPermission` finding: the dangerous actions
 * it is allowed on every resource, the escalation methods they complete, the statements that grant
 * them, and how to take them away. Pure.
 */
import { SERVED_NAMESPACES } from '../../iam/api/access-advisor-services.js';
import { ESCALATION_METHODS, RISK_SEVERITY, type DangerousAction, type EscalationMethod } from './dangerous-actions.js';
import type { AllowedAction, GrantingStatement } from './effective-permissions.js';
import { lowerSeverity, maxSeverity, type PostureFinding, type Severity } from './posture-types.js';

export interface AuditedIdentity {
  readonly kind: 'user' | 'role';
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
}

/** Who holds a policy that grants: what the fix detaches or deletes. */
export interface PolicyHolder {
  readonly kind: 'user' | 'group' | 'role';
  readonly name: string;
}

/** A granting policy as a finding names it: its ARN, or `inline:<name>`; and who holds it. */
export interface GrantSource {
  readonly policy: string;
  readonly inline: boolean;
  readonly holders: readonly PolicyHolder[];
}

export interface DangerousGrants {
  /** Sorted. */
  readonly actions: readonly string[];
  /** The reported actions that are allowed only when a Condition holds. */
  readonly onlyWithCondition: readonly string[];
  readonly methods: readonly EscalationMethod[];
  readonly severity: Severity;
  readonly statements: readonly GrantingStatement[];
}

/**
 * What is dangerous in what the principal is allowed: the actions dangerous on their own, and the
 * actions of every escalation method it can complete. Undefined when nothing is.
 */
export function dangerousGrants(
  catalogue: readonly DangerousAction[],
  allowed: readonly AllowedAction[],
): DangerousGrants | undefined {
  const byAction = new Map(allowed.map((a) => [a.action, a]));
  const severities: Severity[] = [];
  const reported = new Set<string>();
  for (const d of catalogue) {
    const a = byAction.get(d.action);
    if (!a || !d.risk || !(d.implies ?? []).every((x) => byAction.has(x))) continue;
    reported.add(d.action);
    severities.push(a.always ? RISK_SEVERITY[d.risk] : lowerSeverity(RISK_SEVERITY[d.risk]));
  }
  const methods = ESCALATION_METHODS.filter((m) => m.actions.every((x) => byAction.has(x)));
  for (const m of methods) {
    for (const x of m.actions) reported.add(x);
    const always = m.actions.every((x) => byAction.get(x)!.always);
    const severity = servedHere(m) ? 'CRITICAL' : 'HIGH';
    severities.push(always ? severity : lowerSeverity(severity));
  }
  if (reported.size === 0) return undefined;
  const actions = [...reported].sort();
  const statements = new Map<string, GrantingStatement>();
  for (const x of actions) for (const s of byAction.get(x)!.statements) statements.set(`${s.policyId} ${s.index}`, s);
  return {
    actions,
    onlyWithCondition: actions.filter((x) => !byAction.get(x)!.always),
    methods,
    severity: maxSeverity(severities),
    statements: [...statements.values()],
  };
}

/**
 * Whether Strongbox serves every service the method needs. A method through EC2, Lambda, Glue,
 * CloudFormation or Data Pipeline cannot be carried out against Strongbox, only with the same policy
 * on AWS: still reported, one severity lower than CRITICAL.
 */
export function servedHere(m: EscalationMethod): boolean {
  return m.actions.every((a) => SERVED_NAMESPACES.includes(a.slice(0, a.indexOf(':'))));
}

export function dangerousPermissionFinding(
  who: AuditedIdentity,
  grants: DangerousGrants,
  sourceOf: (policyId: string) => GrantSource,
): PostureFinding {
  const statements = grants.statements
    .map((s) => {
      const source = sourceOf(s.policyId);
      const via = source.holders.filter((h) => h.kind === 'group').map((h) => `group/${h.name}`);
      const direct = source.holders.some((h) => h.kind === who.kind);
      return {
        policy: source.policy,
        ...(s.sid !== undefined ? { sid: s.sid } : {}),
        index: s.index,
        ...(via.length > 0 && !direct ? { via } : {}),
      };
    })
    .sort((a, b) => (a.policy < b.policy ? -1 : a.policy > b.policy ? 1 : a.index - b.index));
  const sources = new Map<string, GrantSource>();
  for (const s of grants.statements) {
    const source = sourceOf(s.policyId);
    sources.set(source.policy, source);
  }
  return {
    key: 'dangerous',
    resourceType: who.kind === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role',
    resourceOwnerAccount: who.accountId,
    findingType: 'DangerousPermission',
    details: {
      principal: { AWS: who.arn },
      action: grants.actions,
      ...(grants.onlyWithCondition.length > 0 ? { onlyWithCondition: grants.onlyWithCondition } : {}),
      ...(grants.methods.length > 0
        ? {
            escalation: grants.methods.map((m) => ({
              method: m.method,
              name: m.name,
              actions: m.actions,
              servedHere: servedHere(m),
            })),
          }
        : {}),
      statements,
      severity: grants.severity,
      fix: fixOf(who, grants, [...sources.values()]),
    },
  };
}

function fixOf(who: AuditedIdentity, grants: DangerousGrants, sources: readonly GrantSource[]): string {
  const commands = sources.flatMap(removal);
  const what = grants.methods.length > 0 ? 'can escalate its privileges' : 'holds dangerous permissions';
  const boundary =
    `aws iam put-${who.kind}-permissions-boundary --${who.kind}-name ${who.name} ` +
    `--permissions-boundary <the ARN of a policy without them>`;
  return (
    `${who.kind === 'user' ? 'User' : 'Role'} ${who.name} ${what} (${grants.actions.join(', ')}) on every resource. ` +
    (commands.length > 0 ? `Remove the grants: ${commands.join('; ')}. ` : '') +
    `Or narrow the statements to the resources it needs, or cap it with a permissions boundary: ${boundary}. ` +
    `If it is a security administrator, add ${who.arn} to the auditor's security team.`
  );
}

function removal(s: GrantSource): string[] {
  return s.holders.map((h) =>
    s.inline
      ? `aws iam delete-${h.kind}-policy --${h.kind}-name ${h.name} --policy-name ${s.policy.slice('inline:'.length)}`
      : `aws iam detach-${h.kind}-policy --${h.kind}-name ${h.name} --policy-arn ${s.policy}`,
  );
}
