import type { CallerSession } from '../identity/caller.js';
import type { QueryOperation } from '../query/types.js';
import { issueCredentials } from './issue-credentials.js';
import { sessionMfa } from './session-mfa.js';
import { readDuration } from './session-params.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';

/** An account root's session lasts at most one hour, whatever it asks for. */
const ROOT_MAX_SECONDS = 3600;

/**
 * sts:GetSessionToken: temporary credentials for an IAM user or the root user, usually to prove MFA
 * (`SerialNumber` + `TokenCode`) for APIs whose policies require it. No permission is needed, and it
 * cannot be called with temporary credentials.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
 */
export function getSessionTokenOperation(deps: StsDeps): QueryOperation {
  return {
    name: 'GetSessionToken',
    checks: async (ctx) => {
      if (ctx.caller.session) throw stsError('AccessDenied', { message: 'Cannot call GetSessionToken with session credentials' });
      readDuration(ctx.params, { min: 900, max: 129600 }, 43200);
      return [];
    },
    handler: async (ctx) => {
      const caller = ctx.caller;
      let seconds = readDuration(ctx.params, { min: 900, max: 129600 }, 43200);
      if (caller.kind === 'Root') seconds = Math.min(seconds, ROOT_MAX_SECONDS);
      const mfaAt = await sessionMfa(deps, ctx);
      const now = deps.now();
      const session: CallerSession = {
        issuer: 'GetSessionToken',
        issuedAt: now,
        expiresAt: new Date(now.getTime() + seconds * 1000),
        ...(mfaAt ? { mfaAuthenticatedAt: mfaAt } : {}),
      };
      if (caller.kind === 'Root') return { Credentials: await issueCredentials(deps, { kind: 'Root', accountId: caller.accountId }, session) };
      if (caller.kind !== 'User') throw stsError('AccessDenied', { message: 'Cannot call GetSessionToken with session credentials' });
      const principal = { kind: 'User' as const, accountId: caller.accountId, userId: caller.userId, userName: caller.userName, path: caller.path };
      return { Credentials: await issueCredentials(deps, principal, session) };
    },
  };
}
