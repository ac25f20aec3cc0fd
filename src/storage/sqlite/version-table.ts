/**
 * Synchronous building blocks over `object_versions` / `version_segments`: the noncurrent versions and
 * delete markers of each key, ordered by a per-key `seq` (newest = highest). Moving a version between
 * `objects` (current) and here moves its row and its segment rows in SQL (`INSERT ... SELECT`), never
 * its bytes; inline bytes keep their `inline_bytes` row. Meant to run inside a transaction a store
 * opened (key-versions.ts), like object-table.ts.
 */
import type { Database, Statement } from 'better-sqlite3';
import { lockFromJson, lockToJson } from '../object-lock.js';
import type { BlobSegment, DeleteMarkerRecord, ObjectLockState, ObjectVersion } from '../ports.js';
import { keyBytes } from './key-bytes.js';
import { VERSION_COLUMNS, rowToDeleteMarker, rowToObject, type VersionRow } from './object-rows.js';

/** Where a version sits in its key's history. */
export interface VersionSlot {
  readonly seq: number;
  readonly deleteMarker: boolean;
}

/** A version found by id: its slot and its Object Lock state. */
export interface FoundVersion extends VersionSlot {
  readonly lock: ObjectLockState | undefined;
}

interface SlotRow {
  readonly seq: number;
  readonly delete_marker: number;
}

interface SegmentRow {
  readonly blob_id: string;
  readonly size: number;
}

type KeyArgs = [string, Buffer];
type SeqArgs = [string, Buffer, number];

export class VersionTable {
  private readonly nextSeqStmt: Statement<KeyArgs, number>;
  private readonly newestStmt: Statement<KeyArgs, SlotRow>;
  private readonly findStmt: Statement<[string, Buffer, string | null], SlotRow & { object_lock: string | null }>;
  private readonly setLockStmt: Statement<[string | null, string, Buffer, number], unknown>;
  private readonly readStmt: Statement<[string, Buffer, string | null], VersionRow & { inline_bytes: Buffer | null }>;
  private readonly segmentsStmt: Statement<SeqArgs, SegmentRow>;
  private readonly inlineIdStmt: Statement<SeqArgs, number | null>;
  private readonly demoteRowStmt: Statement<[number, string, Buffer], unknown>;
  private readonly demoteSegmentsStmt: Statement<[number, string, Buffer], unknown>;
  private readonly promoteRowStmt: Statement<SeqArgs, unknown>;
  private readonly promoteSegmentsStmt: Statement<SeqArgs, unknown>;
  private readonly deleteCurrentStmt: Statement<KeyArgs, unknown>;
  private readonly deleteCurrentSegmentsStmt: Statement<KeyArgs, unknown>;
  private readonly deleteRowStmt: Statement<SeqArgs, unknown>;
  private readonly deleteSegmentsStmt: Statement<SeqArgs, unknown>;
  private readonly deleteInlineStmt: Statement<[number], unknown>;
  private readonly insertMarkerStmt: Statement<[string, Buffer, number, string | null, number, string], unknown>;
  private readonly hasCurrentStmt: Statement<KeyArgs, unknown>;
  private readonly anyInBucketStmt: Statement<[string], unknown>;
  private readonly rowBySeqStmt: Statement<SeqArgs, VersionRow>;

