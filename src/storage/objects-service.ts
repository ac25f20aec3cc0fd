/**
 * The one way object versions are written and removed: "bytes written → commit → reclaim what nothing
 * references any more". Every writer goes through it — S3's PutObject, CopyObject, PostObject,
 * CompleteMultipartUpload, DeleteObject(s), DeleteBucket, and lifecycle expiration — so that no
 * caller can forget to delete the bytes a refused write left behind, or delete bytes a version still
 * needs.
 *
 * It lives beside the ports, not in the S3 layer, because it speaks only storage: domain outcomes in,
 * domain outcomes out (the S3 layer maps them to errors), and lifecycle (src/lifecycle) uses it
 * without depending on S3.
 *
 * Reclaiming happens after the store's commit is durable (store promises resolve then) and goes
 * through `BlobStore.delete`, which waits for readers that retained the blob (object-reader.ts) and
 * never fails a request: a blob whose delete failed is an orphan for the start-up sweep.
 */
import type {
  BlobSegment,
  CompleteUploadOutcome,
  DeleteBucketOutcome,
  DeleteObjectOutcome,
  DeleteObjectRequest,
  NewObjectVersion,
  PutObjectOutcome,
  S3Storage,
  UploadedPart,
  WriteExpectation,
} from './ports.js';

export class ObjectsService {
  constructor(private readonly storage: Pick<S3Storage, 'buckets' | 'objects' | 'multipart' | 'blobs'>) {}

  /**
   * Commits a new version whose bytes (`record.segments` or `record.inline`) are written. When the
   * commit is refused or fails, the new bytes are deleted; when it succeeds, what it replaced is.
   */
  async put(record: NewObjectVersion, expect?: WriteExpectation): Promise<PutObjectOutcome> {
    let outcome: PutObjectOutcome;
    try {
      outcome = await this.storage.objects.putObject(record, expect);
    } catch (e) {
      await this.discard(record.segments);
      throw e;
    }
    if (outcome.outcome !== 'Written') {
      await this.discard(record.segments);
      return outcome;
    }
    await this.discard(notIn(outcome.garbage, record.segments));
    return outcome;
  }

  /** CompleteMultipartUpload: the new version is made of the upload's parts; the unused ones are reclaimed. */
  async completeUpload(
    uploadId: string,
    record: NewObjectVersion,
    expect?: WriteExpectation,
  ): Promise<CompleteUploadOutcome> {
    const outcome = await this.storage.multipart.completeUpload(uploadId, record, expect);
    if (outcome.outcome === 'Written') await this.discard(outcome.garbage);
    return outcome;
  }

  /** DeleteObject (see DeleteObjectRequest): removes a version or adds a delete marker; reclaims the bytes removed. */
  async delete(request: DeleteObjectRequest): Promise<DeleteObjectOutcome> {
    const outcome = await this.storage.objects.deleteObject(request);
    if (outcome.outcome === 'Deleted' || outcome.outcome === 'DeleteMarkerCreated') await this.discard(outcome.garbage);
    return outcome;
  }

  /** Records an uploaded part (its bytes written); reclaims the part it replaced, or its own bytes if refused. */
  async putPart(uploadId: string, part: UploadedPart): Promise<void> {
    let replaced: BlobSegment | undefined;
    try {
      replaced = await this.storage.multipart.putPart(uploadId, part);
    } catch (e) {
      await this.discard([part.segment]);
      throw e;
    }
    if (replaced !== undefined) await this.discard([replaced]);
  }

  /** AbortMultipartUpload; false when there is no such upload. */
  async abortUpload(uploadId: string): Promise<boolean> {
    const garbage = await this.storage.multipart.abortUpload(uploadId);
    if (garbage === undefined) return false;
    await this.discard(garbage);
    return true;
  }

  /** DeleteBucket: an empty bucket goes, with its unfinished uploads' parts. */
  async deleteBucket(name: string): Promise<DeleteBucketOutcome> {
    const outcome = await this.storage.buckets.deleteBucket(name);
    if (outcome.outcome === 'Deleted') await this.discard(outcome.garbage);
    return outcome;
  }

  /**
   * Deletes the blobs of segments nothing references: bytes written for a write that was refused or
   * failed, or bytes a commit made garbage. Never throws.
   */
  async discard(segments: readonly BlobSegment[]): Promise<void> {
    if (segments.length === 0) return;
    await Promise.allSettled(segments.map((s) => this.storage.blobs.delete(s.blobId)));
  }
}

/** `garbage` without the blobs `keep` names (a rewrite that kept its own bytes: CopyObject onto itself). */
function notIn(garbage: readonly BlobSegment[], keep: readonly BlobSegment[]): readonly BlobSegment[] {
  if (garbage.length === 0 || keep.length === 0) return garbage;
  return garbage.filter((s) => !keep.some((k) => k.blobId === s.blobId));
}
