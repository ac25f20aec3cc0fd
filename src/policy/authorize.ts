import { splitArn } from './arn-pattern.js';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  Decision,
  MatchedStatement,
  PolicyType,
  RequestPrincipal,
  TypeDecision,
} from './authorization-types.js';
import { EvaluationContext } from './eval-context.js';
import { EMPTY_OUTCOME, evaluatePolicySet, type PolicySetOutcome, type RequestFacts, type StatementHit } from './evaluate-policy.js';

/**
 * AWS's policy evaluation logic over plain data: explicit deny anywhere wins; SCPs must allow at
 * every level; then the identity side (identity policies ∩ permissions boundary ∩ session policies)
 * and the resource side (resource policy, ACL) combine as IAM documents for one account and across
 * accounts.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
 */

/**
 * The bucket owner's root can always read, replace and delete the bucket policy, even when the bucket
 * policy denies it: that is how an account recovers from a policy that locks everyone out.
 * https://repost.aws/knowledge-center/s3-accidentally-denied-access
 */
const ROOT_BUCKET_POLICY_ACTIONS: ReadonlySet<string> = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);

interface Evaluated {
  readonly identity: PolicySetOutcome;
  readonly boundary: PolicySetOutcome;
  readonly session: PolicySetOutcome;
  readonly scpLevels: readonly PolicySetOutcome[] | undefined;
  readonly rcpLevels: readonly PolicySetOutcome[] | undefined;
  readonly resource: PolicySetOutcome;
}

/** What the principal's own account grants: identity policies within boundary and session policies. */
interface IdentitySide {
  readonly allowed: boolean;
  /** Which type failed first when not allowed. */
  readonly failedType: PolicyType;
  readonly boundaryOk: boolean;
  readonly sessionOk: boolean;
}

/** Which statements explain a decision; computed only when someone reads `matchedStatements`. */
type Explanation = 'none' | 'denies' | 'resource' | 'identity' | 'identity+resource';

interface Outcome {
  readonly decision: Decision;
  readonly decidedBy: AuthorizationResult['decidedBy'];
  readonly explanation: Explanation;
}

export function authorize(req: AuthorizationRequest): AuthorizationResult {
  const p = req.principal;
  const pol = req.policies;
  const action = req.action.toLowerCase();
  const colon = action.indexOf(':');
  const ctx = new EvaluationContext(p, req.context);
  const iamPrincipal = p.kind === 'Root' || p.kind === 'User' || p.kind === 'AssumedRole' || p.kind === 'FederatedUser';
  const hasIdentityPolicies = iamPrincipal && p.kind !== 'Root';
  const facts: RequestFacts = {
    action,
    service: colon < 0 ? action : action.slice(0, colon),
    resource: splitArn(req.resource),
    principal: p,
    hasPermissionsBoundary: hasIdentityPolicies && pol.permissionsBoundary !== undefined,
    ctx,
  };
  // Role and federated sessions, and a root or user session that carries a session policy
  // (AssumeRoot's task policy).
  const isSession = p.kind === 'AssumedRole' || p.kind === 'FederatedUser' || (iamPrincipal && pol.sessionPolicies !== undefined);
  const ev: Evaluated = {
    identity: hasIdentityPolicies && pol.identity ? evaluatePolicySet(pol.identity, facts) : EMPTY_OUTCOME,
    boundary: facts.hasPermissionsBoundary && pol.permissionsBoundary ? evaluatePolicySet([pol.permissionsBoundary], facts) : EMPTY_OUTCOME,
    session: isSession && pol.sessionPolicies ? evaluatePolicySet(pol.sessionPolicies, facts) : EMPTY_OUTCOME,
    scpLevels: iamPrincipal && pol.scps ? pol.scps.map((level) => evaluatePolicySet(level, facts)) : undefined,
    rcpLevels: pol.rcps ? pol.rcps.map((level) => evaluatePolicySet(level, facts)) : undefined,
    resource: pol.resourcePolicy ? evaluatePolicySet([pol.resourcePolicy], facts) : EMPTY_OUTCOME,
  };
  const sameAccount = p.accountId !== undefined && (req.resourceAccount === undefined || req.resourceAccount === p.accountId);
  const rootLockoutException =
    p.kind === 'Root' && sameAccount && ROOT_BUCKET_POLICY_ACTIONS.has(action) && pol.resourcePolicy?.kind === 'resource';
  const outcome = decide({ req, ev, iamPrincipal, sameAccount, rootLockoutException, hasBoundary: facts.hasPermissionsBoundary });
  return new Result(outcome, ev, {
    req,
    hasIdentityPolicies,
    isSession,
    rootLockoutException,
    missingContextKeys: ctx.missingKeys(),
    crossAccount: !sameAccount,
  });
}

