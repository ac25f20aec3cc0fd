import { authorize, parseAndCompilePolicy, type AuthorizationResult, type CompiledPolicy, type PolicyKind, type RequestPrincipal } from '../../policy/index.js';
import { members } from '../../query/render.js';
import { optionalString, requiredString, type QueryParams } from '../../query/params.js';
import type { QueryContext, QueryOperation } from '../../query/types.js';
import type { XmlNode } from '../../protocol/xml.js';
import { groupArn, parsePolicyArn, userArn } from '../arn.js';
import { iamError } from '../errors.js';
import type { PrincipalKind as StorePrincipalKind } from '../store/types.js';
import type { IamApiDeps } from './deps.js';
import { paginate } from './paginate.js';
import { findPolicy, iamCheck } from './resolve.js';
import type { PolicyView } from './shapes.js';
import { loadAccountOrganization } from '../../organizations/organization-policies.js';
import { RULES } from './validate.js';

/** Where a matched statement came from, as SimulatePolicy reports it (PolicySourceType). */
interface Source {
  readonly id: string;
  readonly type: 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';
}

const LIST_TYPES = new Set(['stringList', 'numericList', 'booleanList', 'ipList', 'binaryList', 'dateList']);
const CONTEXT_TYPES = ['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList'];

function compile(text: string, kind: PolicyKind, key: string, sources: Map<string, Source>, source: Source): CompiledPolicy {
  // SimulateCustomPolicy's ResourcePolicy may belong to any service (a queue policy, a role trust
  // policy, `"Resource": "*"`): IAM's grammar, not the S3 bucket-policy rules.
  const r = parseAndCompilePolicy(text, { kind, id: key, ...(kind === 'resource' ? { resourceDialect: 'iam' as const } : {}) });
  if (!r.ok) throw iamError('InvalidInput', { message: `Invalid policy in ${source.id}: ${r.error.message}` });
  sources.set(key, source);
  return r.policy;
}

function readContext(params: QueryParams): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  for (const e of params.structList('ContextEntries') ?? []) {
    const name = requiredString(e, 'ContextKeyName', { min: 5, max: 256 });
    const type = requiredString(e, 'ContextKeyType');
    if (!CONTEXT_TYPES.includes(type)) throw iamError('InvalidInput', { message: `Invalid ContextKeyType ${type}` });
    const values = e.list('ContextKeyValues') ?? [];
    ctx[name] = LIST_TYPES.has(type) ? values : (values[0] ?? '');
  }
  return ctx;
}

function position(p: { line: number; column: number } | undefined): XmlNode | undefined {
  return p && { Line: p.line, Column: p.column };
}

const DECISIONS = { Allow: 'allowed', ExplicitDeny: 'explicitDeny', ImplicitDeny: 'implicitDeny' } as const;

function resultShape(action: string, resource: string, r: AuthorizationResult, sources: Map<string, Source>, input: SimulationInput): XmlNode {
  const hasBoundary = input.boundary !== undefined;
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: DECISIONS[r.decision],
    MatchedStatements: members(r.matchedStatements.map((m) => {
      const s = sources.get(m.policyId);
      return { SourcePolicyId: s?.id ?? m.policyId, SourcePolicyType: s?.type ?? 'none', StartPosition: position(m.span?.start), EndPosition: position(m.span?.end) };
    })),
    MissingContextValues: members([...r.missingContextKeys]),
    OrganizationsDecisionDetail: input.scps ? { AllowedByOrganizations: r.byType.scp === 'Allow' } : undefined,
    PermissionsBoundaryDecisionDetail: hasBoundary ? { AllowedByPermissionsBoundary: r.byType.boundary !== 'ImplicitDeny' && r.byType.boundary !== 'ExplicitDeny' } : undefined,
  };
}

interface SimulationInput {
  readonly principal: RequestPrincipal;
  readonly identity: CompiledPolicy[];
  readonly boundary: CompiledPolicy | undefined;
  readonly sources: Map<string, Source>;
  /** The principal's account's SCPs by level (SimulatePrincipalPolicy of a member account's principal). */
  readonly scps?: readonly (readonly CompiledPolicy[])[];
  /** The resource owner's RCPs by level, when it is a member account of an organization. */
  readonly rcps?: readonly (readonly CompiledPolicy[])[];
}

