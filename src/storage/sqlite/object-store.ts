/**
 * ObjectStore on SQLite. Methods are async because the port is (the PostgreSQL adapter will be);
 * better-sqlite3 itself is synchronous and each call is a few microseconds of in-process work. Writes
 * resolve after the durability barrier (group commit, wal-sync.ts), reads at once. Versions:
 * key-versions.ts (writes and deletes), version-table.ts (noncurrent versions and delete markers),
 * version-listing.ts (ListObjectVersions).
 */
import type { Database, Statement } from 'better-sqlite3';
import type {
  AclGrant,
  DeleteObjectOutcome,
  DeleteObjectRequest,
  ListObjectsQuery,
  ListObjectsResult,
  ListObjectVersionsQuery,
  ListObjectVersionsResult,
  NewObjectVersion,
  ObjectLockUpdate,
  ObjectLockUpdateOutcome,
  ObjectRecord,
  ObjectStore,
  ObjectVersion,
  PutObjectOutcome,
} from '../ports.js';
import { mayChangeRetention, updatedLock } from '../object-lock.js';
import type { ObjectLockState } from '../ports.js';
import { delimitedScan, ListingStatement } from './delimited-scan.js';
import { keyBytes, keyAfter, pastPrefix } from './key-bytes.js';
import type { KeyVersions } from './key-versions.js';
import { listedColumns, listedObject, type ListedRow } from './object-rows.js';
import { ObjectTable, type WriteExpectation } from './object-table.js';
import { VersionLister } from './version-listing.js';
import type { VersionTable } from './version-table.js';
import type { DurabilityBarrier } from './wal-sync.js';
import { WriteBatch } from './write-batch.js';

/** PutObjectTagging / PutObjectAcl: one column of a version (the current one when `versionId` is undefined). */
interface VersionColumnUpdate {
  readonly column: 'tags' | 'acl';
  /** The column's JSON, or null. */
  readonly value: string | null;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null | undefined;
}

export class SqliteObjectStore implements ObjectStore {
  private readonly listStmt: ListingStatement<[string, Buffer, Buffer], ListedRow>;
  private readonly writes: WriteBatch;
  private readonly setColumnTx: (update: VersionColumnUpdate) => boolean;
  private readonly lockTx: (update: ObjectLockUpdate) => ObjectLockUpdateOutcome;
  private readonly versionTx: (bucket: string, key: string, versionId: string | null) => ObjectVersion | undefined;
  private readonly currentVersionTx: (bucket: string, key: string) => ObjectVersion | undefined;
  private readonly listTx: (query: ListObjectsQuery) => ListObjectsResult;
  private readonly versionLister: VersionLister;

  readonly maxInlineBytes: number;

  constructor(
    db: Database,
    private readonly table: ObjectTable,
    private readonly versions: VersionTable,
    private readonly keyVersions: KeyVersions,
    private readonly barrier: DurabilityBarrier,
  ) {
    this.maxInlineBytes = table.maxInlineBytes;
    this.versionLister = new VersionLister(db);
    // Keys in [from, prefix||0xFF): one range, which the primary key (bucket, key) serves with one seek.
    this.listStmt = new ListingStatement(db, `SELECT ${listedColumns('o')} FROM objects o WHERE o.bucket = ? AND o.key >= ? AND o.key < ? ORDER BY o.key`);
    // One read transaction: every batch of a page sees the same snapshot.
    this.listTx = db.transaction((query: ListObjectsQuery) => this.listSync(query)).deferred;
    this.setColumnTx = this.versionColumnWriter(db);
    this.writes = new WriteBatch(db);
    this.lockTx = db.transaction((update: ObjectLockUpdate) => this.lockSync(update)).immediate;
    // The current object and the version table read in one snapshot (another process may move a version between them).
    this.versionTx = db.transaction((bucket: string, key: string, versionId: string | null) => {
      const current = this.table.read(bucket, key);
      if (current?.versionId === versionId) return { kind: 'Object' as const, object: current, isLatest: true };
      return this.versions.read(bucket, key, versionId);
    }).deferred;
    this.currentVersionTx = db.transaction((bucket: string, key: string) => {
      const current = this.table.read(bucket, key);
      if (current !== undefined) return { kind: 'Object' as const, object: current, isLatest: true };
      return this.versions.currentMarker(bucket, key);
    }).deferred;
  }

  async getObject(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return this.table.read(bucket, key);
  }

  async getCurrentVersion(bucket: string, key: string): Promise<ObjectVersion | undefined> {
    return this.currentVersionTx(bucket, key);
  }

  async getVersion(bucket: string, key: string, versionId: string | null): Promise<ObjectVersion | undefined> {
    return this.versionTx(bucket, key, versionId);
  }

  async putObject(record: NewObjectVersion, expect?: WriteExpectation): Promise<PutObjectOutcome> {
    const result = await this.writes.run(() => this.putSync(record, expect));
    if (result.outcome === 'Written') await this.barrier.durable();
    return result;
  }

  async deleteObject(request: DeleteObjectRequest): Promise<DeleteObjectOutcome> {
    const result = await this.writes.run(() => this.deleteSync(request));
    if (result.outcome === 'Deleted' || result.outcome === 'DeleteMarkerCreated') await this.barrier.durable();
    return result;
  }

  async listObjects(query: ListObjectsQuery): Promise<ListObjectsResult> {
    return this.listTx(query);
  }

  async listObjectVersions(query: ListObjectVersionsQuery): Promise<ListObjectVersionsResult> {
    return this.versionLister.list(query);
  }

  async putObjectAcl(bucket: string, key: string, acl: readonly AclGrant[] | undefined, versionId?: string | null): Promise<boolean> {
    const value = acl === undefined ? null : JSON.stringify(acl);
    return this.setVersionColumn({ column: 'acl', value, bucket, key, versionId });
  }

