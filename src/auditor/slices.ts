/**
 * Long analyses (a scan of thousands of resources) give the event loop back every few milliseconds, so
 * requests are served between their steps: `await slices.yield()` after each step returns at once until
 * `sliceMs` have passed since the last pause, then waits for the next turn (setImmediate: after I/O).
 */
export class Slices {
  private started = performance.now();

  constructor(private readonly sliceMs = 10) {}

  async yield(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