interface DecideInput {
  readonly req: AuthorizationRequest;
  readonly ev: Evaluated;
  readonly iamPrincipal: boolean;
  readonly sameAccount: boolean;
  readonly rootLockoutException: boolean;
  readonly hasBoundary: boolean;
}

function decide({ req, ev, iamPrincipal, sameAccount, rootLockoutException, hasBoundary }: DecideInput): Outcome {
  const p = req.principal;
  const pol = req.policies;
  const out = (decision: Decision, decidedBy: AuthorizationResult['decidedBy'], explanation: Explanation = 'none'): Outcome => ({ decision, decidedBy, explanation });
  const denied = explicitDeny(ev, rootLockoutException);
  if (denied) return out('ExplicitDeny', denied, 'denies');
  if (ev.scpLevels && ev.scpLevels.some((level) => level.allows.length === 0)) return out('ImplicitDeny', 'scp');
  if (ev.rcpLevels && ev.rcpLevels.some((level) => level.allows.length === 0)) return out('ImplicitDeny', 'rcp');

  const side = identitySide(p, ev, hasBoundary, pol.sessionPolicies !== undefined);
  const best = bestPrincipalMatch(ev.resource.allows, pol.aclGrant, iamPrincipal);
  // A KMS key policy gates like a trust policy.
  // https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
  const trustPolicy = pol.resourcePolicyType === 'Trust' || pol.resourcePolicyType === 'KeyPolicy';
  const resourceType: PolicyType = ev.resource.allows.length > 0 || !pol.aclGrant ? 'resource' : 'acl';

  if (!iamPrincipal) {
    // Anonymous requests, services and identity providers have no identity side: only a resource
    // policy (or ACL) that names them — or everyone — can allow.
    return best === 'Direct' ? out('Allow', resourceType, 'resource') : out('ImplicitDeny', 'resource');
  }
  if (sameAccount) {
    // A resource policy naming the user or session itself grants on its own; naming the role (of a
    // role session) or the user behind a federated session is limited by boundary and session policy.
    if (best === 'Direct') return out('Allow', resourceType, 'resource');
    if (best === 'Delegated' && side.boundaryOk && side.sessionOk) return out('Allow', 'resource', 'resource');
    // A trust policy must allow the principal even within the account; naming the account
    // delegates to the identity side.
    if (trustPolicy && best === 'None') return out('ImplicitDeny', 'resource');
    if (side.allowed) {
      return trustPolicy ? out('Allow', 'identity', 'identity+resource') : out('Allow', p.kind === 'Root' ? 'root' : 'identity', 'identity');
    }
    // The resource policy granted the role / federating user, but a boundary or session policy cut it.
    if (best === 'Delegated') return out('ImplicitDeny', side.boundaryOk ? 'session' : 'boundary');
    return out('ImplicitDeny', side.failedType);
  }
  // Across accounts both the principal's account (identity side) and the resource's account
  // (resource policy or ACL naming the principal or its account) must allow.
  if (!side.allowed) return out('ImplicitDeny', side.failedType);
  if (best === 'None') return out('ImplicitDeny', 'resource');
  return out('Allow', 'identity', 'identity+resource');
}

