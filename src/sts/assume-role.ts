import type { CallerSession } from '../identity/caller.js';
import type { RoleRow } from '../iam/store/types.js';
import { optionalString } from '../query/params.js';
import { perRequest } from '../protocol/per-request.js';
import type { QueryContext, QueryOperation } from '../query/types.js';
import type { AuthzCheck } from '../server/protocol.js';
import { issueRoleSession } from './issue-credentials.js';
import { mfaContext, sessionMfa } from './session-mfa.js';
import {
  packedPolicySize,
  parseRoleArn,
  readDuration,
  readRoleArn,
  readRoleSessionName,
  readSessionPolicies,
  readSessionTags,
  readTransitiveTagKeys,
  STS_RULES,
  type SessionPolicyInput,
} from './session-params.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';
import { trustPolicyRef } from './trust-policy-ref.js';

/** Role chaining caps a session at one hour whatever the role allows (AssumeRole, DurationSeconds). */
const CHAINED_MAX_SECONDS = 3600;

interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly role: RoleRow | undefined;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly policies: SessionPolicyInput;
  /** The new session's tags: inherited transitive tags plus the request's. */
  readonly tags: Readonly<Record<string, string>>;
  readonly requestTags: Readonly<Record<string, string>>;
  readonly transitiveTagKeys: readonly string[];
  readonly externalId: string | undefined;
  readonly sourceIdentity: string | undefined;
  readonly mfaAt: Date | undefined;
  readonly chained: boolean;
}

/**
 * sts:AssumeRole. The role's trust policy is evaluated by the policy engine as the resource policy of
 * the check (a trust policy must allow even within one account; across accounts the caller's own
 * identity policies must allow sts:AssumeRole too). Session tags need sts:TagSession and a source
 * identity sts:SetSourceIdentity, from the same trust policy.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
 */
export function assumeRoleOperation(deps: StsDeps): QueryOperation {
  const prepare = perRequest((ctx: QueryContext) => readRequest(deps, ctx));
  return {
    name: 'AssumeRole',
    checks: async (ctx) => {
      const r = await prepare(ctx);
      const resourcePolicy = trustPolicyRef(r.role);
      const base: Omit<AuthzCheck, 'action'> = {
        resource: r.role ? roleArnOf(r.role) : r.roleArn,
        resourceAccount: parseRoleArn(r.roleArn)?.accountId,
        context: trustContext(r, deps.now()),
        resourcePolicy,
      };
      const checks: AuthzCheck[] = [{ ...base, action: 'sts:AssumeRole' }];
      if (Object.keys(r.tags).length > 0) checks.push({ ...base, action: 'sts:TagSession' });
      if (r.sourceIdentity !== undefined) checks.push({ ...base, action: 'sts:SetSourceIdentity' });
      return checks;
    },
    handler: async (ctx) => {
      const r = await prepare(ctx);
      const session = await issueRoleSession(deps, {
        role: r.role as RoleRow, // authorization refused a missing role
        sessionName: r.sessionName,
        durationSeconds: r.durationSeconds,
        issuer: 'AssumeRole',
        region: ctx.info.region,
        context: {
          mfaAuthenticatedAt: r.mfaAt,
          sourceIdentity: r.sourceIdentity,
          tags: r.tags,
          transitiveTagKeys: r.transitiveTagKeys,
          policy: r.policies.policy,
          policyArns: r.policies.policyArns,
          chained: r.chained,
        },
      });
      return {
        ...session,
        PackedPolicySize: packedPolicySize(r.policies, r.requestTags),
        SourceIdentity: r.sourceIdentity,
      };
    },
  };
}