/** Evaluates every ActionNames × ResourceArns pair with the same authorize() enforcement uses. */
function simulate(ctx: QueryContext, input: SimulationInput): XmlNode {
  const p = ctx.params;
  const actions = p.list('ActionNames');
  if (!actions || actions.length === 0) throw iamError('ValidationError', { message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null" });
  const resources = p.list('ResourceArns') ?? ['*'];
  const context = readContext(p);
  const resourceAccount = resourceOwnerAccount(p);
  const resourcePolicyText = optionalString(p, 'ResourcePolicy', RULES.policyDocument);
  const resourcePolicy = resourcePolicyText === undefined ? undefined : compile(resourcePolicyText, 'resource', 'ResourcePolicy', input.sources, { id: 'ResourcePolicy', type: 'resource' });
  const results: Array<{ node: XmlNode; key: string }> = [];
  for (const action of actions) {
    for (const resource of resources) {
      const r = authorize({
        principal: input.principal,
        action,
        resource,
        resourceAccount,
        context,
        policies: {
          identity: input.identity,
          permissionsBoundary: input.boundary,
          scps: input.scps,
          rcps: input.rcps,
          resourcePolicy,
          resourcePolicyType: resourcePolicy ? 'Resource' : undefined,
        },
      });
      results.push({ node: resultShape(action, resource, r, input.sources, input), key: String(results.length).padStart(6, '0') });
    }
  }
  const page = paginate(results, (x) => x.key, p);
  return { EvaluationResults: members(page.items.map((x) => x.node)), IsTruncated: page.IsTruncated, Marker: page.Marker };
}

function customPolicies(p: QueryParams, sources: Map<string, Source>): { identity: CompiledPolicy[]; boundary: CompiledPolicy | undefined } {
  const identity = (p.list('PolicyInputList') ?? []).map((text, i) => compile(text, 'identity', `PolicyInputList.${i + 1}`, sources, { id: `PolicyInputList.${i + 1}`, type: 'none' }));
  const boundaries = (p.list('PermissionsBoundaryPolicyInputList') ?? []).map((text, i) =>
    compile(text, 'boundary', `PermissionsBoundaryPolicyInputList.${i + 1}`, sources, { id: `PermissionsBoundaryPolicyInputList.${i + 1}`, type: 'none' }));
  return { identity, boundary: boundaries[0] };
}

/** `ResourceOwner` (an account root ARN) → the account; undefined when absent. */
function resourceOwnerAccount(p: QueryParams): string | undefined {
  const owner = optionalString(p, 'ResourceOwner', RULES.arn);
  return owner ? /^arn:aws:iam::(\d{12}):/.exec(owner)?.[1] : undefined;
}

const USER_ARN = /^arn:aws:iam::(\d{12}):user(\/(?:[^/]+\/)*)([^/]+)$/;
const GROUP_ARN = /^arn:aws:iam::(\d{12}):group(\/(?:[^/]+\/)*)([^/]+)$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[^/]+\/)*)([^/]+)$/;