interface ResultDetails {
  readonly req: AuthorizationRequest;
  readonly hasIdentityPolicies: boolean;
  readonly isSession: boolean;
  readonly rootLockoutException: boolean;
  readonly missingContextKeys: readonly string[];
  readonly crossAccount: boolean;
}

/**
 * The verdict is computed eagerly; the explanation (matched statements, trace, per-type verdicts)
 * only when read, so enforcement allocates almost nothing beyond the statements that applied.
 */
class Result implements AuthorizationResult {
  readonly decision: Decision;
  readonly decidedBy: AuthorizationResult['decidedBy'];
  readonly missingContextKeys: readonly string[];
  readonly crossAccount: boolean;
  private cachedTrace: readonly MatchedStatement[] | undefined;
  private cachedMatched: readonly MatchedStatement[] | undefined;
  private cachedByType: Readonly<Record<PolicyType, TypeDecision>> | undefined;

  constructor(
    private readonly outcome: Outcome,
    private readonly ev: Evaluated,
    private readonly details: ResultDetails,
  ) {
    this.decision = outcome.decision;
    this.decidedBy = outcome.decidedBy;
    this.missingContextKeys = details.missingContextKeys;
    this.crossAccount = details.crossAccount;
  }

  get trace(): readonly MatchedStatement[] {
    return (this.cachedTrace ??= traceOf(this.ev, this.details.rootLockoutException));
  }

  get matchedStatements(): readonly MatchedStatement[] {
    return (this.cachedMatched ??= explain(this.outcome.explanation, this.ev, this.trace));
  }

  get byType(): Readonly<Record<PolicyType, TypeDecision>> {
    const d = this.details;
    return (this.cachedByType ??= typeDecisions(d.req, this.ev, d.hasIdentityPolicies, d.isSession, d.rootLockoutException));
  }

  toJSON(): AuthorizationResult {
    return {
      decision: this.decision,
      decidedBy: this.decidedBy,
      matchedStatements: this.matchedStatements,
      byType: this.byType,
      trace: this.trace,
      missingContextKeys: this.missingContextKeys,
      crossAccount: this.crossAccount,
    };
  }
}

function explain(e: Explanation, ev: Evaluated, trace: readonly MatchedStatement[]): readonly MatchedStatement[] {
  const identity = () => [
    ...ev.identity.allows.map((h) => matched(h, 'identity')),
    ...ev.boundary.allows.map((h) => matched(h, 'boundary')),
    ...ev.session.allows.map((h) => matched(h, 'session')),
  ];
  const resource = () => ev.resource.allows.map((h) => matched(h, 'resource'));
  switch (e) {
    case 'none':
      return [];
    case 'denies':
      return trace.filter((m) => m.effect === 'Deny');
    case 'resource':
      return resource();
    case 'identity':
      return identity();
    case 'identity+resource':
      return [...identity(), ...resource()];
  }
}

function identitySide(p: RequestPrincipal, ev: Evaluated, hasBoundary: boolean, hasSessionPolicies: boolean): IdentitySide {
  if (p.kind === 'Root') {
    // The root user needs no identity policy; a root session (AssumeRoot) is limited to its task policy.
    const sessionOk = !hasSessionPolicies || ev.session.allows.length > 0;
    return { allowed: sessionOk, failedType: 'session', boundaryOk: true, sessionOk };
  }
  const identityOk = ev.identity.allows.length > 0;
  const boundaryOk = !hasBoundary || ev.boundary.allows.length > 0;
  // A role session without session policy keeps the role's permissions; a federated user session
  // without one has none ("If there is no session policy ... Otherwise, the request is implicitly denied").
  let sessionOk = true;
  if (p.kind === 'AssumedRole') sessionOk = !hasSessionPolicies || ev.session.allows.length > 0;
  if (p.kind === 'FederatedUser') sessionOk = hasSessionPolicies && ev.session.allows.length > 0;
  const failedType: PolicyType = !identityOk ? 'identity' : !boundaryOk ? 'boundary' : 'session';
  return { allowed: identityOk && boundaryOk && sessionOk, failedType, boundaryOk, sessionOk: !hasSessionPolicies || ev.session.allows.length > 0 };
}

