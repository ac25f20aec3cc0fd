/**
 * Receiving object bytes (PutObject, UploadPart, PostObject): the verified payload stream flows
 * through a size limit and one hashing pass (MD5 for the ETag, plus the requested checksum) into the
 * blob store. Digests are checked only after the stream ended cleanly and the blob is durable; on any
 * failure the new blob is deleted, so nothing unverified is ever committed.
 * Checksum rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 */
import { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  HashingStream,
  checksumHeaderName,
  decodeChecksum,
  hashOf,
  parseChecksumAlgorithm,
  toBase64,
  type ChecksumAlgorithm,
  type ChunkTransform,
} from '../checksum/index.js';
import type { BlobSegment, BlobStore } from '../storage/ports.js';
import type { PayloadEncryption } from '../sse/payload-encryption.js';
import { SegmentLengthError, type SegmentSealer } from '../sse/segment-sealer.js';
import { markDisposableChunks, releaseChunk } from '../storage/disposable-chunks.js';
import { s3Error } from './errors.js';

/** Bodies from this size on are hashed on worker threads (their ~30 ms start-up is then noise). */
const OFF_THREAD_HASHING_BYTES = 16 * 1024 * 1024;

/** "With a single PUT operation, you can upload a single object up to 5 GB in size." */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/** What the client declared about the payload's integrity, read from the headers before the body. */
export interface ChecksumDeclaration {
  /** The algorithm to compute (from a header value, a trailer, or x-amz-sdk-checksum-algorithm). */
  readonly algorithm: ChecksumAlgorithm | undefined;
  /** Base64 value sent as a header, to compare once the body is read. */
  readonly value: string | undefined;
  /** The value arrives as a trailer of the aws-chunked body (`x-amz-trailer`). */
  readonly inTrailer: boolean;
}

const NON_VALUE_CHECKSUM_HEADERS = new Set(['x-amz-checksum-mode', 'x-amz-checksum-type', 'x-amz-checksum-algorithm']);

/**
 * Reads `x-amz-checksum-<alg>`, `x-amz-trailer` and `x-amz-sdk-checksum-algorithm`, with S3's errors:
 * one checksum header at most, a known algorithm, a well-formed value.
 */
export function declaredChecksum(headers: Readonly<Record<string, string | string[] | undefined>>): ChecksumDeclaration {
  let algorithm: ChecksumAlgorithm | undefined;
  let value: string | undefined;
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-checksum-') || NON_VALUE_CHECKSUM_HEADERS.has(name) || raw === undefined) continue;
    const alg = parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length));
    if (alg === undefined) throw s3Error('InvalidRequest', { message: 'The algorithm type you specified in x-amz-checksum- header is invalid.' });
    if (algorithm !== undefined) {
      throw s3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
    }
    const v = Array.isArray(raw) ? raw.join(',') : raw;
    if (decodeChecksum(alg, v) === undefined) throw s3Error('InvalidRequest', { message: `Value for ${name} header is invalid.` });
    algorithm = alg;
    value = v;
  }
  const trailer = single(headers['x-amz-trailer'])?.trim().toLowerCase();
  let inTrailer = false;
  if (trailer !== undefined && trailer.startsWith('x-amz-checksum-')) {
    const alg = parseChecksumAlgorithm(trailer.slice('x-amz-checksum-'.length));
    if (alg === undefined) throw s3Error('InvalidRequest', { message: 'The algorithm type you specified in x-amz-checksum- header is invalid.' });
    if (algorithm !== undefined) {
      throw s3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
    }
    algorithm = alg;
    inTrailer = true;
  }
  const sdk = single(headers['x-amz-sdk-checksum-algorithm']);
  if (sdk !== undefined) {
    const alg = parseChecksumAlgorithm(sdk);
    if (alg === undefined) throw s3Error('InvalidRequest', { message: 'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]' });
    if (algorithm === undefined) {
      throw s3Error('InvalidRequest', { message: 'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.' });
    }
    // "If the individual checksum value you provide through x-amz-checksum-algorithm doesn't match the
    // checksum algorithm you set through x-amz-sdk-checksum-algorithm, Amazon S3 fails the request with a BadDigest error."
    if (alg !== algorithm) throw s3Error('BadDigest', { message: `The ${alg} you specified did not match the calculated checksum.` });
  }
  return { algorithm, value, inTrailer };
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Content-MD5: 16 bytes of base64, else InvalidDigest. */
export function parseContentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (decoded === undefined || decoded.length !== 16) throw s3Error('InvalidDigest', { fields: { 'Content-MD5': value } });
  return decoded;
}

