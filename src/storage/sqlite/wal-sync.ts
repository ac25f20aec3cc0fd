/**
 * Group commit for a SQLite database in WAL mode with `synchronous=NORMAL`.
 *
 * In NORMAL mode a commit appends its frames to the WAL with write(2) and returns without fsync: it
 * survives a process crash (the bytes are in the OS page cache) but not power loss. SQLite itself
 * syncs the WAL before each checkpoint, the database file after it, and the WAL header when the WAL
 * is reused, so checkpoints never lose or reorder committed data. What is missing is a sync that
 * covers each commit before it is acknowledged. `WalSync.durable()` adds it: call it after a commit;
 * it resolves once an fdatasync of the WAL file that *started after* the commit has completed.
 *
 * Why that is power-loss durable: fsync/fdatasync act on the file (inode), not on the descriptor, so
 * our own descriptor on `<db>-wal` flushes what SQLite's descriptor wrote. Every frame of the commit,
 * and every frame before it in this WAL generation, was written before the fdatasync began, so all
 * are on stable storage when it returns. Recovery replays the WAL up to the last commit frame whose
 * checksum chain is intact; frames written later can only be torn or missing, never earlier ones. The
 * WAL is overwritten from the start only after a checkpoint has copied every frame into the database
 * file and synced it, so a later WAL restart cannot take a durable commit away.
 *
 * Concurrency: commits are synchronous (better-sqlite3), so a commit that returned before `durable()`
 * was called is in the WAL before any fdatasync started afterwards. While one fdatasync runs, every
 * caller joins the next batch, which starts when the running one ends: one fdatasync serves all the
 * commits that arrived while the previous one was in flight, and no caller waits for more than two.
 *
 * A failed fdatasync is sticky: after it, nothing can be known about what reached the disk (the
 * kernel may have dropped the dirty pages), so every later `durable()` rejects too and the process
 * must be restarted (recovery then reads what the disk really holds).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface DurabilityBarrier {
  /** Resolves once every commit made before the call is on stable storage. */
  durable(): Promise<void>;
  close(): Promise<void>;
}

/** For `synchronous=FULL`: SQLite syncs the WAL inside each commit, nothing is left to wait for. */
export const SYNCED_BY_SQLITE: DurabilityBarrier = {
  durable: () => Promise.resolve(),
  close: () => Promise.resolve(),
};

export class WalSync implements DurabilityBarrier {
  private handle: Promise<FileHandle> | undefined;
  private running = false;
  private waiting: Waiter[] = [];
  private failure: unknown;
  private closed = false;
  /** Completed fdatasync calls (for tests and benches: how well commits were grouped). */
  syncs = 0;

  /** `walPath` is `<database>-wal`; it must exist (WAL mode, after the first write transaction). */
  constructor(private readonly walPath: string) {}

  durable(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('WalSync is closed'));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await new Promise((r) => setImmediate(r));
    const h = this.handle;
    this.handle = undefined;
    if (h !== undefined) await (await h.catch(() => undefined))?.close();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          if (this.failure !== undefined) throw this.failure;
          const handle = await this.openWal();
          await handle.datasync();
          this.syncs += 1;
        } catch (e) {
          this.failure ??= e;
          for (const w of batch) w.reject(e);
          continue;
        }
        for (const w of batch) w.resolve();
      }
    } finally {
      this.running = false;
    }
  }

  private openWal(): Promise<FileHandle> {
    this.handle ??= (async () => {
      const h = await open(this.walPath, 'r');
      try {
        // SQLite created the WAL file; make its directory entry durable once, or a power loss could
        // drop the whole file together with every commit in it.
        await fsyncDirectory(dirname(this.walPath));
      } catch (e) {
        await h.close();
        throw e;
      }
      return h;
    })();
    return this.handle;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // Some filesystems cannot fsync a directory; the entry is then as durable as they allow.
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw e;
  } finally {
    await handle.close();
  }
}
