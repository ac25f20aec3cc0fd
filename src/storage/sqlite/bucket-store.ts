/** BucketStore on SQLite. Writes resolve after the durability barrier (wal-sync.ts). */
import type { Database, Statement } from 'better-sqlite3';
import type { BucketLoggingConfig } from '../../audit/access-log-config.js';
import type {
  AclGrant,
  BlobSegment,
  BucketConfigChange,
  BucketWebsiteConfig,
  BucketEncryption,
  BucketRecord,
  BucketStore,
  CorsRule,
  DeleteBucketOutcome,
  LifecycleConfiguration,
  ListBucketsQuery,
  ObjectLockConfiguration,
  ObjectOwnership,
  PublicAccessBlock,
} from '../ports.js';
import { RecordCache } from './record-cache.js';
import type { DurabilityBarrier } from './wal-sync.js';

interface BucketRow {
  readonly name: string;
  readonly owner_account_id: string;
  readonly region: string;
  readonly created_at: number;
  readonly cors: string | null;
  readonly policy: string | null;
  readonly policy_revision: number;
  /** '' when the bucket has no OwnershipControls (the column is NOT NULL). */
  readonly ownership: ObjectOwnership | '';
  readonly acl: string | null;
  readonly public_access_block: string | null;
  readonly versioning: 'Enabled' | 'Suspended' | null;
  readonly mfa_delete: number;
  readonly encryption: string | null;
  readonly object_lock: string | null;
  readonly lifecycle: string | null;
  readonly logging: string | null;
  readonly tags: string | null;
  readonly abac: string | null;
  readonly website: string | null;
}

type InsertParams = [
  string, string, string, number, string | null, string | null, string, string | null, string | null,
  string | null, number, string | null, string | null, string | null, string | null,
  string | null, string | null, string | null,
];

export class SqliteBucketStore implements BucketStore {
  /** Every request looks its bucket up; buckets change rarely and only through this store (or another process's). */
  private readonly cache = new RecordCache<BucketRecord>(4096, Infinity);
  private readonly getStmt: Statement<[string], BucketRow>;
  private readonly insertStmt: Statement<InsertParams, unknown>;
  private readonly updateConfigTx: (name: string, change: BucketConfigChange) => boolean;
  private readonly listStmt: Statement<[string, string, string, string, number], BucketRow>;
  private readonly hasObjectsStmt: Statement<[string], unknown>;
  private readonly hasVersionsStmt: Statement<[string], unknown>;
  private readonly uploadPartsStmt: Statement<[string], { blob_id: string; blob_size: number }>;
  private readonly deleteUploadPartsStmt: Statement<[string], unknown>;
  private readonly deleteUploadsStmt: Statement<[string], unknown>;
  private readonly deleteStmt: Statement<[string], unknown>;
  private readonly setCorsStmt: Statement<[string | null, string], unknown>;
  private readonly createTx: (bucket: BucketRecord) => 'Created' | 'ExistsSameOwner' | 'ExistsOtherOwner';
  private readonly deleteTx: (name: string) => DeleteBucketOutcome;

