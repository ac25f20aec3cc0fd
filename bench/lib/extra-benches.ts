import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtraBenchResult } from './report.js';

export interface ExtraBenchOptions {
  readonly quick: boolean;
  /** Limit for each bench. */
  readonly timeoutSeconds: number;
  /** A limit of their own for some (script name → seconds): the soak runs a minute by design. */
  readonly timeoutOverrides?: Readonly<Record<string, number>>;
  /** Epoch ms after which no further bench starts and a running one is cut short. */
  readonly deadline: number;
  /** Where the headings and notes go (the benches' own output goes to this process's stdout); default stdout. */
  readonly write?: (text: string) => void;
}

/**
 * The other engineers' benches (dist/bench/*-bench.js: policy, storage, checksum ...), run after ours
 * with their output shown as is. Each gets `--quick` in quick mode and a hard time limit; together they
 * share what is left of the run's overall budget.
 */
export async function runExtraBenches(repoRoot: string, options: ExtraBenchOptions): Promise<ExtraBenchResult[]> {
  const dir = join(repoRoot, 'dist/bench');
  if (!existsSync(dir)) return [];
  const scripts = readdirSync(dir)
    .filter((f) => f.endsWith('-bench.js'))
    .sort();
  const results: ExtraBenchResult[] = [];
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  for (const script of scripts) {
    const left = Math.floor((options.deadline - Date.now()) / 1000);
    if (left < 5) {
      write(`\n=== ${script}: not run, the time budget of the bench is spent ===\n`);
      results.push({ script, exitCode: null, seconds: 0, timedOut: false, notRun: true });
      continue;
    }
    write(`\n=== ${script} ===\n`);
    const limit = options.timeoutOverrides?.[script] ?? options.timeoutSeconds;
    const result = await runOne(join(dir, script), script, {
      quick: options.quick,
      timeoutSeconds: Math.min(limit, left),
    });
    results.push(result);
    // A bench cut short may have printed nothing yet: say so, rather than end on a bare heading.
    if (result.timedOut) write(`(stopped after ${Math.round(result.seconds)} s: the bench's time budget ran out)\n`);
    else if (result.exitCode !== 0)
      write(`(exited with ${result.exitCode === null ? 'a signal' : `code ${result.exitCode}`})\n`);
  }
  return results;
}

function runOne(
  path: string,
  script: string,
  options: { quick: boolean; timeoutSeconds: number },
): Promise<ExtraBenchResult> {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    let timedOut = false;
    const child = spawn(process.execPath, [path, ...(options.quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, STRONGBOX_BENCH_QUICK: options.quick ? '1' : '0', STRONGBOX_BENCH_EXTRA: '1' },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, options.timeoutSeconds * 1000);
    const done = (exitCode: number | null) => {
      clearTimeout(timer);
      resolvePromise({ script, exitCode, seconds: (Date.now() - started) / 1000, timedOut });
    };
    child.on('error', () => done(null));
    child.on('close', (code) => done(code));
  });
}
