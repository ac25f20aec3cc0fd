import { timingSafeEqual } from 'node:crypto';
import { stepOf, totpCode } from '../../crypto/totp.js';
import type { IamStore, MfaOwner } from '../store/types.js';

/**
 * Checking TOTP codes of virtual MFA devices: one code for STS (GetSessionToken / AssumeRole with
 * SerialNumber + TokenCode), two consecutive codes for EnableMFADevice / ResyncMFADevice.
 */

/** Steps on each side of now a single code may come from: one step (30 s) of clock skew, as RFC 6238 §5.2 advises. */
export const CODE_WINDOW_STEPS = 1;
/**
 * Steps on each side of now the second of two consecutive codes may come from (EnableMFADevice,
 * ResyncMFADevice): a person reads two codes off a phone, types them, then submits.
 */
export const PAIR_WINDOW_STEPS = 2;

export type MfaVerdict = 'ok' | 'invalid';

export interface VerifyMfaCodeRequest {
  /** `arn:aws:iam::<account>:mfa/<path><name>` */
  readonly serialNumber: string;
  /** TokenCode: six digits. */
  readonly code: string;
  /** Who is presenting the code: the device must be assigned to this user (or the root user). */
  readonly owner: MfaOwner;
  readonly accountId: string;
  readonly now: Date;
}

function sameCode(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The step in [from, to] whose code is `code`, latest first; undefined when none. */
function stepWithCode(seed: Uint8Array, code: string, from: number, to: number): number | undefined {
  for (let step = to; step >= from; step--) if (sameCode(totpCode(seed, step), code)) return step;
  return undefined;
}

/**
 * STS's check of SerialNumber + TokenCode: the device exists in the account, is enabled and assigned
 * to `owner`, the code is the one of a step within ±1 of now, and that step was not used before
 * (it is then consumed atomically, so the same code is accepted at most once, whichever process sees
 * it first). Any failure is one answer, `invalid`, as AWS gives one error for all of them.
 */
export async function verifyMfaCode(
  store: Pick<IamStore, 'mfaDevices'>,
  req: VerifyMfaCodeRequest,
): Promise<MfaVerdict> {
  if (!/^\d{6}$/.test(req.code)) return 'invalid';
  const device = await store.mfaDevices.get(req.serialNumber);
  if (!device || device.accountId !== req.accountId || device.enabledAt === undefined) return 'invalid';
  if (!device.owner) return 'invalid';
  const o = device.owner;
  const mine = req.owner.kind === 'root' ? o.kind === 'root' : o.kind === 'user' && o.userId === req.owner.userId;
  if (!mine) return 'invalid';
  const now = stepOf(req.now);
  const step = stepWithCode(device.seed, req.code, now - CODE_WINDOW_STEPS, now + CODE_WINDOW_STEPS);
  if (step === undefined) return 'invalid';
  return (await store.mfaDevices.consumeStep(req.serialNumber, step)) ? 'ok' : 'invalid';
}

/**
 * EnableMFADevice / ResyncMFADevice: `code1` and `code2` must be the codes of two consecutive steps,
 * the second within ±PAIR_WINDOW_STEPS of now. Returns the step of the second code (recorded as used),
 * or undefined.
 */
export function matchConsecutiveCodes(seed: Uint8Array, code1: string, code2: string, now: Date): number | undefined {
  const current = stepOf(now);
  for (let step = current + PAIR_WINDOW_STEPS; step >= current - PAIR_WINDOW_STEPS; step--) {
    if (sameCode(totpCode(seed, step), code2) && sameCode(totpCode(seed, step - 1), code1)) return step;
  }
  return undefined;
}
