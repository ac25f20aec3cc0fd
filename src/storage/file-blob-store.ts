/**
 * BlobStore over plain files in the data directory.
 *
 * Layout: `<dataDir>/blobs/<id[0:2]>/<id[2:4]>/<id>` with random 128-bit hex ids, and
 * `<dataDir>/tmp/<id>` for writes in progress. Files are never named by object key, and every id is
 * checked against BLOB_ID before it reaches a path, so no key or tampered id can escape the directory.
 *
 * Write protocol (what makes an acknowledged PUT survive a crash): stream into tmp/ → fsync the file →
 * rename into its fan-out directory → fsync that directory (and the parents of any directory we had
 * to create). Only after `write` resolves may metadata point at the blob; a crash before that leaves a
 * temp file or an unreferenced blob, both removed by `sweep`.
 *
 * Retention (`retain`): a blob a reader will open later is not deleted under it. In one process, a
 * delete of a retained blob waits for the release. When several processes share the directory
 * (`shared`), a delete may come from another process, so retaining also makes a hard link
 * `tmp/held.<pid>.<id>.<random>`: the bytes live on until the link goes at release, and opening a
 * retained blob whose name is gone opens the link. A process that dies leaves its links in tmp/: the
 * primary removes a dead worker's at once (`removeHeldLinks`), and the start-up sweep all of them.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, opendir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, errnoCode, InvalidBlobIdError } from './blob-errors.js';
import { AlignedBufferPool } from './aligned-buffers.js';
import { BlobFileWriter } from './blob-file-writer.js';
import { hasDisposableChunks } from './disposable-chunks.js';
import { FileRangeBody, type DirectReadOptions } from './file-range-body.js';
import { lazyReadable } from './lazy-readable.js';
import type { BlobRetention, BlobStore, BlobWriteResult, OpenedBlob } from './ports.js';

const BLOB_ID = /^[0-9a-f]{32}$/;
const FAN_OUT = /^[0-9a-f]{2}$/;

export interface FileBlobStoreOptions {
  readonly dataDir: string;
  /** Other processes use the same directory (see Retention above). */
  readonly shared?: boolean;
  /** The most bytes of page-aligned buffers held for direct I/O (aligned-buffers.ts); 0: page cache only. */
  readonly ioBufferBytes?: number;
}

/** Hard links that hold retained blobs in a shared directory, named by the process that holds them. */
const HELD_LINK = /^held\.\d+\.[0-9a-f]{32}\.[0-9a-f]+$/;
const heldLinkPrefix = (pid: number): string => `held.${pid}.`;

/**
 * Removes the hard links a process that has exited made to hold blobs in `dataDir` (see Retention):
 * nobody else opens them, so the deleted blobs they kept free their space now rather than at the next
 * start. Returns how many went.
 */
export async function removeHeldLinks(dataDir: string, pid: number): Promise<number> {
  const tmpDir = join(dataDir, 'tmp');
  const prefix = heldLinkPrefix(pid);
  let removed = 0;
  for await (const entry of await opendir(tmpDir)) {
    if (!entry.name.startsWith(prefix) || !HELD_LINK.test(entry.name)) continue;
    await unlinkQuietly(join(tmpDir, entry.name));
    removed += 1;
  }
  return removed;
}

export function isBlobId(value: string): boolean {
  return BLOB_ID.test(value);
}

