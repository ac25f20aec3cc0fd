import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRecord } from '../ports.js';
import { bucketRecord, deleteRequest, fakeSegment, garbageOf, objectRecord, type ContractContext } from './fixtures.js';

export function objectContract(ctx: ContractContext): void {
  describe('ObjectStore', () => {
    const newBucket = async (hint: string): Promise<string> => {
      const name = ctx.uniqueBucketName(hint);
      await ctx.storage().buckets.createBucket(bucketRecord(name));
      return name;
    };

    it('round-trips every field of a record', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('roundtrip');
      const full: ObjectRecord = objectRecord(bucket, 'dir/ünïcødé key 😀.txt', [fakeSegment(5), fakeSegment(0), fakeSegment(7)], {
        etag: '9b2cf535f27731c974343645a3985328-3',
        contentType: 'text/plain; charset=utf-8',
        contentEncoding: 'gzip',
        contentDisposition: 'attachment; filename="a.txt"',
        contentLanguage: 'fr',
        cacheControl: 'max-age=60',
        expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
        userMetadata: { color: 'blue', 'x-empty': '' },
        tags: [['b', '2'], ['a', '1']],
        checksum: { algorithm: 'CRC32', value: 'AAAAAA==-3', type: 'COMPOSITE' },
        partsCount: 3,
        storageClass: 'STANDARD_IA',
      });
      assert.deepEqual(await objects.putObject(full), { outcome: 'Written', versionId: null, garbage: [] });
      assert.deepEqual(await objects.getObject(bucket, full.key), full);
      const minimal = objectRecord(bucket, 'empty', []);
      await objects.putObject(minimal);
      assert.deepEqual(await objects.getObject(bucket, 'empty'), minimal);
      assert.equal(await objects.getObject(bucket, 'absent'), undefined);
    });

    it('keeps keys distinct byte for byte (no normalisation, case or trailing-slash folding)', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('distinct');
      const keys = ['caf\u00e9', 'cafe\u0301', 'Cafe', 'cafe', 'cafe/', 'cafe '];
      for (const key of keys) await objects.putObject(objectRecord(bucket, key, [fakeSegment()]));
      for (const key of keys) assert.equal((await objects.getObject(bucket, key))?.key, key);
    });

    it('overwrites atomically and hands back the replaced segments', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('overwrite');
      const first = [fakeSegment(3), fakeSegment(4)];
      const second = [fakeSegment(9)];
      await objects.putObject(objectRecord(bucket, 'k', first));
      const r = await objects.putObject(objectRecord(bucket, 'k', second, { contentType: 'image/png' }));
      assert.equal(r.outcome, 'Written');
      assert.deepEqual(r.outcome === 'Written' ? [...r.garbage] : [], first);
      const now = await objects.getObject(bucket, 'k');
      assert.deepEqual(now?.segments, second);
      assert.equal(now?.contentType, 'image/png');
    });

    it('never reports a blob still in use as garbage (shared or re-used segments)', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('shared');
      const shared = fakeSegment(10);
      const own = fakeSegment(2);
      await objects.putObject(objectRecord(bucket, 'a', [shared, own]));
      // A metadata-only rewrite (CopyObject onto itself) keeps the same blobs: nothing is garbage.
      const again = await objects.putObject(objectRecord(bucket, 'a', [shared, own], { contentType: 'x/y' }));
      assert.deepEqual(again.outcome === 'Written' ? [...again.garbage] : undefined, []);
      await objects.putObject(objectRecord(bucket, 'b', [shared]));
      assert.deepEqual(garbageOf(await objects.deleteObject(deleteRequest(bucket, 'a'))), [own]);
      assert.deepEqual(garbageOf(await objects.deleteObject(deleteRequest(bucket, 'b'))), [shared]);
    });

    it('deletes and returns the segments, NotFound when absent', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('delete');
      const segs = [fakeSegment(1), fakeSegment(2)];
      await objects.putObject(objectRecord(bucket, 'k', segs));
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k')), { outcome: 'Deleted', versionId: null, deleteMarker: false, garbage: segs });
      assert.equal(await objects.getObject(bucket, 'k'), undefined);
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k')), { outcome: 'NotFound' });
    });

    it('implements If-None-Match: * and If-Match in the same step as the write', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('conditional');
      const v1 = objectRecord(bucket, 'k', [fakeSegment()], { etag: 'aaa' });
      assert.deepEqual(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()]), { ifMatch: 'aaa' }), {
        outcome: 'PreconditionFailed',
        reason: 'NoSuchKey',
      });
      assert.equal((await objects.putObject(v1, { ifNoneMatch: true })).outcome, 'Written');
      const v2 = objectRecord(bucket, 'k', [fakeSegment()], { etag: 'bbb' });
      assert.deepEqual(await objects.putObject(v2, { ifNoneMatch: true }), { outcome: 'PreconditionFailed', reason: 'ObjectExists' });
      assert.deepEqual(await objects.putObject(v2, { ifMatch: 'zzz' }), { outcome: 'PreconditionFailed', reason: 'ETagMismatch' });
      assert.equal((await objects.getObject(bucket, 'k'))?.etag, 'aaa');
      assert.equal((await objects.putObject(v2, { ifMatch: '"aaa"' })).outcome, 'Written');
      const v3 = objectRecord(bucket, 'k', [fakeSegment()], { etag: 'ccc' });
      assert.equal((await objects.putObject(v3, { ifMatch: 'bbb' })).outcome, 'Written');
      assert.equal((await objects.putObject(v3, { ifMatch: '*' })).outcome, 'Written');
      assert.equal((await objects.getObject(bucket, 'k'))?.etag, 'ccc');
    });

    it('lets exactly one of many concurrent If-None-Match creates win', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('race');
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: `e${i}` }), { ifNoneMatch: true })),
      );
      assert.equal(results.filter((r) => r.outcome === 'Written').length, 1);
    });

    it('replaces tags in order, false when the object is absent', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('tags');
      await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { tags: [['old', '1']] }));
      const tags: [string, string][] = [['z', 'last?'], ['a', ''], ['ключ', 'значение']];
      assert.equal(await objects.putObjectTags(bucket, 'k', tags), true);
      assert.deepEqual((await objects.getObject(bucket, 'k'))?.tags, tags);
      assert.equal(await objects.putObjectTags(bucket, 'k', []), true);
      assert.deepEqual((await objects.getObject(bucket, 'k'))?.tags, []);
      assert.equal(await objects.putObjectTags(bucket, 'absent', tags), false);
    });
  });
}
