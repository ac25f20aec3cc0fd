/**
 * Storage ports: small async interfaces that the S3 layer depends on. The embedded adapter (SQLite
 * metadata + files) implements them today; a PostgreSQL + shared-filesystem adapter will later, and
 * both must pass the same contract tests (`src/storage/contract/*.ts`).
 *
 * Every write method of BucketStore, ObjectStore and MultipartStore resolves only once its change is
 * durable (as durable as the adapter promises: the embedded one survives power loss), so a caller may
 * acknowledge the write, and delete the blobs it made garbage, as soon as the promise resolves.
 */
import type { Readable } from 'node:stream';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';

export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithm;
  /** Base64 of the digest, as in `x-amz-checksum-*` (for COMPOSITE: `<b64>-<parts>`). */
  readonly value: string;
  readonly type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface CorsRule {
  readonly id?: string;
  readonly allowedMethods: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

/** S3 Object Ownership (PutBucketOwnershipControls). */
export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

export type AclPermission = 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';

/** The predefined groups of S3 ACLs. */
export const ACL_GROUPS = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  LogDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
} as const;

/** An ACL grantee: an account by its canonical user id, or a predefined group by URI. */
export type AclGrantee = { readonly type: 'CanonicalUser'; readonly id: string } | { readonly type: 'Group'; readonly uri: string };

export interface AclGrant {
  readonly grantee: AclGrantee;
  readonly permission: AclPermission;
}

/** The four Block Public Access settings (bucket level here; the account level lives with IAM). */
export interface PublicAccessBlock {
  readonly blockPublicAcls: boolean;
  readonly ignorePublicAcls: boolean;
  readonly blockPublicPolicy: boolean;
  readonly restrictPublicBuckets: boolean;
}

export interface BucketPolicyRecord {
  /** The document exactly as submitted. */
  readonly document: string;
  /** Changes with every PutBucketPolicy: part of the policy-cache key. */
  readonly revision: number;
}

export interface BucketRecord {
  readonly name: string;
  /** 12-digit id of the owning account. */
  readonly ownerAccountId: string;
  /** LocationConstraint region. */
  readonly region: string;
  readonly createdAt: Date;
  readonly cors: readonly CorsRule[] | undefined;
  readonly policy: BucketPolicyRecord | undefined;
  /**
   * BucketOwnerEnforced for new buckets (ACLs disabled), as AWS since April 2023. undefined: no
   * OwnershipControls (DeleteBucketOwnershipControls): ACLs enabled, objects owned by their writer.
   */
  readonly ownership: ObjectOwnership | undefined;
  /** The bucket's ACL grants (its owner is the bucket owner); undefined: the owner's FULL_CONTROL alone (the default). */
  readonly acl: readonly AclGrant[] | undefined;
  /** Bucket-level Block Public Access; undefined when none is configured (DeletePublicAccessBlock). */
  readonly publicAccessBlock: PublicAccessBlock | undefined;
  /** undefined: never versioned (an unversioned bucket); once enabled a bucket is Enabled or Suspended. */
  readonly versioning: 'Enabled' | 'Suspended' | undefined;
  /** MFA Delete (PutBucketVersioning with x-amz-mfa): deleting versions and changing it need the root's MFA. */
  readonly mfaDelete: boolean;
  /** Default encryption (PutBucketEncryption); SSE-S3 (AES256) when none was configured, as AWS since 2023. */
  readonly encryption: BucketEncryption | undefined;
  /** Object Lock configuration; undefined when Object Lock is not enabled on the bucket. */
  readonly objectLock: ObjectLockConfiguration | undefined;
  /** Lifecycle rules (PutBucketLifecycleConfiguration), as parsed and validated; undefined when none. */
  readonly lifecycle: LifecycleConfiguration | undefined;
  // ROADMAP room: logging, website, tags — each its own column and BucketConfigChange member.
}

/** A bucket's default encryption (ServerSideEncryptionConfiguration, one rule as AWS allows). */
export interface BucketEncryption {
  readonly sseAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** SSE-KMS: the key id or ARN as configured. */
  readonly kmsMasterKeyId?: string;
  readonly bucketKeyEnabled: boolean;
  /** Encryption types refused on writes (AWS 2026: SSE-C is blocked on new buckets by default). */
  readonly blockedEncryptionTypes: readonly ('SSE-C')[];
}

