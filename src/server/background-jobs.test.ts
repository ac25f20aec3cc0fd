import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { BackgroundJobs, type BackgroundJob, type JobLease, type PassResult } from './background-jobs.js';
import { BackgroundLease } from './background-lease.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'strongbox-bg-'));
  dirs.push(d);
  return d;
}

const silent = pino({ level: 'silent' });
const alwaysHeld: JobLease = { tryHold: () => true, release: () => undefined };

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('BackgroundLease: one holder per data directory', () => {
  it('a second holder is refused until the first releases', () => {
    const dir = tempDir();
    const a = new BackgroundLease(dir);
    const b = new BackgroundLease(dir);
    assert.equal(a.tryHold(), true);
    assert.equal(a.tryHold(), true, 'holding again is a no-op');
    assert.equal(b.tryHold(), false);
    a.release();
    assert.equal(b.tryHold(), true);
    assert.equal(a.tryHold(), false);
    b.release();
  });

  it('another process cannot take it while this one holds it, and can once it is released', () => {
    const dir = tempDir();
    const lease = new BackgroundLease(dir);
    assert.equal(lease.tryHold(), true);
    const probe = `import('${new URL('./background-lease.js', import.meta.url).href}').then((m) => process.stdout.write(String(new m.BackgroundLease(process.argv[1]).tryHold())))`;
    const held = spawnSync(process.execPath, ['-e', probe, dir], { encoding: 'utf8' });
    assert.equal(held.stdout, 'false', held.stderr);
    lease.release();
    const free = spawnSync(process.execPath, ['-e', probe, dir], { encoding: 'utf8' });
    assert.equal(free.stdout, 'true', free.stderr);
  });
});

describe('BackgroundJobs', () => {
  it('runs passes again soon while a job has more to do, and stop waits for the pass in progress', async () => {
    const results: PassResult[] = ['More', 'More', 'Idle'];
    let passes = 0;
    let inPass = false;
    let finishedAfterAbort = false;
    const job: BackgroundJob = {
      name: 'test',
      async runPass({ signal }) {
        inPass = true;
        passes++;
        if (passes > results.length) {
          await new Promise((r) => setTimeout(r, 50));
          finishedAfterAbort = signal.aborted;
        }
        inPass = false;
        return results[passes - 1] ?? 'More';
      },
    };
    const jobs = new BackgroundJobs({ jobs: [job], lease: alwaysHeld, logger: silent, idleIntervalMs: 10, busyPauseMs: 1 });
    jobs.start();
    await until(() => passes > results.length && inPass);
    await jobs.stop();
    assert.equal(inPass, false, 'stop returned while a pass was running');
    assert.equal(finishedAfterAbort, true);
    const count = passes;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(passes, count, 'no pass after stop');
  });

  it('a failing pass is logged and the loop goes on', async () => {
    let passes = 0;
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    const job: BackgroundJob = {
      name: 'flaky',
      async runPass() {
        passes++;
        if (passes === 1) throw new Error('boom');
        return 'Idle';
      },
    };
    const jobs = new BackgroundJobs({ jobs: [job], lease: alwaysHeld, logger, idleIntervalMs: 5 });
    jobs.start();
    await until(() => passes >= 3);
    await jobs.stop();
    assert.equal(errors.length, 1);
  });

  it('without the lease no pass runs; it keeps trying and runs once it gets it', async () => {
    let free = false;
    let released = false;
    const lease: JobLease = { tryHold: () => free, release: () => (released = true) };
    let passes = 0;
    const jobs = new BackgroundJobs({
      jobs: [{ name: 'j', runPass: async () => (passes++, 'Idle') }],
      lease,
      logger: silent,
      idleIntervalMs: 5,
      leaseRetryMs: 5,
    });
    jobs.start();
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(passes, 0);
    free = true;
    await until(() => passes > 0);
    await jobs.stop();
    assert.equal(released, true);
  });
});
