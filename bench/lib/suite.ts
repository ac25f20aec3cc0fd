import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { runDd } from './dd.js';
import { createIamBenchUser } from './iam-user.js';
import { createAuditTrail, type AuditSwitch } from './audit-bench.js';
import { runLargeObjectScenarios } from './large-object.js';
import { failed, medianOfEach, skipped, type Measurement } from './measurement.js';
import { SCENARIO } from './ratios.js';
import { createRoleBench, type RoleBench } from './role-session.js';
import { BUCKET_POLICY_STATEMENTS, createBucketPolicyBench } from './bucket-policy.js';
import type { Credentials } from './signer.js';
import {
  prepareSmallObjects,
  SmallObjectScenario,
  smallObjectFixture,
  warmUpTarget,
  type SmallObjectFixture,
  type SmallObjectKind,
  type TargetAccess,
} from './small-object.js';
import type { RunningTarget } from './targets/target.js';
import { WRK_INSTALL_HINT } from './wrk.js';
import { HeadOrGetScenario } from './head-object.js';
import {
  barePages,
  ListingScenario,
  listingDefs,
  seedOverHttp,
  seedThroughStorage,
  targetPages,
  type ListingDef,
  type SeedInfo,
} from './listing.js';
import { runOneCorePut } from './one-core-put.js';
import { pinTrees, tasksetAvailable } from './pinning.js';
import { rssDetail, RssSampler } from './rss.js';

export interface SuiteOptions {
  readonly config: BenchConfig;
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly wrkAvailable: boolean;
  /** Called with each figure as soon as it is measured. */
  readonly onMeasurement: (m: Measurement) => void;
  /** Filled with the seconds each part of the suite took (setup, 4 KiB, HEAD, listings ...), for the report. */
  readonly phaseSeconds?: Record<string, number>;
}

interface Prepared {
  readonly target: RunningTarget;
  readonly access: TargetAccess;
  /** Why the 4 KiB scenarios cannot run on this target (no wrk, setup failed), if so. */
  readonly smallUnavailable: string | undefined;
  /** IAM-user credentials, or why there are none. */
  readonly iam: { readonly credentials: Credentials } | { readonly reason: string } | undefined;
  /** The organization's member account with bench-reader under an SCP, or why there is none. */
  readonly role: { readonly bench: RoleBench } | { readonly reason: string } | undefined;
  /** The objects again in a bucket with a 20-statement conditional bucket policy, or why there are none. */
  readonly policy: { readonly fixture: SmallObjectFixture } | { readonly reason: string } | undefined;
}

/**
 * Every scenario on every running target, interleaved: scenario by scenario, and within a scenario round
 * by round, each target in turn, so the figures a ratio compares are measured seconds apart, not minutes
 * (the machine's other load drifts), and each is the median of its rounds. The IAM-user GET runs right
 * after the root GET of the same target in every round, and the role-session GET right after the
 * IAM-user GET, for the same reason. The large objects come last, also in rounds, each target's right
 * after dd on the same disk (the virtual disk's speed drifts too).
 */
export async function runSuite(targets: readonly RunningTarget[], options: SuiteOptions): Promise<Measurement[]> {
  const rss = new RssSampler(targets, options.config.rssSampleMs);
  try {
    return await runScenarios(targets, options, rss);
  } finally {
    rss.stop();
  }
}

