/**
 * The walk shared by ListObjects, ListObjectVersions and ListMultipartUploads: rows come from SQL in
 * key order, in batches; keys that roll up under the delimiter become one common prefix, and the walk
 * then jumps past the whole prefix with a new SQL seek (never reading the keys inside it one by one).
 *
 * S3 rules implemented here:
 * - keys and common prefixes together count against the limit;
 * - a common prefix is returned only if it sorts after the marker (a marker inside `photos/` does not
 *   bring `photos/` back: the previous page already returned it);
 * - truncated means at least one more key or prefix exists; the last item returned is the next marker.
 *
 * Batches adapt to what the rows hold: a batch starts a page at its full size when there is no
 * delimiter, and at one row when there is (the next row may open a prefix of a million keys); a batch
 * that ends on a key returned doubles the next, and one that ends in a common prefix drops the next
 * to one row (a seek past the prefix). A page of 1000 common prefixes thus costs about 1000 seeks,
 * whatever the prefixes hold.
 */
import type { Database, Statement } from 'better-sqlite3';
import { compareKeys } from './key-bytes.js';

export interface DelimitedScanSpec<Row, Cursor> {
  readonly prefix: string;
  /** '' = none. */
  readonly delimiter: string;
  /** Common prefixes at or before this are skipped (ListObjects marker, ListMultipartUploads key-marker). */
  readonly marker: string;
  readonly limit: number;
  /** Where the first batch starts (exclusive). */
  readonly start: Cursor;
  /** Up to `count` rows after `cursor` in listing order, within the prefix. */
  readonly fetch: (cursor: Cursor, count: number) => readonly Row[];
  readonly keyOf: (row: Row) => string;
  readonly cursorAfterRow: (row: Row) => Cursor;
  /** A cursor past every key that starts with `commonPrefix`. */
  readonly cursorAfterPrefix: (commonPrefix: string) => Cursor;
}

export type ScanItem<Row> =
  { readonly kind: 'row'; readonly row: Row } | { readonly kind: 'prefix'; readonly prefix: string };

export interface DelimitedScanResult<Row> {
  readonly rows: readonly Row[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last item returned, when truncated. */
  readonly last: ScanItem<Row> | undefined;
}

const MAX_BATCH = 1001;

export function delimitedScan<Row, Cursor>(spec: DelimitedScanSpec<Row, Cursor>): DelimitedScanResult<Row> {
  const rows: Row[] = [];
  const commonPrefixes: string[] = [];
  let last: ScanItem<Row> | undefined;
  const done = (isTruncated: boolean): DelimitedScanResult<Row> => ({
    rows,
    commonPrefixes,
    isTruncated,
    last: isTruncated ? last : undefined,
  });
  // S3 answers max-keys=0 with an empty, untruncated page.
  if (spec.limit <= 0) return done(false);
  const { prefix, delimiter } = spec;
  const full = () => rows.length + commonPrefixes.length === spec.limit;
  const maxCount = () => Math.min(spec.limit - rows.length - commonPrefixes.length + 1, MAX_BATCH);
  let cursor = spec.start;
  let count = delimiter === '' ? maxCount() : 1;
  for (;;) {
    const batch = spec.fetch(cursor, count);
    let skipped = false;
    let pastPrefix = false;
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i];
      const key = spec.keyOf(row);
      const at = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
      if (at < 0) {
        if (full()) return done(true);
        rows.push(row);
        last = { kind: 'row', row };
        continue;
      }
      const cp = key.slice(0, at + delimiter.length);
      if (compareKeys(cp, spec.marker) > 0) {
        if (full()) return done(true);
        commonPrefixes.push(cp);
        last = { kind: 'prefix', prefix: cp };
      }
      // Past the prefix: within this batch when its next rows leave the prefix, else by a new seek.
      let next = i + 1;
      while (next < batch.length && spec.keyOf(batch[next]).startsWith(cp)) next++;
      if (next > i + 1) skipped = true;
      if (next === batch.length) {
        cursor = spec.cursorAfterPrefix(cp);
        pastPrefix = true;
        break;
      }
      i = next - 1;
    }
    if (batch.length < count) return done(false);
    if (!pastPrefix) cursor = spec.cursorAfterRow(batch[batch.length - 1]);
    count = skipped || pastPrefix ? 1 : Math.min(count * 2, maxCount());
  }
}

/**
 * A listing's SELECT prepared twice, with `LIMIT ?` for batches and with `LIMIT 1` for the seeks past
 * common prefixes: SQLite runs a literal LIMIT 1 in a third of the time of a bound one. Rows are read
 * raw (arrays), which costs less than an object per row.
 */
export class ListingStatement<Args extends unknown[], Row> {
  private readonly batch: Statement<[...Args, number], Row>;
  private readonly one: Statement<Args, Row>;

  constructor(db: Database, sql: string) {
    this.batch = db.prepare(`${sql} LIMIT ?`).raw(true) as unknown as Statement<[...Args, number], Row>;
    this.one = db.prepare(`${sql} LIMIT 1`).raw(true) as unknown as Statement<Args, Row>;
  }

  /** Up to `count` rows. */
  rows(args: Args, count: number): readonly Row[] {
    if (count !== 1) return this.batch.all(...args, count);
    const row = this.one.get(...args);
    return row === undefined ? [] : [row];
  }
}
