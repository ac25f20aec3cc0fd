/**
 * The contract every S3 storage adapter passes (embedded SQLite + files today, PostgreSQL + shared
 * filesystem later). `open` must open the *same* backing data on every call — the suite closes and
 * reopens it to check persistence — and tests isolate themselves with unique bucket names, so the
 * backing store may be shared with other data.
 *
 *   runStorageContract('embedded', () => openEmbeddedStorage({ dataDir }));
 */
import { after, before, describe } from 'node:test';
import { blobContract } from './blob-contract.js';
import { bucketContract } from './bucket-contract.js';
import type { ContractContext, ContractStorage } from './fixtures.js';
import { inlineContract } from './inline-contract.js';
import { listingContract } from './listing-contract.js';
import { multipartContract } from './multipart-contract.js';
import { objectContract } from './object-contract.js';
import { objectLockContract } from './object-lock-contract.js';
import { versionContract } from './version-contract.js';
import { versionListingContract } from './version-listing-contract.js';

export type { ContractStorage } from './fixtures.js';

export function runStorageContract(name: string, open: () => Promise<ContractStorage>): void {
  describe(`storage contract: ${name}`, () => {
    let current: ContractStorage | undefined;
    let counter = 0;
    const run = Date.now().toString(36);
    const ctx: ContractContext = {
      storage: () => {
        if (current === undefined) throw new Error('storage not open');
        return current;
      },
      reopen: async () => {
        await current?.close();
        current = undefined;
        current = await open();
        return current;
      },
      uniqueBucketName: (hint) => `${hint}-${run}-${++counter}`.toLowerCase(),
    };
    before(async () => {
      current = await open();
    });
    after(async () => {
      await current?.close();
    });
    bucketContract(ctx);
    objectContract(ctx);
    inlineContract(ctx);
    listingContract(ctx);
    multipartContract(ctx);
    versionContract(ctx);
    objectLockContract(ctx);
    versionListingContract(ctx);
    blobContract(ctx);
  });
}