async function runScenarios(
  targets: readonly RunningTarget[],
  options: SuiteOptions,
  rss: RssSampler,
): Promise<Measurement[]> {
  const { config } = options;
  const out: Measurement[] = [];
  // Each figure carries its target's peak resident memory over the step that measured it (rss.window()).
  const record = (m: Measurement) => {
    const withRss =
      m.target === 'dd' || m.value === null
        ? m
        : { ...m, detail: { ...m.detail, ...rssDetail(rss.windowPeak(m.target)) } };
    out.push(withRss);
    options.onMeasurement(withRss);
  };
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    if (options.phaseSeconds)
      options.phaseSeconds[name] = Math.round((options.phaseSeconds[name] ?? 0) + (now - phaseStart) / 1000);
    phaseStart = now;
  };
  const fixture = smallObjectFixture(config);
  const workDir = join(options.benchDir, 'wrk');
  mkdirSync(workDir, { recursive: true });
  const prepared: Prepared[] = [];
  for (const target of targets) prepared.push(await prepare(target, fixture, config, options.wrkAvailable, workDir));
  phase('setup');

  const plan: { scenario: string; kind: SmallObjectKind }[] = [
    { scenario: SCENARIO.getHeader, kind: 'get-header' },
    { scenario: SCENARIO.getPresigned, kind: 'get-presigned' },
    { scenario: SCENARIO.put, kind: 'put-header' },
  ];
  for (const step of plan) {
    rss.window();
    // Every target's runs of this scenario (and, after the root GET, the IAM-user and role-session GETs of
    // the same server).
    const runs: SmallRun[] = [];
    const start: StartRun = (p, scenario, credentials, objects = fixture) =>
      SmallObjectScenario.start({
        access: { ...p.access, credentials },
        targetName: p.target.name,
        scenario,
        kind: step.kind,
        fixture: objects,
        config,
        workDir,
        serverPid: p.target.pid,
      });
    for (const p of prepared) {
      if (p.smallUnavailable) {
        runs.push(
          options.wrkAvailable
            ? failed(p.target.name, step.scenario, 'ops/s', p.smallUnavailable)
            : skipped(p.target.name, step.scenario, 'ops/s', p.smallUnavailable),
        );
        continue;
      }
      runs.push(await start(p, step.scenario, p.access.credentials));
      if (step.kind === 'get-header') runs.push(...(await identityRuns(p, start)));
    }
    for (let round = 0; round < config.wrk.rounds; round++) {
      for (const r of runs) if (r instanceof SmallObjectScenario) await r.round();
    }
    for (const r of runs) record(withSetupDetail(r instanceof SmallObjectScenario ? r.measurement() : r, config));
    phase('4 KiB');
    if (step.kind === 'get-header') {
      rss.window();
      for (const m of await headRuns(prepared, fixture, options)) record(m);
      phase('HEAD / GET');
    }
  }
  rss.window();
  for (const p of prepared)
    if (p.target.name === 'strongbox' && !p.smallUnavailable)
      for (const m of await auditRuns(p, fixture, options)) record(m);
  phase('4 KiB');
  rss.window();
  // Large objects, round by round, each target in turn with dd on the same disk right before it; the
  // figures are the medians of every measurement of them (reads: rounds × readsPerRound).
  const large: Measurement[][] = prepared.map(() => []);
  for (let round = 0; round < config.largeObject.rounds; round++) {
    for (const [i, p] of prepared.entries()) {
      const dd = await runDd(
        options.benchDir,
        config.dd.bytes,
        config.dd.timeoutSeconds,
        config.largeObject.readsPerRound,
      );
      const transfers = await runLargeObjectScenarios({
        access: p.access,
        targetName: p.target.name,
        config,
        repoRoot: options.repoRoot,
        serverPid: p.target.pid,
      });
      large[i].push(...dd.map((m) => ({ ...m, beside: p.target.name })), ...transfers);
    }
  }
  for (const runs of large) for (const m of medianOfEach(runs)) record(m);
  phase('large objects');
  await listingPhase(prepared, options, rss, record, phase);
  rss.window();
  for (const m of await oneCorePutPhase(prepared, options)) record(m);
  phase('PUT one core');
  for (const t of targets) {
    const peak = rss.runPeak(t.name);
    if (!peak) continue;
    const hwm = rss.highWaterMiB(t.name);
    // Not through `record`: its detail is the run's peak, not the last step's.
    const figure: Measurement = {
      target: t.name,
      scenario: SCENARIO.peakRss,
      unit: 'MiB',
      value: peak.processMiB,
      status: 'ok',
      detail: {
        rss_peak_process_mib: peak.processMiB,
        rss_peak_tree_mib: peak.treeMiB,
        samples: peak.samples,
        sample_interval_ms: config.rssSampleMs,
        ...(hwm !== undefined ? { vmhwm_max_process_mib: hwm } : {}),
      },
    };
    out.push(figure);
    options.onMeasurement(figure);
  }
  return out;
}

/**
 * The one-core scenarios pin every target's processes to `config.pin.serverCpu` (pinning.ts) and run
 * the load generator on `config.pin.loadCpu`; `cpu` is undefined (and `note` says why) when they run
 * unpinned.
 */
function pinTargets(
  targets: readonly RunningTarget[],
  config: BenchConfig,
): { cpu: number | undefined; note?: string; restore(): void } {
  if (!tasksetAvailable())
    return { cpu: undefined, note: 'not pinned: taskset is missing (util-linux)', restore: () => undefined };
  try {
    const pinning = pinTrees(
      targets.map((t) => t.pid),
      config.pin.serverCpu,
    );
    return { cpu: config.pin.loadCpu, restore: () => pinning.restore() };
  } catch (err) {
    return { cpu: undefined, note: `not pinned: ${String(err)}`, restore: () => undefined };
  }
}

