/**
 * The S3 `Owner` of buckets and objects. S3 names an account by a 64-hex-digit canonical user id; we
 * derive it from the 12-digit account id so every node computes the same id without a lookup.
 */
import { createHash } from 'node:crypto';

export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`strongbox-canonical-user:${accountId}`).digest('hex');
}

/**
 * `<Owner><ID/><DisplayName/></Owner>`.
 * Deviation from AWS: S3 stopped returning DisplayName in November 2025; we still send the account
 * id there, because tools written against the older API read it.
 */
export function ownerNode(accountId: string): { ID: string; DisplayName: string } {
  return { ID: canonicalUserId(accountId), DisplayName: accountId };
}
