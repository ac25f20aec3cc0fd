/**
 * Mapping between ObjectRecord and its row in `objects` (+ `object_segments`, + `inline_bytes` for a
 * small object kept inline), and between a noncurrent version or delete marker and its row in
 * `object_versions` (+ `version_segments`). Dates are stored as epoch milliseconds; headers that may
 * be absent are NULL; maps and lists are JSON.
 */
import type { AclGrant, BlobSegment, DeleteMarkerRecord, ListedObject, ObjectEncryption, ObjectRecord, StoredChecksum } from '../ports.js';
import { lockFromJson, lockToJson } from '../object-lock.js';
import { keyBytes } from './key-bytes.js';

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
  /** Row of `inline_bytes` holding the object's bytes, or NULL when its segments hold them. */
  readonly inline_id: number | null;
  /** JSON grants, or NULL for the default ACL (the owner's FULL_CONTROL alone). */
  readonly acl: string | null;
  /** JSON ObjectEncryption, or NULL for bytes stored in plaintext. */
  readonly encryption: string | null;
  /** JSON Object Lock state (object-lock.ts `lockToJson`), or NULL for none. */
  readonly object_lock: string | null;
  /** `x-amz-website-redirect-location`, or NULL for none. */
  readonly website_redirect_location: string | null;
}

/** A row read for one object: its inline bytes joined in (NULL for a blob-backed object). */
export interface ReadObjectRow extends ObjectRow {
  readonly inline_bytes: Buffer | null;
}

/**
 * The columns `objects` and `object_versions` share besides bucket and key: what a version carries
 * from the moment it is written until it is deleted, whichever table holds it. A version changes
 * tables (current ↔ noncurrent) by `INSERT ... SELECT` of exactly these columns, so a column added
 * to both tables (Object Lock's) is added here once.
 */
export const VERSION_COLUMNS = `version_id, size, etag, last_modified, content_type, content_encoding,
  content_disposition, content_language, cache_control, expires, user_metadata, tags, checksum, parts_count,
  storage_class, owner_account_id, inline_id, acl, encryption, object_lock, website_redirect_location`;

/** VERSION_COLUMNS prefixed with a table alias (`o.version_id, o.size, ...`). */
export function qualifiedColumns(alias: string): string {
  return VERSION_COLUMNS.split(',').map((c) => `${alias}.${c.trim()}`).join(', ');
}

const OBJECT_FIELDS = `o.bucket, o.key, ${qualifiedColumns('o')}`;

/**
 * The SELECT list of a listed object or version (`alias`: its table), read with `.raw()` as a
 * ListedRow. The key comes back as text and the checksum as its two listed fields: a Buffer per row
 * and a JSON.parse per row cost more than the rest of a row together.
 */
export function listedColumns(alias: string): string {
  const a = alias;
  return `CAST(${a}.key AS TEXT), ${a}.version_id, ${a}.size, ${a}.etag, ${a}.last_modified, ${a}.checksum ->> 'algorithm',
    ${a}.checksum ->> 'type', ${a}.storage_class, ${a}.owner_account_id, ${a}.tags`;
}

export type ListedRow = readonly [
  key: string,
  versionId: string | null,
  size: number,
  etag: string,
  lastModified: number,
  checksumAlgorithm: StoredChecksum['algorithm'] | null,
  checksumType: StoredChecksum['type'] | null,
  storageClass: string,
  ownerAccountId: string,
  tags: string,
];

export function listedObject(row: ListedRow): ListedObject {
  const [key, versionId, size, etag, lastModified, algorithm, type, storageClass, ownerAccountId, tags] = row;
  const checksum = algorithm === null || type === null ? undefined : { algorithm, type };
  return { key, versionId, size, etag, lastModified: new Date(lastModified), checksum, storageClass, ownerAccountId, tags: parseTags(tags) };
}

/**
 * One object with its inline bytes; its segments are read by a second statement (cheaper than the
 * JSON subquery, and none is needed for an inline object).
 */
export const READ_OBJECT_SQL = `SELECT ${OBJECT_FIELDS}, d.bytes AS inline_bytes
  FROM objects o LEFT JOIN inline_bytes d ON d.id = o.inline_id WHERE o.bucket = ? AND o.key = ?`;

export const INSERT_OBJECT_SQL = `INSERT OR REPLACE INTO objects (bucket, key, version_id, size, etag, last_modified,
  content_type, content_encoding, content_disposition, content_language, cache_control, expires, user_metadata,
  tags, checksum, parts_count, storage_class, owner_account_id, inline_id, acl, encryption, object_lock,
  website_redirect_location)
  VALUES (@bucket, @key, @version_id, @size, @etag, @last_modified, @content_type, @content_encoding,
  @content_disposition, @content_language, @cache_control, @expires, @user_metadata, @tags, @checksum,
  @parts_count, @storage_class, @owner_account_id, @inline_id, @acl, @encryption, @object_lock,
  @website_redirect_location)`;

/** `key` is the row's key as a string (the caller usually has it already). */
export function rowToObject(row: ObjectRow, key: string, segments: BlobSegment[], inline: Buffer | undefined): ObjectRecord {
  const record: ObjectRecord = {
    bucket: row.bucket,
    key,
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
    userMetadata: row.user_metadata === '{}' ? {} : (JSON.parse(row.user_metadata) as Record<string, string>),
    tags: parseTags(row.tags),
    checksum: parseChecksum(row.checksum),
    partsCount: row.parts_count ?? undefined,
    segments,
    storageClass: row.storage_class,
    ownerAccountId: row.owner_account_id,
    // Only objects with their own ACL carry the property (as only inline objects carry `inline`), so
    // records read back compare equal to what was written.
    ...(row.acl === null ? {} : { acl: JSON.parse(row.acl) as AclGrant[] }),
    ...(row.encryption === null ? {} : { encryption: JSON.parse(row.encryption) as ObjectEncryption }),
    ...(row.object_lock === null ? {} : { objectLock: lockFromJson(row.object_lock) }),
    ...(row.website_redirect_location === null ? {} : { websiteRedirectLocation: row.website_redirect_location }),
  };
  return inline === undefined ? record : { ...record, inline };
}

/** Named parameters for INSERT_OBJECT_SQL (`inline_id`: the row of inline_bytes, or null). */
export function objectToParams(record: ObjectRecord, inlineId: number | null): Record<string, string | number | Buffer | null> {
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
    inline_id: inlineId,
    acl: record.acl === undefined ? null : JSON.stringify(record.acl),
    encryption: record.encryption === undefined ? null : JSON.stringify(record.encryption),
    object_lock: lockToJson(record.objectLock),
    website_redirect_location: record.websiteRedirectLocation ?? null,
  };
}

export function parseChecksum(json: string | null): StoredChecksum | undefined {
  return json === null ? undefined : (JSON.parse(json) as StoredChecksum);
}

function parseTags(json: string): [string, string][] {
  return json === '[]' ? [] : (JSON.parse(json) as [string, string][]);
}

/** A row of `object_versions`: a noncurrent (or marker) version, with its place in the key's history. */
export interface VersionRow extends ObjectRow {
  readonly seq: number;
  /** 1: a delete marker (its size, etag and metadata columns are placeholders). */
  readonly delete_marker: number;
}

export function rowToDeleteMarker(row: ObjectRow, key: string): DeleteMarkerRecord {
  return {
    bucket: row.bucket,
    key,
    versionId: row.version_id,
    lastModified: new Date(row.last_modified),
    ownerAccountId: row.owner_account_id,
  };
}
