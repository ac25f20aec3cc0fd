/**
 * Synchronous building blocks over `objects` / `object_segments` — the current version of each key
 * when it is an object — meant to run inside a transaction opened by a store (ObjectStore.putObject,
 * MultipartStore.completeUpload), so a precondition check and the write it guards are one atomic
 * step. Noncurrent versions and delete markers are version-table.ts's; key-versions.ts moves
 * versions between the two.
 */
import type { Database, Statement } from 'better-sqlite3';
import { ServiceError } from '../../errors/service-error.js';
import { lockFromJson, lockToJson } from '../object-lock.js';
import type { BlobSegment, ObjectLockState, ObjectRecord, PreconditionFailed, WriteExpectation } from '../ports.js';
import { keyBytes } from './key-bytes.js';
import { RecordCache } from './record-cache.js';
import { INSERT_OBJECT_SQL, READ_OBJECT_SQL, objectToParams, rowToObject, type ReadObjectRow } from './object-rows.js';

export type { WriteExpectation } from '../ports.js';

/** What a write into a bucket does with versions (its versioning state), or that the bucket is gone. */
export type BucketState = 'Unversioned' | 'Enabled' | 'Suspended' | 'NoSuchBucket';

interface SegmentRow {
  readonly blob_id: string;
  readonly size: number;
}

/** Recently read objects (hot GETs skip SQLite): at most this many, holding by default at most 8 MiB. */
const CACHED_OBJECTS = 8192;
export const DEFAULT_RECORD_CACHE_BYTES = 8 * 1024 * 1024;

export class ObjectTable {
  private readonly cache: RecordCache<ObjectRecord>;
  private readonly bucketStateStmt: Statement<[string], { versioning: 'Enabled' | 'Suspended' | null }>;
  private readonly currentVersionStmt: Statement<[string, Buffer], string | null>;
  private readonly currentLockStmt: Statement<[string, Buffer], { version_id: string | null; object_lock: string | null }>;
  private readonly setLockStmt: Statement<[string | null, string, Buffer], unknown>;
  private readonly etagStmt: Statement<[string, Buffer], { etag: string }>;
  private readonly segmentsStmt: Statement<[string, Buffer], SegmentRow>;
  private readonly readStmt: Statement<[string, Buffer], ReadObjectRow>;
  private readonly inlineIdStmt: Statement<[string, Buffer], number | null>;
  private readonly insertInlineStmt: Statement<[Buffer], unknown>;
  private readonly updateInlineStmt: Statement<[Buffer, number], unknown>;
  private readonly deleteInlineStmt: Statement<[number], unknown>;
  private readonly insertStmt: Statement<[Record<string, unknown>], unknown>;
  private readonly insertSegmentStmt: Statement<[string, Buffer, number, string, number], unknown>;
  private readonly deleteSegmentsStmt: Statement<[string, Buffer], unknown>;
  private readonly deleteStmt: Statement<[string, Buffer], unknown>;
  private readonly referencedStmt: Statement<[string, string, string], unknown>;
  /** Reads the record and its segments from one snapshot (see `read`). */
  private readonly readTx: (bucket: string, key: string) => ObjectRecord | undefined;

