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
import { RULES } from './validate.js';

/** Where a matched statement came from, as SimulatePolicy reports it (PolicySourceType). */
interface Source {
  readonly id: string;
  readonly type: 'user' | 'group' | 'role' | 'aws-managed' | 'user-managed' | 'resource' | 'none';
}

const LIST_TYPES = new Set(['stringList', 'numericList', 'booleanList', 'ipList', 'binaryList', 'dateList']);
const CONTEXT_TYPES = ['string', 'stringList', 'numeric', 'numericList', 'boolean', 'booleanList', 'ip', 'ipList', 'binary', 'binaryList', 'date', 'dateList'];

function compile(text: string, kind: PolicyKind, key: string, sources: Map<string, Source>, source: Source): CompiledPolicy {
  const r = parseAndCompilePolicy(text, { kind, id: key });
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

function resultShape(action: string, resource: string, r: AuthorizationResult, sources: Map<string, Source>, hasBoundary: boolean): XmlNode {
  return {
    EvalActionName: action,
    EvalResourceName: resource,
    EvalDecision: DECISIONS[r.decision],
    MatchedStatements: members(r.matchedStatements.map((m) => {
      const s = sources.get(m.policyId);
      return { SourcePolicyId: s?.id ?? m.policyId, SourcePolicyType: s?.type ?? 'none', StartPosition: position(m.span?.start), EndPosition: position(m.span?.end) };
    })),
    MissingContextValues: members([...r.missingContextKeys]),
    PermissionsBoundaryDecisionDetail: hasBoundary ? { AllowedByPermissionsBoundary: r.byType.boundary !== 'ImplicitDeny' && r.byType.boundary !== 'ExplicitDeny' } : undefined,
  };
}

interface SimulationInput {
  readonly principal: RequestPrincipal;
  readonly identity: CompiledPolicy[];
  readonly boundary: CompiledPolicy | undefined;
  readonly sources: Map<string, Source>;
}

/** Evaluates every ActionNames × ResourceArns pair with the same authorize() enforcement uses. */
function simulate(ctx: QueryContext, input: SimulationInput): XmlNode {
  const p = ctx.params;
  const actions = p.list('ActionNames');
  if (!actions || actions.length === 0) throw iamError('ValidationError', { message: "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null" });
  const resources = p.list('ResourceArns') ?? ['*'];
  const context = readContext(p);
  const owner = optionalString(p, 'ResourceOwner', RULES.arn);
  const resourceAccount = owner ? /^arn:aws:iam::(\d{12}):/.exec(owner)?.[1] : undefined;
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
        policies: { identity: input.identity, permissionsBoundary: input.boundary, resourcePolicy, resourcePolicyType: resourcePolicy ? 'Resource' : undefined },
      });
      results.push({ node: resultShape(action, resource, r, input.sources, input.boundary !== undefined), key: String(results.length).padStart(6, '0') });
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

export function simulateOperations(deps: IamApiDeps): QueryOperation[] {
  const { store } = deps;

  async function principalPolicies(ctx: QueryContext, kind: StorePrincipalKind, id: string, label: 'user' | 'group', sources: Map<string, Source>): Promise<CompiledPolicy[]> {
    const out: CompiledPolicy[] = [];
    for (const ip of await store.inlinePolicies.list(kind, id)) {
      out.push(compile(ip.document, 'identity', `${label}:${id}:${ip.policyName}`, sources, { id: ip.policyName, type: label }));
    }
    for (const a of await store.attachments.listForPrincipal(kind, id)) {
      const view = await findPolicy(deps, ctx.accountId, a.policyArn);
      if (!view) continue;
      const text = view.awsManaged ? deps.awsManaged.get(view.arn)?.document : (await store.policies.getVersion(view.arn, view.defaultVersionId))?.document;
      if (text !== undefined) out.push(compile(text, 'identity', view.arn, sources, { id: view.policyName, type: view.awsManaged ? 'aws-managed' : 'user-managed' }));
    }
    return out;
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
        const m = callerArn ? /^arn:aws:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(callerArn) : null;
        // Deviation from AWS: without CallerArn the simulated principal is an anonymous-name IAM user of the caller's account.
        const principal: RequestPrincipal = { kind: 'User', arn: callerArn ?? userArn(ctx.accountId, '/', 'SimulatedUser'), accountId: m?.[1] ?? ctx.accountId, username: m?.[2] };
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
        const user = /^arn:aws:iam::(\d{12}):user(\/(?:[^/]+\/)*)([^/]+)$/.exec(sourceArn);
        const group = /^arn:aws:iam::(\d{12}):group(\/(?:[^/]+\/)*)([^/]+)$/.exec(sourceArn);
        const notFound = () => iamError('NoSuchEntity', { message: `The entity ${sourceArn} cannot be found.` });
        if (user && user[1] === ctx.accountId) {
          const u = await store.users.getByName(ctx.accountId, user[3]);
          if (!u || userArn(u.accountId, u.path, u.userName) !== sourceArn) throw notFound();
          const identity = [...(await principalPolicies(ctx, 'user', u.userId, 'user', sources))];
          for (const g of await store.groups.listForUser(u.userId)) identity.push(...(await principalPolicies(ctx, 'group', g.groupId, 'group', sources)));
          identity.push(...extra.identity);
          let boundary = extra.boundary;
          if (!boundary && u.permissionsBoundaryArn) {
            const view = await findPolicy(deps, ctx.accountId, u.permissionsBoundaryArn);
            const text = view && (view.awsManaged ? deps.awsManaged.get(view.arn)?.document : (await store.policies.getVersion(view.arn, view.defaultVersionId))?.document);
            if (view && text) boundary = compile(text, 'boundary', `boundary:${view.arn}`, sources, { id: view.policyName, type: view.awsManaged ? 'aws-managed' : 'user-managed' });
          }
          const tags: Record<string, string> = {};
          for (const t of await store.tags.list('user', u.userId)) tags[t.Key] = t.Value;
          const principal: RequestPrincipal = { kind: 'User', arn: sourceArn, accountId: ctx.accountId, userId: u.userId, username: u.userName, tags };
          return simulate(ctx, { principal, identity, boundary, sources });
        }
        if (group && group[1] === ctx.accountId) {
          const g = await store.groups.getByName(ctx.accountId, group[3]);
          if (!g || groupArn(g.accountId, g.path, g.groupName) !== sourceArn) throw notFound();
          const identity = [...(await principalPolicies(ctx, 'group', g.groupId, 'group', sources)), ...extra.identity];
          const principal: RequestPrincipal = { kind: 'User', arn: userArn(ctx.accountId, '/', 'SimulatedUser'), accountId: ctx.accountId };
          return simulate(ctx, { principal, identity, boundary: extra.boundary, sources });
        }
        if (parsePolicyArn(sourceArn) || !/^arn:aws:iam::\d{12}:(user|group|role)\//.test(sourceArn)) throw iamError('InvalidInput', { message: `Invalid ARN: ${sourceArn}` });
        throw notFound();
      },
    },
  ];
}
