import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { BlobNotFoundError, InvalidBlobIdError } from '../blob-errors.js';
import { openObjectBytes, readObjectBytes } from '../object-reader.js';
import type { BlobStore } from '../ports.js';
import { bucketRecord, eventually, objectRecord, partRecord, readAll, rejection, uploadRecord, writeBlob, type ContractContext } from './fixtures.js';

export function blobContract(ctx: ContractContext): void {
  describe('BlobStore', () => {
    it('writes a stream and reads it back whole or by inclusive range', async () => {
      const { blobs } = ctx.storage();
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 65536), bytes.subarray(65536)];
      const w = await blobs.write(Readable.from(chunks));
      assert.equal(w.size, bytes.length);
      assert.ok(await readAll(blobs.read(w.blobId)).then((b) => b.equals(bytes)));
      assert.deepEqual(await readAll(blobs.read(w.blobId, { start: 10, end: 10 })), bytes.subarray(10, 11));
      assert.deepEqual(await readAll(blobs.read(w.blobId, { start: 1000, end: bytes.length - 1 })), bytes.subarray(1000));
      const empty = await writeBlob(blobs, Buffer.alloc(0));
      assert.equal(empty.size, 0);
      assert.equal((await readAll(blobs.read(empty.blobId))).length, 0);
      assert.notEqual(empty.blobId, w.blobId);
    });

    it('deletes idempotently; reading a deleted blob fails with BlobNotFoundError', async () => {
      const { blobs } = ctx.storage();
      const w = await writeBlob(blobs, 'bye');
      await blobs.delete(w.blobId);
      await blobs.delete(w.blobId);
      assert.ok((await rejection(readAll(blobs.read(w.blobId)))) instanceof BlobNotFoundError);
      if (blobs.open !== undefined) assert.ok((await rejection(blobs.open(w.blobId))) instanceof BlobNotFoundError);
    });

    it('refuses ids it could not have issued before touching the filesystem', async () => {
      const { blobs } = ctx.storage();
      for (const id of ['../../etc/passwd', '/etc/passwd', '', 'A'.repeat(32), `${'0'.repeat(31)}/`, 'ab/cd']) {
        assert.throws(() => blobs.read(id), InvalidBlobIdError);
        assert.ok((await rejection(blobs.delete(id))) instanceof InvalidBlobIdError);
      }
    });

    it('rejects the write when the source stream fails', async () => {
      const { blobs } = ctx.storage();
      const source = new Readable({ read() {} });
      source.push(Buffer.alloc(1024));
      setImmediate(() => source.destroy(new Error('client went away')));
      const e = await rejection(blobs.write(source));
      assert.match(String(e), /client went away/);
    });
  });

  describe('object reader', () => {
    it('streams an object across segments, honouring ranges that span them', async () => {
      const { blobs } = ctx.storage();
      const parts = ['hello', '', ' wide', ' world!'];
      const segments = await Promise.all(parts.map((p) => writeBlob(blobs, p)));
      const whole = parts.join('');
      assert.equal((await readAll(await openObjectBytes(blobs, segments))).toString(), whole);
      assert.equal((await readAll(readObjectBytes(blobs, segments))).toString(), whole);
      for (const [start, end] of [[0, 0], [4, 5], [3, 12], [5, 9], [10, whole.length - 1], [whole.length - 1, whole.length - 1]]) {
        const got = (await readAll(await openObjectBytes(blobs, segments, { start, end }))).toString();
        assert.equal(got, whole.slice(start, end + 1), `${start}-${end}`);
      }
      assert.throws(() => readObjectBytes(blobs, segments, { start: 3, end: whole.length }), RangeError);
      assert.equal((await readAll(await openObjectBytes(blobs, []))).length, 0);
    });

    it('keeps serving bytes opened before a concurrent overwrite deleted them', async (t) => {
      const { blobs } = ctx.storage();
      if (blobs.open === undefined) return t.skip('blob store without open(): read lazily');
      const write = () => Promise.all(['first ', 'second ', 'third'].map((p) => writeBlob(blobs, p)));
      const deleteAll = async (segs: readonly { blobId: string }[]) => {
        for (const s of segs) await blobs.delete(s.blobId);
      };
      // Every segment is open before the stream is returned: the delete cannot hurt this read.
      const segments = await write();
      const stream = await openObjectBytes(blobs, segments);
      await deleteAll(segments);
      assert.equal((await readAll(stream)).toString(), 'first second third');
      // Opening after the delete tells the caller to re-read the metadata, before any byte is sent.
      assert.ok((await rejection(openObjectBytes(blobs, segments))) instanceof BlobNotFoundError);
      assert.ok((await rejection(readAll(readObjectBytes(blobs, segments)))) instanceof BlobNotFoundError);
      const windowed = await write();
      const partial = await openObjectBytes(blobs, windowed, undefined, { maxOpenHandles: 1 });
      await deleteAll(windowed);
      if (blobs.retain === undefined) {
        // Without retain: past the open-handle window, a segment deleted mid-read surfaces as a stream error, never as short data.
        assert.ok((await rejection(readAll(partial))) instanceof BlobNotFoundError);
        return;
      }
      // Past the open-handle window the segments are retained: the deletes wait until the read is done.
      assert.equal((await readAll(partial)).toString(), 'first second third');
      for (const s of windowed) await eventually(() => isGone(blobs, s.blobId)); // deleted once released
      // A segment past the window that is gone already fails the open, before any byte is sent.
      const late = await write();
      await blobs.delete(late[2].blobId);
      assert.ok((await rejection(openObjectBytes(blobs, late, undefined, { maxOpenHandles: 1 }))) instanceof BlobNotFoundError);
      await deleteAll(late);
    });

    it('keeps a retained blob until every holder released it, and the sweep leaves it alone', async (t) => {
      const storage = ctx.storage();
      const blobs = storage.blobs;
      if (blobs.retain === undefined) return t.skip('blob store without retain()');
      const blob = await writeBlob(blobs, 'held');
      const a = await blobs.retain([blob.blobId, blob.blobId]);
      const b = await blobs.retain([blob.blobId]);
      await blobs.delete(blob.blobId);
      await storage.sweepOrphans(); // nothing references it, but it is held
      a.release();
      a.release(); // idempotent: must not release b's hold
      assert.equal((await readAll(blobs.read(blob.blobId))).toString(), 'held');
      b.release();
      await eventually(() => isGone(blobs, blob.blobId));
      // Released without a delete: nothing happens to the blob.
      const kept = await writeBlob(blobs, 'kept');
      (await blobs.retain([kept.blobId])).release();
      assert.equal((await readAll(blobs.read(kept.blobId))).toString(), 'kept');
      await blobs.delete(kept.blobId);
    });
  });

  describe('sweep and persistence', () => {
    it('sweeps unreferenced blobs and keeps those named by objects or in-progress parts', async () => {
      const storage = ctx.storage();
      const bucket = ctx.uniqueBucketName('sweep');
      await storage.buckets.createBucket(bucketRecord(bucket));
      const inObject = await writeBlob(storage.blobs, 'object bytes');
      const inPart = await writeBlob(storage.blobs, 'part bytes');
      const orphan = await writeBlob(storage.blobs, 'nobody');
      await storage.objects.putObject(objectRecord(bucket, 'k', [inObject]));
      await storage.multipart.createUpload(uploadRecord(bucket, 'k', `${bucket}-u`));
      await storage.multipart.putPart(`${bucket}-u`, partRecord(1, inPart));
      const { removedBlobs } = await storage.sweepOrphans();
      assert.ok(removedBlobs >= 1);
      assert.equal((await readAll(storage.blobs.read(inObject.blobId))).toString(), 'object bytes');
      assert.equal((await readAll(storage.blobs.read(inPart.blobId))).toString(), 'part bytes');
      assert.ok((await rejection(readAll(storage.blobs.read(orphan.blobId)))) instanceof BlobNotFoundError);
    });

    it('keeps buckets, objects, uploads, parts and bytes across close and reopen', async () => {
      const before = ctx.storage();
      const bucket = ctx.uniqueBucketName('reopen');
      const record = bucketRecord(bucket, { cors: [{ allowedMethods: ['GET'], allowedOrigins: ['*'], allowedHeaders: [], exposeHeaders: [] }] });
      await before.buckets.createBucket(record);
      const blob = await writeBlob(before.blobs, 'durable');
      const object = objectRecord(bucket, 'k/é', [blob], { userMetadata: { m: 'v' }, tags: [['t', '1']] });
      await before.objects.putObject(object);
      const upload = uploadRecord(bucket, 'u', `${bucket}-u`);
      await before.multipart.createUpload(upload);
      const part = partRecord(7, blob);
      await before.multipart.putPart(upload.uploadId, part);
      const after = await ctx.reopen();
      assert.deepEqual(await after.buckets.getBucket(bucket), record);
      assert.deepEqual(await after.objects.getObject(bucket, 'k/é'), object);
      assert.deepEqual(await after.multipart.getUpload(bucket, 'u', upload.uploadId), upload);
      assert.deepEqual(await after.multipart.allParts(upload.uploadId), [part]);
      assert.equal((await readAll(after.blobs.read(blob.blobId))).toString(), 'durable');
    });
  });
}

/** Whether reading the blob fails with BlobNotFoundError. A release deletes asynchronously: poll with `eventually`. */
function isGone(blobs: BlobStore, blobId: string): Promise<boolean> {
  return readAll(blobs.read(blobId)).then(
    () => false,
    (e: unknown) => {
      if (e instanceof BlobNotFoundError) return true;
      throw e;
    },
  );
}
