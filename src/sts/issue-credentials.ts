import type { CallerSession, SessionIssuer } from '../identity/caller.js';
import type { RoleRow } from '../iam/store/types.js';
import { newAccessKeyIdFor } from '../iam/access-key-account.js';
import { newSecretAccessKey } from '../iam/ids.js';
import type { XmlNode } from '../protocol/xml.js';
import { isoSeconds } from '../query/render.js';
import type { StsDeps } from './sts-deps.js';
import { assumedRoleArn } from './session-caller.js';
import type { SessionPrincipal } from './session-token.js';

/**
 * Issues temporary credentials: an `ASIA…` key id that encodes the principal's account (so
 * GetAccessKeyInfo answers for it), a fresh secret, and the sealed session token that carries both
 * and the session. Nothing is stored: the token is the session.
 */
export async function issueCredentials(deps: StsDeps, principal: SessionPrincipal, session: CallerSession): Promise<XmlNode> {
  const accessKeyId = newAccessKeyIdFor('ASIA', principal.accountId);
  const secretAccessKey = newSecretAccessKey();
  const token = await deps.tokens.seal({ accessKeyId, secretAccessKey, principal, session });
  return { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: token, Expiration: isoSeconds(session.expiresAt) };
}

/** What a new role session is made of, besides the role and its name. */
export interface RoleSessionInput {
  readonly role: RoleRow;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly issuer: SessionIssuer;
  /** Where the role was assumed (GetRole's RoleLastUsed). */
  readonly region: string;
  /** Session context beyond the times: tags, session policies, MFA, source identity, chaining... */
  readonly context?: Omit<CallerSession, 'issuer' | 'issuedAt' | 'expiresAt'>;
}

/**
 * A role session (AssumeRole, AssumeRoleWithWebIdentity, workload credentials): the credentials and
 * the AssumedRoleUser element; the role's use is recorded. Empty parts of the context are left out of
 * the token.
 */
export async function issueRoleSession(deps: StsDeps, r: RoleSessionInput): Promise<{ Credentials: XmlNode; AssumedRoleUser: XmlNode }> {
  const { role, sessionName } = r;
  const now = deps.now();
  const session: CallerSession = { ...compact(r.context ?? {}), issuer: r.issuer, issuedAt: now, expiresAt: new Date(now.getTime() + r.durationSeconds * 1000) };
  const principal: SessionPrincipal = { kind: 'AssumedRole', accountId: role.accountId, roleId: role.roleId, roleName: role.roleName, rolePath: role.path, sessionName };
  const credentials = await issueCredentials(deps, principal, session);
  deps.recordRoleUse(role.roleId, now, r.region);
  return {
    Credentials: credentials,
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: assumedRoleArn(role.accountId, role.roleName, sessionName) },
  };
}

/** The session context without its empty parts: a token carries only what is set. */
function compact(context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(context)) {
    if (v === undefined || v === false) continue;
    const empty = Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && !(v instanceof Date) && Object.keys(v).length === 0;
    if (!empty) out[k] = v;
  }
  return out;
}
