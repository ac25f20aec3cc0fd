import { createHash } from 'node:crypto';

/**
 * An account's S3 canonical user id: 64 hex characters, stable, the same on every node, derived from
 * the account id (S3 shows it as bucket and object Owner, and ACL grants name accounts by it). Not a
 * secret: AWS shows canonical ids to anyone a bucket's ACL is visible to.
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html#FindCanonicalId
 */
export function canonicalUserId(accountId: string): string {
  return createHash('sha256').update(`strongbox canonical user ${accountId}`).digest('hex');
}
