import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { DataDirInUseError, DataDirLock } from './data-dir-lock.js';

describe('DataDirLock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-lock-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lets one primary in, its workers join, and keeps a second server out', () => {
    const primary = DataDirLock.acquire(dir, 50);
    assert.throws(() => DataDirLock.acquire(dir, 50), DataDirInUseError);
    primary.hold(dir);
    const workers = [DataDirLock.join(dir, 50), DataDirLock.join(dir, 50)];
    assert.throws(() => DataDirLock.acquire(dir, 50), DataDirInUseError);
    primary.release();
    // The primary is gone but a worker still runs: a new server must wait for it, not sweep under it.
    workers[0].release();
    assert.throws(() => DataDirLock.acquire(dir, 50), DataDirInUseError);
    workers[1].release();
    const next = DataDirLock.acquire(dir, 50);
    next.release();
    next.release(); // idempotent
  });

  it('waits for the last worker of an earlier server to exit', async () => {
    // better-sqlite3 waits synchronously, so a worker in this process could not release meanwhile: a
    // child process is the worker, holding the directory for 300 ms.
    // It marks its release in a file first, so the check does not depend on how fast this machine is.
    const lockModule = new URL('./data-dir-lock.js', import.meta.url).href;
    const releasing = join(dir, 'worker-releasing');
    const child = spawn(process.execPath, ['--input-type=module', '-e', `
      const { writeFileSync } = await import('node:fs');
      const { DataDirLock } = await import(${JSON.stringify(lockModule)});
      const w = DataDirLock.join(${JSON.stringify(dir)}, 1000);
      process.stdout.write('joined\\n');
      setTimeout(() => { writeFileSync(${JSON.stringify(releasing)}, ''); w.release(); process.exit(0); }, 300);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const next = DataDirLock.acquire(dir, 5000);
    assert.ok(existsSync(releasing), 'acquired while the worker still held the directory');
    next.release();
    await new Promise((resolve) => child.once('exit', resolve));
  });
});
