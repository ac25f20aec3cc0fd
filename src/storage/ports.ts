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
import type { BucketLoggingConfig } from '../audit/access-log-config.js';
import type { LifecycleRule, TransitionDefaultMinimumObjectSize } from '../lifecycle/lifecycle-rule.js';

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
  /** Server access logging (PutBucketLogging): where the bucket's access logs go; absent when off. */
  readonly logging?: BucketLoggingConfig;
  /** Bucket tags (PutBucketTagging), in insertion order; absent when the bucket has none. */
  readonly tags?: BucketTags;
  /**
   * Attribute-based access control (PutBucketAbac, 2025): when Enabled, the bucket's tags are
   * `aws:ResourceTag/<key>` in policies; absent: never configured (Disabled).
   */
  readonly abac?: 'Enabled' | 'Disabled';
  /** Static website hosting (PutBucketWebsite), as parsed and validated; absent when none. */
  readonly website?: BucketWebsiteConfig;
}

/**
 * A bucket's WebsiteConfiguration (API_WebsiteConfiguration.html): either RedirectAllRequestsTo, or
 * an index document with an optional error document and routing rules.
 */
export interface BucketWebsiteConfig {
  readonly redirectAllRequestsTo?: { readonly hostName: string; readonly protocol?: 'http' | 'https' };
  /** IndexDocument.Suffix, e.g. `index.html`. */
  readonly indexDocumentSuffix?: string;
  /** ErrorDocument.Key. */
  readonly errorDocumentKey?: string;
  readonly routingRules?: readonly WebsiteRoutingRule[];
}

/** One RoutingRule (API_RoutingRule.html). */
export interface WebsiteRoutingRule {
  readonly condition?: { readonly keyPrefixEquals?: string; readonly httpErrorCodeReturnedEquals?: string };
  readonly redirect: {
    readonly hostName?: string;
    readonly httpRedirectCode?: string;
    readonly protocol?: 'http' | 'https';
    readonly replaceKeyPrefixWith?: string;
    readonly replaceKeyWith?: string;
  };
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
  readonly rules: readonly LifecycleRule[];
  /** `x-amz-transition-default-minimum-object-size` as configured (AWS's default when absent). */
  readonly transitionDefaultMinimumObjectSize?: TransitionDefaultMinimumObjectSize;
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

/** Bucket tags in insertion order: key, value. */
export type BucketTags = readonly (readonly [string, string])[];

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
  /** null turns server access logging off. */
  readonly logging?: BucketLoggingConfig | null;
  /**
   * The bucket's new tags; null (or none) deletes them (DeleteBucketTagging). A function computes them
   * from the tags the bucket has within the update's transaction (TagResource adds to them,
   * UntagResource removes from them: two racing on one bucket both count); what it throws aborts the
   * update and reaches the caller.
   */
  readonly tags?: BucketTags | null | ((current: BucketTags) => BucketTags);
  readonly abac?: 'Enabled' | 'Disabled';
  /** null deletes the website configuration. */
  readonly website?: BucketWebsiteConfig | null;
}

/** A run of bytes held by the blob store. An object is one or more segments (multipart: one per part). */
export interface BlobSegment {
  readonly blobId: string;
  /**
   * The segment's share of the object: its plaintext bytes. For an encrypted object the blob holds
   * more (`storedSize(size, chunkSize)`, src/sse/segment-format.ts); sizes above the storage layer
   * (ranges, part numbers, ObjectRecord.size) are all plaintext.
   */
  readonly size: number;
}

export interface ObjectRecord {
  readonly bucket: string;
  readonly key: string;
  /** The version id; `null` for the null version (unversioned and versioning-suspended buckets). */
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
   * most `ObjectStore.maxInlineBytes`); `segments` is then empty. Absent for blob-backed objects.
   */
  readonly inline?: Buffer;
  readonly storageClass: string;
  /** Account that owns the object: the writer under ObjectWriter, else the bucket owner. */
  readonly ownerAccountId: string;
  /** The object's ACL grants; undefined: the owner's FULL_CONTROL alone (the default, and with ACLs disabled). */
  readonly acl?: readonly AclGrant[];
  /** How the stored bytes are encrypted; undefined for bytes stored in plaintext (objects written before encryption). */
  readonly encryption?: ObjectEncryption;
  /** Object Lock retention and legal hold of this version; absent when it has neither. */
  readonly objectLock?: ObjectLockState;
  /** `x-amz-website-redirect-location`: the website endpoint answers 301 to it; absent: none. */
  readonly websiteRedirectLocation?: string;
  // Delete markers are DeleteMarkerRecord.
}

/** Object Lock retention modes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html). */
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface ObjectRetention {
  readonly mode: ObjectLockMode;
  readonly retainUntil: Date;
}