/** HEAD and GET of the 256 objects from http-load.ts, server pinned, round by round (s3rver: not run). */
async function headRuns(
  prepared: readonly Prepared[],
  fixture: SmallObjectFixture,
  options: SuiteOptions,
): Promise<Measurement[]> {
  const { config } = options;
  const workDir = join(options.benchDir, 'wrk');
  const eligible = prepared.filter((p) => p.target.name !== 's3rver');
  const runs: (HeadOrGetScenario | Measurement)[] = [];
  for (const p of eligible) {
    for (const [scenario, method] of [
      [SCENARIO.head, 'HEAD'],
      [SCENARIO.getHttpLoad, 'GET'],
    ] as const) {
      if (p.smallUnavailable) runs.push(skipped(p.target.name, scenario, 'ops/s', p.smallUnavailable));
      else
        runs.push(
          await HeadOrGetScenario.start({
            access: p.access,
            targetName: p.target.name,
            scenario,
            method,
            fixture,
            config,
            workDir,
            serverPid: p.target.pid,
          }),
        );
    }
  }
  const pin = pinTargets(
    eligible.map((p) => p.target),
    config,
  );
  try {
    for (let round = 0; round < config.head.rounds; round++) {
      // HEAD first in odd rounds, GET first in even ones: neither always follows the other.
      const order = round % 2 === 0 ? runs : [...runs].reverse();
      for (const r of order) if (r instanceof HeadOrGetScenario) await r.round(pin.cpu);
    }
  } finally {
    pin.restore();
  }
  return runs.map((r) => {
    const m = r instanceof HeadOrGetScenario ? r.measurement() : r;
    return pin.note && m.value !== null ? { ...m, note: pin.note } : m;
  });
}

/** The large PUT on one core: every target in turn, round by round, server pinned. */
async function oneCorePutPhase(prepared: readonly Prepared[], options: SuiteOptions): Promise<Measurement[]> {
  const { config } = options;
  const runs: Measurement[] = [];
  const pin = pinTargets(
    prepared.map((p) => p.target),
    config,
  );
  try {
    for (let round = 0; round < config.oneCorePut.rounds; round++) {
      for (const p of prepared) {
        const m = await runOneCorePut({
          access: p.access,
          targetName: p.target.name,
          config,
          repoRoot: options.repoRoot,
          serverPid: p.target.pid,
          clientCpu: pin.cpu,
        });
        runs.push(pin.note && m.value !== null ? { ...m, note: pin.note } : m);
      }
    }
  } finally {
    pin.restore();
  }
  return medianOfEach(runs);
}

type ListingRunOrFigure = {
  readonly target: string;
  readonly def: ListingDef;
  readonly run: ListingScenario | Measurement;
};

/**
 * The listing scenarios (listing.ts): seed each bucket on every target that gets it (Strongbox and
 * the baseline: all of them, through HTTP or the storage layer; s3rver: the 20k bucket through HTTP,
 * if that takes less than the limit; bare: Strongbox's pages as files), check the pages, then measure
 * scenario by scenario, round by round, each target in turn, every target pinned to the server CPU.
 */
