/**
 * Which of the dangerous actions a user or role may perform on every resource, decided by the policy
 * engine from the policies enforcement itself reads.
 *
 * The path is the one requests take: `loadIdentityPolicies` gathers the identity policies (the user's
 * inline and attached ones and its groups', or the role's), tags and permissions boundary;
 * `buildPrincipalPolicies` adds the SCPs of the principal's account and compiles them; `authorize`
 * decides. SimulatePrincipalPolicy gathers the same policies (src/iam/api/simulate.ts), but through
 * closures inside `simulateOperations`, which nothing outside can call. The RCPs of the principal's
 * own account apply to actions of the services they govern, as in enforcement.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import { buildPrincipalPolicies } from '../../authz/principal-policies.js';
import type { PolicySources } from '../../authz/policy-sources.js';
import type { AssumedRoleCaller, UserCaller } from '../../identity/caller.js';
import type { AwsManagedPolicyCatalog } from '../../iam/aws-managed/catalog.js';
import { roleArn, userArn } from '../../iam/arn.js';
import { loadIdentityPolicies, type IdentityPolicies } from '../../iam/identity-policies.js';
import type { IamStore, UserRow } from '../../iam/store/types.js';
import type { RoleRow } from '../../iam/store/role-types.js';
import { loadAccountOrganization, type AccountOrganization } from '../../organizations/organization-policies.js';
import {
  authorize,
  principalFromCaller,
  type CompiledPolicy,
  type PolicyKind,
  type PolicySets,
} from '../../policy/index.js';
import { scopeResource, type DangerousAction } from './dangerous-actions.js';
import { PolicyReadingCompiler } from './policy-readings.js';

export type AuditedPrincipal =
  { readonly kind: 'user'; readonly row: UserRow } | { readonly kind: 'role'; readonly row: RoleRow };

/** An Allow statement of an identity policy; `policyId` is the loader's id (`ARN#v1`, `inline-user:…`). */
export interface GrantingStatement {
  readonly policyId: string;
  readonly index: number;
  readonly sid: string | undefined;
}

export interface AllowedAction {
  readonly action: string;
  /** Allowed in every request; false: only when some statement's Condition holds. */
  readonly always: boolean;
  /** The identity policies' Allow statements that grant it, as the engine reports them. */
  readonly statements: readonly GrantingStatement[];
}

/**
 * The services whose resources RCPs govern (as src/authz/policy-authorizer.ts, where the set is not
 * exported). https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
const RCP_SERVICES: ReadonlySet<string> = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager']);

type Levels = readonly (readonly CompiledPolicy[])[];

/**
 * One per analysis: compiled policies and the organization's view of each account are shared by
 * every principal analyzed. Cost per principal: its policy reads (as enforcement's, one query per
 * attached policy) and 2 × |actions| engine evaluations, each over the statements of the action's
 * service; policies are compiled once per version for the whole analysis.
 */
export class EffectivePermissions {
  private readonly compiler = new PolicyReadingCompiler();
  private readonly organizations = new Map<string, Promise<AccountOrganization | undefined>>();

  constructor(private readonly deps: { readonly iam: IamStore; readonly awsManaged: AwsManagedPolicyCatalog }) {}

  /** The actions the principal may perform on the whole of their scope, in catalogue order. */
  async allowed(principal: AuditedPrincipal, actions: readonly DangerousAction[]): Promise<AllowedAction[]> {
    const account = principal.row.accountId;
    return this.allowedRequests(
      principal,
      actions.map((a) => ({ action: a.action, resource: scopeResource(a.scope, account) })),
    );
  }