/** The strongest way an Allow on the resource side names the principal. */
function bestPrincipalMatch(
  allows: readonly StatementHit[],
  acl: AuthorizationRequest['policies']['aclGrant'],
  iamPrincipal: boolean,
): 'Direct' | 'Delegated' | 'Account' | 'None' {
  let best: 'Direct' | 'Delegated' | 'Account' | 'None' = 'None';
  if (acl === 'Everyone') return 'Direct';
  if (acl === 'Account' && iamPrincipal) best = 'Account';
  for (const h of allows) {
    if (h.principalMatch === 'Direct') return 'Direct';
    if (h.principalMatch === 'RoleArn' || h.principalMatch === 'FederatingUser') best = 'Delegated';
    else if (h.principalMatch === 'Account' && best === 'None') best = 'Account';
  }
  return best;
}

function explicitDeny(ev: Evaluated, rootLockoutException: boolean): PolicyType | undefined {
  if (ev.scpLevels?.some((l) => l.denies.length > 0)) return 'scp';
  if (ev.rcpLevels?.some((l) => l.denies.length > 0)) return 'rcp';
  if (!rootLockoutException && ev.resource.denies.length > 0) return 'resource';
  if (ev.identity.denies.length > 0) return 'identity';
  if (ev.boundary.denies.length > 0) return 'boundary';
  if (ev.session.denies.length > 0) return 'session';
  return undefined;
}

function matched(h: StatementHit, policyType: PolicyType): MatchedStatement {
  return {
    policyType,
    policyId: h.policy.id,
    statementIndex: h.statement.index,
    sid: h.statement.sid,
    effect: h.statement.effect,
    span: h.statement.span,
  };
}

function traceOf(ev: Evaluated, rootLockoutException: boolean): MatchedStatement[] {
  const out: MatchedStatement[] = [];
  const add = (o: PolicySetOutcome, type: PolicyType, skipDenies = false) => {
    if (!skipDenies) for (const h of o.denies) out.push(matched(h, type));
    for (const h of o.allows) out.push(matched(h, type));
  };
  for (const level of ev.scpLevels ?? []) add(level, 'scp');
  for (const level of ev.rcpLevels ?? []) add(level, 'rcp');
  add(ev.resource, 'resource', rootLockoutException);
  add(ev.identity, 'identity');
  add(ev.boundary, 'boundary');
  add(ev.session, 'session');
  return out;
}

function typeDecisions(
  req: AuthorizationRequest,
  ev: Evaluated,
  hasIdentityPolicies: boolean,
  isSession: boolean,
  rootLockoutException: boolean,
): Record<PolicyType, TypeDecision> {
  const pol = req.policies;
  const of = (applicable: boolean, o: PolicySetOutcome, ignoreDenies = false): TypeDecision =>
    !applicable ? 'NotApplicable' : o.denies.length > 0 && !ignoreDenies ? 'ExplicitDeny' : o.allows.length > 0 ? 'Allow' : 'ImplicitDeny';
  const levels = (l: readonly PolicySetOutcome[] | undefined): TypeDecision =>
    !l ? 'NotApplicable' : l.some((x) => x.denies.length > 0) ? 'ExplicitDeny' : l.every((x) => x.allows.length > 0) ? 'Allow' : 'ImplicitDeny';
  return {
    identity: of(hasIdentityPolicies && pol.identity !== undefined, ev.identity),
    resource: of(pol.resourcePolicy !== undefined, ev.resource, rootLockoutException),
    boundary: of(hasIdentityPolicies && pol.permissionsBoundary !== undefined, ev.boundary),
    session: of(isSession && pol.sessionPolicies !== undefined, ev.session),
    scp: levels(ev.scpLevels),
    rcp: levels(ev.rcpLevels),
    acl: pol.aclGrant ? 'Allow' : 'NotApplicable',
  };
}
