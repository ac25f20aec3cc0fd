import type { AuditEventStore, TrailStore } from '../audit/audit-ports.js';
import type { AuthzCheck } from '../server/protocol.js';
import type { TrailBucketAccess, TrailBucketAccessInput } from './trail-bucket-access.js';

/** A public key of the digest signing key ring, as ListPublicKeys returns it (API_PublicKey.html). */
export interface TrailPublicKey {
  /** DER, PKCS#1 RSAPublicKey. */
  readonly value: Buffer;
  readonly validityStartTime: Date;
  readonly validityEndTime: Date;
  readonly fingerprint: string;
}

/** What the CloudTrail API is built from (wired by the composition root). */
export interface CloudTrailDeps {
  readonly events: AuditEventStore;
  readonly trails: TrailStore;
  /** The server's region: every trail's home region, and the region event history is asked for. */
  readonly region: string;
  readonly now: () => Date;
  /** Every key that signed (or signs) digest files, current one included. */
  readonly publicKeys: () => readonly TrailPublicKey[];
  /** checkTrailBucketAccess with the server's bucket store (trail-bucket-access.ts). */
  readonly checkBucket: (input: TrailBucketAccessInput) => Promise<TrailBucketAccess>;
}

/** `cloudtrail:<Operation>` on a resource of the caller's account (a trail ARN, or `*`). */
export function cloudTrailCheck(
  accountId: string,
  operation: string,
  resource = '*',
  context: AuthzCheck['context'] = {},
): AuthzCheck {
  return { action: `cloudtrail:${operation}`, resource, resourceAccount: accountId, context };
}
