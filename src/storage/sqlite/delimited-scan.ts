/**
 * The ListObjects / ListMultipartUploads walk shared by both listings: rows come from SQL in key
 * order, in batches; keys that roll up under the delimiter become one common prefix, and the walk
 * then jumps past the whole prefix with a new SQL seek (never reading the keys inside it again).
 *
 * S3 rules implemented here:
 * - keys and common prefixes together count against the limit;
 * - a common prefix is returned only if it sorts after the marker (a marker inside `photos/` does not
 *   bring `photos/` back: the previous page already returned it);
 * - truncated means at least one more key or prefix exists; the last item returned is the next marker.
 */
import { commonPrefixOf, startsWith } from './key-bytes.js';

export interface DelimitedScanSpec<Row, Cursor> {
  readonly prefix: Buffer;
  readonly delimiter: Buffer;
  /** Common prefixes at or before this are skipped (ListObjects marker, ListMultipartUploads key-marker). */
  readonly marker: Buffer;
  readonly limit: number;
  /** Where the first batch starts (exclusive). */
  readonly start: Cursor;
  /** Up to `count` rows after `cursor` in listing order, within the prefix. */
  readonly fetch: (cursor: Cursor, count: number) => readonly Row[];
  readonly keyOf: (row: Row) => Buffer;
  readonly cursorAfterRow: (row: Row) => Cursor;
  /** A cursor past every key that starts with `commonPrefix`. */
  readonly cursorAfterPrefix: (commonPrefix: Buffer) => Cursor;
}

export type ScanItem<Row> = { readonly kind: 'row'; readonly row: Row } | { readonly kind: 'prefix'; readonly prefix: Buffer };

export interface DelimitedScanResult<Row> {
  /** Rows and common prefixes in listing order. */
  readonly items: readonly ScanItem<Row>[];
  readonly rows: readonly Row[];
  readonly commonPrefixes: readonly Buffer[];
  readonly isTruncated: boolean;
  /** The last item returned, when truncated. */
  readonly last: ScanItem<Row> | undefined;
}

const MAX_BATCH = 1001;

export function delimitedScan<Row, Cursor>(spec: DelimitedScanSpec<Row, Cursor>): DelimitedScanResult<Row> {
  const items: ScanItem<Row>[] = [];
  const rows: Row[] = [];
  const commonPrefixes: Buffer[] = [];
  let last: ScanItem<Row> | undefined;
  const done = (isTruncated: boolean): DelimitedScanResult<Row> => ({ items, rows, commonPrefixes, isTruncated, last: isTruncated ? last : undefined });
  // S3 answers max-keys=0 with an empty, untruncated page.
  if (spec.limit <= 0) return done(false);
  let cursor = spec.start;
  for (;;) {
    const remaining = spec.limit - rows.length - commonPrefixes.length;
    const count = Math.min(remaining + 1, MAX_BATCH);
    const batch = spec.fetch(cursor, count);
    let skipping: Buffer | undefined;
    for (const row of batch) {
      const key = spec.keyOf(row);
      if (skipping !== undefined && startsWith(key, skipping)) continue;
      skipping = undefined;
      const cp = commonPrefixOf(key, spec.prefix, spec.delimiter);
      if (cp !== undefined) {
        skipping = cp;
        cursor = spec.cursorAfterPrefix(cp);
        if (cp.compare(spec.marker) <= 0) continue;
      }
      if (rows.length + commonPrefixes.length === spec.limit) return done(true);
      if (cp !== undefined) {
        const owned = Buffer.from(cp);
        commonPrefixes.push(owned);
        last = { kind: 'prefix', prefix: owned };
      } else {
        rows.push(row);
        cursor = spec.cursorAfterRow(row);
        last = { kind: 'row', row };
      }
      items.push(last);
    }
    if (batch.length < count) return done(false);
  }
}
