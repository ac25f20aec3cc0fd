/**
 * Schema of the S3 metadata database, as ordered migrations. Each migration is a pure function of the
 * database handle (no clock, no config, no I/O beyond its SQL), runs once, inside its own transaction
 * together with the `user_version` bump, so a crash mid-migration leaves the previous version intact.
 * Never edit a released migration: append a new one.
 *
 * Key ordering: object and upload keys are stored as BLOBs holding the key's UTF-8 bytes. SQLite
 * compares BLOBs with memcmp, which is exactly S3's ordering (UTF-8 binary). It also gives a cheap
 * upper bound for "every key starting with P": `P || x'FF'`, since 0xFF never occurs in UTF-8.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** The `user_version` after this migration; versions are 1, 2, 3, ... without gaps. */
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database) => void;
}

const v1: Migration = {
  version: 1,
  description: 'buckets, objects with segments, multipart uploads with parts',
  up: (db) => {
    db.exec(`
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        owner_account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        cors TEXT
      ) WITHOUT ROWID;
      CREATE INDEX buckets_by_owner ON buckets (owner_account_id, name);

      CREATE TABLE objects (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        version_id TEXT,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT,
        content_encoding TEXT,
        content_disposition TEXT,
        content_language TEXT,
        cache_control TEXT,
        expires TEXT,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts_count INTEGER,
        storage_class TEXT NOT NULL,
        owner_account_id TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      ) WITHOUT ROWID;

      CREATE TABLE object_segments (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        seq INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (bucket, key, seq)
      ) WITHOUT ROWID;
      CREATE INDEX object_segments_by_blob ON object_segments (blob_id);

      CREATE TABLE uploads (
        upload_id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        initiated_at INTEGER NOT NULL,
        template TEXT NOT NULL,
        checksum_algorithm TEXT,
        checksum_type TEXT,
        initiator_arn TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated_at, upload_id);

      CREATE TABLE parts (
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        etag TEXT NOT NULL,
        size INTEGER NOT NULL,
        last_modified INTEGER NOT NULL,
        checksum TEXT,
        blob_id TEXT NOT NULL,
        blob_size INTEGER NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      ) WITHOUT ROWID;
      CREATE INDEX parts_by_blob ON parts (blob_id);
    `);
  },
};

/**
 * Small objects keep their bytes in the database (ObjectRecord.inline): no blob file to open on GET,
 * no file + directory fsync on PUT. The bytes live in a rowid table of their own, so `objects` rows
 * stay small and listings scan as many pages as before; `objects.inline_id` names the row (NULL: the
 * object's bytes are its `object_segments`).
 */
const v2: Migration = {
  version: 2,
  description: 'inline bytes of small objects',
  up: (db) => {
    db.exec(`
      CREATE TABLE inline_bytes (
        id INTEGER PRIMARY KEY,
        bytes BLOB NOT NULL
      );
      ALTER TABLE objects ADD COLUMN inline_id INTEGER;
    `);
  },
};

/**
 * The resource side of authorization: bucket policy (with a revision for the policy cache), Object
 * Ownership, the bucket ACL and bucket-level Block Public Access; object ACLs. Buckets created before
 * had no public access of any kind: they become what a new bucket is today (BucketOwnerEnforced, all
 * four Block Public Access settings on), so nothing becomes reachable by the upgrade.
 */
const v3: Migration = {
  version: 3,
  description: 'bucket policy, ownership controls, ACLs, Block Public Access',
  up: (db) => {
    db.exec(`
      ALTER TABLE buckets ADD COLUMN policy TEXT;
      ALTER TABLE buckets ADD COLUMN policy_revision INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE buckets ADD COLUMN ownership TEXT NOT NULL DEFAULT 'BucketOwnerEnforced';
      ALTER TABLE buckets ADD COLUMN acl TEXT;
      ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
      UPDATE buckets SET public_access_block = '{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}';
      ALTER TABLE objects ADD COLUMN acl TEXT;
    `);
  },
};

/**
 * Data protection, bucket side and object encryption: versioning state and MFA Delete, default
 * encryption, Object Lock and lifecycle configurations; how each object's bytes are encrypted (NULL:
 * plaintext, the objects written before). Object versions themselves come with migration 5.
 */
const v4: Migration = {
  version: 4,
  description: 'bucket versioning, encryption, object lock, lifecycle; object encryption',
  up: (db) => {
    db.exec(`
      ALTER TABLE buckets ADD COLUMN versioning TEXT;
      ALTER TABLE buckets ADD COLUMN mfa_delete INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE buckets ADD COLUMN encryption TEXT;
      ALTER TABLE buckets ADD COLUMN object_lock TEXT;
      ALTER TABLE buckets ADD COLUMN lifecycle TEXT;
      ALTER TABLE objects ADD COLUMN encryption TEXT;
      ALTER TABLE uploads ADD COLUMN encryption TEXT;
    `);
  },
};

