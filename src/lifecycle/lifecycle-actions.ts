/**
 * What the lifecycle worker does to objects, behind one small interface: the worker decides, the
 * implementation changes storage through the objects service every writer and deleter uses
 * (storage/objects-service.ts), so blobs are reclaimed safely and each deletion is one small
 * transaction with DeleteObject's own semantics.
 */
import type { ObjectsService } from '../storage/objects-service.js';
import type { BucketRecord, DeleteObjectOutcome, MultipartUpload, ObjectStore } from '../storage/ports.js';
import type { VersionFacts } from './evaluate-rules.js';

export type LifecycleActionOutcome =
  /** Done: a version deleted, a delete marker placed or removed, an upload aborted. */
  | 'Applied'
  /** The object changed since the pass looked (a new write, a delete): left alone until the next pass. */
  | 'Changed'
  /** Already gone (another pass, a client, a crash before the progress was saved): nothing to do. */
  | 'Gone'
  /** Refused by a protection the version has (Object Lock retention or legal hold). */
  | 'Protected'
  /** The change threw (a storage error): reported, and tried again at the next day's scan. */
  | 'Failed';

export interface LifecycleActions {
  /**
   * The current version expires: a DeleteObject without a version id (unversioned: deleted; enabled:
   * a delete marker on top; suspended: a null delete marker replacing the null version). Only if
   * `current` is still the current version.
   */
  expireCurrent(bucket: BucketRecord, key: string, current: VersionFacts, at: Date): Promise<LifecycleActionOutcome>;
  /** Deletes one version or delete marker for good (noncurrent versions, expired delete markers). */
  deleteVersion(bucket: BucketRecord, key: string, version: VersionFacts, at: Date): Promise<LifecycleActionOutcome>;
  /** AbortMultipartUpload: the upload and its parts go. */
  abortUpload(bucket: BucketRecord, upload: MultipartUpload): Promise<LifecycleActionOutcome>;
}

function outcomeOf(result: DeleteObjectOutcome): LifecycleActionOutcome {
  switch (result.outcome) {
    case 'Deleted':
    case 'DeleteMarkerCreated':
      return 'Applied';
    case 'PreconditionFailed':
      return 'Changed';
    case 'NotFound':
    case 'NoSuchBucket':
      return 'Gone';
    default:
      // A refusal the store may add (Object Lock retention, legal hold): the version stays.
      return 'Protected';
  }
}

/** Reads go to the object store, changes through the objects service. */
export function objectsServiceLifecycleActions(
  service: ObjectsService,
  objects: Pick<ObjectStore, 'getCurrentVersion'>,
): LifecycleActions {
  return {
    async expireCurrent(bucket, key, current, at) {
      // The ETag is checked in the delete's transaction; the version id and time just before it, so a
      // version written after the pass looked is not what expires. Left open: a rewrite with the very
      // same ETag in the instant between that read and the delete's transaction. Closing it needs the
      // store to check the time in the transaction too (AWS's DeleteObject has
      // `x-amz-if-match-last-modified-time`, for directory buckets).
      const now = await objects.getCurrentVersion(bucket.name, key);
      if (now === undefined) return 'Gone';
      if (now.kind !== 'Object' || now.object.versionId !== current.versionId) return 'Changed';
      if (now.object.lastModified.getTime() !== current.lastModified.getTime()) return 'Changed';
      return outcomeOf(
        await service.delete({
          bucket: bucket.name,
          key,
          expect: { ifMatch: current.etag },
          marker: { lastModified: at, ownerAccountId: bucket.ownerAccountId },
        }),
      );
    },
    async deleteVersion(bucket, key, version, at) {
      // A noncurrent version that became current again (its successors were deleted) is not expired here.
      const now = await objects.getCurrentVersion(bucket.name, key);
      const becameCurrent = now?.kind === 'Object' && now.object.versionId === version.versionId;
      if (!version.isDeleteMarker && becameCurrent) return 'Changed';
      return outcomeOf(
        await service.delete({
          bucket: bucket.name,
          key,
          versionId: version.versionId,
          marker: { lastModified: at, ownerAccountId: bucket.ownerAccountId },
        }),
      );
    },
    async abortUpload(_bucket, upload) {
      return (await service.abortUpload(upload.uploadId)) ? 'Applied' : 'Gone';
    },
  };
}