export interface ObjectLockConfiguration {
  readonly enabled: true;
  /** Default retention applied to new object versions. */
  readonly defaultRetention?: { readonly mode: 'GOVERNANCE' | 'COMPLIANCE'; readonly days?: number; readonly years?: number };
}

/** Lifecycle rules, stored as the validated JSON shape the lifecycle module defines. */
export interface LifecycleConfiguration {
  readonly rules: readonly unknown[];
}

/**
 * How an object's stored bytes are encrypted (`x-amz-server-side-encryption` and friends). The bytes
 * themselves (blobs and inline bytes) are the ciphertext; what decrypts them is described here.
 */
export interface ObjectEncryption {
  /** What S3 reports: `AES256` for SSE-S3 and SSE-C, `aws:kms` / `aws:kms:dsse` for SSE-KMS. */
  readonly algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** SSE-C: the customer provided the key (the response carries its algorithm and key MD5). */
  readonly customerKey?: { readonly keyMd5: string; readonly keyHmac: string };
  /** The object's data key, wrapped (by the server key for SSE-S3, by the KMS key for SSE-KMS); absent for SSE-C. */
  readonly wrappedDataKey?: string;
  /** SSE-KMS: the key's ARN and the encryption context bound to the data key. */
  readonly kmsKeyArn?: string;
  readonly kmsEncryptionContext?: Readonly<Record<string, string>>;
  readonly bucketKeyEnabled?: boolean;
  /** Plaintext bytes per authenticated chunk of the stored ciphertext (ranged reads decrypt whole chunks). */
  readonly chunkSize: number;
}

/** The parts of a bucket's configuration a write replaces; absent parts stay as they are. */
export interface BucketConfigChange {
  /** null deletes the bucket policy. */
  readonly policy?: string | null;
  /** null deletes the OwnershipControls. */
  readonly ownership?: ObjectOwnership | null;
  /** undefined is "leave as is"; null: back to the default (the owner's FULL_CONTROL alone). */
  readonly acl?: readonly AclGrant[] | null;
  /** null deletes the bucket's Block Public Access configuration. */
  readonly publicAccessBlock?: PublicAccessBlock | null;
  readonly versioning?: 'Enabled' | 'Suspended';
  readonly mfaDelete?: boolean;
  /** null deletes the bucket's default encryption configuration (SSE-S3 applies again). */
  readonly encryption?: BucketEncryption | null;
  readonly objectLock?: ObjectLockConfiguration;
  /** null deletes the lifecycle configuration. */
  readonly lifecycle?: LifecycleConfiguration | null;
}

/** A run of bytes held by the blob store. An object is one or more segments (multipart: one per part). */
export interface BlobSegment {
  readonly blobId: string;
  readonly size: number;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  /** `null` is the unversioned ("null") version; room for versioning (ROADMAP 3). */
  readonly versionId: string | null;
  readonly size: number;
  /** Hex MD5 for single-part, `<hex>-<N>` for multipart; without quotes. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly contentDisposition: string | undefined;
  readonly contentLanguage: string | undefined;
  readonly cacheControl: string | undefined;
  readonly expires: string | undefined;
  /** `x-amz-meta-*` without the prefix, lower-cased names. */
  readonly userMetadata: Readonly<Record<string, string>>;
  /** Object tags in insertion order. */
  readonly tags: readonly (readonly [string, string])[];
  readonly checksum: StoredChecksum | undefined;
  /** Number of parts when created by multipart upload (for the `-N` ETag and `PartsCount`). */
  readonly partsCount: number | undefined;
  /** The object's bytes, in order (empty when `inline` holds them). */
  readonly segments: readonly BlobSegment[];
  /**
   * The object's bytes themselves, for a small object the store keeps inside its metadata record (at
   * most `ObjectStore.maxInlineBytes`); `segments` is then empty. Absent for blob-backed objects, and
   * on records returned by `listObjects` (listings carry no bytes: never read an object's bytes from
   * a listing record).
   */
  readonly inline?: Buffer;
  readonly storageClass: string;
  /** Account that owns the object: the writer under ObjectWriter, else the bucket owner. */
  readonly ownerAccountId: string;
  /** The object's ACL grants; undefined: the owner's FULL_CONTROL alone (the default, and with ACLs disabled). */
  readonly acl?: readonly AclGrant[];
  /** How the stored bytes are encrypted; undefined for bytes stored in plaintext (objects written before encryption). */
  readonly encryption?: ObjectEncryption;
  // ROADMAP room: encryption parameters, object lock, delete marker flag.
}

