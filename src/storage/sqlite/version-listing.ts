/**
 * ListObjectVersions over the two tables: current objects (`objects`) and the rest of each key's
 * history (`object_versions`, newest first by its primary key). Each batch is two index walks in the
 * listing's order — keys ascending, then newest first, the current object first of its key — merged
 * here; delimited-scan.ts rolls keys up into common prefixes and pages, as for ListObjects.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ListedVersion, ListObjectVersionsQuery, ListObjectVersionsResult } from '../ports.js';
import { delimitedScan, ListingStatement } from './delimited-scan.js';
import { compareKeys, keyBytes, keyString, pastPrefix } from './key-bytes.js';
import { listedColumns, listedObject, type ListedRow } from './object-rows.js';

/** The place of the current object in its key's history: above every seq of `object_versions`. */
const CURRENT_SEQ = Number.MAX_SAFE_INTEGER;
/** A cursor seq below every version: "past the whole key". */
const PAST_KEY = -1;

/** A listed row (`.raw()`), then the version's place in its key's history and whether it is a delete marker. */
type VersionRow = readonly [...ListedRow, vseq: number, deleteMarker: number];
const VSEQ = 10;
const DELETE_MARKER = 11;

/**
 * A row of the walk, and whether it is its key's latest version: the first row of its key in listing
 * order (the current object, else the newest noncurrent version or marker), unless the walk resumed
 * inside the key.
 */
interface WalkRow {
  readonly row: VersionRow;
  readonly isLatest: boolean;
}

/** A position in the listing: rows after it are keys > key, or key = key with seq < seq. */
interface Cursor {
  readonly key: Buffer;
  readonly seq: number;
}

/** Named parameters of both walks: the bucket, [start, upper), and the cursor. */
interface FetchArgs {
  readonly bucket: string;
  readonly start: Buffer;
  readonly upper: Buffer;
  readonly ck: Buffer;
  readonly cs: number;
}

export class VersionLister {
  private readonly currentStmt: ListingStatement<[FetchArgs], VersionRow>;
  private readonly versionsStmt: ListingStatement<[FetchArgs], VersionRow>;
  private readonly currentIdStmt: Statement<[string, Buffer], string | null>;
  private readonly seqOfStmt: Statement<[string, Buffer, string | null], number>;
  private readonly listTx: (query: ListObjectVersionsQuery) => ListObjectVersionsResult;

  constructor(db: Database) {
    this.currentStmt = new ListingStatement(
      db,
      `SELECT ${listedColumns('o')}, ${CURRENT_SEQ} AS vseq, 0 AS delete_marker
        FROM objects o
        WHERE o.bucket = @bucket AND o.key >= @start AND o.key < @upper AND NOT (o.key = @ck AND ${CURRENT_SEQ} >= @cs)
        ORDER BY o.key`,
    );
    this.versionsStmt = new ListingStatement(
      db,
      `SELECT ${listedColumns('v')}, v.seq AS vseq, v.delete_marker
        FROM object_versions v
        WHERE v.bucket = @bucket AND v.key >= @start AND v.key < @upper AND NOT (v.key = @ck AND v.seq >= @cs)
        ORDER BY v.key, v.seq DESC`,
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
    const scan = delimitedScan<WalkRow, Cursor>({
      prefix: query.prefix,
      delimiter: query.delimiter,
      marker: query.keyMarker,
      limit: query.maxKeys,
      start: { key: marker, seq: this.markerSeq(query, marker) },
      fetch: (cursor, count) => this.fetch(query.bucket, prefix, upper, cursor, count),
      keyOf: (r) => r.row[0],
      cursorAfterRow: (r) => ({ key: keyBytes(r.row[0]), seq: r.row[VSEQ] }),
      cursorAfterPrefix: (cp) => ({ key: pastPrefix(keyBytes(cp)), seq: PAST_KEY }),
    });
    const last = scan.last;
    return {
      versions: scan.rows.map((r) => toVersion(query.bucket, r)),
      commonPrefixes: scan.commonPrefixes,
      isTruncated: scan.isTruncated,
      ...(last === undefined
        ? {}
        : last.kind === 'row'
          ? { nextKeyMarker: last.row.row[0], nextVersionIdMarker: last.row.row[1] }
          : { nextKeyMarker: last.prefix }),
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
  private fetch(bucket: string, prefix: Buffer, upper: Buffer, cursor: Cursor, count: number): WalkRow[] {
    const start = Buffer.compare(cursor.key, prefix) > 0 ? cursor.key : prefix;
    const args: FetchArgs = { bucket, start, upper, ck: cursor.key, cs: cursor.seq };
    const current = this.currentStmt.rows([args], count);
    const older = this.versionsStmt.rows([args], count);
    const merged: WalkRow[] = [];
    let i = 0;
    let j = 0;
    // The key of the row before this batch, when the batch resumes inside a key.
    let previous = cursor.seq === PAST_KEY ? undefined : keyString(cursor.key);
    while (merged.length < count && (i < current.length || j < older.length)) {
      // On the same key the current object comes first: it is newer than every noncurrent version.
      const takeCurrent = j >= older.length || (i < current.length && compareKeys(current[i][0], older[j][0]) <= 0);
      const row = takeCurrent ? current[i++] : older[j++];
      merged.push({ row, isLatest: row[0] !== previous });
      previous = row[0];
    }
    return merged;
  }
}

function toVersion(bucket: string, { row, isLatest }: WalkRow): ListedVersion {
  const object = listedObject(row as unknown as ListedRow);
  if (row[DELETE_MARKER] === 1) {
    const { key, versionId, lastModified, ownerAccountId } = object;
    return { kind: 'DeleteMarker', marker: { bucket, key, versionId, lastModified, ownerAccountId }, isLatest };
  }
  return { kind: 'Object', object, isLatest };
}
