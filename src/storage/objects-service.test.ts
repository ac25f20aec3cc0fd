import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobNotFoundError } from './blob-errors.js';
import { bucketRecord, deleteRequest, eventually, objectRecord, partRecord, readAll, uploadRecord, writeBlob } from './contract/fixtures.js';
import { openEmbeddedStorage, type EmbeddedStorage } from './embedded.js';
import { ObjectsService } from './objects-service.js';
import type { BlobSegment } from './ports.js';

describe('ObjectsService', () => {
  let dir = '';
  let storage: EmbeddedStorage;
  let service: ObjectsService;
  let counter = 0;
  const bucket = async (versioning?: 'Enabled' | 'Suspended'): Promise<string> => {
    const name = `svc-${++counter}`;
    await storage.buckets.createBucket(bucketRecord(name));
    if (versioning !== undefined) await storage.buckets.updateBucketConfig(name, { versioning });
    return name;
  };
  const exists = async (s: BlobSegment): Promise<boolean> =>
    readAll(storage.blobs.read(s.blobId)).then(
      () => true,
      (e: unknown) => {
        if (e instanceof BlobNotFoundError) return false;
        throw e;
      },
    );

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongbox-objects-service-'));
    storage = await openEmbeddedStorage({ dataDir: dir });
    service = new ObjectsService(storage);
  });
  after(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reclaims what an unversioned overwrite replaced, and nothing a versioned one kept', async () => {
    const plain = await bucket();
    const first = await writeBlob(storage.blobs, 'first');
    await service.put(objectRecord(plain, 'k', [first]));
    await service.put(objectRecord(plain, 'k', [await writeBlob(storage.blobs, 'second')]));
    await eventually(async () => !(await exists(first)));
    const versioned = await bucket('Enabled');
    const kept = await writeBlob(storage.blobs, 'kept');
    await service.put(objectRecord(versioned, 'k', [kept]));
    await service.put(objectRecord(versioned, 'k', [await writeBlob(storage.blobs, 'newer')]));
    assert.equal(await exists(kept), true);
  });

  it('deletes the new bytes of a refused or failed write', async () => {
    const name = await bucket();
    await service.put(objectRecord(name, 'k', [await writeBlob(storage.blobs, 'there')]));
    const refused = await writeBlob(storage.blobs, 'refused');
    assert.equal((await service.put(objectRecord(name, 'k', [refused]), { ifNoneMatch: true })).outcome, 'PreconditionFailed');
    await eventually(async () => !(await exists(refused)));
    const orphan = await writeBlob(storage.blobs, 'no bucket');
    assert.deepEqual(await service.put(objectRecord('svc-missing', 'k', [orphan])), { outcome: 'NoSuchBucket' });
    await eventually(async () => !(await exists(orphan)));
  });

  it('keeps a version a reader retained until the read is done, then reclaims it', async () => {
    const name = await bucket('Enabled');
    const blob = await writeBlob(storage.blobs, 'being read');
    const written = await service.put(objectRecord(name, 'k', [blob]));
    assert.equal(written.outcome, 'Written');
    const versionId = written.outcome === 'Written' ? written.versionId : null;
    const hold = await storage.blobs.retain!([blob.blobId]);
    const deleted = await service.delete(deleteRequest(name, 'k', { versionId }));
    assert.equal(deleted.outcome, 'Deleted');
    assert.equal(await exists(blob), true, 'a retained blob outlives its version');
    hold.release();
    await eventually(async () => !(await exists(blob)));
  });

  it('reclaims the parts of aborted uploads and of uploads deleted with their bucket', async () => {
    const name = await bucket();
    const [a, b] = [await writeBlob(storage.blobs, 'part a'), await writeBlob(storage.blobs, 'part b')];
    await storage.multipart.createUpload(uploadRecord(name, 'k', `${name}-1`));
    await service.putPart(`${name}-1`, partRecord(1, a));
    await service.putPart(`${name}-1`, partRecord(1, b)); // replaces a
    await eventually(async () => !(await exists(a)));
    assert.equal(await service.abortUpload(`${name}-1`), true);
    await eventually(async () => !(await exists(b)));
    assert.equal(await service.abortUpload(`${name}-1`), false);
    const c = await writeBlob(storage.blobs, 'part c');
    await storage.multipart.createUpload(uploadRecord(name, 'k', `${name}-2`));
    await service.putPart(`${name}-2`, partRecord(1, c));
    assert.equal((await service.deleteBucket(name)).outcome, 'Deleted');
    await eventually(async () => !(await exists(c)));
  });
});
