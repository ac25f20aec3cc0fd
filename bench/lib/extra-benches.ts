import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtraBenchResult } from './report.js';

/**
 * The other engineers' benches (dist/bench/*-bench.js: policy, storage, checksum ...), run after ours
 * with their output shown as is. Each gets `--quick` in quick mode and a hard time limit.
 */
export async function runExtraBenches(repoRoot: string, options: { quick: boolean; timeoutSeconds: number }): Promise<ExtraBenchResult[]> {
  const dir = join(repoRoot, 'dist/bench');
  if (!existsSync(dir)) return [];
  const scripts = readdirSync(dir).filter((f) => f.endsWith('-bench.js')).sort();
  const results: ExtraBenchResult[] = [];
  for (const script of scripts) {
    process.stdout.write(`\n=== ${script} ===\n`);
    results.push(await runOne(join(dir, script), script, options));
  }
  return results;
}

function runOne(path: string, script: string, options: { quick: boolean; timeoutSeconds: number }): Promise<ExtraBenchResult> {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    let timedOut = false;
    const child = spawn(process.execPath, [path, ...(options.quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, STRONGBOX_BENCH_QUICK: options.quick ? '1' : '0' } });
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