/** What protects a version from deletion: a retention period (until a date), a legal hold, or both. */
export interface ObjectLockState {
  readonly retention?: ObjectRetention;
  /** ON (true) or OFF (false, once set OFF: GetObjectLegalHold then answers OFF); absent: never set. */
  readonly legalHold?: boolean;
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

/**
 * An object (or a version of one) as listings read it: what ListObjects and ListObjectVersions render,
 * and the tags lifecycle rules filter by — no metadata, no bytes, no bytes' location.
 */
export interface ListedObject {
  readonly key: string;
  readonly versionId: string | null;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
  readonly checksum: Pick<StoredChecksum, 'algorithm' | 'type'> | undefined;
  readonly storageClass: string;
  readonly ownerAccountId: string;
  readonly tags: readonly (readonly [string, string])[];
}

export interface ListObjectsResult {
  /** Keys and common prefixes together never exceed maxKeys, as S3 counts them. */
  readonly objects: readonly ListedObject[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Last key or common prefix returned (for NextMarker / the continuation token) when truncated. */
  readonly nextAfter: string | undefined;
}

/**
 * A conditional write or delete refused. `reason` says which check failed: the key exists
 * (If-None-Match: *), there is no current object to match (If-Match; AWS answers 404 NoSuchKey here
 * rather than 412), or the current ETag differs. Conditions are evaluated against the current version
 * only: a current delete marker is "no object".
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
 */
export interface PreconditionFailed {
  readonly outcome: 'PreconditionFailed';
  readonly reason?: 'ObjectExists' | 'NoSuchKey' | 'ETagMismatch';
}

/** The bucket went away between the handler's check and the store's transaction. */
export interface NoSuchBucketOutcome {
  readonly outcome: 'NoSuchBucket';
}

/**
 * Conditional writes (`If-None-Match: *` / `If-Match: <etag>`), checked against the current object in
 * the same transaction as the write. `ifMatch: '*'`: any current object.
 */
export interface WriteExpectation {
  readonly ifNoneMatch?: true;
  readonly ifMatch?: string;
}

/**
 * A new object version as writers build it. The store assigns the version id from the bucket's
 * versioning state, read in the write's own transaction: a fresh id when versioning is Enabled,
 * `null` otherwise (so `versionId`, when present, is ignored).
 */
export type NewObjectVersion = Omit<ObjectRecord, 'versionId'> & { readonly versionId?: string | null };

export interface ObjectWritten {
  readonly outcome: 'Written';
  /** The new version's id; null in unversioned and versioning-suspended buckets. */
  readonly versionId: string | null;
  /**
   * Segments no version references any more (the null version a write replaced, and for
   * completeUpload the parts it did not use): the caller deletes their blobs.
   */
  readonly garbage: readonly BlobSegment[];
}

export type PutObjectOutcome = ObjectWritten | PreconditionFailed | NoSuchBucketOutcome;

/**
 * A delete marker: what a delete without a version id leaves in a versioning-enabled (fresh id) or
 * -suspended (null id) bucket. It has a key, a version id, a time and an owner, and no bytes.
 */
export interface DeleteMarkerRecord {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | null;
  readonly lastModified: Date;
  readonly ownerAccountId: string;
}

/** One entry of a key's history: an object version or a delete marker; `isLatest`: the current one. */
export type ObjectVersion =
  | { readonly kind: 'Object'; readonly object: ObjectRecord; readonly isLatest: boolean }
  | { readonly kind: 'DeleteMarker'; readonly marker: DeleteMarkerRecord; readonly isLatest: boolean };

/** A version or delete marker in ListObjectVersions. */
export type ListedVersion =
  | { readonly kind: 'Object'; readonly object: ListedObject; readonly isLatest: boolean }
  | { readonly kind: 'DeleteMarker'; readonly marker: DeleteMarkerRecord; readonly isLatest: boolean };

/**
 * DeleteObject semantics (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html):
 * without `versionId`, an unversioned bucket loses its object, a versioning-enabled one gets a delete
 * marker on top, a suspended one a null delete marker that replaces the null version. With
 * `versionId` (null: the null version) that version or marker is removed for good, and when it was
 * the current one, the newest remaining version becomes current (a marker stays a marker).
 */
export interface DeleteObjectRequest {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | null;
  /** If-Match on the current object (conditional deletes); checked in the delete's transaction. */
  readonly expect?: { readonly ifMatch: string };
  /** Time and owner of the delete marker this request may create. */
  readonly marker: { readonly lastModified: Date; readonly ownerAccountId: string };
  /**
   * The caller may remove a version under GOVERNANCE retention (`x-amz-bypass-governance-retention`
   * with s3:BypassGovernanceRetention allowed). Nothing removes one under COMPLIANCE or a legal hold.
   */
  readonly bypassGovernance?: boolean;
}

export type DeleteObjectOutcome =
  /** A version (or the unversioned object) removed for good; `deleteMarker`: it was a delete marker. */
  | { readonly outcome: 'Deleted'; readonly versionId: string | null; readonly deleteMarker: boolean; readonly garbage: readonly BlobSegment[] }
  /** A delete marker created; `garbage`: the null version it replaced (suspended buckets). */
  | { readonly outcome: 'DeleteMarkerCreated'; readonly versionId: string | null; readonly garbage: readonly BlobSegment[] }
  /** No such key (unversioned) or version: nothing changed (S3 answers 204 all the same). */
  | { readonly outcome: 'NotFound' }
  /** The version is under a retention period or a legal hold (object-lock.ts): nothing changed. */
  | ObjectLockedOutcome
  | PreconditionFailed
  | NoSuchBucketOutcome;

export interface ObjectLockedOutcome {
  readonly outcome: 'ObjectLocked';
}

/**
 * PutObjectRetention / PutObjectLegalHold on one version (undefined `versionId`: the current object).
 * `retention: null` removes the retention; an absent member stays as it is. The store applies the
 * rules of src/storage/object-lock.ts in the update's transaction.
 */
export interface ObjectLockUpdate {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | null;
  readonly retention?: ObjectRetention | null;
  readonly legalHold?: boolean;
  readonly bypassGovernance: boolean;
  readonly now: Date;
}

export type ObjectLockUpdateOutcome =
  | { readonly outcome: 'Updated' }
  /** No such object or version (a delete marker has no lock). */
  | { readonly outcome: 'NotFound' }
  | ObjectLockedOutcome;

/** ListObjectVersions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html). */
export interface ListObjectVersionsQuery {
  readonly bucket: string;
  readonly prefix: string;
  /** '' = no delimiter. */
  readonly delimiter: string;
  /** Resume after every version of this key ('' = from the start)... */
  readonly keyMarker: string;
  /** ...or, when set, right after this version of `keyMarker` (null: its null version). */
  readonly versionIdMarker?: string | null;
  /** 0..1000; versions, delete markers and common prefixes together. */
  readonly maxKeys: number;
}

export interface ListObjectVersionsResult {
  /** By key (UTF-8 binary order), then newest first. */
  readonly versions: readonly ListedVersion[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** When truncated: the last key or common prefix returned... */
  readonly nextKeyMarker?: string;
  /** ...and the last version's id when the last item was a version (null: the null version). */
  readonly nextVersionIdMarker?: string | null;
}

export type DeleteBucketOutcome =
  /** `garbage`: the parts of the unfinished multipart uploads deleted with the bucket. */
  | { readonly outcome: 'Deleted'; readonly garbage: readonly BlobSegment[] }
  /** Objects, noncurrent versions or delete markers remain. */
  | { readonly outcome: 'NotEmpty' }
  | { readonly outcome: 'NoSuchBucket' };

export type CompleteUploadOutcome = ObjectWritten | PreconditionFailed | { readonly outcome: 'NoSuchUpload' };

/** Buckets owned by an account, sorted by name: names > `after` starting with `prefix`, at most `limit`. */
export interface ListBucketsQuery {
  readonly ownerAccountId: string;
  readonly prefix: string;
  readonly after: string;
  readonly limit: number;
}

export interface BucketStore {
  /** 'Created', or why not: the caller maps to BucketAlreadyOwnedByYou / BucketAlreadyExists. */
  createBucket(bucket: BucketRecord): Promise<'Created' | 'ExistsSameOwner' | 'ExistsOtherOwner'>;
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** Buckets owned by an account, sorted by name, names > `after`, at most `limit`, optional prefix. */
  listBuckets(query: ListBucketsQuery): Promise<readonly BucketRecord[]>;
  /**
   * Deletes an empty bucket: no object, noncurrent version or delete marker. Unfinished multipart
   * uploads do not keep a bucket (as on AWS): they go with it, and their parts are garbage.
   */
  deleteBucket(name: string): Promise<DeleteBucketOutcome>;
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
  /** The current version when it is an object (not a delete marker): the hot path of GET and HEAD. */
  getObject(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** The current version, delete markers included (`isLatest` is true); undefined: the key has no version. */
  getCurrentVersion(bucket: string, key: string): Promise<ObjectVersion | undefined>;
  /** A version or delete marker by id (null: the null version), with its bytes' location. */
  getVersion(bucket: string, key: string, versionId: string | null): Promise<ObjectVersion | undefined>;
  /**
   * Writes a new version atomically: it becomes the current one. In an unversioned bucket, or for a
   * suspended bucket's null version, it replaces the version it supersedes; in a versioning-enabled
   * bucket the previous current version becomes noncurrent. `expect` (conditional writes) is checked
   * in the same transaction. A record with `inline` bytes has no segments and at most
   * `maxInlineBytes` bytes (else RangeError).
   */
  putObject(record: NewObjectVersion, expect?: WriteExpectation): Promise<PutObjectOutcome>;
  /** See DeleteObjectRequest. */
  deleteObject(request: DeleteObjectRequest): Promise<DeleteObjectOutcome>;
  /** Current objects only (ListObjects, ListObjectsV2): no noncurrent version, no delete marker. */
  listObjects(query: ListObjectsQuery): Promise<ListObjectsResult>;
  listObjectVersions(query: ListObjectVersionsQuery): Promise<ListObjectVersionsResult>;
  /**
   * Replaces the tags of the current object, or of the version `versionId` names (null: the null
   * version); false when there is no such object (a delete marker has no tags).
   */
  putObjectTags(bucket: string, key: string, tags: readonly (readonly [string, string])[], versionId?: string | null): Promise<boolean>;
  /** PutObjectAcl: replaces the grants (undefined: the owner's FULL_CONTROL alone); versions as putObjectTags. */
  putObjectAcl(bucket: string, key: string, acl: readonly AclGrant[] | undefined, versionId?: string | null): Promise<boolean>;
  /** PutObjectRetention / PutObjectLegalHold (see ObjectLockUpdate). */
  putObjectLock(update: ObjectLockUpdate): Promise<ObjectLockUpdateOutcome>;
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

export interface ListPartsQuery {
  readonly afterPartNumber: number;
  readonly limit: number;
}

export interface ListPartsResult {
  readonly parts: readonly UploadedPart[];
  readonly isTruncated: boolean;
}

/** ListMultipartUploads (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html). */
export interface ListUploadsQuery {
  readonly bucket: string;
  readonly prefix: string;
  readonly delimiter: string;
  readonly keyMarker: string;
  readonly uploadIdMarker: string;
  readonly maxUploads: number;
}

export interface ListUploadsResult {
  readonly uploads: readonly MultipartUpload[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextUploadIdMarker?: string;
}

export interface MultipartStore {
  createUpload(upload: MultipartUpload): Promise<void>;
  getUpload(bucket: string, key: string, uploadId: string): Promise<MultipartUpload | undefined>;
  /** Records a part, replacing a previous upload of the same number; returns the replaced segment (garbage). */
  putPart(uploadId: string, part: UploadedPart): Promise<BlobSegment | undefined>;
  listParts(uploadId: string, query: ListPartsQuery): Promise<ListPartsResult>;
  /** All parts, ordered by part number (for CompleteMultipartUpload). */
  allParts(uploadId: string): Promise<readonly UploadedPart[]>;
  /**
   * Uploads sorted by key, then initiation time; uploads and common prefixes together never exceed
   * maxUploads. `nextKeyMarker` / `nextUploadIdMarker` (set when truncated) are the last upload or
   * common prefix returned, ready for NextKeyMarker / NextUploadIdMarker (no upload id after a prefix).
   */
  listUploads(query: ListUploadsQuery): Promise<ListUploadsResult>;
  /**
   * In one transaction: writes the object as a new version (as ObjectStore.putObject with `expect`),
   * removes the upload and its part records. The garbage: what the new version replaced, and the
   * parts it does not use.
   */
  completeUpload(uploadId: string, record: NewObjectVersion, expect?: WriteExpectation): Promise<CompleteUploadOutcome>;
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
 * temp file → fsync → rename (→ fsync dir). Only then may metadata point at the blob. A source marked
 * with `markDisposableChunks` (storage/disposable-chunks.ts) may have each chunk's memory released once
 * it is written.
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

/**
 * What background jobs keep (server/background-jobs.ts): a small state per job and scope (e.g. the
 * lifecycle worker's cursor per bucket) that survives restarts, and the buckets lifecycle must visit.
 */
export interface BackgroundStore {
  getProgress(job: string, scope: string): Promise<string | undefined>;
  /** The scopes a job has kept a state for, sorted. */
  listProgressScopes(job: string): Promise<readonly string[]>;
  /** Durable when it resolves; `state` undefined removes it. */
  putProgress(job: string, scope: string, state: string | undefined, at: Date): Promise<void>;
  /** Names of buckets with a lifecycle configuration, sorted, after `after`, at most `limit`. */
  bucketsWithLifecycle(after: string, limit: number): Promise<readonly string[]>;
}
