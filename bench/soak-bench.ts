/**
 * Memory under a mixed load over time (issue #21: "flat over a 10-minute mixed soak"):
 *   npx tsc -p tsconfig.json && node dist/bench/soak-bench.js [--minutes N] [--output FILE] [--quick]
 * Starts its own Strongbox (`--workers 1`, one process: the memory figure is one server's), then for N
 * minutes (default 10; 1 with --quick and when `npm run bench` runs it among its other benches) keeps
 * it busy with, all at once:
 *  - wrk, 8 connections: 4 KiB GETs and PUTs (8 bodies in turn) of 256 objects and ListObjectsV2 pages
 *    of 1000 keys of a 5,000-key bucket, round-robin, in segments of at most a minute (re-signed for
 *    each: a header-signed request is valid for 15 minutes);
 *  - http-load.ts, 2 connections: HEADs of the 256 objects (wrk cannot HEAD);
 *  - every ~20 s a 128 MiB PUT and GET of one object (large-object-client.ts).
 * Every 5 s it samples VmRSS of the server's processes, prints the series (time, RSS MiB) and its
 * verdict: flat when the last third's mean is within 10 % (or 20 MiB) of the middle third's. The series
 * and verdict go to stdout as one `SOAK_RESULT_JSON` line and to --output (default
 * bench/results/soak.json). Bounded: every load stops by itself at the end, and a guard ends the
 * process 2 minutes after that whatever happens.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './lib/cleanup.js';
import { benchConfig } from './lib/config.js';
import type { LargeTransferResult, LargeTransferSpec } from './lib/large-object-client.js';
import { flatKeys } from './lib/listing.js';
import { isMain } from './lib/is-main.js';
import { sendMany } from './lib/http-client.js';
import { treeKib } from './lib/rss.js';
import { objectPath, RequestSigner, type PreparedRequest } from './lib/signer.js';
import { createBucket, prepareSmallObjects, smallObjectFixture, type TargetAccess } from './lib/small-object.js';
import { strongboxTarget } from './lib/targets/strongbox-target.js';
import { detectWrk, runHttpLoad, runWrk, WRK_INSTALL_HINT } from './lib/wrk.js';

export interface RssPoint {
  /** Seconds since the load started. */
  readonly t: number;
  /** The server's resident memory (all its processes), MiB. */
  readonly mib: number;
}

export interface SoakVerdict {
  readonly flat: boolean;
  readonly middleMeanMiB: number;
  readonly lastMeanMiB: number;
  /** |last − middle| allowed: 10 % of the middle third's mean, or 20 MiB if that is more. */
  readonly allowedMiB: number;
  readonly reason?: string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Flat: the mean of the series' last third within 10 % (or 20 MiB, whichever is more) of its middle
 * third's. The first third is the warm-up (caches filling, JIT). Needs at least 3 points.
 */
export function soakVerdict(series: readonly RssPoint[]): SoakVerdict {
  const n = series.length;
  if (n < 3)
    return { flat: false, middleMeanMiB: 0, lastMeanMiB: 0, allowedMiB: 0, reason: `${n} samples: too few to judge` };
  const third = Math.floor(n / 3);
  const mean = (xs: readonly RssPoint[]) => xs.reduce((a, p) => a + p.mib, 0) / xs.length;
  const middle = mean(series.slice(third, n - third));
  const last = mean(series.slice(n - third));
  const allowed = Math.max(0.1 * middle, 20);
  return {
    flat: Math.abs(last - middle) <= allowed,
    middleMeanMiB: round1(middle),
    lastMeanMiB: round1(last),
    allowedMiB: round1(allowed),
  };
}

interface SoakOptions {
  readonly minutes: number;
  readonly output: string;
  readonly quick: boolean;
}

function parseArgs(argv: readonly string[], repoRoot: string): SoakOptions {
  // Run by `npm run bench` among its other benches (extra-benches.ts), or with --quick: one minute.
  const short =
    argv.includes('--quick') || process.env.STRONGBOX_BENCH_QUICK === '1' || process.env.STRONGBOX_BENCH_EXTRA === '1';
  let minutes = short ? 1 : 10;
  let output = join(repoRoot, 'bench/results/soak.json');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--minutes') {
      minutes = Number(argv[++i]);
      if (!(minutes > 0 && minutes <= 120)) throw new Error('--minutes takes 0 < N <= 120');
    } else if (argv[i] === '--output') output = resolve(argv[++i] ?? '');
    else if (argv[i] !== '--quick')
      throw new Error(
        `unknown option ${argv[i]}\nusage: node dist/bench/soak-bench.js [--minutes N] [--output FILE] [--quick]`,
      );
  }
  return { minutes, output, quick: short };
}

