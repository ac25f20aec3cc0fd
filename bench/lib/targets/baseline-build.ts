/**
 * Strongbox as it was at a git commit, built inside the run's directory, so a change is measured
 * against its own past in one run (`--baseline <ref>`): the commit's files by `git archive` (the
 * working tree and `.git` are left alone), this checkout's node_modules linked in, the TypeScript
 * compiler run on it. Returns the built `cli.js`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export function buildBaseline(repoRoot: string, ref: string, dir: string): string {
  const sha = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--verify', `${ref}^{commit}`], { encoding: 'utf8' }).trim();
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', repoRoot, sha, dir], { stdio: 'pipe' });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe', timeout: 600_000 });
  } catch (e) {
    // tsc emits even when it reports type errors; only a missing build is fatal.
    if (!existsSync(join(dir, 'dist/src/cli.js'))) throw new Error(`building ${ref} (${sha}) failed: ${String(e)}`);
  }
  return join(dir, 'dist/src/cli.js');
}