  /**
   * @param garbage which of some segments nothing references any more (ObjectTable.garbage): the
   *   parts of the uploads a bucket deletion removes.
   */
  constructor(
    db: Database,
    private readonly barrier: DurabilityBarrier,
    garbage: (candidates: readonly BlobSegment[]) => BlobSegment[],
  ) {
    this.getStmt = db.prepare('SELECT * FROM buckets WHERE name = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO buckets (name, owner_account_id, region, created_at, cors, policy, ownership, acl, public_access_block,
          versioning, mfa_delete, encryption, object_lock, lifecycle, logging, tags, abac, website)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Bucket names are lower-case ASCII, so TEXT order is byte order and substr is a prefix test.
    this.listStmt = db.prepare(
      `SELECT * FROM buckets WHERE owner_account_id = ? AND name > ? AND substr(name, 1, length(?)) = ?
        ORDER BY name LIMIT ?`,
    );
    this.hasObjectsStmt = db.prepare('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1');
    this.hasVersionsStmt = db.prepare('SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1');
    this.uploadPartsStmt = db.prepare('SELECT p.blob_id, p.blob_size FROM uploads u JOIN parts p ON p.upload_id = u.upload_id WHERE u.bucket = ?');
    this.deleteUploadPartsStmt = db.prepare('DELETE FROM parts WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?)');
    this.deleteUploadsStmt = db.prepare('DELETE FROM uploads WHERE bucket = ?');
    this.deleteStmt = db.prepare('DELETE FROM buckets WHERE name = ?');
    this.setCorsStmt = db.prepare('UPDATE buckets SET cors = ? WHERE name = ?');
    this.createTx = db.transaction((bucket: BucketRecord) => {
      const existing = this.getStmt.get(bucket.name);
      if (existing !== undefined) return existing.owner_account_id === bucket.ownerAccountId ? 'ExistsSameOwner' : 'ExistsOtherOwner';
      this.insertStmt.run(
        bucket.name,
        bucket.ownerAccountId,
        bucket.region,
        bucket.createdAt.getTime(),
        corsJson(bucket.cors),
        bucket.policy?.document ?? null,
        bucket.ownership ?? '',
        aclJson(bucket.acl),
        bucket.publicAccessBlock ? JSON.stringify(bucket.publicAccessBlock) : null,
        bucket.versioning ?? null,
        bucket.mfaDelete ? 1 : 0,
        jsonOrNull(bucket.encryption),
        jsonOrNull(bucket.objectLock),
        jsonOrNull(bucket.lifecycle),
        jsonOrNull(bucket.logging),
        jsonOrNull(bucket.tags),
        bucket.abac ?? null,
        jsonOrNull(bucket.website),
      );
      return 'Created';
    }).immediate;
    const setPolicy = db.prepare<[string | null, string]>('UPDATE buckets SET policy = ?, policy_revision = policy_revision + 1 WHERE name = ?');
    const setOwnership = db.prepare<[string, string]>('UPDATE buckets SET ownership = ? WHERE name = ?');
    const setAcl = db.prepare<[string | null, string]>('UPDATE buckets SET acl = ? WHERE name = ?');
    const setBpa = db.prepare<[string | null, string]>('UPDATE buckets SET public_access_block = ? WHERE name = ?');
    const setColumn = {
      versioning: db.prepare<[string, string]>('UPDATE buckets SET versioning = ? WHERE name = ?'),
      mfaDelete: db.prepare<[number, string]>('UPDATE buckets SET mfa_delete = ? WHERE name = ?'),
      encryption: db.prepare<[string | null, string]>('UPDATE buckets SET encryption = ? WHERE name = ?'),
      objectLock: db.prepare<[string | null, string]>('UPDATE buckets SET object_lock = ? WHERE name = ?'),
      lifecycle: db.prepare<[string | null, string]>('UPDATE buckets SET lifecycle = ? WHERE name = ?'),
      logging: db.prepare<[string | null, string]>('UPDATE buckets SET logging = ? WHERE name = ?'),
      tags: db.prepare<[string | null, string]>('UPDATE buckets SET tags = ? WHERE name = ?'),
      abac: db.prepare<[string, string]>('UPDATE buckets SET abac = ? WHERE name = ?'),
      website: db.prepare<[string | null, string]>('UPDATE buckets SET website = ? WHERE name = ?'),
    };
    this.updateConfigTx = db.transaction((name: string, change: BucketConfigChange) => {
      const row = this.getStmt.get(name);
      if (row === undefined) return false;
      if (change.policy !== undefined) setPolicy.run(change.policy, name);
      if (change.ownership !== undefined) setOwnership.run(change.ownership ?? '', name);
      if (change.acl !== undefined) setAcl.run(aclJson(change.acl ?? undefined), name);
      if (change.publicAccessBlock !== undefined) setBpa.run(change.publicAccessBlock === null ? null : JSON.stringify(change.publicAccessBlock), name);
      if (change.versioning !== undefined) setColumn.versioning.run(change.versioning, name);
      if (change.mfaDelete !== undefined) setColumn.mfaDelete.run(change.mfaDelete ? 1 : 0, name);
      if (change.encryption !== undefined) setColumn.encryption.run(jsonOrNull(change.encryption), name);
      if (change.objectLock !== undefined) setColumn.objectLock.run(jsonOrNull(change.objectLock), name);
      if (change.lifecycle !== undefined) setColumn.lifecycle.run(jsonOrNull(change.lifecycle), name);
      if (change.logging !== undefined) setColumn.logging.run(jsonOrNull(change.logging), name);
      if (change.tags !== undefined) {
        const tags = typeof change.tags === 'function' ? change.tags(row.tags === null ? [] : (JSON.parse(row.tags) as [string, string][])) : change.tags;
        setColumn.tags.run(tags === null || tags.length === 0 ? null : JSON.stringify(tags), name);
      }
      if (change.abac !== undefined) setColumn.abac.run(change.abac, name);
      if (change.website !== undefined) setColumn.website.run(jsonOrNull(change.website), name);
      return true;
    }).immediate;
    // The emptiness check and the delete are one transaction, so no PutObject can slip in between.
    // Unfinished multipart uploads do not make a bucket non-empty on AWS: they are deleted with it.
    this.deleteTx = db.transaction((name: string): DeleteBucketOutcome => {
      if (this.getStmt.get(name) === undefined) return { outcome: 'NoSuchBucket' };
      if (this.hasObjectsStmt.get(name) !== undefined || this.hasVersionsStmt.get(name) !== undefined) return { outcome: 'NotEmpty' };
      const parts = this.uploadPartsStmt.all(name).map((p) => ({ blobId: p.blob_id, size: p.blob_size }));
      this.deleteUploadPartsStmt.run(name);
      this.deleteUploadsStmt.run(name);
      this.deleteStmt.run(name);
      return { outcome: 'Deleted', garbage: garbage(parts) };
    }).immediate;
  }

