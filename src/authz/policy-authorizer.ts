import type { AuthenticationResult } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import {
  accessDeniedMessage,
  authorize,
  buildRequestContext,
  parseAndCompilePolicy,
  principalFromCaller,
  type CompiledPolicy,
  type NetworkEndpoint,
  type PolicyKind,
  type RequestPrincipal,
} from '../policy/index.js';
import { canonicalUserId } from '../identity/canonical-user.js';
import type { AclGrant } from '../policy/index.js';
import type { AclAccess, Authorizer, AuthzCheck, AuthzOutcome, RequestInfo } from '../server/protocol.js';
import type { PolicySources, PolicyText } from './policy-sources.js';
import { contextKeysFor, memoKeyOf, newMemoPlan, remember, type MemoPlan } from './allow-memo.js';
import { buildPrincipalPolicies, type PrincipalPolicies } from './principal-policies.js';

/** Principal sets kept (one per principal and session); past this the cache starts over. */
const MAX_PRINCIPAL_SETS = 10_000;
/** Services whose resources RCPs govern (AWS Organizations: RCPs apply to S3, STS, KMS, SQS, Secrets Manager). */
const RCP_SERVICES: ReadonlySet<string> = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager']);

export interface PolicyAuthorizerOptions {
  readonly sources: PolicySources;
  /** Named network endpoints for aws:SourceVpce (CIDR → vpce id). */
  readonly networkEndpoints?: readonly NetworkEndpoint[];
  /** Bound on compiled policies kept (each id names one immutable policy version). */
  readonly maxCompiledPolicies?: number;
}

/** The resource account's RCPs, compiled, with the context keys their statements read, per action. */
interface ResourceOrg {
  readonly generation: number;
  readonly rcps: readonly (readonly CompiledPolicy[])[] | undefined;
  readonly keysByAction: Map<string, readonly string[] | null>;
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The authorization step of the request path. For every check an operation declared it gathers every
 * policy type that applies — identity (user, groups, role), permissions boundary, session policies,
 * the SCPs of the principal's account, the resource's own policy (a trust policy; bucket policies
 * next) and the RCPs of the resource's account — and asks the pure policy engine. Root callers are
 * evaluated too: a member account's root is subject to SCPs, and a root session to its task policy.
 *
 * Caches, all explicit: compiled policies by id (an id names one immutable version); the
 * principal's compiled side per principal and session, rebuilt when the identity loader hands back a
 * new object (it does after any IAM change) or the organization generation moves; and, inside it,
 * the checks it allowed, under the values of the context keys that could change the answer
 * (allow-memo.ts).
 */
export class PolicyAuthorizer implements Authorizer {
  private readonly compiled = new Map<string, CompiledPolicy>();
  private readonly principals = new Map<string, PrincipalPolicies>();
  private readonly resourceOrgs = new Map<string, ResourceOrg>();
  private readonly maxCompiled: number;
  private readonly compile = (p: PolicyText, kind: PolicyKind): CompiledPolicy => this.compiledPolicy(p, kind);

  constructor(private readonly options: PolicyAuthorizerOptions) {
    this.maxCompiled = options.maxCompiledPolicies ?? 50_000;
  }

  async authorize(caller: Caller, checks: readonly AuthzCheck[], request: RequestInfo, auth: AuthenticationResult): Promise<AuthzOutcome> {
    const sets = await this.principalPolicies(caller);
    let callerPrincipal: RequestPrincipal | undefined; // not needed for a remembered allow
    let principal: RequestPrincipal;
    for (const check of checks) {
      const rcps = await this.rcpsFor(check);
      const resourcePolicy = this.resourcePolicyFor(check, caller);
      const aclGrant = check.acl && aclGrantFor(check.acl, caller);
      const memo = check.principal ? null : memoPlan(sets, check.action, resourcePolicy);
      const rcpKeys = rcps ? rcpContextKeys(rcps, check.action) : NO_KEYS;
      const keys = memo && rcpKeys ? (rcpKeys.length > 0 ? [...memo.keys, ...rcpKeys] : memo.keys) : NO_KEYS;
      const remembering = memo !== null && rcpKeys !== null;
      const build = () =>
        buildRequestContext({
          caller,
          request,
          auth: auth.facts,
          principalTags: sets.principalTags,
          principalOrganization: sets.organization,
          resourceAccount: check.resourceAccount,
          networkEndpoints: this.options.networkEndpoints,
          operationContext: check.context,
        });
      // Remembered allows need no context unless the matching statements read some of it.
      let context = remembering && keys.length > 0 ? build() : undefined;
      const memoKey = remembering ? memoKeyOf(check.resourceAccount, check.resource, keys, context) + (aclGrant ? `\u0000acl=${aclGrant}` : '') : '';
      if (remembering && memo.allowed.has(memoKey)) continue;
      principal = check.principal ?? (callerPrincipal ??= principalFromCaller(caller, { tags: sets.principalTags }));
      context ??= build();
      const result = authorize({
        principal,
        action: check.action,
        resource: check.resource,
        resourceAccount: check.resourceAccount,
        context,
        policies: {
          identity: sets.identity,
          permissionsBoundary: sets.boundary,
          sessionPolicies: sets.session,
          scps: sets.scps,
          rcps: rcps?.rcps,
          resourcePolicy,
          resourcePolicyType: resourcePolicy && check.resourcePolicy?.type,
          aclGrant,
        },
      });
      if (result.decision === 'Allow') {
        if (remembering) remember(memo, memoKey);
        continue;
      }
      return {
        decision: result.decision,
        deniedCheck: check,
        message: accessDeniedMessage({ principal, action: check.action, resource: check.resource, result }),
        trace: {
          action: check.action,
          resource: check.resource,
          decidedBy: result.decidedBy,
          byType: result.byType,
          statements: result.trace,
          missingContextKeys: result.missingContextKeys,
          context: Object.fromEntries(context),
        },
      };
    }
    return { decision: 'Allow' };
  }

