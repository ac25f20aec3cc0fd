/**
 * MultipartStore on SQLite. Parts are blobs of their own; completing an upload moves the chosen parts'
 * blobs into the object's segments in one transaction and never copies bytes. Writes resolve after the
 * durability barrier (wal-sync.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import { ServiceError } from '../../errors/service-error.js';
import type {
  BlobSegment,
  CompleteUploadOutcome,
  ListPartsQuery,
  ListPartsResult,
  MultipartStore,
  MultipartUpload,
  NewObjectVersion,
  UploadedPart,
} from '../ports.js';
import type { KeyVersions } from './key-versions.js';
import { UploadLister, type ListUploadsQuery, type ListUploadsResult } from './list-uploads.js';
import { keyBytes } from './key-bytes.js';
import type { ObjectTable, WriteExpectation } from './object-table.js';
import { partToParams, rowToPart, rowToUpload, uploadToParams, type PartRow, type UploadRow } from './upload-rows.js';
import type { DurabilityBarrier } from './wal-sync.js';

export class SqliteMultipartStore implements MultipartStore {
  private readonly insertUploadStmt: Statement<[Record<string, unknown>], unknown>;
  private readonly getUploadStmt: Statement<[string], UploadRow>;
  private readonly partStmt: Statement<[string, number], PartRow>;
  private readonly insertPartStmt: Statement<[Record<string, unknown>], unknown>;
  private readonly listPartsStmt: Statement<[string, number, number], PartRow>;
  private readonly allPartsStmt: Statement<[string], PartRow>;
  private readonly deletePartsStmt: Statement<[string], unknown>;
  private readonly deleteUploadStmt: Statement<[string], unknown>;
  private readonly createTx: (upload: MultipartUpload) => void;
  private readonly putPartTx: (uploadId: string, part: UploadedPart) => BlobSegment | undefined;
  private readonly completeTx: (uploadId: string, record: NewObjectVersion, expect: WriteExpectation | undefined) => CompleteUploadOutcome;
  private readonly abortTx: (uploadId: string) => BlobSegment[] | undefined;
  private readonly lister: UploadLister;

  constructor(
    db: Database,
    private readonly table: ObjectTable,
    private readonly keyVersions: KeyVersions,
    private readonly barrier: DurabilityBarrier,
  ) {
    this.lister = new UploadLister(db);
    this.insertUploadStmt = db.prepare(
      `INSERT INTO uploads (upload_id, bucket, key, initiated_at, template, checksum_algorithm, checksum_type, initiator_arn, encryption)
       VALUES (@upload_id, @bucket, @key, @initiated_at, @template, @checksum_algorithm, @checksum_type, @initiator_arn, @encryption)`,
    );
    this.getUploadStmt = db.prepare('SELECT * FROM uploads WHERE upload_id = ?');
    this.partStmt = db.prepare('SELECT * FROM parts WHERE upload_id = ? AND part_number = ?');
    this.insertPartStmt = db.prepare(
      `INSERT OR REPLACE INTO parts (upload_id, part_number, etag, size, last_modified, checksum, blob_id, blob_size)
       VALUES (@upload_id, @part_number, @etag, @size, @last_modified, @checksum, @blob_id, @blob_size)`,
    );
    this.listPartsStmt = db.prepare('SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?');
    this.allPartsStmt = db.prepare('SELECT * FROM parts WHERE upload_id = ? ORDER BY part_number');
    this.deletePartsStmt = db.prepare('DELETE FROM parts WHERE upload_id = ?');
    this.deleteUploadStmt = db.prepare('DELETE FROM uploads WHERE upload_id = ?');
    this.createTx = db.transaction((upload: MultipartUpload) => {
      this.table.requireBucket(upload.bucket);
      this.insertUploadStmt.run(uploadToParams(upload));
    }).immediate;
    this.putPartTx = db.transaction((uploadId: string, part: UploadedPart) => this.putPartSync(uploadId, part)).immediate;
    this.completeTx = db.transaction((uploadId: string, record: NewObjectVersion, expect: WriteExpectation | undefined) =>
      this.completeSync(uploadId, record, expect),
    ).immediate;
    this.abortTx = db.transaction((uploadId: string) => {
      if (this.getUploadStmt.get(uploadId) === undefined) return undefined;
      const parts = this.allPartsStmt.all(uploadId).map(segmentOf);
      this.deletePartsStmt.run(uploadId);
      this.deleteUploadStmt.run(uploadId);
      return this.table.garbage(parts);
    }).immediate;
  }

  async createUpload(upload: MultipartUpload): Promise<void> {
    this.createTx(upload);
    await this.barrier.durable();
  }

  async getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUpload | undefined> {
    const row = this.getUploadStmt.get(uploadId);
    // An upload id is only valid together with its bucket and key, as in S3.
    if (row === undefined || row.bucket !== bucket || !row.key.equals(keyBytes(key))) return undefined;
    return rowToUpload(row);
  }

  async putPart(uploadId: string, part: UploadedPart): Promise<BlobSegment | undefined> {
    const replaced = this.putPartTx(uploadId, part);
    await this.barrier.durable();
    return replaced;
  }

  async listParts(uploadId: string, query: ListPartsQuery): Promise<ListPartsResult> {
    const limit = Math.max(0, query.limit);
    const rows = this.listPartsStmt.all(uploadId, query.afterPartNumber, limit + 1);
    return { parts: rows.slice(0, limit).map(rowToPart), isTruncated: rows.length > limit };
  }

  async allParts(uploadId: string): Promise<readonly UploadedPart[]> {
    return this.allPartsStmt.all(uploadId).map(rowToPart);
  }

  async listUploads(query: ListUploadsQuery): Promise<ListUploadsResult> {
    return this.lister.list(query);
  }

  async completeUpload(uploadId: string, record: NewObjectVersion, expect?: WriteExpectation): Promise<CompleteUploadOutcome> {
    const outcome = this.completeTx(uploadId, record, expect);
    if (outcome.outcome === 'Written') await this.barrier.durable();
    return outcome;
  }

  async abortUpload(uploadId: string): Promise<readonly BlobSegment[] | undefined> {
    const garbage = this.abortTx(uploadId);
    if (garbage !== undefined) await this.barrier.durable();
    return garbage;
  }

  private putPartSync(uploadId: string, part: UploadedPart): BlobSegment | undefined {
    // The handler checked the upload before streaming the part; an Abort or Complete may have won since.
    if (this.getUploadStmt.get(uploadId) === undefined) {
      throw new ServiceError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, {
        fields: { UploadId: uploadId },
      });
    }
    const previous = this.partStmt.get(uploadId, part.partNumber);
    this.insertPartStmt.run(partToParams(uploadId, part));
    return previous === undefined ? undefined : this.table.garbage([segmentOf(previous)])[0];
  }

  private completeSync(uploadId: string, record: NewObjectVersion, expect: WriteExpectation | undefined): CompleteUploadOutcome {
    const upload = this.getUploadStmt.get(uploadId);
    if (upload === undefined) return { outcome: 'NoSuchUpload' };
    if (upload.bucket !== record.bucket || !upload.key.equals(keyBytes(record.key))) {
      throw new Error(`completeUpload: record ${record.bucket}/${record.key} does not match upload ${uploadId}`);
    }
    // Uploads go with their bucket (deleteBucket), so an upload's bucket exists.
    const state = this.table.bucketState(record.bucket);
    if (state === 'NoSuchBucket') return { outcome: 'NoSuchUpload' };
    const refused = this.table.checkExpectation(record.bucket, record.key, expect);
    if (refused !== undefined) return refused;
    const parts = this.allPartsStmt.all(uploadId).map(segmentOf);
    const written = this.keyVersions.put(record, state);
    this.deletePartsStmt.run(uploadId);
    this.deleteUploadStmt.run(uploadId);
    // Parts the object now names are referenced by its segments, so only unused parts come out.
    return { outcome: 'Written', versionId: written.versionId, garbage: this.table.garbage([...written.replaced, ...parts]) };
  }
}

function segmentOf(row: PartRow): BlobSegment {
  return { blobId: row.blob_id, size: row.blob_size };
}