/**
 * Object versions. `objects` stays what it was: the current version of each key when that is an
 * object, so GET, ListObjects and the unversioned PUT read and write exactly the rows they did.
 * Everything else a key has — noncurrent versions and delete markers, the current one included —
 * lives in `object_versions`, ordered by a per-key `seq` that only grows (newest = highest; the
 * `objects` row, when there is one, is newer than all of them). Their bytes are referenced as the
 * current object's are: `version_segments` (moved, never copied, when a version stops or starts being
 * current) or the same `inline_bytes` row. The primary key runs newest first within a key, the order
 * of ListObjectVersions, so a page is an index walk with no sort. Existing objects were written with `version_id` NULL: they
 * are null versions already, so no row moves.
 */
const v5: Migration = {
  version: 5,
  description: 'noncurrent object versions and delete markers',
  up: (db) => {
    db.exec(`
      CREATE TABLE object_versions (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        seq INTEGER NOT NULL,
        delete_marker INTEGER NOT NULL,
        version_id TEXT,
        size INTEGER NOT NULL,
        etag TEXT NOT NULL,
        last_modified INTEGER NOT NULL,
        content_type TEXT,
        content_encoding TEXT,
        content_disposition TEXT,
        content_language TEXT,
        cache_control TEXT,
        expires TEXT,
        user_metadata TEXT NOT NULL,
        tags TEXT NOT NULL,
        checksum TEXT,
        parts_count INTEGER,
        storage_class TEXT NOT NULL,
        owner_account_id TEXT NOT NULL,
        inline_id INTEGER,
        acl TEXT,
        encryption TEXT,
        PRIMARY KEY (bucket, key, seq DESC)
      ) WITHOUT ROWID;
      CREATE INDEX object_versions_by_id ON object_versions (bucket, key, version_id);

      CREATE TABLE version_segments (
        bucket TEXT NOT NULL,
        key BLOB NOT NULL,
        version_seq INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        blob_id TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (bucket, key, version_seq, seq)
      ) WITHOUT ROWID;
      CREATE INDEX version_segments_by_blob ON version_segments (blob_id);
    `);
  },
};

/**
 * What background jobs remember between passes and across restarts (server/background-jobs.ts): a
 * small JSON state per job and scope, e.g. the lifecycle worker's cursor and last complete pass per
 * bucket. Buckets with a lifecycle configuration are found through a partial index.
 */
const v6: Migration = {
  version: 6,
  description: 'background job progress; buckets with lifecycle rules',
  up: (db) => {
    db.exec(`
      CREATE TABLE background_progress (
        job TEXT NOT NULL,
        scope TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (job, scope)
      ) WITHOUT ROWID;
      CREATE INDEX buckets_with_lifecycle ON buckets (name) WHERE lifecycle IS NOT NULL;
    `);
  },
};

/**
 * Object Lock on versions: retention (mode, retain-until date) and legal hold, one JSON column on both
 * version tables (it travels with a version between them, object-rows.ts VERSION_COLUMNS).
 */
const v7: Migration = {
  version: 7,
  description: 'object lock retention and legal hold of versions',
  up: (db) => {
    db.exec(`
      ALTER TABLE objects ADD COLUMN object_lock TEXT;
      ALTER TABLE object_versions ADD COLUMN object_lock TEXT;
    `);
  },
};

/** Server access logging of a bucket (PutBucketLogging): its LoggingEnabled as JSON, NULL when off. */
const v8: Migration = {
  version: 8,
  description: 'bucket server access logging',
  up: (db) => {
    db.exec('ALTER TABLE buckets ADD COLUMN logging TEXT;');
  },
};

/** Bucket tags, the bucket's ABAC switch and its website configuration (issue #17): JSON, NULL when none. */
const v9: Migration = {
  version: 9,
  description: 'bucket tags, ABAC and website configuration',
  up: (db) => {
    db.exec(`
      ALTER TABLE buckets ADD COLUMN tags TEXT;
      ALTER TABLE buckets ADD COLUMN abac TEXT;
      ALTER TABLE buckets ADD COLUMN website TEXT;
    `);
  },
};

/**
 * An object version's `x-amz-website-redirect-location` (issue #17), NULL when it has none: a column of
 * both version tables, so it travels with its version between them (object-rows.ts VERSION_COLUMNS).
 * A multipart upload keeps it in its template JSON with the rest of the completed object's metadata.
 */
const v10: Migration = {
  version: 10,
  description: 'website redirect location of object versions',
  up: (db) => {
    db.exec(`
      ALTER TABLE objects ADD COLUMN website_redirect_location TEXT;
      ALTER TABLE object_versions ADD COLUMN website_redirect_location TEXT;
    `);
  },
};

/** All migrations, in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10];

export class SchemaTooNewError extends Error {
  readonly code = 'SchemaTooNew';

  constructor(found: number, supported: number) {
    super(`metadata schema version ${found} is newer than this build supports (${supported}); refusing to open`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings the database to the latest version; returns the versions applied (empty when already
 * current, so re-opening is a no-op). Refuses a database written by a newer build rather than guess.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
  const latest = migrations.length;
  const applied: number[] = [];
  for (;;) {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) throw new SchemaTooNewError(current, latest);
    if (current === latest) return applied;
    const next = migrations[current];
    // IMMEDIATE takes the write lock first, so two processes opening at once cannot both migrate.
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) !== current) return;
      next.up(db);
      db.pragma(`user_version = ${next.version}`);
      applied.push(next.version);
    }).immediate();
  }
}
