/**
 * "Last used" bookkeeping off the request path (GetAccessKeyLastUsed, GetRole's RoleLastUsed): the
 * latest use per id is kept in memory and written once per interval, in one batch; concurrent
 * flushes share one write; a failed write is reported, never thrown at a request.
 */
export class LastUseBuffer<T extends { readonly at: Date }> {
  private readonly pending = new Map<string, T>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly write: (batch: readonly T[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(id: string, use: T): void {
    const prev = this.pending.get(id);
    if (!prev || prev.at <= use.at) this.pending.set(id, use);
  }

  flush(): Promise<void> {
    // A write in progress took an earlier batch: uses recorded since then need a write of their own.
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.pending.size === 0) return Promise.resolve();
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.write(batch)
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /** Stops the timer and writes what is buffered. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
