/**
 * Lifecycle time: "Amazon S3 calculates the time by adding the number of days specified in the rule
 * to the object creation time and rounding up the resulting time to the next day midnight UTC" — e.g.
 * an object created 1/15/2014 10:30 AM UTC under a 3-day rule is due 1/19/2014 00:00 UTC.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
 *
 * A "day" is 86,400 s, or `--lifecycle-day-seconds N` seconds (tests and demonstrations): days are then
 * counted in N-second steps and rounded up to the next multiple of N seconds since the epoch, the
 * fast-day equivalent of midnight UTC.
 * Deviation from AWS: with a shortened day, `Date` rules still name real calendar dates.
 */

/** Milliseconds in an AWS lifecycle day. */
export const AWS_DAY_MS = 86_400_000;

export class LifecycleDays {
  /** `dayMs`: the length of one lifecycle day in milliseconds. */
  constructor(readonly dayMs: number = AWS_DAY_MS) {
    if (!Number.isSafeInteger(dayMs) || dayMs <= 0) {
      throw new RangeError(`a lifecycle day must be a positive whole number of ms, got ${dayMs}`);
    }
  }

  static ofSeconds(seconds: number | undefined): LifecycleDays {
    return new LifecycleDays(seconds === undefined ? AWS_DAY_MS : seconds * 1000);
  }

  /** `days` after `from` (ms since the epoch), rounded up to the next day boundary; a boundary is its own ceiling. */
  after(from: number, days: number): number {
    const t = from + days * this.dayMs;
    if (!Number.isFinite(t) || t >= Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
    return Math.ceil(t / this.dayMs) * this.dayMs;
  }

  /** The last day boundary at or before `now`: every action due by then has fallen due. */
  boundaryAtOrBefore(now: number): number {
    return Math.floor(now / this.dayMs) * this.dayMs;
  }
}