  constructor(db: Database) {
    const key = 'bucket = ? AND key = ?';
    const nextSeq = `SELECT coalesce(max(seq), 0) + 1 FROM object_versions WHERE ${key}`;
    this.nextSeqStmt = db.prepare(nextSeq).pluck() as Statement<KeyArgs, number>;
    this.newestStmt = db.prepare(
      `SELECT seq, delete_marker FROM object_versions WHERE ${key} ORDER BY seq DESC LIMIT 1`,
    );
    this.findStmt = db.prepare(`SELECT seq, delete_marker, object_lock FROM object_versions WHERE ${key} AND version_id IS ?`);
    this.setLockStmt = db.prepare(`UPDATE object_versions SET object_lock = ? WHERE ${key} AND seq = ?`);
    this.readStmt = db.prepare(
      `SELECT v.*, d.bytes AS inline_bytes FROM object_versions v LEFT JOIN inline_bytes d ON d.id = v.inline_id
        WHERE v.bucket = ? AND v.key = ? AND v.version_id IS ?`,
    );
    this.segmentsStmt = db.prepare(
      `SELECT blob_id, size FROM version_segments WHERE ${key} AND version_seq = ? ORDER BY seq`,
    );
    const inlineId = `SELECT inline_id FROM object_versions WHERE ${key} AND seq = ?`;
    this.inlineIdStmt = db.prepare(inlineId).pluck() as Statement<SeqArgs, number | null>;
    this.demoteRowStmt = db.prepare(
      `INSERT INTO object_versions (bucket, key, seq, delete_marker, ${VERSION_COLUMNS})
        SELECT bucket, key, ?, 0, ${VERSION_COLUMNS} FROM objects WHERE ${key}`,
    );
    this.demoteSegmentsStmt = db.prepare(
      `INSERT INTO version_segments (bucket, key, version_seq, seq, blob_id, size)
        SELECT bucket, key, ?, seq, blob_id, size FROM object_segments WHERE ${key}`,
    );
    this.promoteRowStmt = db.prepare(
      `INSERT INTO objects (bucket, key, ${VERSION_COLUMNS})
        SELECT bucket, key, ${VERSION_COLUMNS} FROM object_versions WHERE ${key} AND seq = ?`,
    );
    this.promoteSegmentsStmt = db.prepare(
      `INSERT INTO object_segments (bucket, key, seq, blob_id, size)
        SELECT bucket, key, seq, blob_id, size FROM version_segments WHERE ${key} AND version_seq = ?`,
    );
    this.deleteCurrentStmt = db.prepare(`DELETE FROM objects WHERE ${key}`);
    this.deleteCurrentSegmentsStmt = db.prepare(`DELETE FROM object_segments WHERE ${key}`);
    this.deleteRowStmt = db.prepare(`DELETE FROM object_versions WHERE ${key} AND seq = ?`);
    this.deleteSegmentsStmt = db.prepare(`DELETE FROM version_segments WHERE ${key} AND version_seq = ?`);
    this.deleteInlineStmt = db.prepare('DELETE FROM inline_bytes WHERE id = ?');
    this.insertMarkerStmt = db.prepare(
      `INSERT INTO object_versions (bucket, key, seq, delete_marker, version_id, size, etag, last_modified,
          user_metadata, tags, storage_class, owner_account_id)
        VALUES (?, ?, ?, 1, ?, 0, '', ?, '{}', '[]', 'STANDARD', ?)`,
    );
    this.hasCurrentStmt = db.prepare(`SELECT 1 FROM objects WHERE ${key}`);
    this.anyInBucketStmt = db.prepare('SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1');
    this.rowBySeqStmt = db.prepare(`SELECT * FROM object_versions WHERE ${key} AND seq = ?`);
  }

  /** The seq the next version of the key gets. */
  nextSeq(bucket: string, key: Buffer): number {
    return this.nextSeqStmt.get(bucket, key) as number;
  }

  /**
   * Makes the current object (the `objects` row, which must exist) the newest noncurrent version.
   * The caller drops the object from its cache.
   */
  demoteCurrent(bucket: string, key: Buffer): void {
    const seq = this.nextSeq(bucket, key);
    this.demoteRowStmt.run(seq, bucket, key);
    this.demoteSegmentsStmt.run(seq, bucket, key);
    this.deleteCurrentSegmentsStmt.run(bucket, key);
    this.deleteCurrentStmt.run(bucket, key);
  }

  /**
   * With no current object: makes the newest version current again when it is an object (after the
   * version on top of it was deleted). A newest delete marker stays where it is: it is current.
   */
  promoteNewest(bucket: string, key: Buffer): void {
    const newest = this.newestStmt.get(bucket, key);
    if (newest === undefined || newest.delete_marker === 1) return;
    this.promoteRowStmt.run(bucket, key, newest.seq);
    this.promoteSegmentsStmt.run(bucket, key, newest.seq);
    this.deleteSegmentsStmt.run(bucket, key, newest.seq);
    this.deleteRowStmt.run(bucket, key, newest.seq);
  }

