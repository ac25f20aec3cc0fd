/**
 * Mapping between ObjectRecord and its row in `objects` (+ `object_segments`). Dates are stored as
 * epoch milliseconds; headers that may be absent are NULL; maps and lists are JSON.
 */
import type { BlobSegment, ObjectRecord, StoredChecksum } from '../ports.js';
import { keyBytes, keyString } from './key-bytes.js';

export interface ObjectRow {
  readonly bucket: string;
  readonly key: Buffer;
  readonly version_id: string | null;
  readonly size: number;
  readonly etag: string;
  readonly last_modified: number;
  readonly content_type: string | null;
  readonly content_encoding: string | null;
  readonly content_disposition: string | null;
  readonly content_language: string | null;
  readonly cache_control: string | null;
  readonly expires: string | null;
  readonly user_metadata: string;
  readonly tags: string;
  readonly checksum: string | null;
  readonly parts_count: number | null;
  readonly storage_class: string;
  readonly owner_account_id: string;
  /** JSON `[[blobId, size], ...]` in order, built by OBJECT_COLUMNS' subquery. */
  readonly segments: string;
}

/** SELECT list for `objects o`, segments folded into one JSON column so a read is one statement. */
export const OBJECT_COLUMNS = `o.bucket, o.key, o.version_id, o.size, o.etag, o.last_modified, o.content_type,
  o.content_encoding, o.content_disposition, o.content_language, o.cache_control, o.expires, o.user_metadata,
  o.tags, o.checksum, o.parts_count, o.storage_class, o.owner_account_id,
  (SELECT json_group_array(json_array(s.blob_id, s.size) ORDER BY s.seq)
     FROM object_segments s WHERE s.bucket = o.bucket AND s.key = o.key) AS segments`;

export const INSERT_OBJECT_SQL = `INSERT OR REPLACE INTO objects (bucket, key, version_id, size, etag, last_modified,
  content_type, content_encoding, content_disposition, content_language, cache_control, expires, user_metadata,
  tags, checksum, parts_count, storage_class, owner_account_id)
  VALUES (@bucket, @key, @version_id, @size, @etag, @last_modified, @content_type, @content_encoding,
  @content_disposition, @content_language, @cache_control, @expires, @user_metadata, @tags, @checksum,
  @parts_count, @storage_class, @owner_account_id)`;

export function rowToObject(row: ObjectRow): ObjectRecord {
  return {
    bucket: row.bucket,
    key: keyString(row.key),
    versionId: row.version_id,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(row.last_modified),
    contentType: row.content_type ?? undefined,
    contentEncoding: row.content_encoding ?? undefined,
    contentDisposition: row.content_disposition ?? undefined,
    contentLanguage: row.content_language ?? undefined,
    cacheControl: row.cache_control ?? undefined,
    expires: row.expires ?? undefined,
    userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
    tags: JSON.parse(row.tags) as [string, string][],
    checksum: parseChecksum(row.checksum),
    partsCount: row.parts_count ?? undefined,
    segments: parseSegments(row.segments),
    storageClass: row.storage_class,
    ownerAccountId: row.owner_account_id,
  };
}

/** Named parameters for INSERT_OBJECT_SQL. */
export function objectToParams(record: ObjectRecord): Record<string, string | number | Buffer | null> {
  return {
    bucket: record.bucket,
    key: keyBytes(record.key),
    version_id: record.versionId,
    size: record.size,
    etag: record.etag,
    last_modified: record.lastModified.getTime(),
    content_type: record.contentType ?? null,
    content_encoding: record.contentEncoding ?? null,
    content_disposition: record.contentDisposition ?? null,
    content_language: record.contentLanguage ?? null,
    cache_control: record.cacheControl ?? null,
    expires: record.expires ?? null,
    user_metadata: JSON.stringify(record.userMetadata),
    tags: JSON.stringify(record.tags),
    checksum: record.checksum === undefined ? null : JSON.stringify(record.checksum),
    parts_count: record.partsCount ?? null,
    storage_class: record.storageClass,
    owner_account_id: record.ownerAccountId,
  };
}

export function parseChecksum(json: string | null): StoredChecksum | undefined {
  return json === null ? undefined : (JSON.parse(json) as StoredChecksum);
}

function parseSegments(json: string): BlobSegment[] {
  return (JSON.parse(json) as [string, number][]).map(([blobId, size]) => ({ blobId, size }));
}
