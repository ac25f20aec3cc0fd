import type { RoleRepo } from '../iam/store/types.js';

/**
 * RoleLastUsed (GetRole): when a role was last assumed, and in which region. Buffered and written
 * once a second, off the request path, like access-key use.
 */
export class RoleUseRecorder {
  private readonly pending = new Map<string, { roleId: string; at: Date; region: string }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly roles: Pick<RoleRepo, 'recordUses'>,
    private readonly onError: (err: unknown) => void,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  record(roleId: string, at: Date, region: string): void {
    const prev = this.pending.get(roleId);
    if (!prev || prev.at <= at) this.pending.set(roleId, { roleId, at, region });
  }

  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0) return Promise.resolve();
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.flushing = this.roles
      .recordUses(batch)
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
