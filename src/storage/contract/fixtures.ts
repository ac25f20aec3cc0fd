/** Builders and helpers shared by the storage contract suites. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type {
  BlobSegment,
  BlobStore,
  BucketRecord,
  DeleteObjectRequest,
  MultipartUpload,
  ObjectRecord,
  S3Storage,
  UploadedPart,
} from '../ports.js';
import { newBucketRecord } from '../new-bucket.js';

/** What an adapter hands the contract: the ports plus lifecycle. */
export interface ContractStorage extends S3Storage {
  close(): Promise<void>;
  sweepOrphans(): Promise<{ removedBlobs: number }>;
}

export interface ContractContext {
  /** The storage currently open (changes after `reopen`). */
  readonly storage: () => ContractStorage;
  /** Closes the storage and opens it again on the same data. */
  readonly reopen: () => Promise<ContractStorage>;
  /** A bucket name no other test in this run uses (the backing store may hold earlier runs' data). */
  readonly uniqueBucketName: (hint: string) => string;
}

export const OWNER = '111122223333';
export const OTHER_OWNER = '444455556666';

export function bucketRecord(name: string, overrides: Partial<BucketRecord> = {}): BucketRecord {
  return newBucketRecord({ name, ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(1_700_000_000_000), ...overrides });
}

export function objectRecord(bucket: string, key: string, segments: readonly BlobSegment[], overrides: Partial<ObjectRecord> = {}): ObjectRecord {
  return {
    bucket,
    key,
    versionId: null,
    size: segments.reduce((n, s) => n + s.size, 0),
    etag: `etag-${key.length}-${segments.map((s) => s.blobId.slice(0, 6)).join('')}`,
    lastModified: new Date(1_700_000_123_456),
    contentType: undefined,
    contentEncoding: undefined,
    contentDisposition: undefined,
    contentLanguage: undefined,
    cacheControl: undefined,
    expires: undefined,
    userMetadata: {},
    tags: [],
    checksum: undefined,
    partsCount: undefined,
    segments,
    storageClass: 'STANDARD',
    ownerAccountId: OWNER,
    ...overrides,
  };
}

/** A DeleteObject request: the current object (a delete marker in versioned buckets) unless `versionId` is given. */
export function deleteRequest(bucket: string, key: string, extra: Partial<Omit<DeleteObjectRequest, 'bucket' | 'key'>> = {}): DeleteObjectRequest {
  return { bucket, key, marker: { lastModified: new Date(1_700_000_333_000), ownerAccountId: OWNER }, ...extra };
}

/** The segments a delete or write made garbage (empty for any other outcome), sorted by blob id. */
export function garbageOf(outcome: { readonly outcome: string; readonly garbage?: readonly BlobSegment[] }): BlobSegment[] {
  return [...(outcome.garbage ?? [])].sort((x, y) => x.blobId.localeCompare(y.blobId));
}

export function uploadRecord(bucket: string, key: string, uploadId: string, overrides: Partial<MultipartUpload> = {}): MultipartUpload {
  const { size: _s, etag: _e, lastModified: _l, checksum: _c, partsCount: _p, segments: _g, ...template } = objectRecord(bucket, key, []);
  return {
    uploadId,
    bucket,
    key,
    initiatedAt: new Date(1_700_000_000_000),
    template,
    checksumAlgorithm: undefined,
    checksumType: undefined,
    initiatorArn: `arn:aws:iam::${OWNER}:root`,
    ...overrides,
  };
}

export function partRecord(partNumber: number, segment: BlobSegment, overrides: Partial<UploadedPart> = {}): UploadedPart {
  return { partNumber, etag: `part-${partNumber}-${segment.blobId.slice(0, 8)}`, size: segment.size, lastModified: new Date(1_700_000_222_000), checksum: undefined, segment, ...overrides };
}

/** Segment-shaped ids for metadata-only tests; no blob behind them. */
export function fakeSegment(size = 1): BlobSegment {
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return { blobId: hex, size };
}

export async function writeBlob(blobs: BlobStore, content: string | Buffer): Promise<BlobSegment> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return blobs.write(Readable.from([bytes]));
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Waits (up to `ms`) for something that happens in the background, such as a delete carried out at release. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves with the error a promise rejects with; fails when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** S3 key order: UTF-8 bytes, not JavaScript's UTF-16 code units. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
