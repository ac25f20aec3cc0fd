/**
 * The request-path benchmark: `npm run bench` (about 16 minutes with the other benches) or
 * `npm run bench -- --quick` (about 5). Starts each target in its own process on 127.0.0.1, loads it
 * from other processes (wrk for 4 KiB objects and listings, http-load for HEAD against GET, a node
 * client for the large objects), measures dd on the same disk, samples the targets' memory, prints a
 * table with the ratios the project aims for and writes it to bench/results/latest.json. See
 * bench/README.md.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cleanup } from './lib/cleanup.js';
import { benchConfig } from './lib/config.js';
import { runExtraBenches } from './lib/extra-benches.js';
import type { Measurement } from './lib/measurement.js';
import { computeRatios, ratioSpecs } from './lib/ratios.js';
import {
  formatReport,
  writeReportJson,
  type BenchReport,
  type ExtraBenchResult,
  type TargetInfo,
} from './lib/report.js';
import { runSuite } from './lib/suite.js';
import { bareTarget } from './lib/targets/bare-target.js';
import { s3rverTarget } from './lib/targets/s3rver-target.js';
import { strongboxTarget } from './lib/targets/strongbox-target.js';
import type { RunningTarget, TargetContext, TargetDefinition } from './lib/targets/target.js';
import { detectWrk, WRK_INSTALL_HINT } from './lib/wrk.js';

interface CliOptions {
  readonly quick: boolean;
  readonly targets: readonly string[] | undefined;
  readonly extra: boolean;
  readonly strongboxArgs: readonly string[];
  /** Strongbox's `--workers`: `auto` (one worker process per core, as deployed) unless told. */
  readonly workers: string;
  readonly output: string | undefined;
  readonly durationSeconds: number | undefined;
  readonly warmupSeconds: number | undefined;
  readonly rounds: number | undefined;
  /** `--baseline <git ref>`: that commit's build runs the 4 KiB scenarios too, as target `baseline`. */
  readonly baseline: string | undefined;
}

const USAGE = `usage: node dist/bench/run.js [--quick] [--targets bare,s3rver,strongbox] [--no-extra]
                               [--duration SECONDS] [--warmup SECONDS] [--rounds N]
                               [--workers N|auto] [--strongbox-arg ARG]... [--output FILE]
                               [--baseline GIT-REF]`;