export interface ListObjectsQuery {
  readonly bucket: string;
  readonly prefix: string;
  /** '' = no delimiter. */
  readonly delimiter: string;
  /** Return keys strictly greater than this (marker / start-after / decoded continuation token). */
  readonly after: string;
  /** 0..1000 */
  readonly maxKeys: number;
}

export interface ListObjectsResult {
  /** Keys and common prefixes together never exceed maxKeys, as S3 counts them. */
  readonly objects: readonly ObjectRecord[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Last key or common prefix returned (for NextMarker / the continuation token) when truncated. */
  readonly nextAfter: string | undefined;
}

/**
 * A conditional write refused. `reason` says which check failed: the key exists (If-None-Match: *),
 * there is no current object to match (If-Match; AWS may answer 404 NoSuchKey here rather than 412),
 * or the current ETag differs.
 */
export interface PreconditionFailed {
  readonly outcome: 'PreconditionFailed';
  readonly reason?: 'ObjectExists' | 'NoSuchKey' | 'ETagMismatch';
}

export interface BucketStore {
  /** 'Created', or why not: the caller maps to BucketAlreadyOwnedByYou / BucketAlreadyExists. */
  createBucket(bucket: BucketRecord): Promise<'Created' | 'ExistsSameOwner' | 'ExistsOtherOwner'>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** Buckets owned by an account, sorted by name, names > `after`, at most `limit`, optional prefix. */
  listBuckets(query: { ownerAccountId: string; prefix: string; after: string; limit: number }): Promise<readonly BucketRecord[]>;
  /** 'Deleted' | 'NotEmpty' (objects or in-progress multipart uploads remain) | 'NoSuchBucket'. */
  deleteBucket(name: string): Promise<'Deleted' | 'NotEmpty' | 'NoSuchBucket'>;
  putBucketCors(name: string, cors: readonly CorsRule[] | undefined): Promise<void>;
  /** Replaces the given parts of a bucket's configuration (a policy write bumps its revision); false: no such bucket. */
  updateBucketConfig(name: string, change: BucketConfigChange): Promise<boolean>;
}

export interface ObjectStore {
  /**
   * The largest object (bytes) `putObject` accepts with `inline` bytes; 0 or absent: this store keeps
   * every object in blobs. Writers choose inline for bodies up to this size.
   */
  readonly maxInlineBytes?: number;
  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /**
   * Atomically replaces the current object (or creates it). `expect` implements conditional writes:
   * `{ ifNoneMatch: true }` fails when the key exists, `{ ifMatch: etag }` fails unless the current ETag
   * matches; the check and the write happen in one transaction. Returns the segments of the object it
   * replaced (their blobs become garbage: the caller deletes them) or the precondition failure.
   * A record with `inline` bytes has no segments and at most `maxInlineBytes` bytes (else RangeError).
   */
  putObject(record: ObjectRecord, expect?: { ifNoneMatch?: true; ifMatch?: string }): Promise<{ outcome: 'Written'; replaced: readonly BlobSegment[] } | PreconditionFailed>;
  /** Deletes the object; returns its segments (garbage for the caller), or undefined when absent. */
  deleteObject(bucket: string, key: string): Promise<readonly BlobSegment[] | undefined>;
  listObjects(query: ListObjectsQuery): Promise<ListObjectsResult>;
  putObjectTags(bucket: string, key: string, tags: readonly (readonly [string, string])[]): Promise<boolean>;
  /** PutObjectAcl: replaces the object's grants (undefined: the owner's FULL_CONTROL alone); false: no such object. */
  putObjectAcl(bucket: string, key: string, acl: readonly AclGrant[] | undefined): Promise<boolean>;
}

export interface MultipartUpload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiatedAt: Date;
  /** Everything PutObject would store, fixed at CreateMultipartUpload. */
  readonly template: Omit<ObjectRecord, 'size' | 'etag' | 'lastModified' | 'checksum' | 'partsCount' | 'segments' | 'inline'>;
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  readonly checksumType: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
  readonly initiatorArn: string;
}

export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly checksum: StoredChecksum | undefined;
  readonly segment: BlobSegment;
}