async function readRequest(deps: StsDeps, ctx: QueryContext): Promise<AssumeRoleRequest> {
  const p = ctx.params;
  const roleArn = readRoleArn(p);
  const sessionName = readRoleSessionName(p);
  const policies = readSessionPolicies(p);
  const requestTags = readSessionTags(p);
  const requestTransitive = readTransitiveTagKeys(p);
  const externalId = optionalString(p, 'ExternalId', STS_RULES.externalId);
  const requestedSourceIdentity = optionalString(p, 'SourceIdentity', STS_RULES.sourceIdentity);
  const caller = ctx.caller;
  // Credentials from GetSessionToken may call AssumeRole; those of AssumeRoot may not.
  if (caller.session?.issuer === 'AssumeRoot') throw stsError('AccessDenied', { message: 'Cannot call AssumeRole with root session credentials' });
  const chained = caller.kind === 'AssumedRole';
  const durationSeconds = readDuration(p, { min: 900, max: 43200 }, 3600);
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw stsError('ValidationError', { message: `${roleArn} is invalid` });
  const found = await deps.store.roles.getByName(parsed.accountId, parsed.roleName);
  const role = found && found.path === parsed.path ? found : undefined;
  if (role && durationSeconds > role.maxSessionDuration) {
    throw stsError('ValidationError', { message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
  }
  if (chained && durationSeconds > CHAINED_MAX_SECONDS) {
    throw stsError('ValidationError', { message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.' });
  }
  const inherited = inheritedTransitiveTags(caller.session);
  for (const k of Object.keys(requestTags)) {
    if (Object.keys(inherited).some((i) => i.toLowerCase() === k.toLowerCase())) {
      throw stsError('InvalidParameterValue', { message: `Transitive tag ${k} cannot be overridden in a role chain.` });
    }
  }
  for (const k of requestTransitive) {
    if (!Object.keys(requestTags).some((t) => t.toLowerCase() === k.toLowerCase())) {
      throw stsError('InvalidParameterValue', { message: `The transitive tag key ${k} is not one of the session tags.` });
    }
  }
  // A source identity, once set, stays for the whole chain.
  const inheritedSource = caller.session?.sourceIdentity;
  if (inheritedSource !== undefined && requestedSourceIdentity !== undefined && requestedSourceIdentity !== inheritedSource) {
    throw stsError('AccessDenied', { message: 'The source identity of a role session cannot be changed once set.' });
  }
  packedPolicySize(policies, requestTags); // PackedPolicyTooLarge before anything else happens
  const mfaAt = await sessionMfa(deps, ctx);
  return {
    roleArn,
    role,
    sessionName,
    durationSeconds,
    policies,
    tags: { ...inherited, ...requestTags },
    requestTags,
    transitiveTagKeys: [...new Set([...Object.keys(inherited), ...requestTransitive])],
    externalId,
    sourceIdentity: requestedSourceIdentity ?? inheritedSource,
    mfaAt,
    chained,
  };
}

/** Transitive session tags pass on to the next role session of a chain. */
function inheritedTransitiveTags(session: CallerSession | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of session?.transitiveTagKeys ?? []) {
    const v = session?.tags?.[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The condition keys the trust policy sees (sts:*, aws:RequestTag/*, MFA of this request). */
function trustContext(r: AssumeRoleRequest, now: Date): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = { 'sts:RoleSessionName': r.sessionName, ...mfaContext(r.mfaAt, now) };
  if (r.externalId !== undefined) ctx['sts:ExternalId'] = r.externalId;
  if (r.sourceIdentity !== undefined) ctx['sts:SourceIdentity'] = r.sourceIdentity;
  const keys = Object.keys(r.tags);
  if (keys.length > 0) {
    ctx['aws:TagKeys'] = keys;
    for (const k of keys) ctx[`aws:RequestTag/${k}`] = r.tags[k];
  }
  if (r.transitiveTagKeys.length > 0) ctx['sts:TransitiveTagKeys'] = [...r.transitiveTagKeys];
  return ctx;
}

export function roleArnOf(role: RoleRow): string {
  return `arn:aws:iam::${role.accountId}:role${role.path}${role.roleName}`;
}