  async putObjectTags(bucket: string, key: string, tags: readonly (readonly [string, string])[], versionId?: string | null): Promise<boolean> {
    return this.setVersionColumn({ column: 'tags', value: JSON.stringify(tags), bucket, key, versionId });
  }

  async putObjectLock(update: ObjectLockUpdate): Promise<ObjectLockUpdateOutcome> {
    const result = this.lockTx(update);
    if (result.outcome === 'Updated') await this.barrier.durable();
    return result;
  }

  private async setVersionColumn(update: VersionColumnUpdate): Promise<boolean> {
    this.table.invalidate(update.bucket, update.key);
    const changed = this.setColumnTx(update);
    if (changed) await this.barrier.durable();
    return changed;
  }

  /**
   * Sets `tags` or `acl` of the current object (versionId undefined) or of the version named, wherever
   * it is; a delete marker has neither.
   */
  private versionColumnWriter(db: Database): SqliteObjectStore['setColumnTx'] {
    const stmts = (column: VersionColumnUpdate['column']) => ({
      current: db.prepare<[string | null, string, Buffer]>(
        `UPDATE objects SET ${column} = ? WHERE bucket = ? AND key = ?`,
      ),
      currentVersion: db.prepare<[string | null, string, Buffer, string | null]>(
        `UPDATE objects SET ${column} = ? WHERE bucket = ? AND key = ? AND version_id IS ?`,
      ),
      noncurrent: db.prepare<[string | null, string, Buffer, string | null]>(
        `UPDATE object_versions SET ${column} = ?
          WHERE bucket = ? AND key = ? AND version_id IS ? AND delete_marker = 0`,
      ),
    });
    const byColumn = { tags: stmts('tags'), acl: stmts('acl') };
    return db.transaction(({ column, value, bucket, key, versionId }: VersionColumnUpdate) => {
      const s = byColumn[column];
      const k = keyBytes(key);
      if (versionId === undefined) return s.current.run(value, bucket, k).changes > 0;
      if (s.currentVersion.run(value, bucket, k, versionId).changes > 0) return true;
      return s.noncurrent.run(value, bucket, k, versionId).changes > 0;
    }).immediate;
  }

  private listSync(query: ListObjectsQuery): ListObjectsResult {
    const prefix = keyBytes(query.prefix);
    const upper = pastPrefix(prefix);
    const scan = delimitedScan<ListedRow, Buffer>({
      prefix: query.prefix,
      delimiter: query.delimiter,
      marker: query.after,
      limit: query.maxKeys,
      // Cursors are the least key that may come next.
      start: keyAfter(keyBytes(query.after)),
      fetch: (cursor, count) => this.listStmt.rows([query.bucket, Buffer.compare(cursor, prefix) > 0 ? cursor : prefix, upper], count),
      keyOf: (row) => row[0],
      cursorAfterRow: (row) => keyAfter(keyBytes(row[0])),
      cursorAfterPrefix: (cp) => pastPrefix(keyBytes(cp)),
    });
    const last = scan.last;
    return {
      objects: scan.rows.map(listedObject),
      commonPrefixes: scan.commonPrefixes,
      isTruncated: scan.isTruncated,
      nextAfter: last === undefined ? undefined : last.kind === 'row' ? last.row[0] : last.prefix,
    };
  }

  private putSync(record: NewObjectVersion, expect: WriteExpectation | undefined): PutObjectOutcome {
    const state = this.table.bucketState(record.bucket);
    if (state === 'NoSuchBucket') return { outcome: 'NoSuchBucket' };
    const refused = this.table.checkExpectation(record.bucket, record.key, expect);
    if (refused !== undefined) return refused;
    const written = this.keyVersions.put(record, state);
    return { outcome: 'Written', versionId: written.versionId, garbage: this.table.garbage(written.replaced) };
  }

  /** The version's lock, checked and replaced in one transaction (object-lock.ts's rules). */
  private lockSync(update: ObjectLockUpdate): ObjectLockUpdateOutcome {
    const k = keyBytes(update.key);
    const current = this.table.currentLock(update.bucket, k);
    let lock: ObjectLockState | undefined;
    let write: (next: ObjectLockState | undefined) => void;
    if (current !== undefined && (update.versionId === undefined || update.versionId === current.versionId)) {
      lock = current.lock;
      write = (next) => this.table.setLock(update.bucket, update.key, next);
    } else {
      const slot = update.versionId === undefined ? undefined : this.versions.find(update.bucket, k, update.versionId);
      if (slot === undefined || slot.deleteMarker) return { outcome: 'NotFound' };
      lock = slot.lock;
      write = (next) => this.versions.setLock(update.bucket, k, slot.seq, next);
    }
    if (update.retention !== undefined && !mayChangeRetention(lock, update.retention, update.now, update.bypassGovernance)) {
      return { outcome: 'ObjectLocked' };
    }
    write(updatedLock(lock, update));
    return { outcome: 'Updated' };
  }

  private deleteSync(request: DeleteObjectRequest): DeleteObjectOutcome {
    const state = this.table.bucketState(request.bucket);
    if (state === 'NoSuchBucket') return { outcome: 'NoSuchBucket' };
    const refused = this.table.checkExpectation(request.bucket, request.key, request.expect);
    if (refused !== undefined) return refused;
    const outcome = this.keyVersions.delete(request, state);
    if (outcome.outcome !== 'Deleted' && outcome.outcome !== 'DeleteMarkerCreated') return outcome;
    return { ...outcome, garbage: this.table.garbage(outcome.garbage) };
  }
}