export interface MultipartStore {
  createUpload(upload: MultipartUpload): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUpload | undefined>;
  /** Records a part, replacing a previous upload of the same number; returns the replaced segment (garbage). */
  putPart(uploadId: string, part: UploadedPart): Promise<BlobSegment | undefined>;
  listParts(uploadId: string, query: { afterPartNumber: number; limit: number }): Promise<{ parts: readonly UploadedPart[]; isTruncated: boolean }>;
  /** All parts, ordered by part number (for CompleteMultipartUpload). */
  allParts(uploadId: string): Promise<readonly UploadedPart[]>;
  /**
   * Uploads sorted by key, then initiation time; uploads and common prefixes together never exceed
   * maxUploads. `nextKeyMarker` / `nextUploadIdMarker` (set when truncated) are the last upload or
   * common prefix returned, ready for NextKeyMarker / NextUploadIdMarker (no upload id after a prefix).
   */
  listUploads(query: { bucket: string; prefix: string; delimiter: string; keyMarker: string; uploadIdMarker: string; maxUploads: number }): Promise<{ uploads: readonly MultipartUpload[]; commonPrefixes: readonly string[]; isTruncated: boolean; nextKeyMarker?: string; nextUploadIdMarker?: string }>;
  /**
   * In one transaction: writes the object (as ObjectStore.putObject with `expect`), removes the upload
   * and its part records. Returns the garbage: replaced object's segments and unused parts' segments.
   */
  completeUpload(uploadId: string, record: ObjectRecord, expect?: { ifNoneMatch?: true; ifMatch?: string }): Promise<{ outcome: 'Written'; garbage: readonly BlobSegment[] } | PreconditionFailed | { outcome: 'NoSuchUpload' }>;
  /** Removes the upload; returns its parts' segments (garbage), or undefined when no such upload. */
  abortUpload(uploadId: string): Promise<readonly BlobSegment[] | undefined>;
}

export interface BlobWriteResult {
  readonly blobId: string;
  readonly size: number;
}

/**
 * A blob opened for reading: it stays readable even if the blob is deleted afterwards (an open file
 * handle keeps the bytes alive), which closes the race between reading metadata and reading bytes.
 */
export interface OpenedBlob {
  readonly size: number;
  /** Streams `[start, end]` inclusive, or all of it; the stream owns the handle and closes it when done. */
  stream(range?: { start: number; end: number }): Readable;
  /** Releases the handle when `stream` will not be called. Idempotent. */
  close(): Promise<void>;
}

/** A reader's hold on blobs (`BlobStore.retain`). */
export interface BlobRetention {
  /** Idempotent. */
  release(): void;
}

/**
 * Object bytes, named by internal id, never by key. `write` is durable when it resolves:
 * temp file → fsync → rename (→ fsync dir). Only then may metadata point at the blob.
 */
export interface BlobStore {
  write(source: Readable): Promise<BlobWriteResult>;
  /** Reads `[start, end]` inclusive of one blob, or all of it. */
  read(blobId: string, range?: { start: number; end: number }): Readable;
  /**
   * Opens a blob now; rejects with `BlobNotFoundError` (src/storage/blob-errors.ts) when it does not
   * exist. Optional: a store without it is read lazily through `read` (see object-reader.ts).
   */
  open?(blobId: string): Promise<OpenedBlob>;
  /**
   * Holds blobs a reader will open later (the segments of a big object past its open-handle window,
   * object-reader.ts): a `delete` of one of them meanwhile is carried out at `release()`, and the sweep
   * leaves them alone. Rejects with `BlobNotFoundError`, holding nothing, when one is gone already.
   * Optional: without it such a read can fail part-way when the object is overwritten.
   */
  retain?(blobIds: readonly string[]): Promise<BlobRetention>;
  /** Idempotent. */
  delete(blobId: string): Promise<void>;
  /**
   * Deletes temp files and blobs that `isReferenced` says nothing points at (start-up sweep). Files
   * younger than `olderThanMs` (default 0) are kept, so a sweep may run while other writers are live.
   */
  sweep(isReferenced: (blobId: string) => Promise<boolean> | boolean, options?: { olderThanMs?: number }): Promise<{ removed: number }>;
}

/** Everything the S3 layer needs, built by the composition root. */
export interface S3Storage {
  readonly buckets: BucketStore;
  readonly objects: ObjectStore;
  readonly multipart: MultipartStore;
  readonly blobs: BlobStore;
}
