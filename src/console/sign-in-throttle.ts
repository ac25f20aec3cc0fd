/**
 * Password guessing: after FAILURES failed sign-ins for one account and user name within WINDOW_MS,
 * that name is refused until the window has passed. Per process and in memory (a restart forgives);
 * bounded, the oldest name forgotten first.
 */
const FAILURES = 5;
const WINDOW_MS = 60_000;
const MAX_NAMES = 10_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  blocked(who: string, now: Date): boolean {
    return this.recent(who, now).length >= FAILURES;
  }

  failed(who: string, now: Date): void {
    const times = this.recent(who, now);
    times.push(now.getTime());
    this.failures.delete(who);
    this.failures.set(who, times);
    if (this.failures.size > MAX_NAMES) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeeded(who: string): void {
    this.failures.delete(who);
  }

  private recent(who: string, now: Date): number[] {
    return (this.failures.get(who) ?? []).filter((t) => now.getTime() - t < WINDOW_MS);
  }
}
