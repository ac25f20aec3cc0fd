/**
 * Random bytes for keys, salts and IVs, drawn from a buffer refilled 8 KiB at a time: a small
 * `randomBytes` call costs several microseconds of fixed overhead, and every encrypted PUT needs a
 * data key, a segment salt and a wrapping IV (Node's own randomUUID keeps a cache for the same reason).
 * Bytes handed out are copies, never shared, and never handed out twice.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8 * 1024;

export class RandomPool {
  private pool = Buffer.alloc(0);
  private at = 0;

  take(n: number): Buffer {
    if (n > POOL_BYTES) return randomFillSync(Buffer.alloc(n));
    if (this.at + n > this.pool.length) {
      this.pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
      this.at = 0;
    }
    const out = Buffer.alloc(n);
    this.pool.copy(out, 0, this.at, this.at + n);
    // Used bytes are overwritten, so no copy of a key outlives its use in the pool.
    this.pool.fill(0, this.at, this.at + n);
    this.at += n;
    return out;
  }
}
