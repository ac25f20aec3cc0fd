import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectLockState } from '../ports.js';
import { bucketRecord, deleteRequest, fakeSegment, objectRecord, type ContractContext } from './fixtures.js';

const HOUR = 3600 * 1000;

/** Object Lock: a version's lock persists, travels with the version, and guards its deletion in the store. */
export function objectLockContract(ctx: ContractContext): void {
  describe('ObjectStore: object lock', () => {
    const lockedBucket = async (hint: string): Promise<string> => {
      const name = ctx.uniqueBucketName(hint);
      await ctx.storage().buckets.createBucket(bucketRecord(name, { versioning: 'Enabled', objectLock: { enabled: true } }));
      return name;
    };
    const put = async (bucket: string, key: string, objectLock?: ObjectLockState): Promise<string> => {
      const outcome = await ctx.storage().objects.putObject(objectRecord(bucket, key, [fakeSegment(2)], objectLock ? { objectLock } : {}));
      assert.equal(outcome.outcome, 'Written');
      return (outcome as { versionId: string }).versionId;
    };

    it('a version under COMPLIANCE retention cannot be deleted, even with the governance bypass, until it ends', async () => {
      const { objects } = ctx.storage();
      const bucket = await lockedBucket('lock-compliance');
      const until = new Date(Date.now() + HOUR);
      const v1 = await put(bucket, 'k', { retention: { mode: 'COMPLIANCE', retainUntil: until } });
      await put(bucket, 'k');
      const refused = await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: v1, bypassGovernance: true }));
      assert.deepEqual(refused, { outcome: 'ObjectLocked' });
      const kept = await objects.getVersion(bucket, 'k', v1);
      assert.deepEqual(kept?.kind === 'Object' ? kept.object.objectLock : undefined, { retention: { mode: 'COMPLIANCE', retainUntil: until } });
      // A delete marker on top is allowed: the version stays.
      assert.equal((await objects.deleteObject(deleteRequest(bucket, 'k'))).outcome, 'DeleteMarkerCreated');
      const past = await put(bucket, 'old', { retention: { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() - 1000) } });
      assert.equal((await objects.deleteObject(deleteRequest(bucket, 'old', { versionId: past }))).outcome, 'Deleted');
    });

    it('GOVERNANCE yields to the bypass; a legal hold to nothing; the lock survives a reopen and a demotion', async () => {
      const bucket = await lockedBucket('lock-governance');
      const retention = { mode: 'GOVERNANCE' as const, retainUntil: new Date(Date.now() + HOUR) };
      const v1 = await put(bucket, 'g', { retention, legalHold: true });
      await put(bucket, 'g');
      const { objects } = await ctx.reopen();
      const version = await objects.getVersion(bucket, 'g', v1);
      assert.deepEqual(version?.kind === 'Object' ? version.object.objectLock : undefined, { retention, legalHold: true });
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'g', { versionId: v1, bypassGovernance: true })), { outcome: 'ObjectLocked' });
      const off = await objects.putObjectLock({ bucket, key: 'g', versionId: v1, legalHold: false, bypassGovernance: false, now: new Date() });
      assert.deepEqual(off, { outcome: 'Updated' });
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'g', { versionId: v1 })), { outcome: 'ObjectLocked' });
      assert.equal((await objects.deleteObject(deleteRequest(bucket, 'g', { versionId: v1, bypassGovernance: true }))).outcome, 'Deleted');
    });

    it('putObjectLock: lengthening is allowed, shortening needs the bypass under GOVERNANCE and is never allowed under COMPLIANCE', async () => {
      const { objects } = ctx.storage();
      const bucket = await lockedBucket('lock-update');
      const now = new Date();
      const at = (h: number) => new Date(now.getTime() + h * HOUR);
      await put(bucket, 'c', { retention: { mode: 'COMPLIANCE', retainUntil: at(2) } });
      const update = (retention: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: Date } | null, bypassGovernance = false) =>
        objects.putObjectLock({ bucket, key: 'c', retention, bypassGovernance, now });
      assert.deepEqual(await update({ mode: 'COMPLIANCE', retainUntil: at(1) }, true), { outcome: 'ObjectLocked' });
      assert.deepEqual(await update({ mode: 'GOVERNANCE', retainUntil: at(3) }, true), { outcome: 'ObjectLocked' });
      assert.deepEqual(await update(null, true), { outcome: 'ObjectLocked' });
      assert.deepEqual(await update({ mode: 'COMPLIANCE', retainUntil: at(3) }), { outcome: 'Updated' });
      assert.deepEqual((await objects.getObject(bucket, 'c'))?.objectLock, { retention: { mode: 'COMPLIANCE', retainUntil: at(3) } });
      await put(bucket, 'g', { retention: { mode: 'GOVERNANCE', retainUntil: at(2) } });
      const g = (retention: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: Date } | null, bypassGovernance = false) =>
        objects.putObjectLock({ bucket, key: 'g', retention, bypassGovernance, now });
      assert.deepEqual(await g({ mode: 'GOVERNANCE', retainUntil: at(1) }), { outcome: 'ObjectLocked' });
      assert.deepEqual(await g(null), { outcome: 'ObjectLocked' });
      assert.deepEqual(await g({ mode: 'GOVERNANCE', retainUntil: at(1) }, true), { outcome: 'Updated' });
      assert.deepEqual(await g(null, true), { outcome: 'Updated' });
      assert.equal((await objects.getObject(bucket, 'g'))?.objectLock, undefined);
      assert.deepEqual(await objects.putObjectLock({ bucket, key: 'none', legalHold: true, bypassGovernance: false, now }), { outcome: 'NotFound' });
    });
  });
}
