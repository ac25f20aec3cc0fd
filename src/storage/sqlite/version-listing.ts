/**
 * ListObjectVersions over the two tables: current objects (`objects`) and the rest of each key's
 * history (`object_versions`, newest first by its primary key). Each batch is two index walks in the
 * listing's order — keys ascending, then newest first, the current object first of its key — merged
 * here; delimited-scan.ts rolls keys up into common prefixes and pages, as for ListObjects.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ListObjectVersionsQuery, ListObjectVersionsResult, ObjectVersion } from '../ports.js';
import { delimitedScan } from './delimited-scan.js';
import { keyBytes, keyString, pastPrefix } from './key-bytes.js';
import { parseSegmentsJson, qualifiedColumns, rowToDeleteMarker, rowToObject, type ObjectRow } from './object-rows.js';

/** The place of the current object in its key's history: above every seq of `object_versions`. */
const CURRENT_SEQ = Number.MAX_SAFE_INTEGER;
/** A cursor seq below every version: "past the whole key". */
const PAST_KEY = -1;

interface ListedRow extends ObjectRow {
  readonly vseq: number;
  readonly delete_marker: number;
  readonly is_latest: number;
  readonly segments: string | null;
}

/** A position in the listing: rows after it are keys > key, or key = key with seq < seq. */
interface Cursor {
  readonly key: Buffer;
  readonly seq: number;
}

/** Named parameters of both walks: the bucket, [start, upper), the cursor, and the batch size. */
interface FetchArgs {
  readonly bucket: string;
  readonly start: Buffer;
  readonly upper: Buffer;
  readonly ck: Buffer;
  readonly cs: number;
  readonly limit: number;
}

export class VersionLister {
  private readonly currentStmt: Statement<[FetchArgs], ListedRow>;
  private readonly versionsStmt: Statement<[FetchArgs], ListedRow>;
  private readonly currentIdStmt: Statement<[string, Buffer], string | null>;
  private readonly seqOfStmt: Statement<[string, Buffer, string | null], number>;
  private readonly listTx: (query: ListObjectVersionsQuery) => ListObjectVersionsResult;

  constructor(db: Database) {
    this.currentStmt = db.prepare(
      `SELECT o.bucket, o.key, ${qualifiedColumns('o')}, ${CURRENT_SEQ} AS vseq, 0 AS delete_marker, 1 AS is_latest,
          (SELECT json_group_array(json_array(s.blob_id, s.size) ORDER BY s.seq)
             FROM object_segments s WHERE s.bucket = o.bucket AND s.key = o.key) AS segments
        FROM objects o
        WHERE o.bucket = @bucket AND o.key >= @start AND o.key < @upper AND NOT (o.key = @ck AND ${CURRENT_SEQ} >= @cs)
        ORDER BY o.key LIMIT @limit`,
    );
    this.versionsStmt = db.prepare(
      `SELECT v.bucket, v.key, ${qualifiedColumns('v')}, v.seq AS vseq, v.delete_marker,
          (NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key)
            AND v.seq = (SELECT max(w.seq) FROM object_versions w
                          WHERE w.bucket = v.bucket AND w.key = v.key)) AS is_latest,
          CASE WHEN v.delete_marker = 1 THEN NULL ELSE
            (SELECT json_group_array(json_array(s.blob_id, s.size) ORDER BY s.seq) FROM version_segments s
              WHERE s.bucket = v.bucket AND s.key = v.key AND s.version_seq = v.seq) END AS segments
        FROM object_versions v
        WHERE v.bucket = @bucket AND v.key >= @start AND v.key < @upper AND NOT (v.key = @ck AND v.seq >= @cs)
        ORDER BY v.key, v.seq DESC LIMIT @limit`,
    );
    const currentId = 'SELECT version_id FROM objects WHERE bucket = ? AND key = ?';
    this.currentIdStmt = db.prepare(currentId).pluck() as Statement<[string, Buffer], string | null>;
    const seqOf = 'SELECT seq FROM object_versions WHERE bucket = ? AND key = ? AND version_id IS ?';
    this.seqOfStmt = db.prepare(seqOf).pluck() as Statement<[string, Buffer, string | null], number>;
    // One read transaction: both walks and the marker lookup see the same snapshot.
    this.listTx = db.transaction((query: ListObjectVersionsQuery) => this.listSync(query)).deferred;
  }

  list(query: ListObjectVersionsQuery): ListObjectVersionsResult {
    return this.listTx(query);
  }

  private listSync(query: ListObjectVersionsQuery): ListObjectVersionsResult {
    const prefix = keyBytes(query.prefix);
    const upper = pastPrefix(prefix);
    const marker = keyBytes(query.keyMarker);
    const scan = delimitedScan<ListedRow, Cursor>({
      prefix,
      delimiter: keyBytes(query.delimiter),
      marker,
      limit: query.maxKeys,
      start: { key: marker, seq: this.markerSeq(query, marker) },
      fetch: (cursor, count) => this.fetch(query.bucket, prefix, upper, cursor, count),
      keyOf: (row) => row.key,
      cursorAfterRow: (row) => ({ key: row.key, seq: row.vseq }),
      cursorAfterPrefix: (cp) => ({ key: pastPrefix(cp), seq: PAST_KEY }),
    });
    const last = scan.last;
    return {
      versions: scan.rows.map(toVersion),
      commonPrefixes: scan.commonPrefixes.map(keyString),
      isTruncated: scan.isTruncated,
      ...(last === undefined
        ? {}
        : last.kind === 'row'
          ? { nextKeyMarker: keyString(last.row.key), nextVersionIdMarker: last.row.version_id }
          : { nextKeyMarker: keyString(last.prefix) }),
    };
  }

  /**
   * Where the walk starts within the key-marker: past all of it, or right after the version
   * `versionIdMarker` names. A version id the key does not have resumes past the whole key.
   */
  private markerSeq(query: ListObjectVersionsQuery, marker: Buffer): number {
    if (query.versionIdMarker === undefined || query.keyMarker === '') return PAST_KEY;
    const current = this.currentIdStmt.get(query.bucket, marker);
    if (current !== undefined && current === query.versionIdMarker) return CURRENT_SEQ;
    return this.seqOfStmt.get(query.bucket, marker, query.versionIdMarker) ?? PAST_KEY;
  }

  /** Up to `count` rows after `cursor` in listing order: both walks, merged. */
  private fetch(bucket: string, prefix: Buffer, upper: Buffer, cursor: Cursor, count: number): ListedRow[] {
    const start = Buffer.compare(cursor.key, prefix) > 0 ? cursor.key : prefix;
    const args: FetchArgs = { bucket, start, upper, ck: cursor.key, cs: cursor.seq, limit: count };
    const current = this.currentStmt.all(args);
    const older = this.versionsStmt.all(args);
    const merged: ListedRow[] = [];
    let i = 0;
    let j = 0;
    while (merged.length < count && (i < current.length || j < older.length)) {
      // On the same key the current object comes first: it is newer than every noncurrent version.
      const takeCurrent =
        j >= older.length || (i < current.length && Buffer.compare(current[i].key, older[j].key) <= 0);
      merged.push(takeCurrent ? current[i++] : older[j++]);
    }
    return merged;
  }
}

function toVersion(row: ListedRow): ObjectVersion {
  const key = keyString(row.key);
  const isLatest = row.is_latest === 1;
  if (row.delete_marker === 1) return { kind: 'DeleteMarker', marker: rowToDeleteMarker(row, key), isLatest };
  return { kind: 'Object', object: rowToObject(row, key, parseSegmentsJson(row.segments), undefined), isLatest };
}