  /**
   * The resource's own policy, compiled. Under Block Public Access's RestrictPublicBuckets a public
   * bucket policy grants nothing to principals outside the bucket's account: they meet its Deny
   * statements only (a variant compiled once, cached by its own id).
   */
  private resourcePolicyFor(check: AuthzCheck, caller: Caller): CompiledPolicy | undefined {
    const ref = check.resourcePolicy;
    if (!ref) return undefined;
    const kind: PolicyKind = ref.type === 'Trust' ? 'trust' : 'resource';
    const outsider = caller.kind === 'Anonymous' || caller.accountId !== check.resourceAccount;
    if (!ref.restrictPublic || !outsider) return this.compiledPolicy(ref, kind);
    const denies = denyStatementsOnly(ref.document);
    return denies === undefined ? undefined : this.compiledPolicy({ id: `${ref.id}#deny-only`, document: denies }, kind);
  }

  /** The caller's compiled side, reused while its inputs are the same objects. */
  private async principalPolicies(caller: Caller): Promise<PrincipalPolicies> {
    const { sources } = this.options;
    const identity = await sources.identity.load(caller);
    const key = principalKey(caller);
    const hit = this.principals.get(key);
    const generation = sources.organizations?.generation ?? 0;
    if (hit && hit.identitySource === identity && hit.orgGeneration === generation) return hit;
    const built = await buildPrincipalPolicies(caller, identity, sources, this.compile);
    if (this.principals.size >= MAX_PRINCIPAL_SETS) this.principals.clear();
    this.principals.set(key, built);
    return built;
  }

  /** The RCPs that govern the check's resource, or undefined when none apply. */
  private async rcpsFor(check: AuthzCheck): Promise<ResourceOrg | undefined> {
    const orgs = this.options.sources.organizations;
    const account = check.resourceAccount;
    if (!orgs || account === undefined || !RCP_SERVICES.has(serviceOf(check.action))) return undefined;
    const hit = this.resourceOrgs.get(account);
    if (hit && hit.generation === orgs.generation) return hit.rcps ? hit : undefined;
    const generation = orgs.generation;
    const org = await orgs.forAccount(account);
    const rcps = org?.rcps?.map((level) => level.map((p) => this.compiledPolicy(p, RCP_KIND)));
    const entry: ResourceOrg = { generation, rcps, keysByAction: new Map() };
    if (this.resourceOrgs.size >= MAX_PRINCIPAL_SETS) this.resourceOrgs.clear();
    this.resourceOrgs.set(account, entry);
    return entry.rcps ? entry : undefined;
  }

  private compiledPolicy(p: PolicyText, kind: PolicyKind): CompiledPolicy {
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

const RCP_KIND = 'rcp' as PolicyKind;

function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
}

/** One principal set per principal and session: temporary credentials carry their own session context. */
function principalKey(caller: Caller): string {
  switch (caller.kind) {
    case 'Anonymous':
      return 'anonymous';
    case 'Root':
      return caller.session ? `root:${caller.accountId}:${caller.accessKeyId}` : `root:${caller.accountId}`;
    case 'User':
      return caller.session ? `user:${caller.userId}:${caller.accessKeyId}` : `user:${caller.userId}`;
    case 'AssumedRole':
      return `role:${caller.roleId}:${caller.accessKeyId}`;
  }
}

/** The context keys the RCP statements matching `action` read (null: one is volatile). */
function rcpContextKeys(org: ResourceOrg, action: string): readonly string[] | null {
  let keys = org.keysByAction.get(action);
  if (keys === undefined) {
    keys = contextKeysFor(org.rcps?.flat() ?? [], action);
    org.keysByAction.set(action, keys);
  }
  return keys;
}

/**
 * How allows of `action` are remembered for this principal set and resource policy (null: never).
 * A resource policy's Principal elements are decided by the principal, fixed per set; its
 * conditions' keys join the memo key like the principal side's.
 */
function memoPlan(sets: PrincipalPolicies, action: string, resourcePolicy: CompiledPolicy | undefined): MemoPlan | null {
  const planKey = resourcePolicy ? `${action}\u0000${resourcePolicy.id}` : action;
  let plan = sets.allowed.get(planKey);
  if (plan === undefined) {
    const all = [...sets.identity, ...(sets.boundary ? [sets.boundary] : []), ...(sets.session ?? []), ...(sets.scps?.flat() ?? [])];
    if (resourcePolicy) all.push(resourcePolicy);
    plan = newMemoPlan(contextKeysFor(all, action));
    sets.allowed.set(planKey, plan);
  }
  return plan;
}

/**
 * The engine's ACL grant for the caller: `Everyone` when AllUsers (or, for a signed caller,
 * AuthenticatedUsers) holds the permission; `Account` when the caller's account's canonical id does.
 */
function aclGrantFor(acl: AclAccess, caller: Caller): AclGrant | undefined {
  if (acl.allUsers || (acl.authenticatedUsers && caller.kind !== 'Anonymous')) return 'Everyone';
  if (caller.kind !== 'Anonymous' && acl.canonicalUsers.includes(canonicalUserId(caller.accountId))) return 'Account';
  return undefined;
}

/** The document with its Deny statements only; undefined when it has none. */
function denyStatementsOnly(document: string): string | undefined {
  const doc = JSON.parse(document) as { Statement: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as { Effect?: string }[];
  const denies = statements.filter((st) => st.Effect === 'Deny');
  return denies.length === 0 ? undefined : JSON.stringify({ ...doc, Statement: denies });
}
