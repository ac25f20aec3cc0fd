/**
 * MFA Delete (https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html):
 * on a bucket with MFA Delete enabled, deleting a version for good and changing the versioning state
 * take `x-amz-mfa: <serial number> <code>` from the bucket owner's root user with its MFA device
 * ("only the root user can permanently delete object versions or change the versioning
 * configuration"). Enabling or disabling MFA Delete itself takes the same header.
 *
 * Deviation from AWS: "Requests that include x-amz-mfa must use HTTPS"; Strongbox accepts the header
 * on its plain listener too (the code is single-use and expires within a minute), so that the CLI can
 * be pointed at `http://127.0.0.1`.
 */
import { s3Error } from './errors.js';
import type { S3Context } from './context.js';

export interface MfaCheck {
  /** `arn:aws:iam::<account>:mfa/<name>` of a virtual device. */
  readonly serialNumber: string;
  readonly code: string;
  /** The bucket owner's account: the device must be its root user's. */
  readonly accountId: string;
  readonly now: Date;
}

/**
 * Checks a root user's TOTP code (src/iam/mfa/verify-mfa-code.ts, bound to the IAM store by the
 * composition root); a code is accepted at most once.
 */
export type MfaVerifier = (check: MfaCheck) => Promise<'ok' | 'invalid'>;

const MFA_REQUIRED = 'Mfa Authentication must be used for this request';

/** `x-amz-mfa`: the device's serial number, one space, the code. */
export function parseMfaHeader(value: string | undefined): { serialNumber: string; code: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(value);
  return m === null ? undefined : { serialNumber: m[1], code: m[2] };
}

/**
 * The MFA Delete requirement of a request the bucket's configuration makes subject to it: the caller
 * is the bucket owner's root and `x-amz-mfa` holds a valid code of its device; AccessDenied otherwise.
 */
export async function requireMfa(ctx: S3Context, bucketOwnerAccountId: string): Promise<void> {
  const presented = parseMfaHeader(ctx.header('x-amz-mfa'));
  if (presented === undefined) throw s3Error('AccessDenied', { message: MFA_REQUIRED });
  const caller = ctx.auth.caller;
  if (caller.kind !== 'Root' || caller.accountId !== bucketOwnerAccountId) {
    throw s3Error('AccessDenied', { message: 'Only the bucket owner\'s root user can use MFA Delete' });
  }
  const verdict = await ctx.deps.verifyMfa({ ...presented, accountId: bucketOwnerAccountId, now: ctx.deps.now() });
  if (verdict !== 'ok') throw s3Error('AccessDenied', { message: 'The MFA token provided is invalid' });
}