  /**
   * Which of the requests (an action on a resource ARN) the principal may make, with the resource's own
   * policy weighed as enforcement weighs it (a bucket policy of the same account can allow by itself):
   * the internal access analysis (src/auditor/internal-access.ts).
   */
  async allowedRequests(
    principal: AuditedPrincipal,
    requests: readonly { readonly action: string; readonly resource: string; readonly resourceAccount?: string }[],
    resourcePolicy?: { readonly id: string; readonly document: string },
  ): Promise<AllowedAction[]> {
    const caller = callerOf(principal);
    const identity = await loadIdentityPolicies(this.deps.iam, caller, this.deps.awsManaged);
    const compile = (p: { id: string; document: string }, kind: PolicyKind) => this.compiler.compile(p, kind).mayAllow;
    const sets = await buildPrincipalPolicies(caller, identity, this.sources(identity), compile);
    const org = await this.organization(caller.accountId);
    const rcps = org?.rcps?.map((level) => level.map((p) => compile(p, 'rcp')));
    const request = principalFromCaller(caller, { tags: sets.principalTags });
    const resource = resourcePolicy && compile(resourcePolicy, 'resource');
    const may: PolicySets = {
      identity: sets.identity,
      permissionsBoundary: sets.boundary,
      scps: sets.scps,
      ...(resource ? { resourcePolicy: resource, resourcePolicyType: 'Resource' as const } : {}),
    };
    const always: PolicySets = {
      identity: sets.identity.map(this.always),
      permissionsBoundary: sets.boundary && this.always(sets.boundary),
      scps: this.alwaysLevels(sets.scps),
      ...(resource ? { resourcePolicy: this.always(resource), resourcePolicyType: 'Resource' as const } : {}),
    };
    const alwaysRcps = this.alwaysLevels(rcps);
    const out: AllowedAction[] = [];
    for (const a of requests) {
      const governed = RCP_SERVICES.has(a.action.slice(0, a.action.indexOf(':')));
      const ask = (policies: PolicySets, levels: Levels | undefined) =>
        authorize({
          principal: request,
          action: a.action,
          resource: a.resource,
          ...(a.resourceAccount !== undefined ? { resourceAccount: a.resourceAccount } : {}),
          policies: governed && levels ? { ...policies, rcps: levels } : policies,
        });
      const r = ask(may, rcps);
      if (r.decision !== 'Allow') continue;
      out.push({
        action: a.action,
        always: ask(always, alwaysRcps).decision === 'Allow',
        statements: r.matchedStatements
          .filter((m) => m.policyType === 'identity' || m.policyType === 'resource')
          .map((m) => ({ policyId: m.policyId, index: m.statementIndex, sid: m.sid })),
      });
    }
    return out;
  }

  private readonly always = (p: CompiledPolicy): CompiledPolicy => this.compiler.alwaysAllowsOf(p);

  private alwaysLevels(levels: Levels | undefined): Levels | undefined {
    return levels?.map((level) => level.map(this.always));
  }

  private organization(accountId: string): Promise<AccountOrganization | undefined> {
    let org = this.organizations.get(accountId);
    if (!org) this.organizations.set(accountId, (org = loadAccountOrganization(this.deps.iam, accountId)));
    return org;
  }

  /** What buildPrincipalPolicies reads: the organization (SCPs); the principal's policies are loaded already. */
  private sources(identity: IdentityPolicies): PolicySources {
    return {
      identity: { load: async () => identity, invalidate: () => undefined, close: () => undefined },
      // Session policies only: an audited principal has no session.
      managedPolicy: async () => undefined,
      organizations: { forAccount: (accountId) => this.organization(accountId), generation: 0 },
    };
  }
}

/**
 * The caller a request of the principal would have. A role is audited as a session of the role
 * without session policy (what SimulatePrincipalPolicy does): its permissions are the role's.
 */
function callerOf(p: AuditedPrincipal): UserCaller | AssumedRoleCaller {
  if (p.kind === 'user') {
    const u = p.row;
    return {
      kind: 'User',
      accountId: u.accountId,
      arn: userArn(u.accountId, u.path, u.userName),
      userId: u.userId,
      userName: u.userName,
      path: u.path,
      accessKeyId: '',
    };
  }
  const r = p.row;
  const epoch = new Date(0);
  return {
    kind: 'AssumedRole',
    accountId: r.accountId,
    arn: `arn:aws:sts::${r.accountId}:assumed-role/${r.roleName}/SecurityPostureAudit`,
    roleArn: roleArn(r.accountId, r.path, r.roleName),
    roleId: r.roleId,
    roleName: r.roleName,
    sessionName: 'SecurityPostureAudit',
    accessKeyId: '',
    // Nothing reads the session's times here (conditions are not evaluated against a context).
    session: { issuer: 'AssumeRole', issuedAt: epoch, expiresAt: epoch },
  };
}