export interface ReceiveOptions {
  readonly source: Readable;
  readonly blobs: BlobStore;
  readonly maxBytes: number;
  /** Bytes the client declared (decoded content length); a different count is IncompleteBody. */
  readonly expectedBytes: number | undefined;
  readonly contentMd5: Buffer | undefined;
  readonly checksum: ChecksumDeclaration;
  /** Computed even when the client sent none (a multipart upload's algorithm). */
  readonly extraAlgorithm?: ChecksumAlgorithm;
  /**
   * Computed when the client declared no checksum. S3 gives every new object a checksum: "if objects
   * are uploaded without a checksum, S3 automatically attaches the recommended full object CRC-64/NVME".
   */
  readonly defaultAlgorithm?: ChecksumAlgorithm;
  /** Trailing headers of an aws-chunked body, complete after the body ended. */
  readonly trailers: () => Readonly<Record<string, string>>;
  /**
   * Server-side encryption of the stored bytes (src/sse): digests and sizes stay those of the
   * plaintext, the blob or inline bytes hold the ciphertext. Absent: stored as received.
   */
  readonly encryption?: PayloadEncryption;
}

export interface ReceivedPayload {
  readonly blobId: string;
  /** Plaintext bytes (the blob holds more when encrypted). */
  readonly size: number;
  readonly md5: Buffer;
  /** The verified (or computed) checksum, with its raw digest. */
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly value: string; readonly digest: Buffer } | undefined;
}

/** A small body kept in memory, for an object the store keeps inline (ObjectRecord.inline). */
export interface ReceivedInline {
  readonly inline: Buffer;
  readonly size: number;
  readonly md5: Buffer;
  readonly checksum: ReceivedPayload['checksum'];
}

export type ReceivedObject = ReceivedPayload | ReceivedInline;

/**
 * The body of a new object: collected in memory when its declared length is at most `maxInlineBytes`
 * (the store's ObjectStore.maxInlineBytes), else streamed into a blob (`receivePayload`). Verified
 * the same way either way.
 */
export async function receiveObjectBody(opts: ReceiveOptions & { readonly maxInlineBytes: number | undefined }): Promise<ReceivedObject> {
  // The store's limit is on what it keeps: the ciphertext, when encrypted.
  const stored = opts.expectedBytes === undefined ? undefined : (opts.encryption?.storedSize(opts.expectedBytes) ?? opts.expectedBytes);
  if (opts.expectedBytes === undefined || opts.expectedBytes > opts.maxBytes || (stored as number) > (opts.maxInlineBytes ?? 0)) return receivePayload(opts);
  const body = await collectBody(opts.source, opts.expectedBytes);
  const algorithm = opts.checksum.algorithm ?? opts.extraAlgorithm ?? opts.defaultAlgorithm;
  const md5 = createHash('md5').update(body).digest();
  if (opts.contentMd5 !== undefined && !opts.contentMd5.equals(md5)) {
    throw s3Error('BadDigest', { fields: { ExpectedDigest: opts.contentMd5.toString('hex'), CalculatedDigest: md5.toString('base64') } });
  }
  const checksum = algorithm === undefined ? undefined : verifyChecksum(algorithm, hashOf(algorithm, body), opts);
  return { inline: opts.encryption?.sealInline(body) ?? body, size: body.length, md5, checksum };
}

/** Where the new object's bytes are: `segments` (a blob) or `inline`, as ObjectRecord holds them. */
export function storedBytes(received: ReceivedObject): { segments: readonly BlobSegment[]; inline?: Buffer } {
  return 'inline' in received ? { segments: [], inline: received.inline } : { segments: [{ blobId: received.blobId, size: received.size }] };
}

/**
 * Reads a body of `expected` bytes into one buffer, without a stream pipeline (a small PUT's body is
 * usually one chunk). A source error (failed signature or digest check, client gone) rejects; a body
 * shorter or longer than declared is IncompleteBody.
 */
