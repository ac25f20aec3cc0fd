/**
 * ListMultipartUploads in SQL. Order: key (UTF-8 bytes), then initiation time, then upload id, as S3
 * documents ("sorted by key ... in ascending order within each key by the upload initiation time").
 *
 * Markers: key-marker alone resumes after every upload of that key. With upload-id-marker, S3 says
 * uploads of key-marker "with upload IDs lexicographically greater" follow; since our order within a
 * key is by time, we resume right after the named upload in that order (which is what NextUploadIdMarker
 * means), and only when the named upload no longer exists fall back to the literal lexicographic rule.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { ListUploadsQuery, ListUploadsResult, MultipartUpload } from '../ports.js';
import { delimitedScan } from './delimited-scan.js';
import { keyBytes, keyString, pastPrefix } from './key-bytes.js';
import { rowToUpload, type UploadRow } from './upload-rows.js';

export type { ListUploadsQuery, ListUploadsResult } from '../ports.js';

/** Position after which rows are listed: same key with a later (time, id), or a greater key. */
interface UploadCursor {
  readonly key: Buffer;
  readonly t: number;
  readonly id: string;
  /** 1: same-key rows qualify by `upload_id > id` alone (marker upload not found). */
  readonly lex: 0 | 1;
}

const AFTER_WHOLE_KEY = Number.MAX_SAFE_INTEGER;

/** Prepared once per database by the multipart store that owns it. */
export class UploadLister {
  private readonly pageStmt: Statement<[Record<string, unknown>], UploadRow>;
  private readonly markerStmt: Statement<[string, Buffer, string], number>;

  constructor(db: Database) {
    this.pageStmt = db.prepare(
      `SELECT * FROM uploads
        WHERE bucket = @bucket AND key >= @lo AND key < @hi AND key >= @ck
          AND (key > @ck OR CASE WHEN @lex = 1 THEN upload_id > @id
                                 ELSE (initiated_at > @t OR (initiated_at = @t AND upload_id > @id)) END)
        ORDER BY key, initiated_at, upload_id LIMIT @count`,
    );
    this.markerStmt = db.prepare('SELECT initiated_at FROM uploads WHERE bucket = ? AND key = ? AND upload_id = ?').pluck() as Statement<
      [string, Buffer, string],
      number
    >;
  }

  list(query: ListUploadsQuery): ListUploadsResult {
    const prefix = keyBytes(query.prefix);
    const hi = pastPrefix(prefix);
    const marker = keyBytes(query.keyMarker);
    const scan = delimitedScan<UploadRow, UploadCursor>({
      prefix: query.prefix,
      delimiter: query.delimiter,
      marker: query.keyMarker,
      limit: query.maxUploads,
      start: startCursor(query, marker, (k, id) => this.markerStmt.get(query.bucket, k, id)),
      fetch: (c, count) => this.pageStmt.all({ bucket: query.bucket, lo: prefix, hi, ck: c.key, t: c.t, id: c.id, lex: c.lex, count }),
      keyOf: (row) => keyString(row.key),
      cursorAfterRow: (row) => ({ key: row.key, t: row.initiated_at, id: row.upload_id, lex: 0 }),
      cursorAfterPrefix: (cp) => ({ key: pastPrefix(keyBytes(cp)), t: AFTER_WHOLE_KEY, id: '', lex: 0 }),
    });
    const last = scan.last;
    return {
      uploads: scan.rows.map(rowToUpload),
      commonPrefixes: scan.commonPrefixes,
      isTruncated: scan.isTruncated,
      ...(last === undefined
        ? {}
        : last.kind === 'row'
          ? { nextKeyMarker: keyString(last.row.key), nextUploadIdMarker: last.row.upload_id }
          : { nextKeyMarker: last.prefix }),
    };
  }
}

function startCursor(
  query: ListUploadsQuery,
  marker: Buffer,
  markerTime: (key: Buffer, uploadId: string) => number | undefined,
): UploadCursor {
  // S3 ignores upload-id-marker without key-marker.
  if (query.keyMarker === '' || query.uploadIdMarker === '') return { key: marker, t: AFTER_WHOLE_KEY, id: '', lex: 0 };
  const t = markerTime(marker, query.uploadIdMarker);
  return t === undefined
    ? { key: marker, t: 0, id: query.uploadIdMarker, lex: 1 }
    : { key: marker, t, id: query.uploadIdMarker, lex: 0 };
}
