/**
 * Account-level S3 Block Public Access as it is in force: an organization's S3 policy when one assigns
 * a value to the account (src/organizations/s3-policy.ts), else the account's own settings (S3 Control
 * PutPublicAccessBlock, kept in the IAM store). S3 combines the result with each bucket's settings
 * (resource-side.ts); S3 Control's GetPublicAccessBlock answers it ("returns the effective
 * account-level configuration, which may inherit from organization-level policies").
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html
 */
import type { IamStore } from '../iam/store/types.js';
import { loadAccountS3Policy } from '../organizations/s3-policy.js';
import type { PublicAccessBlock } from '../storage/ports.js';

export interface AccountPublicAccessBlockState {
  /** What applies to the account's buckets; undefined when neither level configures anything. */
  readonly effective: PublicAccessBlock | undefined;
  /** True while an organization's S3 policy decides: the account cannot change its settings then. */
  readonly managedByOrganization: boolean;
}

export interface AccountPublicAccessBlocks {
  state(accountId: string): Promise<AccountPublicAccessBlockState>;
  /** `state(accountId).effective`: what the S3 layer asks on every bucket request. */
  effective(accountId: string): Promise<PublicAccessBlock | undefined>;
  close(): void;
}

const ALL: PublicAccessBlock = Object.freeze({
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
});
const NONE: PublicAccessBlock = Object.freeze({
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
});

/** Reads an account's state from the store (no cache). */
export async function loadAccountPublicAccessBlock(
  store: IamStore,
  accountId: string,
): Promise<AccountPublicAccessBlockState> {
  const organization = await loadAccountS3Policy(store, accountId);
  if (organization !== undefined) {
    return { effective: organization === 'all' ? ALL : NONE, managedByOrganization: true };
  }
  return { effective: await store.settings.getPublicAccessBlock(accountId), managedByOrganization: false };
}

/**
 * `loadAccountPublicAccessBlock` with a per-account cache: every bucket request asks it, so a hit is a
 * map lookup. Dropped on the store's change feed: an account's settings (`publicAccessBlock`), any
 * organization change (S3 policies, attachments, moves, the enabled policy types), and `external`
 * changes (another worker process committed), like the identity-policy loader.
 */
export function createAccountPublicAccessBlocks(
  store: IamStore,
  options: { maxEntries?: number } = {},
): AccountPublicAccessBlocks {
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<string, AccountPublicAccessBlockState>();
  let generation = 0;
  const unsubscribe = store.onChange((c) => {
    if (c.kind === 'publicAccessBlock' || c.kind === 'organization' || c.kind === 'external') {
      generation++;
      cache.clear();
    }
  });
  const state = async (accountId: string): Promise<AccountPublicAccessBlockState> => {
    const hit = cache.get(accountId);
    if (hit) return hit;
    const g = generation;
    const loaded = await loadAccountPublicAccessBlock(store, accountId);
    // A change that arrived while reading may have been missed by the read: do not keep its result.
    if (g === generation) {
      if (cache.size >= max) cache.clear();
      cache.set(accountId, loaded);
    }
    return loaded;
  };
  return {
    state,
    effective: async (accountId) => (await state(accountId)).effective,
    close: unsubscribe,
  };
}