async function listingPhase(
  prepared: readonly Prepared[],
  options: SuiteOptions,
  rss: RssSampler,
  record: (m: Measurement) => void,
  phase: (name: string) => void,
): Promise<void> {
  const { config } = options;
  const L = config.listing;
  const defs = listingDefs(config);
  const workDir = join(options.benchDir, 'wrk');
  if (!options.wrkAvailable) {
    for (const def of defs)
      for (const p of prepared) record(skipped(p.target.name, def.scenario, 'pages/s', WRK_INSTALL_HINT));
    return;
  }
  const say = (text: string) => process.stdout.write(`  ${text}\n`);
  const seeds = new Map<string, SeedInfo | Error>(); // `${target}/${bucket}`
  const seedOf = (target: string, bucket: string) => seeds.get(`${target}/${bucket}`);
  const buckets = [...new Map(defs.map((d) => [d.bucket.bucket, d.bucket])).values()];
  // Strongbox-like targets first: the bare target serves their pages.
  const strongboxes = prepared.filter((p) => p.target.storage !== undefined);
  for (const p of strongboxes) {
    for (const b of buckets) {
      try {
        const info =
          b.seed === 'http'
            ? await seedOverHttp(p.access, b, { concurrency: L.httpSeedConcurrency })
            : await seedThroughStorage(p.target, p.access, b, { workDir, batch: L.seedBatch });
        seeds.set(`${p.target.name}/${b.bucket}`, info);
        say(
          `${p.target.name}: seeded ${b.bucket} (${b.keys.length.toLocaleString('en-US')} keys) through ${info.via} in ${info.seconds.toFixed(1)} s`,
        );
      } catch (err) {
        seeds.set(`${p.target.name}/${b.bucket}`, err instanceof Error ? err : new Error(String(err)));
        say(`${p.target.name}: seeding ${b.bucket} failed: ${String(err)}`);
      }
    }
  }
  const s3rver = prepared.find((p) => p.target.name === 's3rver');
  const small = defs[0].bucket;
  let s3rverRate: number | undefined;
  if (s3rver && L.s3rver) {
    try {
      const info = await seedOverHttp(s3rver.access, small, {
        concurrency: L.httpSeedConcurrency,
        deadline: Date.now() + L.s3rverSeedLimitSeconds * 1000,
      });
      s3rverRate = info.writes / info.seconds;
      if (info.complete) seeds.set(`s3rver/${small.bucket}`, info);
      else
        seeds.set(
          `s3rver/${small.bucket}`,
          new Error(
            `seeding ${small.keys.length.toLocaleString('en-US')} keys through HTTP took more than ${L.s3rverSeedLimitSeconds} s (${info.writes.toLocaleString('en-US')} done)`,
          ),
        );
      say(
        `s3rver: seeding ${small.bucket} through HTTP: ${info.writes} PUTs in ${info.seconds.toFixed(1)} s${info.complete ? '' : ' (stopped at the limit)'}`,
      );
    } catch (err) {
      seeds.set(`s3rver/${small.bucket}`, err instanceof Error ? err : new Error(String(err)));
    }
  }
  phase('listing: seeding');
  const runs: ListingRunOrFigure[] = [];
  const pagesFrom = strongboxes.find((p) => p.target.name === 'strongbox') ?? strongboxes[0];
  for (const def of defs) {
    const bodiesOf = new Map<string, Buffer[]>();
    for (const p of [
      ...strongboxes,
      ...(s3rver ? [s3rver] : []),
      ...prepared.filter((x) => x.target.name === 'bare'),
    ]) {
      const name = p.target.name;
      const fig = (run: ListingScenario | Measurement) => runs.push({ target: name, def, run });
      const skip = (reason: string) => fig(skipped(name, def.scenario, 'pages/s', reason));
      try {
        if (name === 'bare') {
          const bodies = pagesFrom ? bodiesOf.get(pagesFrom.target.name) : undefined;
          if (!bodies) {
            skip(
              `no Strongbox page to serve (${pagesFrom ? `${pagesFrom.target.name} has no figure for it` : 'strongbox not running'})`,
            );
            continue;
          }
          const started = performance.now();
          const requests = await barePages(p.access, def, bodies);
          // Each page was PUT and then fetched once: half of that, per page, bounds a fetch.
          const pageSeconds = (performance.now() - started) / 1000 / bodies.length / 2;
          fig(
            new ListingScenario({
              target: p.target,
              access: p.access,
              def,
              config,
              workDir,
              requests,
              bodies,
              pageSeconds,
              seed: undefined,
              note: undefined,
            }),
          );
          continue;
        }
        if (name === 's3rver') {
          const reason = s3rverSkip(def, L.s3rver, s3rverRate, seedOf('s3rver', def.bucket.bucket));
          if (reason) {
            skip(reason);
            continue;
          }
        }
        const seed = seedOf(name, def.bucket.bucket);
        if (seed instanceof Error) {
          skip(`seeding failed: ${seed.message}`);
          continue;
        }
        const { requests, bodies, pageSeconds } = await targetPages(p.access, def);
        bodiesOf.set(name, bodies);
        fig(
          new ListingScenario({
            target: p.target,
            access: p.access,
            def,
            config,
            workDir,
            requests,
            bodies,
            pageSeconds,
            seed,
          }),
        );
      } catch (err) {
        fig(failed(name, def.scenario, 'pages/s', err));
      }
    }
  }
  phase('listing: pages');
  const pin = pinTargets(
    prepared.map((p) => p.target),
    config,
  );
  try {
    for (const def of defs) {
      rss.window();
      const mine = runs.filter((r) => r.def === def);
      for (let round = 0; round < L.rounds; round++)
        for (const r of mine) if (r.run instanceof ListingScenario) await r.run.round(pin.cpu !== undefined);
      for (const r of mine) {
        const m = r.run instanceof ListingScenario ? r.run.measurement() : r.run;
        record(pin.note && m.value !== null ? { ...m, note: [m.note, pin.note].filter(Boolean).join('; ') } : m);
        if (def.scenario === SCENARIO.list1M && r.run instanceof ListingScenario)
          record(r.run.cpuMeasurement(SCENARIO.list1MCpu));
      }
    }
  } finally {
    pin.restore();
  }
  phase('listing: measured');
}

