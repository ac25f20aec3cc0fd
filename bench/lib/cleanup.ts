import { rmSync } from 'node:fs';

/**
 * What the bench must undo however it ends: child processes it started (stopped by their own pid)
 * and temporary directories. Passed explicitly to whoever creates such things.
 */
export class Cleanup {
  private readonly tasks: { label: string; run: () => Promise<void> | void }[] = [];

  add(label: string, run: () => Promise<void> | void): () => Promise<void> {
    const task = { label, run };
    this.tasks.push(task);
    return async () => {
      const i = this.tasks.indexOf(task);
      if (i < 0) return;
      this.tasks.splice(i, 1);
      await task.run();
    };
  }

  removeDirLater(dir: string): () => Promise<void> {
    return this.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  }

  /** Runs the remaining tasks, newest first; a failing task does not stop the others. */
  async runAll(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop()!;
      try {
        await task.run();
      } catch (err) {
        process.stderr.write(`cleanup "${task.label}" failed: ${String(err)}\n`);
      }
    }
  }
}
