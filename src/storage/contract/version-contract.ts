import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListedVersion, ObjectStore, ObjectVersion } from '../ports.js';
import {
  bucketRecord,
  deleteRequest,
  fakeSegment,
  garbageOf,
  objectRecord,
  partRecord,
  readAll,
  uploadRecord,
  writeBlob,
  type ContractContext,
} from './fixtures.js';

/** A version as `[versionId, kind, isLatest]`, the shape most checks compare. */
function brief(v: ObjectVersion | ListedVersion | undefined): [string | null, 'Object' | 'DeleteMarker', boolean] | undefined {
  if (v === undefined) return undefined;
  return [v.kind === 'Object' ? v.object.versionId : v.marker.versionId, v.kind, v.isLatest];
}

async function history(objects: ObjectStore, bucket: string, prefix = ''): Promise<[string, string | null, string, boolean][]> {
  const r = await objects.listObjectVersions({ bucket, prefix, delimiter: '', keyMarker: '', maxKeys: 1000 });
  return r.versions.map((v) => {
    const b = brief(v)!;
    return [v.kind === 'Object' ? v.object.key : v.marker.key, b[0], b[1], b[2]];
  });
}

function written(outcome: { outcome: string; versionId?: string | null }): string | null {
  assert.ok(outcome.outcome === 'Written' || outcome.outcome === 'DeleteMarkerCreated', JSON.stringify(outcome));
  return outcome.versionId ?? null;
}

