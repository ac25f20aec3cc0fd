import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectRecord } from '../ports.js';
import { bucketRecord, deleteRequest, fakeSegment, objectRecord, rejection, type ContractContext } from './fixtures.js';

/** Objects whose bytes the store keeps inline (ObjectRecord.inline). Skipped by stores without them. */
export function inlineContract(ctx: ContractContext): void {
  describe('ObjectStore: inline objects', () => {
    const newBucket = async (hint: string): Promise<string> => {
      const name = ctx.uniqueBucketName(hint);
      await ctx.storage().buckets.createBucket(bucketRecord(name));
      return name;
    };
    const inlined = (bucket: string, key: string, bytes: Buffer, overrides: Partial<ObjectRecord> = {}): ObjectRecord =>
      objectRecord(bucket, key, [], { size: bytes.length, inline: bytes, ...overrides });
    const supported = (): boolean => (ctx.storage().objects.maxInlineBytes ?? 0) > 0;

    it('round-trips the bytes and every field, across a reopen; listings carry no bytes', async (t) => {
      if (!supported()) return t.skip('store keeps every object in blobs');
      const bucket = await newBucket('inline-roundtrip');
      const bytes = Buffer.from('small object bytes \u0000\u00ff', 'latin1');
      const record = inlined(bucket, 'k', bytes, { userMetadata: { a: 'b' }, tags: [['t', 'v']], contentType: 'text/plain' });
      assert.deepEqual(await ctx.storage().objects.putObject(record), { outcome: 'Written', versionId: null, garbage: [] });
      assert.deepEqual(await ctx.storage().objects.getObject(bucket, 'k'), record);
      const empty = inlined(bucket, 'empty', Buffer.alloc(0));
      await ctx.storage().objects.putObject(empty);
      assert.deepEqual(await ctx.storage().objects.getObject(bucket, 'empty'), empty);
      await ctx.reopen();
      assert.deepEqual(await ctx.storage().objects.getObject(bucket, 'k'), record);
      const listed = await ctx.storage().objects.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 10 });
      // Listings carry no bytes.
      assert.deepEqual(listed.objects.map((o) => [o.key, o.size, 'inline' in o]), [['empty', 0, false], ['k', bytes.length, false]]);
    });

    it('switches between inline and blob bytes on overwrite; only replaced blobs are garbage', async (t) => {
      if (!supported()) return t.skip('store keeps every object in blobs');
      const { objects } = ctx.storage();
      const bucket = await newBucket('inline-overwrite');
      const blob = [fakeSegment(4)];
      await objects.putObject(objectRecord(bucket, 'k', blob));
      const first = await objects.putObject(inlined(bucket, 'k', Buffer.from('one')));
      assert.deepEqual(first.outcome === 'Written' ? [...first.garbage] : undefined, blob);
      const second = await objects.putObject(inlined(bucket, 'k', Buffer.from('two!')));
      assert.deepEqual(second.outcome === 'Written' ? [...second.garbage] : undefined, []);
      assert.deepEqual((await objects.getObject(bucket, 'k'))?.inline, Buffer.from('two!'));
      const again = [fakeSegment(9)];
      const third = await objects.putObject(objectRecord(bucket, 'k', again));
      assert.deepEqual(third.outcome === 'Written' ? [...third.garbage] : undefined, []);
      const now = await objects.getObject(bucket, 'k');
      assert.deepEqual([now?.segments, now?.inline], [again, undefined]);
    });

    it('deletes inline objects (no garbage) and honours conditions on them', async (t) => {
      if (!supported()) return t.skip('store keeps every object in blobs');
      const { objects } = ctx.storage();
      const bucket = await newBucket('inline-delete');
      await objects.putObject(inlined(bucket, 'k', Buffer.from('x'), { etag: 'aaa' }));
      assert.deepEqual(await objects.putObject(inlined(bucket, 'k', Buffer.from('y')), { ifNoneMatch: true }), { outcome: 'PreconditionFailed', reason: 'ObjectExists' });
      assert.equal((await objects.putObject(inlined(bucket, 'k', Buffer.from('z'), { etag: 'bbb' }), { ifMatch: 'aaa' })).outcome, 'Written');
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k')), { outcome: 'Deleted', versionId: null, deleteMarker: false, garbage: [] });
      assert.equal(await objects.getObject(bucket, 'k'), undefined);
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k')), { outcome: 'NotFound' });
      assert.equal((await ctx.storage().buckets.deleteBucket(bucket)).outcome, 'Deleted');
    });

    it('refuses inline bytes above maxInlineBytes, or together with segments', async (t) => {
      if (!supported()) return t.skip('store keeps every object in blobs');
      const { objects } = ctx.storage();
      const bucket = await newBucket('inline-limits');
      const max = objects.maxInlineBytes ?? 0;
      await objects.putObject(inlined(bucket, 'max', Buffer.alloc(max, 7)));
      assert.equal((await objects.getObject(bucket, 'max'))?.inline?.length, max);
      assert.ok((await rejection(objects.putObject(inlined(bucket, 'big', Buffer.alloc(max + 1))))) instanceof RangeError);
      const both = { ...objectRecord(bucket, 'both', [fakeSegment(1)]), inline: Buffer.from('b'), size: 1 };
      assert.ok((await rejection(objects.putObject(both))) instanceof RangeError);
      assert.equal(await objects.getObject(bucket, 'big'), undefined);
      assert.equal(await objects.getObject(bucket, 'both'), undefined);
    });
  });
}
