/**
 * Canonical user id → account, for ACL grantees. Canonical ids are derived from account ids
 * (src/identity/canonical-user.ts), so the directory hashes the accounts it is given; an unknown id
 * re-reads them (an account created since), at most once per `refreshMs`, so a client cannot make
 * every request re-list the accounts.
 */
import { canonicalUserId } from '../identity/canonical-user.js';

export interface CanonicalUserDirectoryOptions {
  /** Every account id of the server (the IAM store's accounts). */
  readonly listAccountIds: () => Promise<readonly string[]>;
  readonly now?: () => number;
  readonly refreshMs?: number;
}

export type CanonicalUserDirectory = (canonicalId: string) => Promise<string | undefined>;

export function canonicalUserDirectory(options: CanonicalUserDirectoryOptions): CanonicalUserDirectory {
  const now = options.now ?? Date.now;
  const refreshMs = options.refreshMs ?? 1000;
  let byId = new Map<string, string>();
  let readAt = Number.NEGATIVE_INFINITY;
  return async (canonicalId) => {
    const known = byId.get(canonicalId);
    if (known !== undefined || now() - readAt < refreshMs) return known;
    readAt = now();
    const ids = await options.listAccountIds();
    byId = new Map(ids.map((accountId) => [canonicalUserId(accountId), accountId]));
    return byId.get(canonicalId);
  };
}
