/**
 * One histogram series: counts per bucket, their sum and count. Observing costs a short scan and two
 * additions (no allocation); the cumulative `le` counts Prometheus wants are computed at scrape time.
 */
import { formatValue, type Labels, type Sample } from './exposition.js';

/**
 * Request latency buckets in seconds, 0.5 ms to 10 s: a 4 KiB GET on loopback takes well under a
 * millisecond, a large multipart part several seconds.
 */
export const DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class Histogram {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  /** `bounds` ascending, finite; shared by every series of a family. */
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  /** The `_bucket` (cumulative, ending with `le="+Inf"`), `_sum` and `_count` samples of this series. */
  samples(labels: Labels): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      cumulative += this.counts[i];
      const le = i < this.bounds.length ? formatValue(this.bounds[i]) : '+Inf';
      out.push({ suffix: '_bucket', labels: { ...labels, le }, value: cumulative });
    }
    out.push({ suffix: '_sum', labels, value: this.sum }, { suffix: '_count', labels, value: this.count });
    return out;
  }
}

/** Throws unless `bounds` is a non-empty ascending list of finite numbers. */
export function checkBounds(bounds: readonly number[]): void {
  if (bounds.length === 0) throw new Error('a histogram needs at least one bucket');
  bounds.forEach((b, i) => {
    if (!Number.isFinite(b) || (i > 0 && b <= bounds[i - 1])) {
      throw new Error(`bucket bounds must ascend: ${bounds.join(',')}`);
    }
  });
}
