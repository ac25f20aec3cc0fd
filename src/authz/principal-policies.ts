import type { Caller } from '../identity/caller.js';
import type { IdentityPolicies } from '../iam/identity-policies.js';
import type { CompiledPolicy, PolicyKind } from '../policy/index.js';
import type { MemoPlan } from './allow-memo.js';
import type { AccountOrganization, PolicySources, PolicyText } from './policy-sources.js';

/**
 * Everything on the principal's side of a decision, compiled: identity policies, permissions
 * boundary, session policies and the SCPs of the principal's account, plus the facts that become
 * condition keys (principal tags with session tags over them, the organization). Built once per
 * principal and session, and rebuilt when any input changes: a new IdentityPolicies object (any IAM
 * change) or a new organization generation. The memo of allowed checks lives here, so it can never
 * outlive the policies it was computed from.
 */
export interface PrincipalPolicies {
  readonly identitySource: IdentityPolicies;
  readonly orgGeneration: number;
  readonly identity: readonly CompiledPolicy[];
  readonly boundary: CompiledPolicy | undefined;
  /** undefined when the caller has no session policy (not: an empty list, which would deny all). */
  readonly session: readonly CompiledPolicy[] | undefined;
  readonly scps: readonly (readonly CompiledPolicy[])[] | undefined;
  readonly principalTags: Readonly<Record<string, string>>;
  readonly organization: { readonly id: string; readonly paths: readonly string[] } | undefined;
  /**
   * Remembered allows, by action, then by the check's resource policy (a compiled policy; a symbol
   * for none) (allow-memo.ts); null for a plan whose statements read a volatile key.
   */
  readonly allowed: Map<string, Map<CompiledPolicy | symbol, MemoPlan | null>>;
}

export type Compile = (p: PolicyText, kind: PolicyKind) => CompiledPolicy;

export async function buildPrincipalPolicies(
  caller: Caller,
  identitySource: IdentityPolicies,
  sources: PolicySources,
  compile: Compile,
): Promise<PrincipalPolicies> {
  const orgGeneration = sources.organizations?.generation ?? 0;
  const accountId = caller.kind === 'Anonymous' ? undefined : caller.accountId;
  const org: AccountOrganization | undefined = accountId ? await sources.organizations?.forAccount(accountId) : undefined;
  const session = caller.kind === 'Anonymous' ? undefined : caller.session;
  let sessionPolicies: CompiledPolicy[] | undefined;
  if (caller.kind !== 'Anonymous' && session && (session.policy !== undefined || (session.policyArns?.length ?? 0) > 0)) {
    sessionPolicies = [];
    if (session.policy !== undefined) sessionPolicies.push(compile({ id: `session:${caller.accessKeyId}`, document: session.policy }, 'session'));
    for (const arn of session.policyArns ?? []) {
      const p = await sources.managedPolicy(arn);
      // A managed session policy that was deleted grants nothing; it must not widen the session.
      sessionPolicies.push(compile(p ?? { id: `missing:${arn}`, document: DENY_NOTHING_ALLOW_NOTHING }, 'session'));
    }
  }
  return {
    identitySource,
    orgGeneration,
    identity: identitySource.policies.map((p) => compile(p, 'identity')),
    boundary: identitySource.permissionsBoundary && compile(identitySource.permissionsBoundary, 'boundary'),
    session: sessionPolicies,
    scps: org?.scps?.map((level) => level.map((p) => compile(p, 'scp'))),
    principalTags: session?.tags ? { ...identitySource.principalTags, ...session.tags } : identitySource.principalTags,
    organization: org && { id: org.organizationId, paths: [org.path] },
    allowed: new Map(),
  };
}

/** A valid policy that matches no request: what a session policy ARN that no longer exists contributes. */
const DENY_NOTHING_ALLOW_NOTHING = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'none:null', Resource: 'arn:aws:none:::nothing' }],
});
