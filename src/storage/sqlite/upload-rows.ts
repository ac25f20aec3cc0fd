/** Mapping of MultipartUpload / UploadedPart to rows of `uploads` / `parts`. */
import type { AclGrant, ChecksumAlgorithm, MultipartUpload, ObjectEncryption, UploadedPart } from '../ports.js';
import { lockFromJson, lockToJson } from '../object-lock.js';
import { keyBytes, keyString } from './key-bytes.js';
import { parseChecksum } from './object-rows.js';

export interface UploadRow {
  readonly upload_id: string;
  readonly bucket: string;
  readonly key: Buffer;
  readonly initiated_at: number;
  readonly template: string;
  readonly checksum_algorithm: string | null;
  readonly checksum_type: string | null;
  readonly initiator_arn: string;
  /** JSON ObjectEncryption of the upload (its data key encrypts every part); NULL: plaintext parts. */
  readonly encryption: string | null;
}

export interface PartRow {
  readonly upload_id: string;
  readonly part_number: number;
  readonly etag: string;
  readonly size: number;
  readonly last_modified: number;
  readonly checksum: string | null;
  readonly blob_id: string;
  readonly blob_size: number;
}

type Template = MultipartUpload['template'];

/** The template as stored: optional headers as null, so reading it back restores every field. */
interface TemplateJson {
  readonly versionId: string | null;
  readonly contentType: string | null;
  readonly contentEncoding: string | null;
  readonly contentDisposition: string | null;
  readonly contentLanguage: string | null;
  readonly cacheControl: string | null;
  readonly expires: string | null;
  readonly userMetadata: Record<string, string>;
  readonly tags: [string, string][];
  readonly storageClass: string;
  readonly ownerAccountId: string;
  /** The ACL the completed object gets (absent in uploads created before object ACLs). */
  readonly acl?: AclGrant[];
  /** The Object Lock state the completed object gets (object-lock.ts `lockToJson`). */
  readonly objectLock?: string;
  /** The completed object's `x-amz-website-redirect-location` (absent: none, and in older uploads). */
  readonly websiteRedirectLocation?: string;
}

export function uploadToParams(u: MultipartUpload): Record<string, string | number | Buffer | null> {
  const t = u.template;
  const template: TemplateJson = {
    versionId: t.versionId,
    contentType: t.contentType ?? null,
    contentEncoding: t.contentEncoding ?? null,
    contentDisposition: t.contentDisposition ?? null,
    contentLanguage: t.contentLanguage ?? null,
    cacheControl: t.cacheControl ?? null,
    expires: t.expires ?? null,
    userMetadata: { ...t.userMetadata },
    tags: t.tags.map(([k, v]) => [k, v]),
    storageClass: t.storageClass,
    ownerAccountId: t.ownerAccountId,
    ...(t.acl === undefined ? {} : { acl: t.acl.map((g) => ({ ...g })) }),
    ...(t.objectLock === undefined ? {} : { objectLock: lockToJson(t.objectLock) ?? undefined }),
    ...(t.websiteRedirectLocation === undefined ? {} : { websiteRedirectLocation: t.websiteRedirectLocation }),
  };
  return {
    upload_id: u.uploadId,
    bucket: u.bucket,
    key: keyBytes(u.key),
    initiated_at: u.initiatedAt.getTime(),
    template: JSON.stringify(template),
    checksum_algorithm: u.checksumAlgorithm ?? null,
    checksum_type: u.checksumType ?? null,
    initiator_arn: u.initiatorArn,
    encryption: t.encryption === undefined ? null : JSON.stringify(t.encryption),
  };
}

export function rowToUpload(row: UploadRow): MultipartUpload {
  const key = keyString(row.key);
  const t = JSON.parse(row.template) as TemplateJson;
  const template: Template = {
    bucket: row.bucket,
    key,
    versionId: t.versionId,
    contentType: t.contentType ?? undefined,
    contentEncoding: t.contentEncoding ?? undefined,
    contentDisposition: t.contentDisposition ?? undefined,
    contentLanguage: t.contentLanguage ?? undefined,
    cacheControl: t.cacheControl ?? undefined,
    expires: t.expires ?? undefined,
    userMetadata: t.userMetadata,
    tags: t.tags,
    storageClass: t.storageClass,
    ownerAccountId: t.ownerAccountId,
    ...(t.acl === undefined ? {} : { acl: t.acl }),
    ...(t.objectLock === undefined ? {} : { objectLock: lockFromJson(t.objectLock) }),
    ...(t.websiteRedirectLocation === undefined ? {} : { websiteRedirectLocation: t.websiteRedirectLocation }),
    ...(row.encryption === null ? {} : { encryption: JSON.parse(row.encryption) as ObjectEncryption }),
  };
  return {
    uploadId: row.upload_id,
    bucket: row.bucket,
    key,
    initiatedAt: new Date(row.initiated_at),
    template,
    checksumAlgorithm: (row.checksum_algorithm ?? undefined) as ChecksumAlgorithm | undefined,
    checksumType: (row.checksum_type ?? undefined) as MultipartUpload['checksumType'],
    initiatorArn: row.initiator_arn,
  };
}

export function partToParams(uploadId: string, p: UploadedPart): Record<string, string | number | null> {
  return {
    upload_id: uploadId,
    part_number: p.partNumber,
    etag: p.etag,
    size: p.size,
    last_modified: p.lastModified.getTime(),
    checksum: p.checksum === undefined ? null : JSON.stringify(p.checksum),
    blob_id: p.segment.blobId,
    blob_size: p.segment.size,
  };
}

export function rowToPart(row: PartRow): UploadedPart {
  return {
    partNumber: row.part_number,
    etag: row.etag,
    size: row.size,
    lastModified: new Date(row.last_modified),
    checksum: parseChecksum(row.checksum),
    segment: { blobId: row.blob_id, size: row.blob_size },
  };
}
