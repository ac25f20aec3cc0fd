/**
 * A key's history as S3 defines it, over the two tables: the current object in `objects`
 * (object-table.ts) and everything else — noncurrent versions and delete markers — in
 * `object_versions` (version-table.ts). Synchronous, run inside the store's write transaction.
 *
 * - Unversioned bucket: one null version, replaced in place, exactly the writes of before versions.
 * - Versioning enabled: a write or delete-marker goes on top; the current object becomes noncurrent.
 * - Versioning suspended: a write (or a delete's marker) gets the null version id and replaces the
 *   key's null version wherever it is; other versions stay.
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html
 * - Deleting a version by id removes it for good; when it was current, the newest remaining version
 *   becomes current (a delete marker simply stays on top).
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
 */
import { mayDeleteVersion } from '../object-lock.js';
import type { BlobSegment, DeleteObjectOutcome, DeleteObjectRequest, NewObjectVersion, ObjectLockState, ObjectRecord } from '../ports.js';
import { newVersionId } from '../version-id.js';
import { keyBytes } from './key-bytes.js';
import type { BucketState, ObjectTable } from './object-table.js';
import type { VersionTable } from './version-table.js';

export interface VersionWrite {
  readonly versionId: string | null;
  /** Segments of the version the write replaced (garbage candidates). */
  readonly replaced: BlobSegment[];
}

type Versioned = Exclude<BucketState, 'NoSuchBucket'>;

export class KeyVersions {
  constructor(
    private readonly objects: ObjectTable,
    private readonly versions: VersionTable,
  ) {}

  /** Writes `record` as the key's new current version. */
  put(record: NewObjectVersion, state: Versioned): VersionWrite {
    if (state === 'Unversioned') return { versionId: null, replaced: this.objects.write(withVersion(record, null)) };
    const key = keyBytes(record.key);
    const current = this.objects.currentVersionId(record.bucket, key);
    if (state === 'Enabled') {
      this.demote(record.bucket, record.key, current);
      const versionId = newVersionId();
      this.objects.write(withVersion(record, versionId));
      return { versionId, replaced: [] };
    }
    // Suspended: the null version is replaced wherever it is; a current non-null version stays, noncurrent.
    if (current === null) return { versionId: null, replaced: this.objects.write(withVersion(record, null)) };
    this.demote(record.bucket, record.key, current);
    const replaced = this.versions.removeNull(record.bucket, key);
    this.objects.write(withVersion(record, null));
    return { versionId: null, replaced };
  }

  /** DeleteObject on the key (see DeleteObjectRequest); the caller checked `expect`. */
  delete(request: DeleteObjectRequest, state: Versioned): DeleteObjectOutcome {
    if (request.versionId !== undefined) return this.deleteVersion(request, request.versionId);
    const { bucket, key } = request;
    if (state === 'Unversioned') {
      const removed = this.objects.delete(bucket, key);
      if (removed === undefined) return { outcome: 'NotFound' };
      return { outcome: 'Deleted', versionId: null, deleteMarker: false, garbage: removed };
    }
    const k = keyBytes(key);
    const current = this.objects.currentVersionId(bucket, k);
    let garbage: BlobSegment[] = [];
    if (state === 'Suspended' && current === null) garbage = this.objects.delete(bucket, key) ?? [];
    else this.demote(bucket, key, current);
    if (state === 'Suspended') garbage = [...garbage, ...this.versions.removeNull(bucket, k)];
    const versionId = state === 'Enabled' ? newVersionId() : null;
    this.versions.insertMarker(bucket, k, { versionId, ...request.marker });
    return { outcome: 'DeleteMarkerCreated', versionId, garbage };
  }

  /** Removes one version for good, unless Object Lock protects it (object-lock.ts). */
  private deleteVersion(request: DeleteObjectRequest, versionId: string | null): DeleteObjectOutcome {
    const { bucket, key } = request;
    const k = keyBytes(key);
    const mayDelete = (lock: ObjectLockState | undefined) => mayDeleteVersion(lock, new Date(), request.bypassGovernance === true);
    const currentLock = this.objects.currentLock(bucket, k);
    const current = currentLock?.versionId;
    if (currentLock !== undefined && current === versionId) {
      if (!mayDelete(currentLock.lock)) return { outcome: 'ObjectLocked' };
      const garbage = this.objects.delete(bucket, key) ?? [];
      this.versions.promoteNewest(bucket, k);
      return { outcome: 'Deleted', versionId, deleteMarker: false, garbage };
    }
    const slot = this.versions.find(bucket, k, versionId);
    if (slot === undefined) return { outcome: 'NotFound' };
    if (!slot.deleteMarker && !mayDelete(slot.lock)) return { outcome: 'ObjectLocked' };
    const garbage = this.versions.remove(bucket, k, slot.seq);
    if (current === undefined) {
      this.objects.invalidate(bucket, key);
      this.versions.promoteNewest(bucket, k);
    }
    return { outcome: 'Deleted', versionId, deleteMarker: slot.deleteMarker, garbage };
  }

  /** Moves the current object (if any) to the top of the noncurrent versions. */
  private demote(bucket: string, key: string, current: string | null | undefined): void {
    if (current === undefined) return;
    this.objects.invalidate(bucket, key);
    this.versions.demoteCurrent(bucket, keyBytes(key));
  }
}

/** The record as stored, with its version id (the writer's own object when it already has that id). */
function withVersion(record: NewObjectVersion, versionId: string | null): ObjectRecord {
  return record.versionId === versionId ? (record as ObjectRecord) : { ...record, versionId };
}
