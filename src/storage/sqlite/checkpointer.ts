/**
 * WAL checkpoints on a thread of their own (issue #17's bench), for the SQLite files several
 * connections write in normal locking mode: `audit.sqlite` always, `metadata.sqlite` with workers.
 *
 * Left to SQLite, a checkpoint runs inside the commit that takes the WAL past `wal_autocheckpoint`
 * pages: it copies the WAL's pages into the database and fsyncs both, 20–35 ms during which the
 * committing process's event loop serves nobody (the audit trail with every data event, 4 KiB GETs:
 * once a second per worker). Here a worker thread with its own connection to each file runs a PASSIVE
 * checkpoint every `intervalMs` (writers go on meanwhile; the fsyncs block this thread only), and the
 * request path's connections keep auto-checkpoint only as a fallback, at FALLBACK_AUTOCHECKPOINT_PAGES,
 * should this thread fall behind or stop.
 *
 * Under constant writes a PASSIVE checkpoint rarely finds every frame copied at the moment a writer
 * could start the WAL over, so the file would keep growing: past RESTART_FRAMES the thread runs a
 * RESTART checkpoint, which waits for writers to finish, copies the few frames left and lets the next
 * writer start the WAL from its beginning.
 *
 * Same durability as SQLite's own checkpoints: the syncs a checkpoint makes (WAL before, database
 * after) are SQLite's, whichever connection runs it (wal-sync.ts relies on nothing else).
 */
import { Worker } from 'node:worker_threads';

/** What the request path's connections keep of auto-checkpoint while a checkpointer runs: 64 MiB of 4 KiB pages. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 16_384;

/** Past this many frames in the WAL (32 MiB of 4 KiB pages), the thread starts it over (RESTART). */
export const RESTART_FRAMES = 8_192;

export interface CheckpointThreadData {
  readonly paths: readonly string[];
  readonly intervalMs: number;
  readonly restartFrames: number;
}

export type CheckpointThreadMessage = { readonly kind: 'error'; readonly path: string; readonly message: string };

export interface CheckpointerOptions {
  /** Default 100 ms. */
  readonly intervalMs?: number;
  /** Default RESTART_FRAMES. */
  readonly restartFrames?: number;
  /** Told of a checkpoint that failed (the thread goes on: the fallback covers what it misses). */
  readonly onError?: (path: string, message: string) => void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(paths: readonly string[], options: CheckpointerOptions = {}) {
    const workerData: CheckpointThreadData = {
      paths,
      intervalMs: options.intervalMs ?? 100,
      restartFrames: options.restartFrames ?? RESTART_FRAMES,
    };
    this.worker = new Worker(new URL('./checkpoint-thread.js', import.meta.url), { workerData });
    this.worker.on('message', (m: CheckpointThreadMessage) => options.onError?.(m.path, m.message));
    // An error thrown in the thread arrives cloned, not always as an Error.
    this.worker.on('error', (e: unknown) =>
      options.onError?.('(thread)', (e as { message?: string })?.message ?? String(e)),
    );
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // Never what keeps a process alive: a server stops by closing it, a test may simply end.
    this.worker.unref();
  }

  /** Stops the thread after its current checkpoint; its connections are closed. */
  async close(): Promise<void> {
    // Referenced again until it has exited, or a process with nothing else to do would not wait.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
