import type { AuthenticationResult } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { IdentityPolicies, IdentityPolicy, IdentityPolicyLoader } from '../iam/identity-policies.js';
import {
  accessDeniedMessage,
  authorize,
  buildRequestContext,
  parseAndCompilePolicy,
  principalFromCaller,
  type CompiledPolicy,
  type NetworkEndpoint,
} from '../policy/index.js';
import type { Authorizer, AuthzCheck, AuthzOutcome, RequestInfo } from '../server/protocol.js';

interface CompiledSets {
  readonly policies: readonly CompiledPolicy[];
  readonly permissionsBoundary: CompiledPolicy | undefined;
  /**
   * Checks these policies allowed, by action, then `resourceAccount resource`; null for an action some
   * statement decides with the request's context (see `allowedChecks`).
   */
  readonly allowed: Map<string, Map<string, true> | null>;
}

/** Remembered allowed resources per action and caller; past this the memo starts over. */
const ALLOWED_MEMO_LIMIT = 4096;

export interface PolicyAuthorizerOptions {
  /** The caller's identity policies (user inline + attached + groups'), cached with explicit invalidation. */
  readonly identityPolicies: IdentityPolicyLoader;
  /** Named network endpoints for aws:SourceVpce (CIDR → vpce id). */
  readonly networkEndpoints?: readonly NetworkEndpoint[];
  /** Bound on compiled policies kept (each id names one immutable policy version). */
  readonly maxCompiledPolicies?: number;
}

/**
 * The authorization step of the request path: gathers the policies that apply to the caller and asks
 * the pure policy engine about every check the operation declared. Compiled policies are cached by
 * id; ids name an immutable policy version (managed `ARN#v3`, inline `…#revision`), so a policy
 * change is a new id and takes effect on the next request without any stale entry.
 *
 * Resource-based policies (bucket policies, ACLs), boundaries' callers, sessions and SCPs arrive with
 * their issues (ROADMAP 1-2); the engine already takes them, so they plug in here.
 */
export class PolicyAuthorizer implements Authorizer {
  private readonly compiled = new Map<string, CompiledPolicy>();
  private readonly setsByIdentity = new WeakMap<IdentityPolicies, CompiledSets>();
  private readonly maxCompiled: number;

  constructor(private readonly options: PolicyAuthorizerOptions) {
    this.maxCompiled = options.maxCompiledPolicies ?? 50_000;
  }

  async authorize(caller: Caller, checks: readonly AuthzCheck[], request: RequestInfo, auth: AuthenticationResult): Promise<AuthzOutcome> {
    // The account root in its own account is allowed by IAM without consulting identity policies
    // (it has none). With no resource policy in play yet, nothing else could deny it.
    if (caller.kind === 'Root' && checks.every((c) => c.resourceAccount === undefined || c.resourceAccount === caller.accountId)) {
      return { decision: 'Allow' };
    }
    const identity = await this.options.identityPolicies.load(caller);
    const sets = this.compiledSets(identity);
    const { policies, permissionsBoundary } = sets;
    let principal: ReturnType<typeof principalFromCaller> | undefined; // not needed for a remembered allow
    for (const check of checks) {
      const allowed = allowedChecks(sets, check.action);
      const memoKey = `${check.resourceAccount ?? ''} ${check.resource}`;
      if (allowed?.has(memoKey)) continue;
      principal ??= principalFromCaller(caller, { tags: identity.principalTags });
      const context = buildRequestContext({
        caller,
        request,
        auth: auth.facts,
        principalTags: identity.principalTags,
        resourceAccount: check.resourceAccount,
        networkEndpoints: this.options.networkEndpoints,
        operationContext: check.context,
      });
      const result = authorize({
        principal,
        action: check.action,
        resource: check.resource,
        resourceAccount: check.resourceAccount,
        context,
        policies: { identity: policies, permissionsBoundary },
      });
      if (result.decision === 'Allow') {
        if (allowed) {
          if (allowed.size >= ALLOWED_MEMO_LIMIT) allowed.clear();
          allowed.set(memoKey, true);
        }
      } else {
        return {
          decision: result.decision,
          deniedCheck: check,
          message: accessDeniedMessage({ principal, action: check.action, resource: check.resource, result }),
          trace: { action: check.action, resource: check.resource, decidedBy: result.decidedBy, byType: result.byType, statements: result.trace, missingContextKeys: result.missingContextKeys },
        };
      }
    }
    return { decision: 'Allow' };
  }

  /**
   * The loader hands back the same IdentityPolicies object until an IAM change invalidates it, so the
   * compiled set is remembered per object: the request path does no per-policy lookups.
   */
  private compiledSets(identity: IdentityPolicies): CompiledSets {
    let sets = this.setsByIdentity.get(identity);
    if (!sets) {
      sets = {
        policies: identity.policies.map((p) => this.compile(p, 'identity')),
        permissionsBoundary: identity.permissionsBoundary && this.compile(identity.permissionsBoundary, 'boundary'),
        allowed: new Map(),
      };
      this.setsByIdentity.set(identity, sets);
    }
    return sets;
  }

  private compile(p: IdentityPolicy, kind: 'identity' | 'boundary'): CompiledPolicy {
    const key = `${kind}:${p.id}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const r = parseAndCompilePolicy(p.document, { kind, id: p.id });
    // Stored policies were validated when written; one that no longer parses is a bug, and skipping
    // it could drop a Deny, so fail closed (the pipeline answers InternalError).
    if (!r.ok) throw new Error(`stored policy ${p.id} does not compile: ${r.error.message}`);
    if (this.compiled.size >= this.maxCompiled) this.compiled.clear();
    this.compiled.set(key, r.policy);
    return r.policy;
  }
}

/**
 * The memo of allowed checks for `action`, when every statement of the caller's policies (identity and
 * boundary) that matches the action is context-free: then the decision is a function of the action,
 * the resource and its account alone (the principal is fixed: one memo per loaded identity, which an
 * IAM change replaces), and an Allow can be remembered. Anything a request's context could change
 * (conditions, policy variables) is evaluated every time, as are denials. Resource-based policies,
 * session policies and SCPs are not passed to the engine yet; when they are, they must count here too.
 */
function allowedChecks(sets: CompiledSets, action: string): Map<string, true> | null {
  let memo = sets.allowed.get(action);
  if (memo === undefined) {
    const lower = action.toLowerCase();
    const colon = lower.indexOf(':');
    const service = colon < 0 ? lower : lower.slice(0, colon); // as the engine derives it
    const all = sets.permissionsBoundary ? [...sets.policies, sets.permissionsBoundary] : sets.policies;
    memo = all.every((p) => p.statementsFor(lower, service).every((st) => st.contextFree)) ? new Map() : null;
    sets.allowed.set(action, memo);
  }
  return memo;
}
