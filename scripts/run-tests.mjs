#!/usr/bin/env node
// Runs the compiled test files with node's built-in test runner.
// Node 20 has no glob support in `--test`, so we collect the files ourselves.
//   node scripts/run-tests.mjs            all tests (unit + integration)
//   node scripts/run-tests.mjs --unit     unit tests only (dist/src, dist/bench)
//   node scripts/run-tests.mjs PATTERN    only files whose path contains PATTERN
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const roots = unitOnly ? ['dist/src', 'dist/bench'] : ['dist/src', 'dist/bench', 'dist/test'];
const files = roots.flatMap(walk).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// No --test-force-exit: on Node 20 it can exit a test file before its last results reach the runner
// (seen: 9 results silently missing). Integration servers unref themselves instead (harness.ts).
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