/** Why s3rver does not run a listing scenario, or undefined when it does (the 20k one, seeded in time). */
function s3rverSkip(
  def: ListingDef,
  enabled: boolean,
  rate: number | undefined,
  seed: SeedInfo | Error | undefined,
): string | undefined {
  if (!enabled) return 'context only: not run with --quick (seeding s3rver through HTTP takes too long)';
  const eta = (keys: number) =>
    rate ? ` (${Math.round(keys / rate / 60)} min at the ${Math.round(rate)} PUTs/s it took for the 20k bucket)` : '';
  if (def.scenario === SCENARIO.list20k)
    return seed instanceof Error ? seed.message : seed === undefined ? 'not seeded' : undefined;
  if (def.scenario === SCENARIO.list1M)
    return `s3rver can only be seeded through HTTP: ${def.bucket.keys.length.toLocaleString('en-US')} PUTs take too long${eta(def.bucket.keys.length)}`;
  if (def.scenario === SCENARIO.listVersions) return 's3rver 3.x does not implement versioning';
  return `its ${def.bucket.keys.length.toLocaleString('en-US')} keys could only be seeded through HTTP${eta(def.bucket.keys.length)}; context only`;
}

/**
 * Strongbox's 4 KiB GET and PUT with a trail logging every data event, and with it stopped, in
 * alternate rounds (audit-bench.ts).
 */
async function auditRuns(p: Prepared, fixture: SmallObjectFixture, options: SuiteOptions): Promise<Measurement[]> {
  const { config } = options;
  const workDir = join(options.benchDir, 'wrk');
  let trail: AuditSwitch;
  try {
    trail = await createAuditTrail(p.access, `${fixture.bucket}-trail`);
  } catch (err) {
    const reason = setupError('trail setup failed', err);
    return [SCENARIO.getAuditOff, SCENARIO.getAuditOn, SCENARIO.putAuditOff, SCENARIO.putAuditOn].map((s) =>
      skipped(p.target.name, s, 'ops/s', reason),
    );
  }
  const out: Measurement[] = [];
  const steps = [
    { kind: 'get-header' as const, off: SCENARIO.getAuditOff, on: SCENARIO.getAuditOn },
    { kind: 'put-header' as const, off: SCENARIO.putAuditOff, on: SCENARIO.putAuditOn },
  ];
  for (const step of steps) {
    const start = (scenario: string) =>
      SmallObjectScenario.start({
        access: p.access,
        targetName: p.target.name,
        scenario,
        kind: step.kind,
        fixture,
        config,
        workDir,
        serverPid: p.target.pid,
      });
    const off = await start(step.off);
    const on = await start(step.on);
    for (let round = 0; round < config.wrk.rounds; round++) {
      if (off instanceof SmallObjectScenario) await off.round();
      await trail.on();
      if (on instanceof SmallObjectScenario) await on.round();
      await trail.off();
    }
    for (const r of [off, on]) out.push(r instanceof SmallObjectScenario ? r.measurement() : r);
  }
  return out;
}

/** What the IAM-user and role-session figures were measured with, in their detail. */
function withSetupDetail(m: Measurement, config: BenchConfig): Measurement {
  if (m.value === null) return m;
  const policies = { attached_policies: config.iamPolicyCount };
  if (m.scenario === SCENARIO.getIam) return { ...m, detail: { ...m.detail, ...policies } };
  if (m.scenario === SCENARIO.getBucketPolicy)
    return { ...m, detail: { ...m.detail, bucket_policy_statements: BUCKET_POLICY_STATEMENTS } };
  if (m.scenario === SCENARIO.getRoleSession) {
    return { ...m, detail: { ...m.detail, ...policies, scps: 'FullAWSAccess + bench-guardrails (role-session.ts)' } };
  }
  return m;
}

