import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceError } from '../../errors/service-error.js';
import type { MultipartStore } from '../ports.js';
import { bucketRecord, fakeSegment, objectRecord, partRecord, rejection, uploadRecord, type ContractContext } from './fixtures.js';

type ListUploadsQuery = Parameters<MultipartStore['listUploads']>[0];

export function multipartContract(ctx: ContractContext): void {
  describe('MultipartStore', () => {
    const newBucket = async (hint: string): Promise<string> => {
      const name = ctx.uniqueBucketName(hint);
      await ctx.storage().buckets.createBucket(bucketRecord(name));
      return name;
    };

    it('creates an upload and finds it only with its own bucket and key', async () => {
      const { multipart } = ctx.storage();
      const bucket = await newBucket('mpu-create');
      const upload = uploadRecord(bucket, 'dir/ключ', `${bucket}-u1`, {
        checksumAlgorithm: 'SHA256',
        checksumType: 'COMPOSITE',
        template: {
          ...uploadRecord(bucket, 'dir/ключ', 'x').template,
          contentType: 'video/mp4',
          userMetadata: { a: 'b' },
          tags: [['t', 'v']],
          storageClass: 'GLACIER',
        },
      });
      await multipart.createUpload(upload);
      assert.deepEqual(await multipart.getUpload(bucket, 'dir/ключ', upload.uploadId), upload);
      assert.equal(await multipart.getUpload(bucket, 'other', upload.uploadId), undefined);
      assert.equal(await multipart.getUpload(`${bucket}-x`, 'dir/ключ', upload.uploadId), undefined);
      assert.equal(await multipart.getUpload(bucket, 'dir/ключ', 'nope'), undefined);
    });

    it('records parts, replaces a re-uploaded part and pages through parts', async () => {
      const { multipart } = ctx.storage();
      const bucket = await newBucket('mpu-parts');
      const id = `${bucket}-u`;
      await multipart.createUpload(uploadRecord(bucket, 'k', id));
      const parts = [3, 1, 10000, 2].map((n) => partRecord(n, fakeSegment(n)));
      for (const p of parts) assert.equal(await multipart.putPart(id, p), undefined);
      const replacement = partRecord(2, fakeSegment(20), { checksum: { algorithm: 'CRC32C', value: 'abcd', type: 'COMPOSITE' } });
      assert.deepEqual(await multipart.putPart(id, replacement), parts[3].segment);
      const expected = [parts[1], replacement, parts[0], parts[2]];
      assert.deepEqual(await multipart.allParts(id), expected);
      assert.deepEqual(await multipart.listParts(id, { afterPartNumber: 0, limit: 2 }), { parts: expected.slice(0, 2), isTruncated: true });
      assert.deepEqual(await multipart.listParts(id, { afterPartNumber: 2, limit: 2 }), { parts: expected.slice(2), isTruncated: false });
      assert.deepEqual(await multipart.listParts(id, { afterPartNumber: 10000, limit: 2 }), { parts: [], isTruncated: false });
    });

    it('rejects a part for an upload that is gone with NoSuchUpload', async () => {
      const e = await rejection(ctx.storage().multipart.putPart('no-such-upload', partRecord(1, fakeSegment())));
      assert.ok(isServiceError(e) && e.code === 'NoSuchUpload', String(e));
    });

    it('completes into an object without copying, returning unused parts and the replaced object as garbage', async () => {
      const { multipart, objects } = ctx.storage();
      const bucket = await newBucket('mpu-complete');
      const old = [fakeSegment(4)];
      await objects.putObject(objectRecord(bucket, 'k', old));
      const id = `${bucket}-u`;
      await multipart.createUpload(uploadRecord(bucket, 'k', id));
      const [p1, p2, p3] = [1, 2, 3].map((n) => partRecord(n, fakeSegment(n * 10)));
      for (const p of [p1, p2, p3]) await multipart.putPart(id, p);
      const record = objectRecord(bucket, 'k', [p1.segment, p3.segment], { etag: 'abc-2', partsCount: 2 });
      const r = await multipart.completeUpload(id, record);
      assert.equal(r.outcome, 'Written');
      const garbage = r.outcome === 'Written' ? [...r.garbage].map((s) => s.blobId).sort() : [];
      assert.deepEqual(garbage, [old[0].blobId, p2.segment.blobId].sort());
      assert.deepEqual(await objects.getObject(bucket, 'k'), record);
      assert.equal(await multipart.getUpload(bucket, 'k', id), undefined);
      assert.deepEqual(await multipart.allParts(id), []);
      assert.deepEqual(await multipart.completeUpload(id, record), { outcome: 'NoSuchUpload' });
    });

    it('checks completion preconditions atomically and keeps the upload when refused', async () => {
      const { multipart, objects } = ctx.storage();
      const bucket = await newBucket('mpu-cond');
      await objects.putObject(objectRecord(bucket, 'k', [fakeSegment()], { etag: 'current' }));
      const id = `${bucket}-u`;
      await multipart.createUpload(uploadRecord(bucket, 'k', id));
      const p1 = partRecord(1, fakeSegment(5));
      await multipart.putPart(id, p1);
      const record = objectRecord(bucket, 'k', [p1.segment], { etag: 'new-1', partsCount: 1 });
      assert.deepEqual(await multipart.completeUpload(id, record, { ifNoneMatch: true }), { outcome: 'PreconditionFailed', reason: 'ObjectExists' });
      assert.deepEqual(await multipart.completeUpload(id, record, { ifMatch: 'stale' }), { outcome: 'PreconditionFailed', reason: 'ETagMismatch' });
      assert.ok(await multipart.getUpload(bucket, 'k', id));
      assert.equal((await objects.getObject(bucket, 'k'))?.etag, 'current');
      assert.equal((await multipart.completeUpload(id, record, { ifMatch: 'current' })).outcome, 'Written');
      assert.equal((await objects.getObject(bucket, 'k'))?.etag, 'new-1');
    });

    it('aborts, returning every part as garbage once', async () => {
      const { multipart } = ctx.storage();
      const bucket = await newBucket('mpu-abort');
      const id = `${bucket}-u`;
      await multipart.createUpload(uploadRecord(bucket, 'k', id));
      const parts = [1, 2].map((n) => partRecord(n, fakeSegment(n)));
      for (const p of parts) await multipart.putPart(id, p);
      assert.deepEqual(await multipart.abortUpload(id), parts.map((p) => p.segment));
      assert.equal(await multipart.getUpload(bucket, 'k', id), undefined);
      assert.equal(await multipart.abortUpload(id), undefined);
    });

    describe('listUploads', () => {
      // Several uploads per key, created out of time order, to check key-then-time ordering.
      const spec: [key: string, id: string, t: number][] = [
        ['b/2', 'u-b2', 5], ['a', 'u-a-late', 9], ['a', 'u-a-early', 1], ['a', 'u-a-mid-z', 4], ['a', 'u-a-mid-a', 4],
        ['b/1', 'u-b1', 2], ['c', 'u-c', 3], ['é', 'u-e', 1], ['b/1/x', 'u-b1x', 1],
      ];
      const ordered = ['u-a-early', 'u-a-mid-a', 'u-a-mid-z', 'u-a-late', 'u-b1', 'u-b1x', 'u-b2', 'u-c', 'u-e'];
      let bucket = '';
      const list = async (q: Partial<Omit<ListUploadsQuery, 'bucket'>>) => {
        const r = await ctx.storage().multipart.listUploads({ bucket, prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 1000, ...q });
        return { ...r, ids: r.uploads.map((u) => u.uploadId.slice(bucket.length + 1)) };
      };

      it('sorts by key then initiation time, with prefix, delimiter and common prefixes', async () => {
        bucket = await newBucket('mpu-list');
        for (const [key, id, t] of spec) {
          await ctx.storage().multipart.createUpload(uploadRecord(bucket, key, `${bucket}-${id}`, { initiatedAt: new Date(1_700_000_000_000 + t * 1000) }));
        }
        assert.deepEqual((await list({})).ids, ordered);
        const byDelimiter = await list({ delimiter: '/' });
        assert.deepEqual([byDelimiter.ids, byDelimiter.commonPrefixes], [['u-a-early', 'u-a-mid-a', 'u-a-mid-z', 'u-a-late', 'u-c', 'u-e'], ['b/']]);
        const inB = await list({ prefix: 'b/', delimiter: '/' });
        assert.deepEqual([inB.ids, inB.commonPrefixes], [['u-b1', 'u-b2'], ['b/1/']]);
        const truncated = await list({ delimiter: '/', maxUploads: 5 });
        assert.deepEqual([truncated.ids.length, truncated.commonPrefixes, truncated.isTruncated, truncated.nextKeyMarker, truncated.nextUploadIdMarker], [
          4,
          ['b/'],
          true,
          'b/',
          undefined,
        ]);
      });

      it('resumes after key-marker, or after the upload named by upload-id-marker', async () => {
        assert.deepEqual((await list({ keyMarker: 'a' })).ids, ordered.slice(4));
        assert.deepEqual((await list({ keyMarker: 'a', uploadIdMarker: `${bucket}-u-a-mid-a` })).ids, ordered.slice(2));
        assert.deepEqual((await list({ uploadIdMarker: `${bucket}-u-a-mid-a` })).ids, ordered, 'upload-id-marker alone is ignored');
        // An upload-id-marker naming no upload falls back to S3's literal rule: greater upload ids of that key.
        assert.deepEqual((await list({ keyMarker: 'a', uploadIdMarker: `${bucket}-u-a-m` })).ids, ['u-a-mid-a', 'u-a-mid-z', ...ordered.slice(4)]);
        assert.deepEqual((await list({ delimiter: '/', keyMarker: 'b/1' })).ids, ['u-c', 'u-e']);
      });

      it('pages through every upload with NextKeyMarker / NextUploadIdMarker', async () => {
        for (const maxUploads of [1, 2, 4]) {
          const seen: string[] = [];
          let keyMarker = '';
          let uploadIdMarker = '';
          for (let guard = 0; guard < 50; guard++) {
            const page = await list({ keyMarker, uploadIdMarker, maxUploads });
            assert.ok(page.ids.length <= maxUploads);
            seen.push(...page.ids);
            if (!page.isTruncated) break;
            keyMarker = page.nextKeyMarker ?? '';
            uploadIdMarker = page.nextUploadIdMarker ?? '';
          }
          assert.deepEqual(seen, ordered, `maxUploads=${maxUploads}`);
        }
      });
    });
  });
}
