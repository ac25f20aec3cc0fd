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
import { contextKeysFor, contextValuesKey, isRemembered, newMemoPlan, remember, type MemoPlan } from './allow-memo.js';
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
  /** Compiled policies by kind, then id (an id names one immutable version). */
  private readonly compiled = new Map<PolicyKind, Map<string, CompiledPolicy>>();
  private compiledCount = 0;
  private readonly principals = new Map<string, PrincipalPolicies>();
  /** The same, by caller object: the credential provider hands back one object per key, so no key string is built per request. */
  private readonly principalsByCaller = new WeakMap<Caller, PrincipalPolicies>();
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
      const resourceKey = check.resourceAccount === undefined ? check.resource : `${check.resourceAccount} ${check.resource}`;
      const valuesKey = remembering ? contextValuesKey(keys, context) + (aclGrant ?? '') : '';
      if (remembering && isRemembered(memo, resourceKey, valuesKey)) continue;
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
        if (remembering) remember(memo, resourceKey, valuesKey);
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
    // A KMS key policy is read with IAM's grammar (any service's actions), not PutBucketPolicy's.
    const dialect = ref.type === 'KeyPolicy' ? 'iam' : undefined;
    if (!ref.restrictPublic || !outsider) return this.compiledPolicy(ref, kind, dialect);
    const denies = denyStatementsOnly(ref.document);
    return denies === undefined ? undefined : this.compiledPolicy({ id: `${ref.id}#deny-only`, document: denies }, kind);
  }

  /** The caller's compiled side, reused while its inputs are the same objects. */
  private async principalPolicies(caller: Caller): Promise<PrincipalPolicies> {
    const { sources } = this.options;
    const identity = await sources.identity.load(caller);
    const generation = sources.organizations?.generation ?? 0;
    const fresh = (p: PrincipalPolicies | undefined) => p !== undefined && p.identitySource === identity && p.orgGeneration === generation;
    const mine = this.principalsByCaller.get(caller);
    if (fresh(mine)) return mine as PrincipalPolicies;
    const key = principalKey(caller);
    let sets = this.principals.get(key);
    if (!fresh(sets)) {
      sets = await buildPrincipalPolicies(caller, identity, sources, this.compile);
      if (this.principals.size >= MAX_PRINCIPAL_SETS) this.principals.clear();
      this.principals.set(key, sets);
    }
    this.principalsByCaller.set(caller, sets as PrincipalPolicies);
    return sets as PrincipalPolicies;
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

  private compiledPolicy(p: PolicyText, kind: PolicyKind, resourceDialect?: 'iam'): CompiledPolicy {
    let byId = this.compiled.get(kind);
    if (!byId) this.compiled.set(kind, (byId = new Map()));
    const hit = byId.get(p.id);
    if (hit) return hit;
    const r = parseAndCompilePolicy(p.document, { kind, id: p.id, resourceDialect });
    // Stored policies were validated when written; one that no longer parses is a bug, and skipping
    // it could drop a Deny, so fail closed (the pipeline answers InternalError).
    if (!r.ok) throw new Error(`stored policy ${p.id} does not compile: ${r.error.message}`);
    if (this.compiledCount >= this.maxCompiled) {
      this.compiled.clear();
      this.compiledCount = 0;
      this.compiled.set(kind, (byId = new Map()));
    }
    byId.set(p.id, r.policy);
    this.compiledCount++;
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
  let plans = sets.allowed.get(action);
  if (plans === undefined) sets.allowed.set(action, (plans = new Map()));
  const policyKey = resourcePolicy ?? NO_RESOURCE_POLICY;
  let plan = plans.get(policyKey);
  if (plan === undefined) {
    const all = [...sets.identity, ...(sets.boundary ? [sets.boundary] : []), ...(sets.session ?? []), ...(sets.scps?.flat() ?? [])];
    if (resourcePolicy) all.push(resourcePolicy);
    plan = newMemoPlan(contextKeysFor(all, action));
    if (plans.size >= MAX_PLANS_PER_ACTION) plans.clear();
    plans.set(policyKey, plan);
  }
  return plan;
}

/** The plan key of checks without a resource policy. */
const NO_RESOURCE_POLICY = Symbol('no resource policy');
/** Resource policies (bucket policy revisions) an action keeps plans for; past this they start over. */
const MAX_PLANS_PER_ACTION = 1024;

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
