/**
 * Typed errors of the blob layer. Callers branch on the class (or `code`), never on the message.
 */

/**
 * The blob named by metadata is gone. On a GET this normally means a concurrent overwrite or delete
 * removed the old bytes after we read the old metadata: re-read the metadata once and retry.
 */
export class BlobNotFoundError extends Error {
  readonly code = 'BlobNotFound';
  readonly blobId: string;

  constructor(blobId: string, options: { cause?: unknown } = {}) {
    super(`blob ${blobId} does not exist`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BlobNotFoundError';
    this.blobId = blobId;
  }
}

/** A blob id that is not one the store could have issued: a bug or tampered metadata, never a path. */
export class InvalidBlobIdError extends Error {
  readonly code = 'InvalidBlobId';

  constructor(blobId: string) {
    super(`invalid blob id ${JSON.stringify(blobId.slice(0, 80))}`);
    this.name = 'InvalidBlobIdError';
  }
}

/** A blob whose size differs from what metadata recorded: corruption, never retried. */
export class BlobCorruptError extends Error {
  readonly code = 'BlobCorrupt';
  readonly blobId: string;

  constructor(blobId: string, expectedSize: number, actualSize: number) {
    super(`blob ${blobId} holds ${actualSize} bytes, metadata says ${expectedSize}`);
    this.name = 'BlobCorruptError';
    this.blobId = blobId;
  }
}

export function isBlobNotFound(e: unknown): e is BlobNotFoundError {
  return e instanceof BlobNotFoundError;
}

/** The `code` of a Node system error (ENOENT, EINVAL ...), or undefined for anything else. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}