export class FileBlobStore implements BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;
  /** Fan-out directories known to exist durably, to skip mkdir on the hot path. Per instance. */
  private readonly knownDirs = new Set<string>();
  /** Aligned slots for the direct-I/O part of large writes and reads, shared by all of them. */
  private readonly alignedSlots: AlignedBufferPool;
  /** Blobs held by readers (`retain`), with how many hold each, and those whose delete waits for them. */
  private readonly retained = new Map<string, number>();
  private readonly deleteOnRelease = new Set<string>();
  /** Shared directories: the hard links (paths) that hold each retained blob. */
  private readonly heldLinks = new Map<string, string[]>();

  private constructor(
    dataDir: string,
    private readonly shared: boolean,
    ioBufferBytes: number | undefined,
  ) {
    this.alignedSlots = new AlignedBufferPool({ maxBytes: ioBufferBytes });
    this.blobsDir = join(dataDir, 'blobs');
    this.tmpDir = join(dataDir, 'tmp');
  }

  static async open(options: FileBlobStoreOptions): Promise<FileBlobStore> {
    const store = new FileBlobStore(options.dataDir, options.shared === true, options.ioBufferBytes);
    // Private whatever the umask or the data directory's mode: the files in them are object bytes.
    await mkdir(store.blobsDir, { recursive: true, mode: 0o700 });
    await mkdir(store.tmpDir, { recursive: true, mode: 0o700 });
    return store;
  }

  async write(source: Readable): Promise<BlobWriteResult> {
    // Until pipeline listens (after the file is open), a source error must not become an uncaught
    // exception; pipeline still sees it, because it checks whether the source already errored.
    const holdError = (): void => undefined;
    source.on('error', holdError);
    const blobId = randomBytes(16).toString('hex');
    const tmpPath = join(this.tmpDir, blobId);
    let size: number;
    try {
      size = await this.writeTemp(source, tmpPath);
    } finally {
      source.off('error', holdError);
    }
    try {
      const dir = this.dirOf(blobId);
      await this.ensureDir(dir);
      await rename(tmpPath, join(dir, blobId));
      await fsyncDirectory(dir);
    } catch (e) {
      await unlinkQuietly(tmpPath);
      await unlinkQuietly(this.pathOf(blobId));
      throw e;
    }
    return { blobId, size };
  }

  read(blobId: string, range?: { start: number; end: number }): Readable {
    const path = this.pathOf(blobId);
    // Opening through `open` maps ENOENT to BlobNotFoundError before the first byte.
    return lazyReadable(async () => (await this.openPath(blobId, path)).stream(range));
  }

  async open(blobId: string): Promise<OpenedBlob> {
    try {
      return await this.openPath(blobId, this.pathOf(blobId));
    } catch (e) {
      // Deleted by another process since it was retained: the hard link still has the bytes.
      const link = this.heldLinks.get(blobId)?.[0];
      if (link === undefined || !(e instanceof BlobNotFoundError)) throw e;
      return this.openPath(blobId, link);
    }
  }

  async retain(blobIds: readonly string[]): Promise<BlobRetention> {
    const ids = [...new Set(blobIds)];
    for (const id of ids) this.pathOf(id); // InvalidBlobIdError before anything is held
    // Held before looking: a delete from now on waits; one that came earlier shows as a missing file.
    for (const id of ids) this.retained.set(id, (this.retained.get(id) ?? 0) + 1);
    let released = false;
    const links = new Map<string, string>();
    const retention: BlobRetention = {
      release: () => {
        if (released) return;
        released = true;
        for (const [id, link] of links) this.dropLink(id, link);
        for (const id of ids) {
          const left = (this.retained.get(id) ?? 1) - 1;
          if (left > 0) {
            this.retained.set(id, left);
            continue;
          }
          this.retained.delete(id);
          // Failing here leaves an orphan for the start-up sweep, as any failed delete does.
          if (this.deleteOnRelease.delete(id)) unlinkQuietly(this.pathOf(id)).catch(() => undefined);
        }
      },
    };
    const hold = async (id: string): Promise<unknown> => (this.shared ? this.holdByLink(id, links) : stat(this.pathOf(id)));
    const checks = await Promise.allSettled(ids.map(hold));
    const missing = checks.findIndex((c) => c.status === 'rejected');
    if (missing >= 0) {
      retention.release();
      const e = (checks[missing] as PromiseRejectedResult).reason as unknown;
      if (errnoCode(e) === 'ENOENT') throw new BlobNotFoundError(ids[missing], { cause: e });
      throw e;
    }
    return retention;
  }

  /** Links `id` into tmp/ (ENOENT when it is already gone) and records the link for `open`. */
  private async holdByLink(id: string, links: Map<string, string>): Promise<void> {
    const path = join(this.tmpDir, `${heldLinkPrefix(process.pid)}${id}.${randomBytes(8).toString('hex')}`);
    await link(this.pathOf(id), path);
    links.set(id, path);
    const held = this.heldLinks.get(id);
    if (held === undefined) this.heldLinks.set(id, [path]);
    else held.push(path);
  }

  private holdsLink(path: string): boolean {
    for (const paths of this.heldLinks.values()) if (paths.includes(path)) return true;
    return false;
  }

  private dropLink(id: string, path: string): void {
    const held = (this.heldLinks.get(id) ?? []).filter((p) => p !== path);
    if (held.length > 0) this.heldLinks.set(id, held);
    else this.heldLinks.delete(id);
    // Failing here leaves a link for the start-up sweep.
    unlinkQuietly(path).catch(() => undefined);
  }

  async delete(blobId: string): Promise<void> {
    const path = this.pathOf(blobId);
    if (this.retained.has(blobId)) {
      this.deleteOnRelease.add(blobId);
      return;
    }
    await unlinkQuietly(path);
  }

  async sweep(
    isReferenced: (blobId: string) => Promise<boolean> | boolean,
    options: { olderThanMs?: number } = {},
  ): Promise<{ removed: number }> {
    const olderThanMs = options.olderThanMs ?? 0;
    const cutoff = Date.now() - olderThanMs;
    const oldEnough = async (path: string): Promise<boolean> => {
      if (olderThanMs <= 0) return true;
      try {
        return (await stat(path)).mtimeMs <= cutoff;
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return false; // renamed or deleted by a live writer meanwhile
        throw e;
      }
    };
    let removed = 0;
    for await (const entry of await opendir(this.tmpDir)) {
      const path = join(this.tmpDir, entry.name);
      // A link holds a blob for a reader: ours, or another process's, whom only a start-up sweep (run
      // before any reader exists) may assume gone.
      if (HELD_LINK.test(entry.name) && (olderThanMs > 0 || this.holdsLink(path))) continue;
      if (entry.isFile() && (await oldEnough(path))) {
        await unlinkQuietly(path);
        removed += 1;
      }
    }
    for (const dir of await this.fanOutDirs()) {
      for await (const entry of await opendir(dir)) {
        const id = entry.name;
        // Only files this store could have written are candidates; anything else is left alone.
        if (!entry.isFile() || !BLOB_ID.test(id) || this.dirOf(id) !== dir) continue;
        const path = join(dir, id);
        // A blob a reader holds is not garbage yet, referenced or not (its delete waits for the reader).
        if (!this.retained.has(id) && (await oldEnough(path)) && !(await isReferenced(id))) {
          await unlinkQuietly(path);
          removed += 1;
        }
      }
    }
    return { removed };
  }

  private async writeTemp(source: Readable, tmpPath: string): Promise<number> {
    // 'wx': a fresh id never collides; if it ever did, failing beats overwriting.
    const handle = await open(tmpPath, 'wx', 0o600);
    try {
      // The writer fsyncs the file before it finishes, so the bytes are on disk when we rename.
      const out = new BlobFileWriter(handle, {
        direct: { path: tmpPath, pool: this.alignedSlots },
        disposableChunks: hasDisposableChunks(source),
      });
      await pipeline(source, out);
      await handle.close();
      return out.bytesWritten;
    } catch (e) {
      await handle.close().catch(() => undefined);
      await unlinkQuietly(tmpPath);
      throw e;
    }
  }

  private async openPath(blobId: string, path: string): Promise<OpenedBlob> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw new BlobNotFoundError(blobId, { cause: e });
      throw e;
    }
    try {
      const { size } = await handle.stat();
      return new FileOpenedBlob(handle, blobId, size, { path, pool: this.alignedSlots });
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  }

  /** Creates a fan-out directory once, fsyncing the parents of what was created so the entry is durable. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (firstCreated !== undefined) {
      for (let d = dir; ; d = dirname(d)) {
        await fsyncDirectory(dirname(d));
        if (d === firstCreated || d === this.blobsDir) break;
      }
    }
    this.knownDirs.add(dir);
  }

  private async fanOutDirs(): Promise<string[]> {
    const dirs: string[] = [];
    for await (const l1 of await opendir(this.blobsDir)) {
      if (!l1.isDirectory() || !FAN_OUT.test(l1.name)) continue;
      for await (const l2 of await opendir(join(this.blobsDir, l1.name))) {
        if (l2.isDirectory() && FAN_OUT.test(l2.name)) dirs.push(join(this.blobsDir, l1.name, l2.name));
      }
    }
    return dirs;
  }

  private dirOf(blobId: string): string {
    return join(this.blobsDir, blobId.slice(0, 2), blobId.slice(2, 4));
  }

  private pathOf(blobId: string): string {
    if (!BLOB_ID.test(blobId)) throw new InvalidBlobIdError(blobId);
    return join(this.dirOf(blobId), blobId);
  }
}

class FileOpenedBlob implements OpenedBlob {
  private state: 'open' | 'streaming' | 'closed' = 'open';

  constructor(
    private readonly handle: FileHandle,
    private readonly blobId: string,
    readonly size: number,
    private readonly direct: DirectReadOptions,
  ) {}

  stream(range?: { start: number; end: number }): FileRangeBody {
    if (this.state !== 'open') throw new Error(`blob handle already ${this.state}`);
    this.state = 'streaming';
    // The body owns the handle from here: it closes it on end, error or destroy.
    return new FileRangeBody(this.handle, this.blobId, range?.start ?? 0, range?.end ?? this.size - 1, this.direct);
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    await this.handle.close();
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some filesystems cannot fsync a directory; rename is then as durable as they allow.
    if (errnoCode(e) !== 'EINVAL' && errnoCode(e) !== 'ENOTSUP') throw e;
  } finally {
    await handle.close();
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
}
