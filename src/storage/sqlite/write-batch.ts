import type { Database } from 'better-sqlite3';

interface Job {
  readonly write: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
  ok?: boolean;
  value?: unknown;
}

/**
 * The writes of one turn of the event loop committed as one SQLite transaction. A commit costs far
 * more than the rows it writes (the WAL frames of every page touched, the index pages above them, and
 * with several worker processes the database's write lock), so concurrent writes — the PUTs whose
 * bodies finished arriving in the same poll of the sockets — share one. Each write runs in its own
 * savepoint, in arrival order, and sees the writes before it: one that throws is rolled back alone and
 * rejects alone; the others commit. A failed commit rejects every write of the batch, none of which
 * then happened.
 *
 * `write` must be synchronous and must not commit on its own (a better-sqlite3 transaction function
 * called inside the batch's transaction becomes the savepoint). What it returns is resolved after the
 * commit; durability (the WAL flush) is still the caller's barrier to await.
 */
export class WriteBatch {
  private pending: Job[] = [];
  private readonly commit: (jobs: readonly Job[]) => void;

  constructor(db: Database) {
    const savepoint = db.transaction((job: Job) => job.write());
    this.commit = db.transaction((jobs: readonly Job[]) => {
      for (const job of jobs) {
        try {
          job.value = savepoint(job);
          job.ok = true;
        } catch (e) {
          job.value = e;
          job.ok = false;
        }
      }
    }).immediate;
  }

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(this.flush);
      this.pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private readonly flush = (): void => {
    const jobs = this.pending;
    this.pending = [];
    try {
      this.commit(jobs);
    } catch (e) {
      for (const job of jobs) job.reject(e);
      return;
    }
    for (const job of jobs) (job.ok ? job.resolve : job.reject)(job.value);
  };
}
