import { rootArn, userArn } from '../arn.js';
import type { AccessKeyRow, IamStore, MfaOwner } from '../store/types.js';

/** AWS's credential report columns, in order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const;

/** The report writes times as `2014-08-14T15:18:37+00:00`. */
function time(d: Date | undefined): string {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, '+00:00') : 'N/A';
}

function keyColumns(k: AccessKeyRow | undefined): string[] {
  if (!k) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  return [String(k.status === 'Active'), time(k.createdAt), time(k.lastUsedAt), k.lastUsedRegion ?? 'N/A', k.lastUsedService ?? 'N/A'];
}

const NO_CERTS = ['false', 'N/A', 'false', 'N/A'];

/** Builds the CSV for one account: the `<root_account>` row, then one row per user. */
export async function buildCredentialReport(store: IamStore, accountId: string): Promise<string> {
  const account = await store.accounts.get(accountId);
  const policy = await store.settings.getPasswordPolicy(accountId);
  const rows: string[][] = [];
  const rootKeys = await store.accessKeys.listForUser(accountId, undefined);
  // mfa_active: the user (or root) has an MFA device enabled.
  const mfaActive = async (owner: MfaOwner) => String((await store.mfaDevices.listForOwner(accountId, owner)).length > 0);
  rows.push([
    '<root_account>', rootArn(accountId), time(account?.createdAt), 'not_supported', 'no_information', 'not_supported', 'not_supported',
    await mfaActive({ kind: 'root' }),
    ...keyColumns(rootKeys[0]), ...keyColumns(rootKeys[1]), ...NO_CERTS,
  ]);
  for (const u of await store.users.list(accountId)) {
    const lp = await store.loginProfiles.get(u.userId);
    const keys = await store.accessKeys.listForUser(accountId, u.userId);
    const nextRotation = lp && policy?.MaxPasswordAge !== undefined ? time(new Date(lp.passwordLastChanged.getTime() + policy.MaxPasswordAge * 86_400_000)) : 'N/A';
    rows.push([
      u.userName, userArn(accountId, u.path, u.userName), time(u.createdAt), String(lp !== undefined),
      lp ? (u.passwordLastUsed ? time(u.passwordLastUsed) : 'no_information') : 'N/A',
      lp ? time(lp.passwordLastChanged) : 'N/A', nextRotation, await mfaActive({ kind: 'user', userId: u.userId }),
      ...keyColumns(keys[0]), ...keyColumns(keys[1]), ...NO_CERTS,
    ]);
  }
  return [CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((r) => r.join(','))].join('\n');
}