  /**
   * @param maxInlineBytes largest object `write` accepts with inline bytes (0: none). Bytes in the
   *   database are written twice (WAL, then checkpoint) and read through SQLite's page cache, which
   *   pays off for small objects only.
   * @param shared other processes use the database too (database.ts): a record is read in one
   *   transaction, and the owner drops the cache when they commit (`dropCache`).
   * @param cacheBytes the most bytes of records (inline bytes included) the cache holds.
   */
  constructor(
    db: Database,
    readonly maxInlineBytes = 0,
    shared = false,
    cacheBytes = DEFAULT_RECORD_CACHE_BYTES,
  ) {
    this.cache = new RecordCache<ObjectRecord>(CACHED_OBJECTS, cacheBytes, weigh);
    const readRecord = (bucket: string, key: string) => this.readRecord(bucket, key);
    this.readTx = shared ? db.transaction(readRecord).deferred : readRecord;
    this.bucketStateStmt = db.prepare('SELECT versioning FROM buckets WHERE name = ?');
    this.currentVersionStmt = db.prepare('SELECT version_id FROM objects WHERE bucket = ? AND key = ?').pluck() as Statement<[string, Buffer], string | null>;
    this.currentLockStmt = db.prepare('SELECT version_id, object_lock FROM objects WHERE bucket = ? AND key = ?');
    this.setLockStmt = db.prepare('UPDATE objects SET object_lock = ? WHERE bucket = ? AND key = ?');
    this.etagStmt = db.prepare('SELECT etag FROM objects WHERE bucket = ? AND key = ?');
    this.segmentsStmt = db.prepare('SELECT blob_id, size FROM object_segments WHERE bucket = ? AND key = ? ORDER BY seq');
    this.readStmt = db.prepare(READ_OBJECT_SQL);
    this.inlineIdStmt = db.prepare('SELECT inline_id FROM objects WHERE bucket = ? AND key = ?').pluck() as Statement<[string, Buffer], number | null>;
    this.insertInlineStmt = db.prepare('INSERT INTO inline_bytes (bytes) VALUES (?)');
    this.updateInlineStmt = db.prepare('UPDATE inline_bytes SET bytes = ? WHERE id = ?');
    this.deleteInlineStmt = db.prepare('DELETE FROM inline_bytes WHERE id = ?');
    this.insertStmt = db.prepare(INSERT_OBJECT_SQL);
    this.insertSegmentStmt = db.prepare('INSERT INTO object_segments (bucket, key, seq, blob_id, size) VALUES (?, ?, ?, ?, ?)');
    this.deleteSegmentsStmt = db.prepare('DELETE FROM object_segments WHERE bucket = ? AND key = ?');
    this.deleteStmt = db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?');
    this.referencedStmt = db.prepare(
      `SELECT EXISTS (SELECT 1 FROM object_segments WHERE blob_id = ?) OR EXISTS (SELECT 1 FROM parts WHERE blob_id = ?)
          OR EXISTS (SELECT 1 FROM version_segments WHERE blob_id = ?)`,
    ).pluck();
  }

