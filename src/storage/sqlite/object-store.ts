/**
 * ObjectStore on SQLite. Methods are async because the port is (the PostgreSQL adapter will be);
 * better-sqlite3 itself is synchronous and each call is a few microseconds of in-process work. Writes
 * resolve after the durability barrier (group commit, wal-sync.ts), reads at once.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { AclGrant, BlobSegment, ListObjectsQuery, ListObjectsResult, ObjectRecord, ObjectStore, PreconditionFailed } from '../ports.js';
import { delimitedScan, type DelimitedScanResult, type ScanItem } from './delimited-scan.js';
import { keyBytes, keyString, pastPrefix } from './key-bytes.js';
import { OBJECT_COLUMNS, listedRowToObject, type ListedObjectRow } from './object-rows.js';
import { ObjectTable, type WriteExpectation } from './object-table.js';
import type { DurabilityBarrier } from './wal-sync.js';

interface KeyRow {
  readonly key: Buffer;
}

export class SqliteObjectStore implements ObjectStore {
  private readonly listStmt: Statement<[string, Buffer, Buffer, Buffer, number], ListedObjectRow>;
  private readonly setTagsStmt: Statement<[string, string, Buffer], unknown>;
  private readonly setAclStmt: Statement<[string | null, string, Buffer], unknown>;
  private readonly putTx: (record: ObjectRecord, expect: WriteExpectation | undefined) => ReturnType<SqliteObjectStore['putSync']>;
  private readonly deleteTx: (bucket: string, key: string) => BlobSegment[] | undefined;
  private readonly listKeysStmt: Statement<[string, Buffer, Buffer, Buffer, number], KeyRow>;
  private readonly runStmt: Statement<[string, Buffer, Buffer], ListedObjectRow>;
  private readonly listTx: (query: ListObjectsQuery) => ListObjectsResult;

  readonly maxInlineBytes: number;

  constructor(
    db: Database,
    private readonly table: ObjectTable,
    private readonly barrier: DurabilityBarrier,
  ) {
    this.maxInlineBytes = table.maxInlineBytes;
    // Bounds: strictly after the cursor, inside [prefix, prefix||0xFF). The PK (bucket, key) serves the seek.
    this.listStmt = db.prepare(
      `SELECT ${OBJECT_COLUMNS} FROM objects o
        WHERE o.bucket = ? AND o.key > ? AND o.key >= ? AND o.key < ? ORDER BY o.key LIMIT ?`,
    );
    this.listKeysStmt = db.prepare(
      'SELECT key FROM objects WHERE bucket = ? AND key > ? AND key >= ? AND key < ? ORDER BY key LIMIT ?',
    );
    this.runStmt = db.prepare(`SELECT ${OBJECT_COLUMNS} FROM objects o WHERE o.bucket = ? AND o.key >= ? AND o.key <= ? ORDER BY o.key`);
    // One read transaction: the key walk and the record fetch see the same snapshot.
    this.listTx = db.transaction((query: ListObjectsQuery) => this.listSync(query)).deferred;
    this.setTagsStmt = db.prepare('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ?');
    this.setAclStmt = db.prepare('UPDATE objects SET acl = ? WHERE bucket = ? AND key = ?');
    this.putTx = db.transaction((record: ObjectRecord, expect: WriteExpectation | undefined) => this.putSync(record, expect)).immediate;
    this.deleteTx = db.transaction((bucket: string, key: string) => {
      const removed = this.table.delete(bucket, key);
      return removed === undefined ? undefined : this.table.garbage(removed);
    }).immediate;
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return this.table.read(bucket, key);
  }

  async putObject(
    record: ObjectRecord,
    expect?: WriteExpectation,
  ): Promise<{ outcome: 'Written'; replaced: readonly BlobSegment[] } | PreconditionFailed> {
    const result = this.putTx(record, expect);
    if (result.outcome === 'Written') await this.barrier.durable();
    return result;
  }

  async deleteObject(bucket: string, key: string): Promise<readonly BlobSegment[] | undefined> {
    const removed = this.deleteTx(bucket, key);
    if (removed !== undefined) await this.barrier.durable();
    return removed;
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsResult> {
    return this.listTx(query);
  }

  async putObjectAcl(bucket: string, key: string, acl: readonly AclGrant[] | undefined): Promise<boolean> {
    this.table.invalidate(bucket, key);
    const changed = this.setAclStmt.run(acl === undefined ? null : JSON.stringify(acl), bucket, keyBytes(key)).changes > 0;
    if (changed) await this.barrier.durable();
    return changed;
  }

  async putObjectTags(bucket: string, key: string, tags: readonly (readonly [string, string])[]): Promise<boolean> {
    this.table.invalidate(bucket, key);
    const changed = this.setTagsStmt.run(JSON.stringify(tags), bucket, keyBytes(key)).changes > 0;
    if (changed) await this.barrier.durable();
    return changed;
  }

  /**
   * Without a delimiter every key walked is returned, so full rows are read in the walk. With one,
   * the walk reads keys only (rows under a common prefix are skipped, often many), then reads the
   * returned objects as contiguous runs: no common prefix lies inside a run, so the run's key range
   * holds exactly its objects.
   */
  private listSync(query: ListObjectsQuery): ListObjectsResult {
    const prefix = keyBytes(query.prefix);
    const upper = pastPrefix(prefix);
    const after = keyBytes(query.after);
    const spec = {
      prefix,
      delimiter: keyBytes(query.delimiter),
      marker: after,
      limit: query.maxKeys,
      start: after,
      keyOf: (row: KeyRow) => row.key,
      cursorAfterRow: (row: KeyRow) => row.key,
      cursorAfterPrefix: pastPrefix,
    };
    let objects: ObjectRecord[];
    let scan: DelimitedScanResult<KeyRow>;
    if (query.delimiter === '') {
      const full = delimitedScan<ListedObjectRow, Buffer>({ ...spec, fetch: (c, n) => this.listStmt.all(query.bucket, c, prefix, upper, n) });
      objects = full.rows.map(listedRowToObject);
      scan = full;
    } else {
      scan = delimitedScan<KeyRow, Buffer>({ ...spec, fetch: (c, n) => this.listKeysStmt.all(query.bucket, c, prefix, upper, n) });
      objects = this.readRuns(query.bucket, scan.items);
    }
    const last = scan.last;
    return {
      objects,
      commonPrefixes: scan.commonPrefixes.map(keyString),
      isTruncated: scan.isTruncated,
      nextAfter: last === undefined ? undefined : keyString(last.kind === 'row' ? last.row.key : last.prefix),
    };
  }

  private readRuns(bucket: string, items: readonly ScanItem<KeyRow>[]): ObjectRecord[] {
    const objects: ObjectRecord[] = [];
    let first: Buffer | undefined;
    let last: Buffer | undefined;
    const flush = (): void => {
      if (first !== undefined && last !== undefined) for (const row of this.runStmt.all(bucket, first, last)) objects.push(listedRowToObject(row));
      first = last = undefined;
    };
    for (const item of items) {
      if (item.kind === 'prefix') {
        flush();
        continue;
      }
      first ??= item.row.key;
      last = item.row.key;
    }
    flush();
    return objects;
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
