/**
 * The S3 `Owner` of buckets and objects. S3 names an account by its 64-hex-digit canonical user id
 * (src/identity/canonical-user.ts), the same id ACL grants name it by.
 */
import { canonicalUserId } from '../identity/canonical-user.js';

/**
 * `<Owner><ID/><DisplayName/></Owner>`.
 * Deviation from AWS: S3 stopped returning DisplayName in November 2025; we still send the account
 * id there, because tools written against the older API read it.
 */
export function ownerNode(accountId: string): { ID: string; DisplayName: string } {
  return { ID: canonicalUserId(accountId), DisplayName: accountId };
}