type SmallRun = SmallObjectScenario | Measurement;
/** Signs and checks one small-object run of `p` (`objects`: the fixture's, unless another account's copy). */
type StartRun = (
  p: Prepared,
  scenario: string,
  credentials: Credentials,
  objects?: SmallObjectFixture,
) => Promise<SmallRun>;

/**
 * The IAM-user GET, then the role-session GET, of a target with IAM (a skipped figure with the reason
 * when one could not be set up). The bench-reader session is taken right before its requests are
 * signed, so the requests (replayable for 15 minutes) never outlive it (one hour); a session that
 * cannot be had is a setup failure too.
 */
async function identityRuns(p: Prepared, start: StartRun): Promise<SmallRun[]> {
  const runs: SmallRun[] = [];
  const skip = (scenario: string, reason: string) => skipped(p.target.name, scenario, 'ops/s', reason);
  // Root again, on the bucket with a policy: compared with the root GET right before it.
  if (p.policy && 'reason' in p.policy) runs.push(skip(SCENARIO.getBucketPolicy, p.policy.reason));
  else if (p.policy) runs.push(await start(p, SCENARIO.getBucketPolicy, p.target.credentials, p.policy.fixture));
  if (p.iam && 'reason' in p.iam) runs.push(skip(SCENARIO.getIam, p.iam.reason));
  else if (p.iam) runs.push(await start(p, SCENARIO.getIam, p.iam.credentials));
  if (p.role && 'reason' in p.role) runs.push(skip(SCENARIO.getRoleSession, p.role.reason));
  else if (p.role) {
    let credentials: Credentials | undefined;
    try {
      credentials = await p.role.bench.session();
    } catch (err) {
      runs.push(skip(SCENARIO.getRoleSession, setupError('AssumeRole bench-reader failed', err)));
    }
    if (credentials) runs.push(await start(p, SCENARIO.getRoleSession, credentials, p.role.bench.fixture));
  }
  return runs;
}

function setupError(what: string, err: unknown): string {
  return err instanceof Error ? `${what} (${err.name}: ${err.message})` : `${what} (${String(err)})`;
}

/**
 * Objects, then (on a target with IAM) the IAM user and the organization, then the target's warm-up:
 * the setup's writes are flushed and its code paths compiled before the first measured figure.
 */
async function prepare(
  target: RunningTarget,
  fixture: SmallObjectFixture,
  config: BenchConfig,
  wrkAvailable: boolean,
  workDir: string,
): Promise<Prepared> {
  const access = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  const none = { iam: undefined, role: undefined, policy: undefined };
  if (!wrkAvailable) return { target, access, smallUnavailable: WRK_INSTALL_HINT, ...none };
  try {
    await prepareSmallObjects(access, fixture);
  } catch (err) {
    return { target, access, smallUnavailable: `setup failed: ${String(err)}`, ...none };
  }
  const identities = target.supportsIam ? await prepareIdentities(access, fixture, config) : none;
  try {
    await warmUpTarget(access, fixture, config, workDir, target.name);
  } catch (err) {
    return { target, access, smallUnavailable: `setup failed: ${String(err)}`, ...none };
  }
  return { target, access, smallUnavailable: undefined, ...identities };
}

/** The IAM user and the organization's role, each or the reason it could not be set up. */
async function prepareIdentities(
  access: TargetAccess,
  fixture: SmallObjectFixture,
  config: BenchConfig,
): Promise<Pick<Prepared, 'iam' | 'role' | 'policy'>> {
  const policyCount = config.iamPolicyCount;
  let policy: Prepared['policy'];
  try {
    policy = { fixture: await createBucketPolicyBench(access, { fixture, bucket: `${fixture.bucket}-policy` }) };
  } catch (err) {
    policy = { reason: setupError('bucket policy setup failed', err) };
  }
  let iam: Prepared['iam'];
  try {
    iam = { credentials: await createIamBenchUser(access, { bucket: fixture.bucket, policyCount }) };
  } catch (err) {
    iam = { reason: setupError('IAM setup failed', err) };
  }
  try {
    // Bucket names are global: the member account's copy of the objects needs its own.
    const bench = await createRoleBench(access, { fixture, bucket: `${fixture.bucket}-member`, policyCount });
    return { iam, role: { bench }, policy };
  } catch (err) {
    return { iam, role: { reason: setupError('organization / role setup failed', err) }, policy };
  }
}