  async createBucket(bucket: BucketRecord): Promise<'Created' | 'ExistsSameOwner' | 'ExistsOtherOwner'> {
    const outcome = this.createTx(bucket);
    if (outcome === 'Created') await this.barrier.durable();
    return outcome;
  }

  /** Drops every cached bucket: another process has committed (a shared database). */
  dropCache(): void {
    this.cache.clear();
  }

  async getBucket(name: string): Promise<BucketRecord | undefined> {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const row = this.getStmt.get(name);
    if (row === undefined) return undefined;
    const bucket = rowToBucket(row);
    this.cache.set(name, bucket);
    return bucket;
  }

  async listBuckets(query: ListBucketsQuery): Promise<readonly BucketRecord[]> {
    if (query.limit <= 0) return [];
    return this.listStmt.all(query.ownerAccountId, query.after, query.prefix, query.prefix, query.limit).map(rowToBucket);
  }

  async deleteBucket(name: string): Promise<DeleteBucketOutcome> {
    this.cache.delete(name);
    const outcome = this.deleteTx(name);
    if (outcome.outcome === 'Deleted') await this.barrier.durable();
    return outcome;
  }

  async putBucketCors(name: string, cors: readonly CorsRule[] | undefined): Promise<void> {
    this.cache.delete(name);
    if (this.setCorsStmt.run(corsJson(cors), name).changes > 0) await this.barrier.durable();
  }

  async updateBucketConfig(name: string, change: BucketConfigChange): Promise<boolean> {
    this.cache.delete(name);
    const found = this.updateConfigTx(name, change);
    if (found) await this.barrier.durable();
    return found;
  }
}

/** NULL stores the default ACL (the owner's FULL_CONTROL alone). */
export function aclJson(acl: readonly AclGrant[] | undefined): string | null {
  return acl === undefined ? null : JSON.stringify(acl);
}

function corsJson(cors: readonly CorsRule[] | undefined): string | null {
  return cors === undefined ? null : JSON.stringify(cors);
}

function rowToBucket(row: BucketRow): BucketRecord {
  const logging = parseJson<BucketLoggingConfig>(row.logging);
  const bucket: { -readonly [K in keyof BucketRecord]: BucketRecord[K] } = {
    name: row.name,
    ownerAccountId: row.owner_account_id,
    region: row.region,
    createdAt: new Date(row.created_at),
    cors: row.cors === null ? undefined : (JSON.parse(row.cors) as CorsRule[]),
    policy: row.policy === null ? undefined : { document: row.policy, revision: row.policy_revision },
    ownership: row.ownership === '' ? undefined : row.ownership,
    acl: row.acl === null ? undefined : (JSON.parse(row.acl) as AclGrant[]),
    publicAccessBlock: row.public_access_block === null ? undefined : (JSON.parse(row.public_access_block) as PublicAccessBlock),
    versioning: row.versioning ?? undefined,
    mfaDelete: row.mfa_delete === 1,
    encryption: parseJson<BucketEncryption>(row.encryption),
    objectLock: parseJson<ObjectLockConfiguration>(row.object_lock),
    lifecycle: parseJson<LifecycleConfiguration>(row.lifecycle),
  };
  // Optional members: absent (not undefined) when off, as records built by newBucketRecord have them.
  if (logging !== undefined) bucket.logging = logging;
  if (row.tags !== null) bucket.tags = JSON.parse(row.tags) as [string, string][];
  if (row.abac === 'Enabled' || row.abac === 'Disabled') bucket.abac = row.abac;
  if (row.website !== null) bucket.website = JSON.parse(row.website) as BucketWebsiteConfig;
  return bucket;
}

function parseJson<T>(json: string | null): T | undefined {
  return json === null ? undefined : (JSON.parse(json) as T);
}

function jsonOrNull(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