  requireBucket(bucket: string): void {
    // The handler checked the bucket before streaming bytes; a DeleteBucket may have won the race since.
    if (this.bucketState(bucket) === 'NoSuchBucket') {
      throw new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { fields: { BucketName: bucket } });
    }
  }

  /**
   * The bucket's versioning state, read in the write's own transaction (one row of `buckets`, as the
   * existence check it replaces): a PutBucketVersioning is in force for every write that starts after it.
   */
  bucketState(bucket: string): BucketState {
    const row = this.bucketStateStmt.get(bucket);
    if (row === undefined) return 'NoSuchBucket';
    return row.versioning ?? 'Unversioned';
  }

  /** The current object's version id: undefined when the key has no current object. */
  currentVersionId(bucket: string, key: Buffer): string | null | undefined {
    return this.currentVersionStmt.get(bucket, key);
  }

  /** The current object's version id and Object Lock state; undefined when the key has no current object. */
  currentLock(bucket: string, key: Buffer): { versionId: string | null; lock: ObjectLockState | undefined } | undefined {
    const row = this.currentLockStmt.get(bucket, key);
    return row === undefined ? undefined : { versionId: row.version_id, lock: lockFromJson(row.object_lock) };
  }

  /** Replaces the current object's Object Lock state. */
  setLock(bucket: string, key: string, lock: ObjectLockState | undefined): void {
    this.invalidate(bucket, key);
    this.setLockStmt.run(lockToJson(lock), bucket, keyBytes(key));
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

  /**
   * The current object with its bytes' location, from the cache of recently read records or by two
   * statements without an await between them: on the one connection of this process nothing can
   * commit in between, and a shared database reads them in one transaction. Call it outside write
   * transactions only: what it reads is cached.
   */
  read(bucket: string, key: string): ObjectRecord | undefined {
    const cached = this.cache.get(cacheId(bucket, key));
    if (cached !== undefined) return cached;
    return this.readTx(bucket, key);
  }

  private readRecord(bucket: string, key: string): ObjectRecord | undefined {
    const k = keyBytes(key);
    const row = this.readStmt.get(bucket, k);
    if (row === undefined) return undefined;
    let record: ObjectRecord;
    if (row.inline_id !== null) {
      if (row.inline_bytes === null) throw new Error(`inline bytes ${row.inline_id} of ${bucket}/${key} are missing`);
      record = rowToObject(row, key, [], row.inline_bytes);
    } else {
      record = rowToObject(row, key, this.segments(bucket, k), undefined);
    }
    this.cache.set(cacheId(bucket, key), record);
    return record;
  }

  /** Drops every cached record: another process has committed (a shared database). */
  dropCache(): void {
    this.cache.clear();
  }

  /** Drops the cached record of an object changed other than by `write` / `delete` (e.g. its tags). */
  invalidate(bucket: string, key: string): void {
    this.cache.delete(cacheId(bucket, key));
  }

  /** Replaces (or creates) the object; returns the segments the previous object had. */
  write(record: ObjectRecord): BlobSegment[] {
    this.invalidate(record.bucket, record.key);
    const key = keyBytes(record.key);
    if (record.inline !== undefined) {
      if (record.inline.length > this.maxInlineBytes) throw new RangeError(`inline bytes (${record.inline.length}) above maxInlineBytes (${this.maxInlineBytes})`);
      // Encrypted inline bytes are the ciphertext, longer than the object (src/sse/segment-format.ts).
      if (record.segments.length > 0 || (record.encryption === undefined && record.size !== record.inline.length)) {
        throw new RangeError('an inline object has no segments and `size` inline bytes');
      }
    }
    const previous = this.segments(record.bucket, key);
    const previousInline = previous.length === 0 ? this.inlineIdStmt.get(record.bucket, key) : undefined;
    let inlineId: number | null = null;
    if (previousInline !== undefined && previousInline !== null) {
      // Reuse the row for inline → inline (one update instead of a delete and an insert).
      if (record.inline !== undefined) {
        this.updateInlineStmt.run(record.inline, previousInline);
        inlineId = previousInline;
      } else {
        this.deleteInlineStmt.run(previousInline);
      }
    }
    if (record.inline !== undefined && inlineId === null) inlineId = Number(this.insertInlineStmt.run(record.inline).lastInsertRowid);
    if (previous.length > 0) this.deleteSegmentsStmt.run(record.bucket, key);
    this.insertStmt.run(objectToParams(record, inlineId));
    record.segments.forEach((s, seq) => this.insertSegmentStmt.run(record.bucket, key, seq, s.blobId, s.size));
    return previous;
  }

  /** Deletes the object (inline bytes included); returns its segments, or undefined when there was none. */
  delete(bucket: string, key: string): BlobSegment[] | undefined {
    this.invalidate(bucket, key);
    const k = keyBytes(key);
    const previous = this.segments(bucket, k);
    const inlineId = previous.length === 0 ? this.inlineIdStmt.get(bucket, k) : undefined;
    if (this.deleteStmt.run(bucket, k).changes === 0) return undefined;
    if (inlineId !== undefined && inlineId !== null) this.deleteInlineStmt.run(inlineId);
    if (previous.length > 0) this.deleteSegmentsStmt.run(bucket, k);
    return previous;
  }

  /** Whether any object, noncurrent version or multipart part names the blob. */
  isReferenced(blobId: string): boolean {
    return this.referencedStmt.get(blobId, blobId, blobId) === 1;
  }

  /**
   * The candidates whose blobs nothing references any more (run after the write, in its transaction).
   * Blobs may be shared — a CopyObject onto itself, or a copy that reuses a blob — so a candidate still
   * named by any version or part is never garbage.
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

/** Bucket names never contain '/', so this names one object. */
function cacheId(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/** Approximate memory of a cached record: its inline bytes, its segments, and the rest. */
function weigh(record: ObjectRecord): number {
  return (record.inline?.length ?? 0) + record.segments.length * 64 + 512;
}

/** ETags travel quoted in headers and unquoted in records; compare them bare. */
function unquote(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}