export function simulateOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function managedText(arn: string): Promise<{ view: PolicyView; text: string } | undefined> {
    // Attached policies are the account's own or AWS's: the ARN names the owner.
    const view = await findPolicy(deps, arn.split(':')[4], arn);
    const text = view && (view.awsManaged ? deps.awsManaged.get(view.arn)?.document : (await store.policies.getVersion(view.arn, view.defaultVersionId))?.document);
    return view && text !== undefined ? { view, text } : undefined;
  }

  async function principalPolicies(kind: StorePrincipalKind, id: string, sources: Map<string, Source>): Promise<CompiledPolicy[]> {
    const out: CompiledPolicy[] = [];
    for (const ip of await store.inlinePolicies.list(kind, id)) {
      out.push(compile(ip.document, 'identity', `${kind}:${id}:${ip.policyName}`, sources, { id: ip.policyName, type: kind }));
    }
    for (const a of await store.attachments.listForPrincipal(kind, id)) {
      const m = await managedText(a.policyArn);
      if (m) out.push(compile(m.text, 'identity', m.view.arn, sources, { id: m.view.policyName, type: m.view.awsManaged ? 'aws-managed' : 'user-managed' }));
    }
    return out;
  }

  async function boundaryOf(arn: string | undefined, sources: Map<string, Source>): Promise<CompiledPolicy | undefined> {
    const m = arn === undefined ? undefined : await managedText(arn);
    return m && compile(m.text, 'boundary', `boundary:${m.view.arn}`, sources, { id: m.view.policyName, type: m.view.awsManaged ? 'aws-managed' : 'user-managed' });
  }

  /**
   * The organization's policies for a simulation, as AWS's simulator includes them: the SCPs of the
   * principal's account, and the RCPs of the resource owner's account.
   */
  async function organizationPolicies(principalAccount: string, resourceAccount: string, sources: Map<string, Source>) {
    const levels = (list: readonly (readonly { id: string; document: string }[])[] | undefined, kind: PolicyKind) =>
      list?.map((level) => level.map((p) => compile(p.document, kind, p.id, sources, { id: p.id.replace(/^org:|#.*$/g, ''), type: 'none' })));
    const principalOrg = await loadAccountOrganization(store, principalAccount);
    const resourceOrg = resourceAccount === principalAccount ? principalOrg : await loadAccountOrganization(store, resourceAccount);
    return { scps: levels(principalOrg?.scps, 'scp'), rcps: levels(resourceOrg?.rcps, 'rcp') };
  }

  async function tagsOf(kind: 'user' | 'role', id: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    for (const t of await store.tags.list(kind, id)) tags[t.Key] = t.Value;
    return tags;
  }

  /** A principal named by PolicySourceArn: its policies, boundary and tags, as enforcement gathers them. */
  async function sourcePrincipal(ctx: QueryContext, sourceArn: string, sources: Map<string, Source>): Promise<Omit<SimulationInput, 'sources'>> {
    const notFound = () => iamError('NoSuchEntity', { message: `The entity ${sourceArn} cannot be found.` });
    const [user, group, role] = [USER_ARN.exec(sourceArn), GROUP_ARN.exec(sourceArn), ROLE_ARN.exec(sourceArn)];
    const owned = (m: RegExpExecArray | null) => m !== null && m[1] === ctx.accountId;
    if (owned(user)) {
      const u = await store.users.getByName(ctx.accountId, user![3]);
      if (!u || userArn(u.accountId, u.path, u.userName) !== sourceArn) throw notFound();
      const identity = await principalPolicies('user', u.userId, sources);
      for (const g of await store.groups.listForUser(u.userId)) identity.push(...(await principalPolicies('group', g.groupId, sources)));
      const principal: RequestPrincipal = { kind: 'User', arn: sourceArn, accountId: ctx.accountId, userId: u.userId, username: u.userName, tags: await tagsOf('user', u.userId) };
      return { principal, identity, boundary: await boundaryOf(u.permissionsBoundaryArn, sources) };
    }
    if (owned(role)) {
      const r = await store.roles.getByName(ctx.accountId, role![3]);
      if (!r || `arn:aws:iam::${r.accountId}:role${r.path}${r.roleName}` !== sourceArn) throw notFound();
      // As the simulator does, a role is simulated as a session of the role (aws:PrincipalArn is the role).
      const principal: RequestPrincipal = {
        kind: 'AssumedRole',
        arn: `arn:aws:sts::${r.accountId}:assumed-role/${r.roleName}/SimulatedSession`,
        roleArn: sourceArn,
        accountId: ctx.accountId,
        userId: `${r.roleId}:SimulatedSession`,
        tags: await tagsOf('role', r.roleId),
      };
      return { principal, identity: await principalPolicies('role', r.roleId, sources), boundary: await boundaryOf(r.permissionsBoundaryArn, sources) };
    }
    if (owned(group)) {
      const g = await store.groups.getByName(ctx.accountId, group![3]);
      if (!g || groupArn(g.accountId, g.path, g.groupName) !== sourceArn) throw notFound();
      const principal: RequestPrincipal = { kind: 'User', arn: userArn(ctx.accountId, '/', 'SimulatedUser'), accountId: ctx.accountId };
      return { principal, identity: await principalPolicies('group', g.groupId, sources), boundary: undefined };
    }
    if (parsePolicyArn(sourceArn) || !/^arn:aws:iam::\d{12}:(user|group|role)\//.test(sourceArn)) throw iamError('InvalidInput', { message: `Invalid ARN: ${sourceArn}` });
    throw notFound();
  }

  return [
    {
      name: 'SimulateCustomPolicy',
      checks: async (ctx) => [iamCheck(ctx, 'SimulateCustomPolicy', '*')],
      handler: async (ctx) => {
        if (!ctx.params.list('PolicyInputList')?.length) throw iamError('ValidationError', { message: "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null" });
        const sources = new Map<string, Source>();
        const { identity, boundary } = customPolicies(ctx.params, sources);
        const callerArn = optionalString(ctx.params, 'CallerArn', RULES.arn);
        const m = callerArn === undefined ? null : USER_ARN.exec(callerArn);
        // AWS: "CallerArn ... must be the ARN of an IAM user"; a role, session or root ARN is refused.
        if (callerArn !== undefined && !m) throw iamError('InvalidInput', { message: `Invalid CallerArn: ${callerArn}. Only IAM user ARNs are supported.` });
        // Deviation from AWS: without CallerArn the simulated principal is an anonymous-name IAM user of the caller's account.
        const principal: RequestPrincipal = { kind: 'User', arn: callerArn ?? userArn(ctx.accountId, '/', 'SimulatedUser'), accountId: m?.[1] ?? ctx.accountId, username: m?.[3] };
        return simulate(ctx, { principal, identity, boundary, sources });
      },
    },
    {
      name: 'SimulatePrincipalPolicy',
      checks: async (ctx) => [iamCheck(ctx, 'SimulatePrincipalPolicy', requiredString(ctx.params, 'PolicySourceArn', RULES.arn))],
      handler: async (ctx) => {
        const sourceArn = requiredString(ctx.params, 'PolicySourceArn', RULES.arn);
        const sources = new Map<string, Source>();
        const extra = customPolicies(ctx.params, sources);
        const found = await sourcePrincipal(ctx, sourceArn, sources);
        const org = await organizationPolicies(ctx.accountId, resourceOwnerAccount(ctx.params) ?? ctx.accountId, sources);
        return simulate(ctx, {
          ...found,
          identity: [...found.identity, ...extra.identity],
          boundary: extra.boundary ?? found.boundary,
          sources,
          ...(org.scps ? { scps: org.scps } : {}),
          ...(org.rcps ? { rcps: org.rcps } : {}),
        });
      },
    },
  ];
}