/** Object versions and delete markers (ListObjectVersions semantics, null versions, promotion). */
export function versionContract(ctx: ContractContext): void {
  describe('ObjectStore: versions', () => {
    const newBucket = async (hint: string, versioning?: 'Enabled' | 'Suspended'): Promise<string> => {
      const name = ctx.uniqueBucketName(hint);
      await ctx.storage().buckets.createBucket(bucketRecord(name));
      if (versioning !== undefined) await ctx.storage().buckets.updateBucketConfig(name, { versioning });
      return name;
    };

    it('keeps every version of a versioning-enabled key, newest current, with fresh ids', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-enabled', 'Enabled');
      const s1 = [fakeSegment(3)];
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', s1, { etag: 'e1' })));
      const second = await objects.putObject(objectRecord(bucket, 'k', [fakeSegment(4)], { etag: 'e2' }));
      const v2 = written(second);
      assert.ok(v1 !== null && v2 !== null && v1 !== v2 && v1.length === 32);
      assert.deepEqual(garbageOf(second), [], 'an overwrite keeps the previous version');
      assert.deepEqual([(await objects.getObject(bucket, 'k'))?.etag, (await objects.getObject(bucket, 'k'))?.versionId], ['e2', v2]);
      const old = await objects.getVersion(bucket, 'k', v1);
      assert.deepEqual(brief(old), [v1, 'Object', false]);
      assert.deepEqual(old?.kind === 'Object' ? [old.object.etag, old.object.segments] : undefined, ['e1', s1]);
      assert.deepEqual(brief(await objects.getVersion(bucket, 'k', v2)), [v2, 'Object', true]);
      assert.equal(await objects.getVersion(bucket, 'k', null), undefined);
      assert.deepEqual(await history(objects, bucket), [['k', v2, 'Object', true], ['k', v1, 'Object', false]]);
      const listed = await objects.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 10 });
      assert.deepEqual(listed.objects.map((o) => [o.key, o.versionId]), [['k', v2]]);
    });

    it('deletes into a delete marker; removing the marker by id brings the object back', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-marker', 'Enabled');
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: 'e1' })));
      const deleted = await objects.deleteObject(deleteRequest(bucket, 'k'));
      assert.equal(deleted.outcome, 'DeleteMarkerCreated');
      const marker = written(deleted);
      assert.ok(marker !== null && marker !== v1);
      assert.equal(await objects.getObject(bucket, 'k'), undefined);
      const current = await objects.getCurrentVersion(bucket, 'k');
      assert.deepEqual(brief(current), [marker, 'DeleteMarker', true]);
      assert.deepEqual(current?.kind === 'DeleteMarker' ? current.marker.lastModified : undefined, new Date(1_700_000_333_000));
      assert.deepEqual(brief(await objects.getVersion(bucket, 'k', v1)), [v1, 'Object', false]);
      assert.deepEqual((await objects.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 10 })).objects, []);
      assert.deepEqual(await history(objects, bucket), [['k', marker, 'DeleteMarker', true], ['k', v1, 'Object', false]]);
      // A second delete adds a second marker.
      const marker2 = written(await objects.deleteObject(deleteRequest(bucket, 'k')));
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: marker2 })), { outcome: 'Deleted', versionId: marker2, deleteMarker: true, garbage: [] });
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: marker })), { outcome: 'Deleted', versionId: marker, deleteMarker: true, garbage: [] });
      assert.deepEqual([(await objects.getObject(bucket, 'k'))?.versionId], [v1]);
      assert.deepEqual(brief(await objects.getCurrentVersion(bucket, 'k')), [v1, 'Object', true]);
    });

    it('deletes versions by id for good; the newest remaining becomes current', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-delete', 'Enabled');
      const segs = [[fakeSegment(1)], [fakeSegment(2)], [fakeSegment(3)]];
      const ids: (string | null)[] = [];
      for (const [i, s] of segs.entries()) ids.push(written(await objects.putObject(objectRecord(bucket, 'k', s, { etag: `e${i}` }))));
      // A noncurrent version: current unchanged.
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: ids[1] })), { outcome: 'Deleted', versionId: ids[1], deleteMarker: false, garbage: segs[1] });
      assert.equal((await objects.getObject(bucket, 'k'))?.versionId, ids[2]);
      // The current version: the previous one comes back.
      assert.deepEqual(garbageOf(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: ids[2] }))), segs[2]);
      const now = await objects.getObject(bucket, 'k');
      assert.deepEqual([now?.versionId, now?.etag, now?.segments], [ids[0], 'e0', segs[0]]);
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: ids[2] })), { outcome: 'NotFound' });
      assert.deepEqual(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: null })), { outcome: 'NotFound' });
      assert.deepEqual(garbageOf(await objects.deleteObject(deleteRequest(bucket, 'k', { versionId: ids[0] }))), segs[0]);
      assert.equal(await objects.getCurrentVersion(bucket, 'k'), undefined);
      assert.deepEqual(await history(objects, bucket), []);
    });

    it('gives suspended writes the null version, which replaces the old null version wherever it is', async () => {
      const { objects, buckets } = ctx.storage();
      const bucket = await newBucket('v-suspended');
      const original = [fakeSegment(1)];
      assert.equal(written(await objects.putObject(objectRecord(bucket, 'k', original, { etag: 'unversioned' }))), null);
      await buckets.updateBucketConfig(bucket, { versioning: 'Enabled' });
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment(2)], { etag: 'v1' })));
      assert.deepEqual(await history(objects, bucket), [['k', v1, 'Object', true], ['k', null, 'Object', false]]);
      await buckets.updateBucketConfig(bucket, { versioning: 'Suspended' });
      const again = await objects.putObject(objectRecord(bucket, 'k', [fakeSegment(3)], { etag: 'null-2' }));
      assert.equal(written(again), null);
      assert.deepEqual(garbageOf(again), original, 'the old null version is replaced');
      assert.deepEqual(await history(objects, bucket), [['k', null, 'Object', true], ['k', v1, 'Object', false]]);
      // Another suspended write replaces the (now current) null version in place.
      const third = [fakeSegment(4)];
      const replaced = await objects.putObject(objectRecord(bucket, 'k', third, { etag: 'null-3' }));
      assert.equal(garbageOf(replaced).length, 1);
      // A suspended delete: a null delete marker replaces the null version; v1 stays.
      const deleted = await objects.deleteObject(deleteRequest(bucket, 'k'));
      assert.deepEqual([deleted.outcome, written(deleted), garbageOf(deleted)], ['DeleteMarkerCreated', null, third]);
      assert.deepEqual(await history(objects, bucket), [['k', null, 'DeleteMarker', true], ['k', v1, 'Object', false]]);
      assert.deepEqual(brief(await objects.getCurrentVersion(bucket, 'k')), [null, 'DeleteMarker', true]);
      assert.deepEqual(brief(await objects.getVersion(bucket, 'k', null)), [null, 'DeleteMarker', true]);
      // A suspended write on top of the null marker replaces it.
      await objects.putObject(objectRecord(bucket, 'k', [fakeSegment(5)], { etag: 'null-5' }));
      assert.deepEqual(await history(objects, bucket), [['k', null, 'Object', true], ['k', v1, 'Object', false]]);
    });

    it('checks conditional writes and deletes against the current version; a delete marker is no object', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-conditions', 'Enabled');
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: 'aaa' })));
      const deleteIf = (ifMatch: string, versionId?: string | null) => objects.deleteObject(deleteRequest(bucket, 'k', { expect: { ifMatch }, ...(versionId === undefined ? {} : { versionId }) }));
      assert.deepEqual(await deleteIf('bbb'), { outcome: 'PreconditionFailed', reason: 'ETagMismatch' });
      assert.deepEqual(await deleteIf('bbb', v1), { outcome: 'PreconditionFailed', reason: 'ETagMismatch' });
      assert.equal((await deleteIf('"aaa"')).outcome, 'DeleteMarkerCreated');
      assert.deepEqual(await deleteIf('*'), { outcome: 'PreconditionFailed', reason: 'NoSuchKey' });
      assert.deepEqual(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()]), { ifMatch: 'aaa' }), { outcome: 'PreconditionFailed', reason: 'NoSuchKey' });
      assert.equal((await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: 'ccc' }), { ifNoneMatch: true })).outcome, 'Written');
      assert.deepEqual(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()]), { ifNoneMatch: true }), { outcome: 'PreconditionFailed', reason: 'ObjectExists' });
      assert.equal((await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: 'ddd' }), { ifMatch: 'ccc' })).outcome, 'Written');
      assert.equal((await history(objects, bucket)).length, 4);
    });

    it('sets tags and ACLs of a version by id, never of a delete marker', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-tags', 'Enabled');
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { tags: [['v', '1']] })));
      const v2 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { tags: [['v', '2']] })));
      assert.equal(await objects.putObjectTags(bucket, 'k', [['old', 'yes']], v1), true);
      const grants = [{ grantee: { type: 'CanonicalUser' as const, id: 'abc' }, permission: 'READ' as const }];
      assert.equal(await objects.putObjectAcl(bucket, 'k', grants, v1), true);
      const old = await objects.getVersion(bucket, 'k', v1);
      assert.deepEqual(old?.kind === 'Object' ? [old.object.tags, old.object.acl] : undefined, [[['old', 'yes']], grants]);
      assert.deepEqual((await objects.getObject(bucket, 'k'))?.tags, [['v', '2']]);
      assert.equal(await objects.putObjectTags(bucket, 'k', [['new', 'yes']], v2), true);
      assert.deepEqual((await objects.getObject(bucket, 'k'))?.tags, [['new', 'yes']]);
      const marker = written(await objects.deleteObject(deleteRequest(bucket, 'k')));
      assert.equal(await objects.putObjectTags(bucket, 'k', [], marker), false);
      assert.equal(await objects.putObjectTags(bucket, 'k', []), false, 'no current object');
      assert.equal(await objects.putObjectTags(bucket, 'k', [], 'x'.repeat(32)), false);
    });

    it('completes multipart uploads as new versions', async () => {
      const { objects, multipart } = ctx.storage();
      const bucket = await newBucket('v-mpu', 'Enabled');
      const v1 = written(await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()])));
      const id = `${bucket}-u`;
      await multipart.createUpload(uploadRecord(bucket, 'k', id));
      const [p1, p2] = [1, 2].map((n) => partRecord(n, fakeSegment(n)));
      for (const p of [p1, p2]) await multipart.putPart(id, p);
      const done = await multipart.completeUpload(id, objectRecord(bucket, 'k', [p1.segment], { etag: 'mpu-1', partsCount: 1 }));
      const v2 = written(done);
      assert.deepEqual(garbageOf(done), [p2.segment]);
      assert.deepEqual(await history(objects, bucket), [['k', v2, 'Object', true], ['k', v1, 'Object', false]]);
    });

    it('keeps inline bytes and blobs of noncurrent versions, across a reopen and the sweep', async () => {
      const storage = ctx.storage();
      const bucket = await newBucket('v-bytes', 'Enabled');
      const blob = await writeBlob(storage.blobs, 'noncurrent blob bytes');
      const v1 = written(await storage.objects.putObject(objectRecord(bucket, 'k', [blob])));
      const inline = (storage.objects.maxInlineBytes ?? 0) > 0;
      const v2 = written(
        await storage.objects.putObject(inline ? objectRecord(bucket, 'k', [], { size: 5, inline: Buffer.from('small') }) : objectRecord(bucket, 'k', [fakeSegment()])),
      );
      const v3 = written(await storage.objects.putObject(objectRecord(bucket, 'k', [fakeSegment()])));
      await storage.sweepOrphans();
      const after = await ctx.reopen();
      const old = await after.objects.getVersion(bucket, 'k', v1);
      assert.ok(old?.kind === 'Object');
      assert.equal((await readAll(after.blobs.read(old.object.segments[0].blobId))).toString(), 'noncurrent blob bytes');
      const mid = await after.objects.getVersion(bucket, 'k', v2);
      if (inline) assert.deepEqual(mid?.kind === 'Object' ? mid.object.inline : undefined, Buffer.from('small'));
      assert.deepEqual((await history(after.objects, bucket)).map((h) => h[1]), [v3, v2, v1]);
      // Listings carry no inline bytes.
      const listed = await after.objects.listObjectVersions({ bucket, prefix: '', delimiter: '', keyMarker: '', maxKeys: 10 });
      assert.ok(listed.versions.every((v) => v.kind !== 'Object' || !('inline' in v.object)));
      assert.deepEqual(garbageOf(await after.objects.deleteObject(deleteRequest(bucket, 'k', { versionId: v1 }))), [blob]);
    });

    it('lets concurrent writes to one key each become a version', async () => {
      const { objects } = ctx.storage();
      const bucket = await newBucket('v-race', 'Enabled');
      const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: `e${i}` })).then(written)));
      assert.equal(new Set(ids).size, 8);
      const h = await history(objects, bucket);
      assert.deepEqual(new Set(h.map((x) => x[1])), new Set(ids));
      assert.deepEqual(h.map((x) => x[3]), [true, false, false, false, false, false, false, false]);
    });
  });
}
