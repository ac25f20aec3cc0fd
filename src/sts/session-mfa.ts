import { verifyMfaCode } from '../iam/mfa/verify-mfa-code.js';
import type { MfaOwner } from '../iam/store/types.js';
import { optionalString } from '../query/params.js';
import type { QueryContext } from '../query/types.js';
import { STS_RULES } from './session-params.js';
import type { StsDeps } from './sts-deps.js';
import { stsError } from './sts-errors.js';

/**
 * `SerialNumber` + `TokenCode` of GetSessionToken and AssumeRole: when given, the code must come from
 * an enabled MFA device of the calling user (or root) and is consumed; the new session is then
 * MFA-authenticated from now on. Without them, a session keeps the MFA time of the credentials that
 * asked for it (a role assumed with MFA-authenticated session credentials is MFA-authenticated too).
 * Returns when MFA was verified, or undefined.
 */
export async function sessionMfa(deps: StsDeps, ctx: QueryContext): Promise<Date | undefined> {
  const serialNumber = optionalString(ctx.params, 'SerialNumber', STS_RULES.serialNumber);
  const code = optionalString(ctx.params, 'TokenCode', STS_RULES.tokenCode);
  const inherited = ctx.caller.session?.mfaAuthenticatedAt;
  if (serialNumber === undefined && code === undefined) return inherited;
  if (serialNumber === undefined || code === undefined) {
    throw stsError('AccessDenied', { message: 'MultiFactorAuthentication failed, unable to validate MFA code.' });
  }
  const owner: MfaOwner | undefined =
    ctx.caller.kind === 'Root' ? { kind: 'root' } : ctx.caller.kind === 'User' ? { kind: 'user', userId: ctx.caller.userId } : undefined;
  const now = deps.now();
  const verdict = owner ? await verifyMfaCode(deps.store, { serialNumber, code, owner, accountId: ctx.caller.accountId, now }) : 'invalid';
  if (verdict !== 'ok') throw stsError('AccessDenied', { message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ' });
  return now;
}

/** The MFA condition keys a trust policy sees for a session authenticated at `at`. */
export function mfaContext(at: Date | undefined, now: Date): Record<string, string> {
  if (at === undefined) return {};
  return { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': String(Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000))) };
}