const LIST_BUCKET = 'soak-list';
const LIST_KEYS = 5000;
const LARGE_BYTES = 128 * 1024 * 1024;
const LARGE_EVERY_MS = 20_000;
const SAMPLE_MS = 5000;
const SEGMENT_S = 60;

async function main(): Promise<void> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const options = parseArgs(process.argv.slice(2), repoRoot);
  if (!detectWrk()) throw new Error(WRK_INSTALL_HINT);
  const started = Date.now();
  const loadMs = options.minutes * 60_000;
  // Whatever happens, this process ends: 2 minutes after the load's planned end.
  setTimeout(() => {
    process.stderr.write('soak-bench: guard time reached, exiting\n');
    process.exit(2);
  }, loadMs + 120_000).unref();
  const cleanup = new Cleanup();
  const benchDir = mkdtempSync(join(tmpdir(), 'strongbox-soak-'));
  cleanup.removeDirLater(benchDir);
  const onSignal = () => void cleanup.runAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const target = await strongboxTarget({ extraArgs: ['--workers', '1', '--log-level', 'warn'] }).start({
      benchDir,
      repoRoot,
      cleanup,
    });
    const access: TargetAccess = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
    const config = benchConfig({ quick: true });
    const fixture = smallObjectFixture(config);
    await prepareSmallObjects(access, fixture);
    const signer = new RequestSigner(access);
    await createBucket(access, signer, LIST_BUCKET);
    const listKeys = flatKeys('data/key-', LIST_KEYS, 7);
    await sendMany(
      access.endpoint,
      listKeys.length,
      (i) => signer.headerSigned('PUT', objectPath(LIST_BUCKET, listKeys[i]), { body: Buffer.alloc(0) }),
      { concurrency: 16 },
    );
    const workDir = join(benchDir, 'load');
    mkdirSync(workDir, { recursive: true });
    process.stdout.write(
      `soak: Strongbox pid ${target.pid} (--workers 1), ${options.minutes} min of mixed load: wrk 8 conn (4 KiB GET/PUT + LIST 1000 of ${LIST_KEYS}), HEAD 2 conn (http-load), a 128 MiB PUT+GET every ${LARGE_EVERY_MS / 1000} s\n`,
    );

    const loadStart = Date.now();
    const end = loadStart + loadMs;
    const series: RssPoint[] = [];
    const sample = () => {
      const kib = treeKib(target.pid).rss;
      if (kib.length === 0) return;
      const point = {
        t: Math.round((Date.now() - loadStart) / 1000),
        mib: round1(kib.reduce((a, b) => a + b, 0) / 1024),
      };
      series.push(point);
      process.stdout.write(`  t=${String(point.t).padStart(4)} s  rss ${point.mib.toFixed(1)} MiB\n`);
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_MS);
    const counts = { wrkRequests: 0, wrkErrors: 0, heads: 0, headErrors: 0, large: 0, largeFailed: 0 };

    const mixed = async (): Promise<PreparedRequest[]> => {
      const gets = fixture.getKeys.map((k) => signer.headerSigned('GET', objectPath(fixture.bucket, k)));
      const puts = fixture.putBodies.flatMap((body) =>
        fixture.putKeys.slice(0, 32).map((k) => signer.headerSigned('PUT', objectPath(fixture.bucket, k), { body })),
      );
      const lists = [0, 1000, 2000, 3000].map((at) =>
        signer.headerSigned('GET', `/${LIST_BUCKET}`, {
          query: { 'list-type': '2', 'max-keys': '1000', ...(at === 0 ? {} : { 'start-after': listKeys[at - 1] }) },
        }),
      );
      return Promise.all([...gets, ...puts, ...lists]);
    };
    const segments = async (run: (seconds: number, i: number) => Promise<void>) => {
      for (let i = 0; Date.now() < end - 1000; i++)
        await run(Math.max(1, Math.min(SEGMENT_S, Math.floor((end - Date.now()) / 1000))), i);
    };
    const wrkLoad = segments(async (seconds, i) => {
      const r = await runWrk({
        endpoint: access.endpoint,
        requests: await mixed(),
        connections: 8,
        threads: 1,
        workDir,
        durationSeconds: seconds,
        name: `soak-mixed-${i}`,
      });
      counts.wrkRequests += r.requests;
      counts.wrkErrors += r.statusErrors + r.socketErrors + r.timeouts;
    });
    const headLoad = segments(async (seconds, i) => {
      const requests = await Promise.all(
        fixture.getKeys.map((k) => signer.headerSigned('HEAD', objectPath(fixture.bucket, k))),
      );
      const r = await runHttpLoad({
        endpoint: access.endpoint,
        requests,
        noBody: requests.map(() => true),
        connections: 2,
        threads: 1,
        workDir,
        durationSeconds: seconds,
        name: `soak-head-${i}`,
      });
      counts.heads += r.requests;
      counts.headErrors += r.statusErrors + r.socketErrors + r.timeouts;
    });
    const largeLoad = (async () => {
      const path = objectPath('soak-large', 'object-128MiB');
      await createBucket(access, signer, 'soak-large');
      while (Date.now() < end - 5000) {
        const next = Date.now() + LARGE_EVERY_MS;
        const put = await signer.headerSigned('PUT', path, { unsignedPayload: true, contentLength: LARGE_BYTES });
        const timeoutMs = Math.max(5000, end - Date.now());
        const p = await largeTransfer(repoRoot, {
          ...access.endpoint,
          method: 'PUT',
          target: put.target,
          headers: put.headers,
          bytes: LARGE_BYTES,
          timeoutMs,
        });
        let ok = p.complete;
        if (ok) {
          const get = await signer.headerSigned('GET', path);
          const g = await largeTransfer(repoRoot, {
            ...access.endpoint,
            method: 'GET',
            target: get.target,
            headers: get.headers,
            bytes: LARGE_BYTES,
            timeoutMs: Math.max(5000, end - Date.now()),
          });
          ok = g.complete;
        }
        counts.large++;
        if (!ok) counts.largeFailed++;
        const wait = Math.min(next, end - 5000) - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    await Promise.all([wrkLoad, headLoad, largeLoad]);
    clearInterval(sampler);
    sample();
    const verdict = soakVerdict(series);
    const result = {
      schema: 1,
      generatedAt: new Date().toISOString(),
      minutes: options.minutes,
      server: 'strongbox --workers 1 --log-level warn',
      load: { ...counts, sampleSeconds: SAMPLE_MS / 1000 },
      series,
      verdict,
      totalSeconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(
      `soak: ${series.length} samples over ${options.minutes} min; middle third ${verdict.middleMeanMiB} MiB, last third ${verdict.lastMeanMiB} MiB ` +
        `(allowed ±${verdict.allowedMiB}): ${verdict.flat ? 'FLAT' : 'NOT FLAT'}${verdict.reason ? ` (${verdict.reason})` : ''}\n` +
        `  load: ${counts.wrkRequests} wrk requests (${counts.wrkErrors} errors), ${counts.heads} HEADs (${counts.headErrors} errors), ${counts.large} large PUT+GET (${counts.largeFailed} failed)\n`,
    );
    process.stdout.write(`SOAK_RESULT_JSON ${JSON.stringify(result)}\n`);
    mkdirSync(dirname(options.output), { recursive: true });
    writeFileSync(options.output, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`written to ${options.output}\n`);
  } finally {
    await cleanup.runAll();
  }
}

function largeTransfer(repoRoot: string, spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'dist/bench/lib/large-object-client.js'), JSON.stringify(spec)],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs + 15_000);
    const failed = (error: string): LargeTransferResult => ({
      status: 0,
      bytes: 0,
      seconds: 0,
      complete: false,
      timedOut: false,
      error,
    });
    child.on('error', (err) => resolvePromise(failed(String(err))));
    child.on('close', () => {
      clearTimeout(guard);
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop() ?? '') as LargeTransferResult);
      } catch {
        resolvePromise(failed('no result'));
      }
    });
  });
}

if (isMain(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`soak-bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