function parseArgs(argv: readonly string[]): CliOptions {
  let quick = false;
  let targets: string[] | undefined;
  let extra = true;
  let output: string | undefined;
  let durationSeconds: number | undefined;
  let warmupSeconds: number | undefined;
  let rounds: number | undefined;
  const strongboxArgs: string[] = [];
  let workers = 'auto';
  let baseline: string | undefined;
  const seconds = (v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 120) throw new Error(`expected whole seconds (0-120), got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--no-extra') extra = false;
    else if (a === '--targets') targets = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--strongbox-arg') strongboxArgs.push(argv[++i] ?? '');
    else if (a === '--workers') workers = argv[++i] ?? '';
    else if (a === '--output') output = argv[++i];
    else if (a === '--baseline') baseline = argv[++i];
    else if (a === '--duration') durationSeconds = Math.max(1, seconds(argv[++i]));
    else if (a === '--warmup') warmupSeconds = seconds(argv[++i]);
    else if (a === '--rounds') rounds = Math.max(1, Math.min(9, seconds(argv[++i])));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return { quick, targets, extra, strongboxArgs, workers, output, durationSeconds, warmupSeconds, rounds, baseline };
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const options = parseArgs(process.argv.slice(2));
  // The SDK's Node-20 deprecation notice would land in the middle of the table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = benchConfig({
    quick: options.quick,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    rounds: options.rounds,
  });
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const wrkVersion = detectWrk();
  if (!wrkVersion) process.stderr.write(`\n*** ${WRK_INSTALL_HINT}\n*** The 4 KiB scenarios are skipped.\n\n`);

  const cleanup = new Cleanup();
  const benchDir = mkdtempSync(join(tmpdir(), 'strongbox-bench-'));
  cleanup.removeDirLater(benchDir);
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\n${sig}: stopping servers and removing ${benchDir}\n`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: TargetContext = { benchDir, repoRoot, cleanup };

  const measurements: Measurement[] = [];
  const targetInfos: TargetInfo[] = [];
  const phaseSeconds: Record<string, number> = {};
  try {
    const strongboxArgs = ['--workers', options.workers, ...options.strongboxArgs];
    const all: TargetDefinition[] = [bareTarget, s3rverTarget, strongboxTarget({ extraArgs: strongboxArgs })];
    if (options.baseline !== undefined)
      all.push(strongboxTarget({ extraArgs: strongboxArgs, baselineRef: options.baseline }));
    const running: RunningTarget[] = [];
    for (const def of all.filter(
      (t) => !options.targets || options.targets.includes(t.name) || t.name === 'baseline',
    )) {
      const launched = await startTarget(def, ctx);
      targetInfos.push(launched.info);
      if (launched.target) running.push(launched.target);
    }
    const log = (m: Measurement) => {
      measurements.push(m);
      const v =
        m.value === null ? m.status : `${m.unit === 'ops/s' ? Math.round(m.value) : m.value.toFixed(1)} ${m.unit}`;
      process.stdout.write(
        `  ${m.target}${m.beside ? ` (beside ${m.beside})` : ''} ${m.scenario}: ${v}${m.note ? ` (${m.note.slice(0, 200)})` : ''}\n`,
      );
    };
    try {
      await runSuite(running, {
        config,
        benchDir,
        repoRoot,
        wrkAvailable: wrkVersion !== undefined,
        onMeasurement: log,
        phaseSeconds,
      });
    } catch (err) {
      process.stdout.write(`bench error: ${String(err)}\n`);
      for (const t of running) process.stdout.write(`--- ${t.name} log tail ---\n${t.logTail(15)}\n`);
      throw err;
    }
  } finally {
    await cleanup.runAll();
  }

  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    wrk: wrkVersion ?? 'missing',
    loadavg_start: loadAtStart,
    loadavg_end: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    load: `wrk -t${config.wrk.threads} -c${config.wrk.connections} -d${config.wrk.durationSeconds}s, median of ${config.wrk.rounds} round(s)`,
  };
  const output = options.output ?? join(repoRoot, 'bench/results/latest.json');
  const build = (extraBenches: readonly ExtraBenchResult[]): BenchReport => ({
    schema: 1,
    generatedAt: new Date().toISOString(),
    quick: config.quick,
    machine,
    config,
    targets: targetInfos,
    measurements,
    ratios: computeRatios(ratioSpecs(config.largeObject.bytes, config.iamPolicyCount), measurements),
    extraBenches,
    totalSeconds: (Date.now() - started) / 1000,
    phaseSeconds,
  });
  const report = build([]);
  writeReportJson(output, report);
  process.stdout.write(`\n${formatReport(report)}\n\nwritten to ${output}\n`);
  if (!wrkVersion) process.stderr.write(`\n*** ${WRK_INSTALL_HINT}\n`);
  if (options.extra) {
    const extras = await runExtraBenches(repoRoot, {
      quick: config.quick,
      timeoutSeconds: config.extraBenchTimeoutSeconds,
      timeoutOverrides: config.extraBenchTimeoutOverrides,
      deadline: Date.now() + config.extraBudgetSeconds * 1000,
    });
    if (extras.length > 0) writeReportJson(output, build(extras));
  }
}

/** Starts one target; a target that cannot run is reported, not fatal. */
async function startTarget(
  def: TargetDefinition,
  ctx: TargetContext,
): Promise<{ info: TargetInfo; target?: RunningTarget }> {
  const reason = def.unavailableReason(ctx);
  if (reason) {
    process.stdout.write(`${def.name}: skipped (${reason})\n`);
    return { info: { name: def.name, status: 'skipped', note: reason } };
  }
  try {
    const target = await def.start(ctx);
    process.stdout.write(`${def.name}: pid ${target.pid}, http://${target.endpoint.host}:${target.endpoint.port}\n`);
    return { info: { name: def.name, status: 'ran', durability: target.durability }, target };
  } catch (err) {
    process.stdout.write(`${def.name}: failed to start: ${String(err)}\n`);
    return { info: { name: def.name, status: 'failed', note: `failed to start: ${oneLine(String(err), 600)}` } };
  }
}

function oneLine(text: string, max: number): string {
  return text.replace(/\s*\n\s*/g, ' | ').slice(0, max);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
