import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { createIamBenchUser } from './iam-user.js';
import { runLargeObjectScenarios } from './large-object.js';
import { failed, skipped, type Measurement } from './measurement.js';
import { SCENARIO } from './ratios.js';
import type { Credentials } from './signer.js';
import {
  prepareSmallObjects,
  runSmallObjectScenario,
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
 * Every scenario on every running target, interleaved: scenario by scenario, each target in turn, so the
 * figures a ratio compares are measured seconds apart, not minutes (the machine's other load drifts).
 * The IAM-user GET runs right after the root GET of the same target, for the same reason.
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

  const small = (p: Prepared, scenario: string, kind: SmallObjectKind, credentials: Credentials) =>
    runSmallObjectScenario({ access: { ...p.access, credentials }, targetName: p.target.name, scenario, kind, fixture, config, workDir, serverPid: p.target.pid });
  const plan: { scenario: string; kind: SmallObjectKind }[] = [
    { scenario: SCENARIO.getHeader, kind: 'get-header' },
    { scenario: SCENARIO.getPresigned, kind: 'get-presigned' },
    { scenario: SCENARIO.put, kind: 'put-header' },
  ];
  for (const step of plan) {
    for (const p of prepared) {
      if (p.smallUnavailable) {
        record(options.wrkAvailable ? failed(p.target.name, step.scenario, 'ops/s', p.smallUnavailable) : skipped(p.target.name, step.scenario, 'ops/s', p.smallUnavailable));
        continue;
      }
      record(await small(p, step.scenario, step.kind, p.access.credentials));
      if (step.kind !== 'get-header' || !p.iam) continue;
      if ('reason' in p.iam) record(skipped(p.target.name, SCENARIO.getIam, 'ops/s', p.iam.reason));
      else {
        const m = await small(p, SCENARIO.getIam, 'get-header', p.iam.credentials);
        record({ ...m, detail: { ...m.detail, attached_policies: config.iamPolicyCount } });
      }
    }
  }
  for (const p of prepared) {
    for (const m of await runLargeObjectScenarios({ access: p.access, targetName: p.target.name, config, repoRoot: options.repoRoot, serverPid: p.target.pid })) record(m);
  }
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