  find(bucket: string, key: Buffer, versionId: string | null): FoundVersion | undefined {
    const row = this.findStmt.get(bucket, key, versionId);
    if (row === undefined) return undefined;
    return { seq: row.seq, deleteMarker: row.delete_marker === 1, lock: lockFromJson(row.object_lock) };
  }

  /** Replaces the Object Lock state of the noncurrent version at `seq`. */
  setLock(bucket: string, key: Buffer, seq: number, lock: ObjectLockState | undefined): void {
    this.setLockStmt.run(lockToJson(lock), bucket, key, seq);
  }

  newest(bucket: string, key: Buffer): VersionSlot | undefined {
    const row = this.newestStmt.get(bucket, key);
    return row === undefined ? undefined : { seq: row.seq, deleteMarker: row.delete_marker === 1 };
  }

  /** Deletes a version for good (its inline bytes too); returns its segments, garbage candidates. */
  remove(bucket: string, key: Buffer, seq: number): BlobSegment[] {
    const segments = this.segments(bucket, key, seq);
    const inlineId = this.inlineIdStmt.get(bucket, key, seq);
    this.deleteSegmentsStmt.run(bucket, key, seq);
    this.deleteRowStmt.run(bucket, key, seq);
    if (inlineId !== undefined && inlineId !== null) this.deleteInlineStmt.run(inlineId);
    return segments;
  }

  /** Removes the key's noncurrent null version or null delete marker, if it has one. */
  removeNull(bucket: string, key: Buffer): BlobSegment[] {
    const slot = this.find(bucket, key, null);
    return slot === undefined ? [] : this.remove(bucket, key, slot.seq);
  }

  /** Puts a delete marker on top of the key's history (the caller moved the current object away). */
  insertMarker(bucket: string, key: Buffer, marker: Omit<DeleteMarkerRecord, 'bucket' | 'key'>): void {
    const seq = this.nextSeq(bucket, key);
    this.insertMarkerStmt.run(bucket, key, seq, marker.versionId, marker.lastModified.getTime(), marker.ownerAccountId);
  }

  /** A noncurrent version or delete marker with its bytes' location; undefined when there is none here. */
  read(bucket: string, key: string, versionId: string | null): ObjectVersion | undefined {
    const k = keyBytes(key);
    const row = this.readStmt.get(bucket, k, versionId);
    if (row === undefined) return undefined;
    const isLatest = this.hasCurrentStmt.get(bucket, k) === undefined && this.newest(bucket, k)?.seq === row.seq;
    if (row.delete_marker === 1) return { kind: 'DeleteMarker', marker: rowToDeleteMarker(row, key), isLatest };
    const object =
      row.inline_id === null
        ? rowToObject(row, key, this.segments(bucket, k, row.seq), undefined)
        : rowToObject(row, key, [], row.inline_bytes ?? Buffer.alloc(0));
    return { kind: 'Object', object, isLatest };
  }

  /** The key's current delete marker, when the newest thing it has is one (and no current object). */
  currentMarker(bucket: string, key: string): ObjectVersion | undefined {
    const k = keyBytes(key);
    if (this.hasCurrentStmt.get(bucket, k) !== undefined) return undefined;
    const newest = this.newestStmt.get(bucket, k);
    if (newest === undefined || newest.delete_marker !== 1) return undefined;
    const row = this.readBySeq(bucket, k, newest.seq);
    if (row === undefined) return undefined;
    return { kind: 'DeleteMarker', marker: rowToDeleteMarker(row, key), isLatest: true };
  }

  /** Whether the bucket holds any noncurrent version or delete marker. */
  hasAny(bucket: string): boolean {
    return this.anyInBucketStmt.get(bucket) !== undefined;
  }

  private readBySeq(bucket: string, key: Buffer, seq: number): VersionRow | undefined {
    return this.rowBySeqStmt.get(bucket, key, seq);
  }

  private segments(bucket: string, key: Buffer, seq: number): BlobSegment[] {
    return this.segmentsStmt.all(bucket, key, seq).map((r) => ({ blobId: r.blob_id, size: r.size }));
  }
}
