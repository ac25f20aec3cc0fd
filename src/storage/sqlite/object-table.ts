/**
 * Synchronous building blocks over `objects` / `object_segments`, meant to run inside a transaction
 * opened by a store (ObjectStore.putObject, MultipartStore.completeUpload), so a precondition check
 * and the write it guards are one atomic step.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ServiceError } from '../../errors/service-error.js';
import type { BlobSegment, ObjectRecord, PreconditionFailed } from '../ports.js';
import { keyBytes } from './key-bytes.js';
import { INSERT_OBJECT_SQL, objectToParams } from './object-rows.js';

export interface WriteExpectation {
  readonly ifNoneMatch?: true;
  readonly ifMatch?: string;
}

interface SegmentRow {
  readonly blob_id: string;
  readonly size: number;
}

export class ObjectTable {
  private readonly bucketExistsStmt: Statement<[string], unknown>;
  private readonly etagStmt: Statement<[string, Buffer], { etag: string }>;
  private readonly segmentsStmt: Statement<[string, Buffer], SegmentRow>;
  private readonly insertStmt: Statement<[Record<string, unknown>], unknown>;
  private readonly insertSegmentStmt: Statement<[string, Buffer, number, string, number], unknown>;
  private readonly deleteSegmentsStmt: Statement<[string, Buffer], unknown>;
  private readonly deleteStmt: Statement<[string, Buffer], unknown>;
  private readonly referencedStmt: Statement<[string, string], unknown>;

  constructor(db: Database) {
    this.bucketExistsStmt = db.prepare('SELECT 1 FROM buckets WHERE name = ?');
    this.etagStmt = db.prepare('SELECT etag FROM objects WHERE bucket = ? AND key = ?');
    this.segmentsStmt = db.prepare('SELECT blob_id, size FROM object_segments WHERE bucket = ? AND key = ? ORDER BY seq');
    this.insertStmt = db.prepare(INSERT_OBJECT_SQL);
    this.insertSegmentStmt = db.prepare('INSERT INTO object_segments (bucket, key, seq, blob_id, size) VALUES (?, ?, ?, ?, ?)');
    this.deleteSegmentsStmt = db.prepare('DELETE FROM object_segments WHERE bucket = ? AND key = ?');
    this.deleteStmt = db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?');
    this.referencedStmt = db.prepare(
      'SELECT EXISTS (SELECT 1 FROM object_segments WHERE blob_id = ?) OR EXISTS (SELECT 1 FROM parts WHERE blob_id = ?)',
    ).pluck();
  }

  requireBucket(bucket: string): void {
    // The handler checked the bucket before streaming bytes; a DeleteBucket may have won the race since.
    if (this.bucketExistsStmt.get(bucket) === undefined) {
      throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { fields: { BucketName: bucket } });
    }
  }

  /** The refusal for `expect` given the current object, or undefined when the write may proceed. */
  checkExpectation(bucket: string, key: string, expect: WriteExpectation | undefined): PreconditionFailed | undefined {
    if (expect === undefined || (expect.ifNoneMatch === undefined && expect.ifMatch === undefined)) return undefined;
    const current = this.etagStmt.get(bucket, keyBytes(key));
    if (expect.ifNoneMatch === true && current !== undefined) return { outcome: 'PreconditionFailed', reason: 'ObjectExists' };
    if (expect.ifMatch !== undefined) {
      if (current === undefined) return { outcome: 'PreconditionFailed', reason: 'NoSuchKey' };
      const wanted = unquote(expect.ifMatch);
      if (wanted !== '*' && wanted !== unquote(current.etag)) return { outcome: 'PreconditionFailed', reason: 'ETagMismatch' };
    }
    return undefined;
  }

  /** Replaces (or creates) the object; returns the segments the previous object had. */
  write(record: ObjectRecord): BlobSegment[] {
    const key = keyBytes(record.key);
    const previous = this.segments(record.bucket, key);
    this.deleteSegmentsStmt.run(record.bucket, key);
    this.insertStmt.run(objectToParams(record));
    record.segments.forEach((s, seq) => this.insertSegmentStmt.run(record.bucket, key, seq, s.blobId, s.size));
    return previous;
  }

  /** Deletes the object; returns its segments, or undefined when there was none. */
  delete(bucket: string, key: string): BlobSegment[] | undefined {
    const k = keyBytes(key);
    const previous = this.segments(bucket, k);
    if (this.deleteStmt.run(bucket, k).changes === 0) return undefined;
    this.deleteSegmentsStmt.run(bucket, k);
    return previous;
  }

  isReferenced(blobId: string): boolean {
    return this.referencedStmt.get(blobId, blobId) === 1;
  }

  /**
   * The candidates whose blobs nothing references any more (run after the write, in its transaction).
   * Blobs may be shared — a CopyObject onto itself, or a copy that reuses a blob — so a candidate still
   * named by any object or part is never garbage.
   */
  garbage(candidates: readonly BlobSegment[]): BlobSegment[] {
    const seen = new Set<string>();
    return candidates.filter((s) => {
      if (seen.has(s.blobId)) return false;
      seen.add(s.blobId);
      return !this.isReferenced(s.blobId);
    });
  }

  private segments(bucket: string, key: Buffer): BlobSegment[] {
    return this.segmentsStmt.all(bucket, key).map((r) => ({ blobId: r.blob_id, size: r.size }));
  }
}

/** ETags travel quoted in headers and unquoted in records; compare them bare. */
function unquote(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}
