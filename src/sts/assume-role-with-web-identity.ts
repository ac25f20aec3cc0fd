import type { RoleRow } from '../iam/store/types.js';
import { optionalString, requiredString } from '../query/params.js';
import { perRequest } from '../protocol/per-request.js';
import type { UnsignedQueryContext, UnsignedQueryOperation } from '../query/types.js';
import { roleArnOf } from './assume-role.js';
import { issueRoleSession } from './issue-credentials.js';
import { packedPolicySize, parseRoleArn, readDuration, readRoleArn, readRoleSessionName, readSessionPolicies, type SessionPolicyInput } from './session-params.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';
import { trustPolicyRef } from './trust-policy-ref.js';
import { verifyWebIdentityToken, type VerifiedWebIdentity } from './web-identity/verify-web-identity-token.js';

/** The claim an identity provider puts session tags in (AWS: "Passing session tags using AssumeRoleWithWebIdentity"). */
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

interface Request {
  readonly roleArn: string;
  readonly role: RoleRow | undefined;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly policies: SessionPolicyInput;
  readonly identity: VerifiedWebIdentity;
  readonly tags: Record<string, string>;
  readonly transitiveTagKeys: string[];
}

/**
 * sts:AssumeRoleWithWebIdentity: an OpenID Connect ID token, verified against an IAM OIDC provider
 * of the role's account (src/sts/web-identity), is exchanged for a role session. The request needs
 * no signature; the trust policy must allow the provider (`Federated`) with the token's claims as
 * condition keys (`<issuer>:sub`, `<issuer>:aud`, `<issuer>:amr`).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
export function assumeRoleWithWebIdentityOperation(deps: StsDeps): UnsignedQueryOperation {
  const prepared = perRequest((ctx: UnsignedQueryContext) => readRequest(deps, ctx));
  return {
    name: 'AssumeRoleWithWebIdentity',
    authentication: 'unsigned',
    checks: async (ctx) => {
      const r = await prepared(ctx);
      const base = {
        resource: r.role ? roleArnOf(r.role) : r.roleArn,
        resourceAccount: parseRoleArn(r.roleArn)?.accountId,
        resourcePolicy: trustPolicyRef(r.role),
        principal: { kind: 'WebIdentity' as const, identityProvider: r.identity.providerArn },
        context: { ...r.identity.conditionKeys, 'sts:RoleSessionName': r.sessionName, ...tagContext(r) },
      };
      const checks = [{ ...base, action: 'sts:AssumeRoleWithWebIdentity' }];
      if (Object.keys(r.tags).length > 0) checks.push({ ...base, action: 'sts:TagSession' });
      return checks;
    },
    handler: async (ctx) => {
      const r = await prepared(ctx);
      const session = await issueRoleSession(deps, {
        role: r.role as RoleRow, // authorization refused a missing role
        sessionName: r.sessionName,
        durationSeconds: r.durationSeconds,
        issuer: 'AssumeRoleWithWebIdentity',
        region: ctx.info.region,
        context: {
          federatedProvider: r.identity.providerArn,
          tags: r.tags,
          transitiveTagKeys: r.transitiveTagKeys,
          policy: r.policies.policy,
          policyArns: r.policies.policyArns,
        },
      });
      return {
        Credentials: session.Credentials,
        SubjectFromWebIdentityToken: r.identity.subject,
        AssumedRoleUser: session.AssumedRoleUser,
        PackedPolicySize: packedPolicySize(r.policies, r.tags),
        Provider: r.identity.provider,
        Audience: r.identity.audience,
      };
    },
  };
}

async function readRequest(deps: StsDeps, ctx: UnsignedQueryContext): Promise<Request> {
  const p = ctx.params;
  const roleArn = readRoleArn(p);
  const sessionName = readRoleSessionName(p);
  const token = requiredString(p, 'WebIdentityToken', { min: 4, max: 20000 });
  optionalString(p, 'ProviderId', { min: 4, max: 2048 }); // OAuth 2.0 providers only; OIDC tokens name their issuer
  const policies = readSessionPolicies(p);
  const durationSeconds = readDuration(p, { min: 900, max: 43200 }, 3600);
  const parsed = parseRoleArn(roleArn);
  if (!parsed) throw stsError('ValidationError', { message: `${roleArn} is invalid` });
  const found = await deps.store.roles.getByName(parsed.accountId, parsed.roleName);
  const role = found && found.path === parsed.path ? found : undefined;
  if (role && durationSeconds > role.maxSessionDuration) {
    throw stsError('ValidationError', { message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
  }
  const providers = await deps.store.oidcProviders.list(parsed.accountId);
  const identity = await verifyWebIdentityToken(token, {
    findProvider: (url) => providers.find((x) => x.url === url),
    jwks: deps.jwks,
    now: deps.now(),
    roleAccountId: parsed.accountId,
  });
  const { tags, transitiveTagKeys } = sessionTagsOf(identity.claims);
  packedPolicySize(policies, tags);
  return { roleArn, role, sessionName, durationSeconds, policies, identity, tags, transitiveTagKeys };
}

/** `{"https://aws.amazon.com/tags": {"principal_tags": {"k": ["v"]}, "transitive_tag_keys": ["k"]}}` */
function sessionTagsOf(claims: Readonly<Record<string, unknown>>): { tags: Record<string, string>; transitiveTagKeys: string[] } {
  const claim = claims[TAGS_CLAIM] as { principal_tags?: unknown; transitive_tag_keys?: unknown } | undefined;
  const tags: Record<string, string> = {};
  const principalTags = claim?.principal_tags;
  if (principalTags && typeof principalTags === 'object') {
    for (const [k, v] of Object.entries(principalTags as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === 'string') tags[k] = value;
    }
  }
  const transitive = Array.isArray(claim?.transitive_tag_keys) ? (claim.transitive_tag_keys as unknown[]).filter((k): k is string => typeof k === 'string' && k in tags) : [];
  return { tags, transitiveTagKeys: transitive };
}

function tagContext(r: Request): Record<string, string | string[]> {
  const keys = Object.keys(r.tags);
  if (keys.length === 0) return {};
  const ctx: Record<string, string | string[]> = { 'aws:TagKeys': keys };
  for (const k of keys) ctx[`aws:RequestTag/${k}`] = r.tags[k];
  if (r.transitiveTagKeys.length > 0) ctx['sts:TransitiveTagKeys'] = r.transitiveTagKeys;
  return ctx;
}
