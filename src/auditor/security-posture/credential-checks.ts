/**
 * Credential hygiene (issue #18; CIS AWS Foundations' IAM section, Security Hub's IAM controls,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html): the root user's access
 * keys, console users without MFA, access keys past their rotation age. Pure: the rows and the time
 * come in.
 */
import { rootArn, userArn } from '../../iam/arn.js';
import type { AccessKeyRow, LoginProfileRow, UserRow } from '../../iam/store/types.js';
import type { MfaDeviceRow } from '../../iam/store/role-types.js';
import type { PostureFinding } from './posture-types.js';

export interface Clock {
  readonly now: Date;
  /** The length of a day (shorter in tests and demonstrations). */
  readonly dayMs: number;
}

/*
 * Details hold what defines a finding and changes only with it (a creation date, not an age): the
 * store rewrites a finding whose details change.
 */

/**
 * RootAccessKey: each active access key of the account root. "We recommend that you don't create
 * access keys for your root user" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html).
 * Strongbox's bootstrap gives the root a key, so a new server starts with this finding: the fix is to
 * create an administrator user, move to its key, and deactivate the root's.
 */
export function rootKeyFindings(accountId: string, keys: readonly AccessKeyRow[]): PostureFinding[] {
  return keys
    .filter((k) => k.userId === undefined && k.status === 'Active')
    .map((k) => ({
      key: `root-key:${k.accessKeyId}`,
      resourceType: 'AWS::::Account',
      resourceOwnerAccount: accountId,
      findingType: 'RootAccessKey',
      details: {
        principal: { AWS: rootArn(accountId) },
        accessKeyId: k.accessKeyId,
        createdAt: k.createdAt,
        used: k.lastUsedAt !== undefined,
        ...(k.lastUsedAt ? { lastUsedAt: k.lastUsedAt, lastUsedService: k.lastUsedService } : {}),
        severity: 'HIGH',
        fix:
          `Create an administrator user and use its key instead: aws iam create-user --user-name admin; ` +
          `aws iam attach-user-policy --user-name admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess; ` +
          `aws iam create-access-key --user-name admin. Then, signed in as the root, deactivate the root's key: ` +
          `aws iam update-access-key --access-key-id ${k.accessKeyId} --status Inactive ` +
          `(and delete it once nothing uses it: aws iam delete-access-key --access-key-id ${k.accessKeyId}).`,
      },
    }));
}

/**
 * UserWithoutMfa: a user who can sign in to the console (a login profile) with no MFA device enabled.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html
 */
export function mfaFinding(
  user: UserRow,
  profile: LoginProfileRow | undefined,
  devices: readonly MfaDeviceRow[],
): PostureFinding | undefined {
  if (!profile || devices.some((d) => d.enabledAt !== undefined)) return undefined;
  const name = user.userName;
  return {
    key: 'mfa',
    resourceType: 'AWS::IAM::User',
    resourceOwnerAccount: user.accountId,
    findingType: 'UserWithoutMfa',
    details: {
      principal: { AWS: userArn(user.accountId, user.path, name) },
      passwordCreatedAt: profile.createdAt,
      severity: 'MEDIUM',
      fix:
        `Enable a virtual MFA device for ${name}: ` +
        `aws iam create-virtual-mfa-device --virtual-mfa-device-name ${name} ` +
        `--outfile ${name}-mfa.png --bootstrap-method QRCodePNG, scan it, then aws iam enable-mfa-device ` +
        `--user-name ${name} --serial-number arn:aws:iam::${user.accountId}:mfa/${name} ` +
        `--authentication-code1 <code> --authentication-code2 <next code>. ` +
        `If ${name} does not need the console: aws iam delete-login-profile --user-name ${name}.`,
    },
  };
}

/**
 * OldAccessKey: an active key of a user created more than `maxAgeDays` ago ("rotate access keys
 * regularly"): https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
 */
export function oldKeyFindings(
  user: UserRow,
  keys: readonly AccessKeyRow[],
  options: Clock & { readonly maxAgeDays: number },
): PostureFinding[] {
  const cutoff = options.now.getTime() - options.maxAgeDays * options.dayMs;
  const name = user.userName;
  return keys
    .filter((k) => k.status === 'Active' && k.createdAt.getTime() < cutoff)
    .map((k) => ({
      key: `old-key:${k.accessKeyId}`,
      resourceType: 'AWS::IAM::User',
      resourceOwnerAccount: user.accountId,
      findingType: 'OldAccessKey',
      details: {
        principal: { AWS: userArn(user.accountId, user.path, name) },
        accessKeyId: k.accessKeyId,
        createdAt: k.createdAt,
        maxAgeDays: options.maxAgeDays,
        severity: 'MEDIUM',
        fix:
          `Rotate the key: aws iam create-access-key --user-name ${name}, move its users to the new key, then ` +
          `aws iam update-access-key --user-name ${name} --access-key-id ${k.accessKeyId} --status Inactive and, ` +
          `once nothing fails, aws iam delete-access-key --user-name ${name} --access-key-id ${k.accessKeyId}.`,
      },
    }));
}