function collectBody(source: Readable, expected: number): Promise<Buffer> {
  if (source.readableEnded) return expected === 0 ? Promise.resolve(Buffer.alloc(0)) : Promise.reject(s3Error('IncompleteBody'));
  if (source.destroyed) return Promise.reject(source.errored ?? s3Error('IncompleteBody'));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (e: unknown, body?: Buffer) => {
      source.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (e !== undefined) reject(e);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > expected) {
        source.pause();
        done(s3Error('IncompleteBody'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (received !== expected) done(s3Error('IncompleteBody'));
      else done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onError = (e: unknown) => done(e);
    // A source destroyed without an error (client gone) never ends: the body is incomplete.
    const onClose = () => done(s3Error('IncompleteBody'));
    source.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Streams the payload into a new blob and verifies it; deletes the blob and throws on any mismatch. */
export async function receivePayload(opts: ReceiveOptions): Promise<ReceivedPayload> {
  const algorithm = opts.checksum.algorithm ?? opts.extraAlgorithm ?? opts.defaultAlgorithm;
  // Encrypted as it is hashed, in the same stream stage: the body crosses one stage on its way to the blob.
  const sealer = opts.encryption?.sealer(opts.expectedBytes);
  const hashing = new HashingStream(algorithm ? [algorithm] : [], {
    md5: true,
    offThread: hashOffThread(opts.expectedBytes),
    maxBytes: opts.maxBytes,
    tooLarge: () => s3Error('EntityTooLarge', { fields: { MaxSizeAllowed: String(opts.maxBytes) } }),
    then: sealer && sealingStep(sealer, { releaseInput: opts.source instanceof IncomingMessage }),
  });
  // The ciphertext chunks are new buffers nobody else holds: the blob store frees each once written.
  if (sealer !== undefined) markDisposableChunks(hashing);
  const piping = pipeline(opts.source, hashing).catch((e: unknown) => e);
  let written: { blobId: string; size: number };
  try {
    written = await opts.blobs.write(hashing);
    if (sealer !== undefined) written = { blobId: written.blobId, size: sealer.plaintextBytes };
  } catch (e) {
    opts.source.destroy();
    const upstream = await piping;
    throw hashing.limitError ?? bodyError(upstream) ?? e;
  }
  try {
    const upstream = await piping;
    if (upstream !== undefined) throw bodyError(upstream);
    if (opts.expectedBytes !== undefined && written.size !== opts.expectedBytes) throw s3Error('IncompleteBody');
    const digests = hashing.digests();
    const md5 = digests.MD5 as Buffer;
    if (opts.contentMd5 !== undefined && !opts.contentMd5.equals(md5)) {
      throw s3Error('BadDigest', { fields: { ExpectedDigest: opts.contentMd5.toString('hex'), CalculatedDigest: md5.toString('base64') } });
    }
    const checksum = algorithm === undefined ? undefined : verifyChecksum(algorithm, digests[algorithm] as Buffer, opts);
    return { blobId: written.blobId, size: written.size, md5, checksum };
  } catch (e) {
    await opts.blobs.delete(written.blobId);
    throw e;
  }
}

/**
 * Large bodies are hashed on worker threads (one per algorithm) when this process may use more than one
 * core: the event loop then mostly moves bytes. On one core the threads only take turns with the
 * event loop and cost their start-up, a copy of every byte, the switches and their heaps: 8 × 128 MiB
 * PUTs on one pinned core took about 2 s of CPU per GiB and 180 MiB of peak RSS more than hashing in
 * place (`os.availableParallelism()` follows the CPU affinity, so a pinned server counts one core).
 */
function hashOffThread(expectedBytes: number | undefined): boolean {
  return expectedBytes !== undefined && expectedBytes >= OFF_THREAD_HASHING_BYTES && availableParallelism() > 1;
}

/**
 * Encryption as the hashing stage's last step. A request body's chunks straight from node:http are
 * copies made for this one reader (its parser copies each socket read into a new Buffer), so once
 * hashed and encrypted each is released (storage/disposable-chunks.ts) — unless the sealer keeps it
 * for a later chunk (no declared size). Chunks of any other source (a copy's reader reuses its
 * buffers) are left alone.
 */
function sealingStep(sealer: SegmentSealer, opts: { releaseInput: boolean }): ChunkTransform {
  const release = opts.releaseInput && sealer.sealsAsItGoes;
  return {
    update: (chunk, out) => {
      sealer.update(chunk, out);
      if (release) releaseChunk(chunk);
    },
    final: (out) => sealer.final(out),
  };
}

/** A body whose size differs from its declared length, seen by the encryption, is IncompleteBody as anywhere else. */
function bodyError(e: unknown): unknown {
  return e instanceof SegmentLengthError ? s3Error('IncompleteBody') : e;
}

function verifyChecksum(algorithm: ChecksumAlgorithm, digest: Buffer, opts: ReceiveOptions) {
  let expected = opts.checksum.value;
  if (opts.checksum.inTrailer) {
    expected = opts.trailers()[checksumHeaderName(algorithm)];
    if (expected !== undefined && decodeChecksum(algorithm, expected) === undefined) {
      throw s3Error('InvalidRequest', { message: `Value for ${checksumHeaderName(algorithm)} trailing header is invalid.` });
    }
  }
  const value = toBase64(digest);
  if (expected !== undefined && expected !== value) {
    throw s3Error('BadDigest', { message: `The ${algorithm} you specified did not match the calculated checksum.` });
  }
  return { algorithm, value, digest };
}
