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
        runs.push(options.wrkAvailable ? failed(p.target.name, step.scenario, 'ops/s', p.smallUnavailable) : skipped(p.target.name, step.scenario, 'ops/s', p.smallUnavailable));
        continue;
      }
      runs.push(await start(p, step.scenario, p.access.credentials));
      if (step.kind === 'get-header') runs.push(...(await identityRuns(p, start)));
    }
    for (let round = 0; round < config.wrk.rounds; round++) {
      for (const r of runs) if (r instanceof SmallObjectScenario) await r.round();
    }
    for (const r of runs) record(withSetupDetail(r instanceof SmallObjectScenario ? r.measurement() : r, config));
  }
  for (const p of prepared) if (p.target.name === 'strongbox' && !p.smallUnavailable) for (const m of await auditRuns(p, fixture, options)) record(m);
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
    return [SCENARIO.getAuditOff, SCENARIO.getAuditOn, SCENARIO.putAuditOff, SCENARIO.putAuditOn].map((s) => skipped(p.target.name, s, 'ops/s', reason));
  }
  const out: Measurement[] = [];
  const steps = [
    { kind: 'get-header' as const, off: SCENARIO.getAuditOff, on: SCENARIO.getAuditOn },
    { kind: 'put-header' as const, off: SCENARIO.putAuditOff, on: SCENARIO.putAuditOn },
  ];
  for (const step of steps) {
    const start = (scenario: string) =>
      SmallObjectScenario.start({ access: p.access, targetName: p.target.name, scenario, kind: step.kind, fixture, config, workDir, serverPid: p.target.pid });
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
  if (m.scenario === SCENARIO.getBucketPolicy) return { ...m, detail: { ...m.detail, bucket_policy_statements: BUCKET_POLICY_STATEMENTS } };
  if (m.scenario === SCENARIO.getRoleSession) {
    return { ...m, detail: { ...m.detail, ...policies, scps: 'FullAWSAccess + bench-guardrails (role-session.ts)' } };
  }
  return m;
}

type SmallRun = SmallObjectScenario | Measurement;
/** Signs and checks one small-object run of `p` (`objects`: the fixture's, unless another account's copy). */
type StartRun = (p: Prepared, scenario: string, credentials: Credentials, objects?: SmallObjectFixture) =>
  Promise<SmallRun>;

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
async function prepare(target: RunningTarget, fixture: SmallObjectFixture, config: BenchConfig, wrkAvailable: boolean, workDir: string): Promise<Prepared> {
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
