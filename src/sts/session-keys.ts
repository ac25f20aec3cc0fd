import { randomBytes } from 'node:crypto';
import { keyIdOf } from '../crypto/sealer.js';
import type { SessionKeyRepo, SessionKeyRow } from '../iam/store/types.js';

export interface SessionKeyRingOptions {
  readonly now: () => Date;
  /** A new key seals tokens once the newest is this old; default 24 h. */
  readonly rotateAfterMs?: number;
  /**
   * Keys are kept this long after creation, so every token a key sealed outlives it: the longest
   * session is 36 h (GetSessionToken), plus a rotation period; default 72 h.
   */
  readonly retainMs?: number;
  /**
   * An unknown key id re-reads the store at most this often (a flood of forged tokens costs at most
   * one small read per interval); a lookup inside the interval waits for the next read rather than
   * failing, so a token sealed by a key another process added a moment ago still opens. Default 100 ms.
   */
  readonly reloadIntervalMs?: number;
}

/**
 * The key ring that seals STS session tokens: 256-bit AES keys kept in the IAM store (sealed by the
 * master key), so every process and node that shares the store opens every token without a database
 * read per request. The newest key seals; every retained key opens. Keys rotate by age: the first
 * process to need a seal after the newest key expired adds the next one; a process that meets a
 * token sealed with a key it has not seen re-reads the ring.
 */
export class SessionKeyRing {
  private keys = new Map<string, SessionKeyRow>();
  private newest: SessionKeyRow | undefined;
  private lastLoad = -Infinity;
  private loading: Promise<void> | undefined;
  private readonly rotateAfterMs: number;
  private readonly retainMs: number;
  private readonly reloadIntervalMs: number;

  constructor(
    private readonly repo: SessionKeyRepo,
    private readonly options: SessionKeyRingOptions,
  ) {
    this.rotateAfterMs = options.rotateAfterMs ?? 24 * 3600_000;
    this.retainMs = options.retainMs ?? 72 * 3600_000;
    this.reloadIntervalMs = options.reloadIntervalMs ?? 100;
  }

  /** The key that seals new tokens (rotating first when the newest is too old). */
  async current(): Promise<SessionKeyRow> {
    const now = this.options.now().getTime();
    if (!this.fresh(this.newest, now)) await this.load();
    if (!this.fresh(this.newest, now)) {
      const key = randomBytes(32);
      await this.repo.add({ keyId: keyIdOf(key), key, createdAt: new Date(now) });
      await this.repo.deleteCreatedBefore(new Date(now - this.retainMs));
      await this.load();
    }
    return this.newest as SessionKeyRow;
  }

  /** The key with this id, or undefined (unknown, or retired). */
  async find(keyId: string): Promise<SessionKeyRow | undefined> {
    const hit = this.keys.get(keyId);
    if (hit) return hit;
    const wait = this.lastLoad + this.reloadIntervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!this.keys.has(keyId)) await this.load();
    return this.keys.get(keyId);
  }

  private fresh(k: SessionKeyRow | undefined, now: number): boolean {
    return k !== undefined && now - k.createdAt.getTime() < this.rotateAfterMs;
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const rows = await this.repo.list();
        this.keys = new Map(rows.map((r) => [r.keyId, r]));
        this.newest = rows.reduce<SessionKeyRow | undefined>((a, r) => (!a || r.createdAt > a.createdAt ? r : a), undefined);
        this.lastLoad = Date.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
