/**
 * ObjectStore on SQLite. Methods are async because the port is (the PostgreSQL adapter will be);
 * better-sqlite3 itself is synchronous and each call is a few microseconds of in-process work.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { BlobSegment, ListObjectsQuery, ListObjectsResult, ObjectRecord, ObjectStore, PreconditionFailed } from '../ports.js';
import { delimitedScan } from './delimited-scan.js';
import { keyBytes, keyString, pastPrefix } from './key-bytes.js';
import { OBJECT_COLUMNS, rowToObject, type ObjectRow } from './object-rows.js';
import { ObjectTable, type WriteExpectation } from './object-table.js';

export class SqliteObjectStore implements ObjectStore {
  private readonly getStmt: Statement<[string, Buffer], ObjectRow>;
  private readonly listStmt: Statement<[string, Buffer, Buffer, Buffer, number], ObjectRow>;
  private readonly setTagsStmt: Statement<[string, string, Buffer], unknown>;
  private readonly putTx: (record: ObjectRecord, expect: WriteExpectation | undefined) => ReturnType<SqliteObjectStore['putSync']>;
  private readonly deleteTx: (bucket: string, key: string) => BlobSegment[] | undefined;

  constructor(
    db: Database,
    private readonly table: ObjectTable,
  ) {
    this.getStmt = db.prepare(`SELECT ${OBJECT_COLUMNS} FROM objects o WHERE o.bucket = ? AND o.key = ?`);
    // Bounds: strictly after the cursor, inside [prefix, prefix||0xFF). The PK (bucket, key) serves the seek.
    this.listStmt = db.prepare(
      `SELECT ${OBJECT_COLUMNS} FROM objects o
        WHERE o.bucket = ? AND o.key > ? AND o.key >= ? AND o.key < ? ORDER BY o.key LIMIT ?`,
    );
    this.setTagsStmt = db.prepare('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ?');
    this.putTx = db.transaction((record: ObjectRecord, expect: WriteExpectation | undefined) => this.putSync(record, expect)).immediate;
    this.deleteTx = db.transaction((bucket: string, key: string) => {
      const removed = this.table.delete(bucket, key);
      return removed === undefined ? undefined : this.table.garbage(removed);
    }).immediate;
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    const row = this.getStmt.get(bucket, keyBytes(key));
    return row === undefined ? undefined : rowToObject(row);
  }

  async putObject(
    record: ObjectRecord,
    expect?: WriteExpectation,
  ): Promise<{ outcome: 'Written'; replaced: readonly BlobSegment[] } | PreconditionFailed> {
    return this.putTx(record, expect);
  }

  async deleteObject(bucket: string, key: string): Promise<readonly BlobSegment[] | undefined> {
    return this.deleteTx(bucket, key);
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsResult> {
    const prefix = keyBytes(query.prefix);
    const upper = pastPrefix(prefix);
    const after = keyBytes(query.after);
    const scan = delimitedScan<ObjectRow, Buffer>({
      prefix,
      delimiter: keyBytes(query.delimiter),
      marker: after,
      limit: query.maxKeys,
      start: after,
      fetch: (cursor, count) => this.listStmt.all(query.bucket, cursor, prefix, upper, count),
      keyOf: (row) => row.key,
      cursorAfterRow: (row) => row.key,
      cursorAfterPrefix: pastPrefix,
    });
    const last = scan.last;
    return {
      objects: scan.rows.map(rowToObject),
      commonPrefixes: scan.commonPrefixes.map(keyString),
      isTruncated: scan.isTruncated,
      nextAfter: last === undefined ? undefined : keyString(last.kind === 'row' ? last.row.key : last.prefix),
    };
  }

  async putObjectTags(bucket: string, key: string, tags: readonly (readonly [string, string])[]): Promise<boolean> {
    return this.setTagsStmt.run(JSON.stringify(tags), bucket, keyBytes(key)).changes > 0;
  }

  private putSync(
    record: ObjectRecord,
    expect: WriteExpectation | undefined,
  ): { outcome: 'Written'; replaced: readonly BlobSegment[] } | PreconditionFailed {
    this.table.requireBucket(record.bucket);
    const refused = this.table.checkExpectation(record.bucket, record.key, expect);
    if (refused !== undefined) return refused;
    const previous = this.table.write(record);
    return { outcome: 'Written', replaced: this.table.garbage(previous) };
  }
}
