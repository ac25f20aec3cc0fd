import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceError } from '../../errors/service-error.js';
import {
  bucketRecord,
  deleteRequest,
  fakeSegment,
  garbageOf,
  objectRecord,
  OTHER_OWNER,
  OWNER,
  partRecord,
  rejection,
  uploadRecord,
  type ContractContext,
} from './fixtures.js';

export function bucketContract(ctx: ContractContext): void {
  describe('BucketStore', () => {
    it('creates a bucket once and tells same-owner from other-owner duplicates', async () => {
      const { buckets } = ctx.storage();
      const name = ctx.uniqueBucketName('create');
      const record = bucketRecord(name, { region: 'eu-west-1' });
      assert.equal(await buckets.createBucket(record), 'Created');
      assert.equal(await buckets.createBucket(bucketRecord(name)), 'ExistsSameOwner');
      assert.equal(await buckets.createBucket(bucketRecord(name, { ownerAccountId: OTHER_OWNER })), 'ExistsOtherOwner');
      assert.deepEqual(await buckets.getBucket(name), record);
      assert.equal(await buckets.getBucket(ctx.uniqueBucketName('absent')), undefined);
    });

    it('lists an owner’s buckets by name with prefix, after and limit', async () => {
      const { buckets } = ctx.storage();
      const base = ctx.uniqueBucketName('list');
      const names = ['a-1', 'a-2', 'a-3', 'b-1'].map((s) => `${base}-${s}`);
      for (const n of [...names].reverse()) await buckets.createBucket(bucketRecord(n));
      await buckets.createBucket(bucketRecord(`${base}-a-0`, { ownerAccountId: OTHER_OWNER }));
      const mine = async (q: { prefix: string; after: string; limit: number }) =>
        (await buckets.listBuckets({ ownerAccountId: OWNER, ...q })).map((b) => b.name);
      assert.deepEqual(await mine({ prefix: base, after: '', limit: 100 }), names);
      assert.deepEqual(await mine({ prefix: `${base}-a-`, after: '', limit: 100 }), names.slice(0, 3));
      assert.deepEqual(await mine({ prefix: `${base}-a-`, after: names[0], limit: 1 }), [names[1]]);
      assert.deepEqual(await mine({ prefix: base, after: names[2], limit: 100 }), [names[3]]);
      assert.deepEqual(await mine({ prefix: base, after: '', limit: 0 }), []);
      const other = await buckets.listBuckets({ ownerAccountId: OTHER_OWNER, prefix: base, after: '', limit: 100 });
      assert.deepEqual(other.map((b) => b.name), [`${base}-a-0`]);
    });

    it('stores and clears CORS rules', async () => {
      const { buckets } = ctx.storage();
      const name = ctx.uniqueBucketName('cors');
      await buckets.createBucket(bucketRecord(name));
      const cors = [
        { id: 'r1', allowedMethods: ['GET', 'PUT'], allowedOrigins: ['https://example.com'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 300 },
        { allowedMethods: ['GET'], allowedOrigins: ['*'], allowedHeaders: [], exposeHeaders: [] },
      ];
      await buckets.putBucketCors(name, cors);
      assert.deepEqual((await buckets.getBucket(name))?.cors, cors);
      await buckets.putBucketCors(name, undefined);
      assert.equal((await buckets.getBucket(name))?.cors, undefined);
    });

    it('stores, replaces and clears the server access logging configuration, across a reopen', async () => {
      const name = ctx.uniqueBucketName('logging');
      await ctx.storage().buckets.createBucket(bucketRecord(name));
      assert.equal('logging' in ((await ctx.storage().buckets.getBucket(name)) ?? {}), false);
      const logging = {
        targetBucket: 'logs',
        targetPrefix: 'access/',
        targetGrants: [{ grantee: { type: 'CanonicalUser' as const, id: 'c'.repeat(64) }, permission: 'READ' as const }],
        targetObjectKeyFormat: { kind: 'PartitionedPrefix' as const, partitionDateSource: 'DeliveryTime' as const },
      };
      assert.equal(await ctx.storage().buckets.updateBucketConfig(name, { logging }), true);
      assert.deepEqual((await ctx.storage().buckets.getBucket(name))?.logging, logging);
      assert.deepEqual((await (await ctx.reopen()).buckets.getBucket(name))?.logging, logging);
      const simple = { targetBucket: name, targetPrefix: '', targetGrants: [] };
      await ctx.storage().buckets.updateBucketConfig(name, { logging: simple });
      assert.deepEqual((await ctx.storage().buckets.getBucket(name))?.logging, simple);
      await ctx.storage().buckets.updateBucketConfig(name, { logging: null });
      assert.equal((await ctx.storage().buckets.getBucket(name))?.logging, undefined);
      assert.equal(await ctx.storage().buckets.updateBucketConfig(ctx.uniqueBucketName('absent'), { logging: null }), false);
    });

    it('stores tags given at creation, replaces them, changes them from the stored set, and deletes them', async () => {
      const { buckets } = ctx.storage();
      const name = ctx.uniqueBucketName('tags');
      await buckets.createBucket(bucketRecord(name, { tags: [['team', 'a'], ['env', 'dev']] }));
      assert.deepEqual((await buckets.getBucket(name))?.tags, [['team', 'a'], ['env', 'dev']]);
      await buckets.updateBucketConfig(name, { tags: [['team', 'b']] });
      // A function sees the tags as stored, whatever the caller last read: changes do not overwrite each other.
      const add = (tag: readonly [string, string]) => (current: readonly (readonly [string, string])[]) => [...current, tag];
      await Promise.all([buckets.updateBucketConfig(name, { tags: add(['x', '1']) }), buckets.updateBucketConfig(name, { tags: add(['y', '2']) })]);
      assert.deepEqual((await buckets.getBucket(name))?.tags, [['team', 'b'], ['x', '1'], ['y', '2']]);
      // What the function throws reaches the caller, and nothing changes.
      const refuse = () => {
        throw new Error('too many tags');
      };
      await assert.rejects(buckets.updateBucketConfig(name, { tags: refuse, abac: 'Enabled' }), /too many tags/);
      const kept = await buckets.getBucket(name);
      assert.deepEqual([kept?.tags?.length, kept?.abac], [3, undefined]);
      await buckets.updateBucketConfig(name, { tags: () => [] });
      assert.equal((await buckets.getBucket(name))?.tags, undefined);
      assert.equal(await buckets.updateBucketConfig(ctx.uniqueBucketName('absent'), { tags: add(['z', '3']) }), false);
    });

    it('refuses to delete a bucket holding objects; unfinished uploads go with it, their parts as garbage', async () => {
      const { buckets, objects, multipart } = ctx.storage();
      const name = ctx.uniqueBucketName('delete');
      assert.deepEqual(await buckets.deleteBucket(name), { outcome: 'NoSuchBucket' });
      await buckets.createBucket(bucketRecord(name));
      await objects.putObject(objectRecord(name, 'k', [fakeSegment()]));
      assert.deepEqual(await buckets.deleteBucket(name), { outcome: 'NotEmpty' });
      await objects.deleteObject(deleteRequest(name, 'k'));
      const upload = uploadRecord(name, 'k', `${name}-upload`);
      await multipart.createUpload(upload);
      const parts = [partRecord(1, fakeSegment(5)), partRecord(2, fakeSegment(6))];
      for (const p of parts) await multipart.putPart(upload.uploadId, p);
      const deleted = await buckets.deleteBucket(name);
      assert.equal(deleted.outcome, 'Deleted');
      assert.deepEqual(garbageOf(deleted), garbageOf({ outcome: 'x', garbage: parts.map((p) => p.segment) }));
      assert.equal(await buckets.getBucket(name), undefined);
      assert.equal(await multipart.getUpload(name, 'k', upload.uploadId), undefined);
      assert.deepEqual(await multipart.allParts(upload.uploadId), []);
      assert.deepEqual(await buckets.deleteBucket(name), { outcome: 'NoSuchBucket' });
    });

    it('refuses to delete a bucket holding only noncurrent versions or delete markers', async () => {
      const { buckets, objects } = ctx.storage();
      const name = ctx.uniqueBucketName('delete-versions');
      await buckets.createBucket(bucketRecord(name));
      await buckets.updateBucketConfig(name, { versioning: 'Enabled' });
      await objects.putObject(objectRecord(name, 'k', [fakeSegment()]));
      await objects.deleteObject(deleteRequest(name, 'k')); // a delete marker on top of one version
      assert.equal(await objects.getObject(name, 'k'), undefined);
      assert.deepEqual(await buckets.deleteBucket(name), { outcome: 'NotEmpty' });
      const listed = await objects.listObjectVersions({ bucket: name, prefix: '', delimiter: '', keyMarker: '', maxKeys: 10 });
      for (const v of listed.versions) {
        const versionId = v.kind === 'Object' ? v.object.versionId : v.marker.versionId;
        await objects.deleteObject(deleteRequest(name, 'k', { versionId }));
      }
      assert.equal((await buckets.deleteBucket(name)).outcome, 'Deleted');
    });

    it('rejects writes into a bucket that no longer exists with NoSuchBucket', async () => {
      const { objects, multipart } = ctx.storage();
      const name = ctx.uniqueBucketName('gone');
      assert.deepEqual(await objects.putObject(objectRecord(name, 'k', [fakeSegment()])), { outcome: 'NoSuchBucket' });
      assert.deepEqual(await objects.deleteObject(deleteRequest(name, 'k')), { outcome: 'NoSuchBucket' });
      const e2 = await rejection(multipart.createUpload(uploadRecord(name, 'k', `${name}-u`)));
      assert.ok(isServiceError(e2) && e2.code === 'NoSuchBucket', String(e2));
      assert.equal(await objects.getObject(name, 'k'), undefined);
    });
  });
}
