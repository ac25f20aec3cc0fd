import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { runDd } from './dd.js';
import { createIamBenchUser } from './iam-user.js';
import { runLargeObjectScenarios } from './large-object.js';
import { failed, medianOfEach, skipped, type Measurement } from './measurement.js';
import { SCENARIO } from './ratios.js';
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

export interface SuiteOptions {
  readonly config: BenchConfig;
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly wrkAvailable: boolean;
  /** Called with each figure as soon as it is measured. */
  readonly onMeasurement: (m: Measurement) => void;
}

interface Prepared {
  readonly target: RunningTarget;
  readonly access: TargetAccess;
  /** Why the 4 KiB scenarios cannot run on this target (no wrk, setup failed), if so. */
  readonly smallUnavailable: string | undefined;
  /** IAM-user credentials, or why there are none. */
  readonly iam: { readonly credentials: Credentials } | { readonly reason: string } | undefined;
}

/**
 * Every scenario on every running target, interleaved: scenario by scenario, and within a scenario round
 * by round, each target in turn, so the figures a ratio compares are measured seconds apart, not minutes
 * (the machine's other load drifts), and each is the median of its rounds. The IAM-user GET runs right
 * after the root GET of the same target in every round, for the same reason. The large objects come
 * last, also in rounds, each target's right after dd on the same disk (the virtual disk's speed
 * drifts too).
 */
export async function runSuite(targets: readonly RunningTarget[], options: SuiteOptions): Promise<Measurement[]> {
  const { config } = options;
  const out: Measurement[] = [];
  const record = (m: Measurement) => {
    out.push(m);
    options.onMeasurement(m);
  };
  const fixture = smallObjectFixture(config);
  const workDir = join(options.benchDir, 'wrk');
  mkdirSync(workDir, { recursive: true });
  const prepared: Prepared[] = [];
  for (const target of targets) prepared.push(await prepare(target, fixture, config, options.wrkAvailable, workDir));

  const plan: { scenario: string; kind: SmallObjectKind }[] = [
    { scenario: SCENARIO.getHeader, kind: 'get-header' },
    { scenario: SCENARIO.getPresigned, kind: 'get-presigned' },
    { scenario: SCENARIO.put, kind: 'put-header' },
  ];
  for (const step of plan) {
    // Every target's runs of this scenario (and, after the root GET, the IAM-user GET of the same server).
    const runs: (SmallObjectScenario | Measurement)[] = [];
    const start = (p: Prepared, scenario: string, credentials: Credentials) =>
      SmallObjectScenario.start({ access: { ...p.access, credentials }, targetName: p.target.name, scenario, kind: step.kind, fixture, config, workDir, serverPid: p.target.pid });
    for (const p of prepared) {
      if (p.smallUnavailable) {
        runs.push(options.wrkAvailable ? failed(p.target.name, step.scenario, 'ops/s', p.smallUnavailable) : skipped(p.target.name, step.scenario, 'ops/s', p.smallUnavailable));
        continue;
      }
      runs.push(await start(p, step.scenario, p.access.credentials));
      if (step.kind !== 'get-header' || !p.iam) continue;
      if ('reason' in p.iam) runs.push(skipped(p.target.name, SCENARIO.getIam, 'ops/s', p.iam.reason));
      else runs.push(await start(p, SCENARIO.getIam, p.iam.credentials));
    }
    for (let round = 0; round < config.wrk.rounds; round++) {
      for (const r of runs) if (r instanceof SmallObjectScenario) await r.round();
    }
    for (const r of runs) {
      const m = r instanceof SmallObjectScenario ? r.measurement() : r;
      record(m.scenario === SCENARIO.getIam && m.value !== null ? { ...m, detail: { ...m.detail, attached_policies: config.iamPolicyCount } } : m);
    }
  }
  // Large objects, round by round, each target in turn with dd on the same disk right before it; the
  // figures are the medians of every measurement of them (reads: rounds × readsPerRound).
  const large: Measurement[][] = prepared.map(() => []);
  for (let round = 0; round < config.largeObject.rounds; round++) {
    for (const [i, p] of prepared.entries()) {
      const dd = await runDd(options.benchDir, config.dd.bytes, config.dd.timeoutSeconds, config.largeObject.readsPerRound);
      const transfers = await runLargeObjectScenarios({ access: p.access, targetName: p.target.name, config, repoRoot: options.repoRoot, serverPid: p.target.pid });
      large[i].push(...dd.map((m) => ({ ...m, beside: p.target.name })), ...transfers);
    }
  }
  for (const runs of large) for (const m of medianOfEach(runs)) record(m);
  return out;
}

async function prepare(target: RunningTarget, fixture: SmallObjectFixture, config: BenchConfig, wrkAvailable: boolean, workDir: string): Promise<Prepared> {
  const access = { endpoint: target.endpoint, region: target.region, credentials: target.credentials };
  if (!wrkAvailable) return { target, access, smallUnavailable: WRK_INSTALL_HINT, iam: undefined };
  try {
    await prepareSmallObjects(access, fixture);
    await warmUpTarget(access, fixture, config, workDir, target.name);
  } catch (err) {
    return { target, access, smallUnavailable: `setup failed: ${String(err)}`, iam: undefined };
  }
  if (!target.supportsIam) return { target, access, smallUnavailable: undefined, iam: undefined };
  try {
    const credentials = await createIamBenchUser(access, { bucket: fixture.bucket, policyCount: config.iamPolicyCount });
    return { target, access, smallUnavailable: undefined, iam: { credentials } };
  } catch (err) {
    return { target, access, smallUnavailable: undefined, iam: { reason: `IAM setup failed (${(err as Error).name}: ${(err as Error).message})` } };
  }
}
