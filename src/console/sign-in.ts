import { verifyPassword } from '../crypto/password-hash.js';
import { verifyMfaCode } from '../iam/mfa/verify-mfa-code.js';
import type { AccountRow, IamStore, MfaOwner } from '../iam/store/types.js';
import type { SessionPrincipal } from '../sts/session-token.js';

/**
 * Console sign-in (AWS's signin.aws.amazon.com): the root user by account id or e-mail, an IAM user
 * by account id or alias and user name; the password checked against its hash, then the MFA code of
 * the principal's device when it has one. What comes out is who signs in; the console issues their
 * session (console-endpoint.ts). Every failure of name or password is one answer, as AWS gives one.
 */
export interface SignInRequest {
  /** A 12-digit account id, the account's alias, or (root) its e-mail. */
  readonly account: string;
  /** Absent: the root user. */
  readonly userName?: string;
  readonly password: string;
  readonly mfaCode?: string;
}

export type SignInOutcome =
  | {
      readonly ok: true;
      readonly principal: SessionPrincipal;
      readonly mfaAuthenticatedAt: Date | undefined;
      /** The user must choose a new password before anything else (CreateLoginProfile's flag, or expiry). */
      readonly passwordResetRequired: boolean;
    }
  | {
      readonly ok: false;
      readonly code: SignInRefusal;
      readonly message: string;
      /** The principal the attempt named, when it exists: its account's trail records the failure. */
      readonly subject?: SessionPrincipal;
    };

export type SignInRefusal = 'InvalidCredentials' | 'MfaRequired' | 'InvalidMfaCode' | 'PasswordExpired';

const MESSAGES: Record<SignInRefusal, string> = {
  InvalidCredentials: 'Your authentication information is incorrect. Please try again.',
  MfaRequired: 'Enter the code from your MFA device.',
  InvalidMfaCode: 'Your authentication information is incorrect. Please try again.',
  PasswordExpired: 'Your password has expired. Ask your administrator to reset it.',
};

const refuse = (code: SignInRefusal, subject?: SessionPrincipal): SignInOutcome => ({
  ok: false,
  code,
  message: MESSAGES[code],
  subject,
});

export interface SignInDeps {
  readonly store: IamStore;
  readonly now: () => Date;
}

export async function signIn(deps: SignInDeps, r: SignInRequest): Promise<SignInOutcome> {
  const account = await findAccount(deps.store, r.account.trim(), r.userName === undefined);
  if (!account) return refuse('InvalidCredentials');
  return r.userName === undefined ? signInRoot(deps, account, r) : signInUser(deps, account, r.userName, r);
}

async function signInRoot(deps: SignInDeps, account: AccountRow, r: SignInRequest): Promise<SignInOutcome> {
  const principal: SessionPrincipal = { kind: 'Root', accountId: account.accountId };
  const stored = await deps.store.accounts.getRootPassword(account.accountId);
  if (!stored || !(await verifyPassword(r.password, stored.passwordHash)))
    return refuse('InvalidCredentials', principal);
  const mfa = await checkMfa(deps, account.accountId, { kind: 'root' }, r.mfaCode);
  if (mfa === 'MfaRequired' || mfa === 'InvalidMfaCode') return refuse(mfa, principal);
  return { ok: true, principal, mfaAuthenticatedAt: mfa, passwordResetRequired: false };
}

async function signInUser(
  deps: SignInDeps,
  account: AccountRow,
  userName: string,
  r: SignInRequest,
): Promise<SignInOutcome> {
  const { store } = deps;
  const user = await store.users.getByName(account.accountId, userName.trim());
  if (!user) return refuse('InvalidCredentials');
  const { accountId } = account;
  const principal: SessionPrincipal = {
    kind: 'User',
    accountId,
    userId: user.userId,
    userName: user.userName,
    path: user.path,
  };
  const profile = await store.loginProfiles.get(user.userId);
  if (!profile || !(await verifyPassword(r.password, profile.passwordHash)))
    return refuse('InvalidCredentials', principal);
  const mfa = await checkMfa(deps, accountId, { kind: 'user', userId: user.userId }, r.mfaCode);
  if (mfa === 'MfaRequired' || mfa === 'InvalidMfaCode') return refuse(mfa, principal);
  const policy = await store.settings.getPasswordPolicy(accountId);
  const maxAgeMs = policy?.MaxPasswordAge !== undefined ? policy.MaxPasswordAge * 86_400_000 : undefined;
  const expired = maxAgeMs !== undefined && deps.now().getTime() - profile.passwordLastChanged.getTime() > maxAgeMs;
  if (expired && policy?.HardExpiry === true) return refuse('PasswordExpired', principal);
  await store.users.setPasswordLastUsed(user.userId, deps.now());
  return {
    ok: true,
    principal,
    mfaAuthenticatedAt: mfa,
    passwordResetRequired: profile.passwordResetRequired || expired,
  };
}

/** The time MFA was proven, undefined when the principal has no device, or why it was not. */
async function checkMfa(
  deps: SignInDeps,
  accountId: string,
  owner: MfaOwner,
  code: string | undefined,
): Promise<Date | undefined | 'MfaRequired' | 'InvalidMfaCode'> {
  const devices = (await deps.store.mfaDevices.listForOwner(accountId, owner)).filter((d) => d.enabledAt !== undefined);
  if (devices.length === 0) return undefined;
  if (code === undefined || code === '') return 'MfaRequired';
  const now = deps.now();
  for (const device of devices) {
    const verdict = await verifyMfaCode(deps.store, {
      serialNumber: device.serialNumber,
      code: code.trim(),
      owner,
      accountId,
      now,
    });
    if (verdict === 'ok') return now;
  }
  return 'InvalidMfaCode';
}

/** The account named by id, by alias (IAM users), or by e-mail (the root user). */
async function findAccount(store: IamStore, name: string, root: boolean): Promise<AccountRow | undefined> {
  if (/^\d{12}$/.test(name)) return store.accounts.get(name);
  const accounts = await store.accounts.list();
  if (root) return accounts.find((a) => a.email !== undefined && a.email.toLowerCase() === name.toLowerCase());
  for (const a of accounts) if ((await store.settings.listAliases(a.accountId)).includes(name.toLowerCase())) return a;
  return undefined;
}
