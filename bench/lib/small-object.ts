import { randomBytes } from 'node:crypto';
import type { BenchConfig } from './config.js';
import { cpuSince, cpuSnapshot } from './cpu-usage.js';
import { send, sendAll } from './http-client.js';
import { failed, medianOfRounds, type Measurement } from './measurement.js';
import { objectPath, RequestSigner, type Credentials, type Endpoint, type PreparedRequest } from './signer.js';
import { runWrk } from './wrk.js';

/** The small-object workloads wrk replays. */
export type SmallObjectKind = 'get-header' | 'get-presigned' | 'put-header';

/** Keys and the fixed body shared by every small-object scenario of a run. */
export interface SmallObjectFixture {
  readonly bucket: string;
  /** Objects created by `prepareSmallObjects`, read by the GET scenarios. */
  readonly getKeys: readonly string[];
  /** Objects the PUT scenario overwrites over and over. */
  readonly putKeys: readonly string[];
  readonly body: Buffer;
  /**
   * The bodies the PUT scenario writes, each key in turn with each of them, so that an overwrite brings
   * new bytes as real writes do: rewriting a row with identical bytes lets SQLite skip writing its pages,
   * which made a stream of identical PUTs cheaper than any real workload (and encrypted PUTs, whose
   * ciphertext always differs, look slower than they are next to it).
   */
  readonly putBodies: readonly Buffer[];
}

/** How many distinct bodies the PUT scenario cycles through (see SmallObjectFixture.putBodies). */
const PUT_BODIES = 8;

export function smallObjectFixture(config: BenchConfig): SmallObjectFixture {
  const { bucket, keyCount, bytes } = config.smallObject;
  const key = (prefix: string, i: number) => `${prefix}/obj-${String(i).padStart(5, '0')}`;
  return {
    bucket,
    getKeys: Array.from({ length: keyCount }, (_, i) => key('get', i)),
    putKeys: Array.from({ length: keyCount }, (_, i) => key('put', i)),
    body: randomBytes(bytes),
    putBodies: Array.from({ length: PUT_BODIES }, () => randomBytes(bytes)),
  };
}

export interface TargetAccess {
  readonly endpoint: Endpoint;
  readonly region: string;
  readonly credentials: Credentials;
}

/** Creates the bucket (PUT /bucket) and the objects the GET scenarios read. */
export async function prepareSmallObjects(access: TargetAccess, fixture: SmallObjectFixture): Promise<void> {
  const signer = new RequestSigner(access);
  await createBucket(access, signer, fixture.bucket);
  const puts = await Promise.all(fixture.getKeys.map((k) => signer.headerSigned('PUT', objectPath(fixture.bucket, k), { body: fixture.body })));
  await sendAll(access.endpoint, puts, 8);
}

export async function createBucket(access: TargetAccess, signer: RequestSigner, bucket: string): Promise<void> {
  const res = await send(access.endpoint, await signer.headerSigned('PUT', `/${bucket}`));
  // 409 BucketAlreadyOwnedByYou is fine when a scenario re-prepares.
  if ((res.status < 200 || res.status > 299) && res.status !== 409) throw new Error(`CreateBucket ${bucket} → ${res.status}: ${res.excerpt}`);
}

/** Unmeasured load on a fresh target (GETs of the prepared objects), so its first figure is not a cold one. */
export async function warmUpTarget(access: TargetAccess, fixture: SmallObjectFixture, config: BenchConfig, workDir: string, name: string): Promise<void> {
  if (config.wrk.targetWarmupSeconds <= 0) return;
  const requests = await smallObjectRequests(new RequestSigner(access), fixture, 'get-header');
  await runWrk({
    endpoint: access.endpoint,
    requests,
    connections: config.wrk.connections,
    threads: config.wrk.threads,
    workDir,
    durationSeconds: config.wrk.targetWarmupSeconds,
    name: `${name}-target-warmup`,
  });
}

/** The signed requests of one workload: one per key, each replayable for the whole run. */
export async function smallObjectRequests(signer: RequestSigner, fixture: SmallObjectFixture, kind: SmallObjectKind): Promise<PreparedRequest[]> {
  switch (kind) {
    case 'get-header':
      return Promise.all(fixture.getKeys.map((k) => signer.headerSigned('GET', objectPath(fixture.bucket, k))));
    case 'get-presigned':
      return Promise.all(fixture.getKeys.map((k) => signer.presigned('GET', objectPath(fixture.bucket, k), 900)));
    case 'put-header':
      // Body by body, every key: wrk replays the list round-robin, so a key's successive writes differ.
      return Promise.all(
        fixture.putBodies.flatMap((body) => fixture.putKeys.map((k) => signer.headerSigned('PUT', objectPath(fixture.bucket, k), { body }))),
      );
  }
}

export interface SmallObjectRun {
  readonly access: TargetAccess;
  readonly targetName: string;
  readonly scenario: string;
  readonly kind: SmallObjectKind;
  readonly fixture: SmallObjectFixture;
  readonly config: BenchConfig;
  /** Where wrk's request blob and Lua script go. */
  readonly workDir: string;
  /** The server's pid, to report how many cores it used during the measured run. */
  readonly serverPid?: number;
}

/**
 * One small-object scenario on one target, measured in rounds. `start` signs the request set with the
 * given credentials and checks that the first request succeeds (a signature the server rejects would
 * otherwise be benchmarked as fast 403s); each `round` is a short unmeasured wrk run, then a measured
 * one; `measurement` is the median round (`medianOfRounds`). Any credentials work, so the IAM-user
 * variant is the same. The suite takes the rounds of every target in turns, so drifting load outside
 * the bench hits them alike.
 */
export class SmallObjectScenario {
  private readonly rounds: Measurement[] = [];

  private constructor(
    private readonly run: SmallObjectRun,
    private readonly requests: readonly PreparedRequest[],
  ) {}

  /** The scenario, ready for its rounds, or its failure as a Measurement. */
  static async start(run: SmallObjectRun): Promise<SmallObjectScenario | Measurement> {
    const { access, fixture } = run;
    try {
      const requests = await smallObjectRequests(new RequestSigner(access), fixture, run.kind);
      const check = await send(access.endpoint, requests[0]);
      if (check.status < 200 || check.status > 299) throw new Error(`validation request → HTTP ${check.status}: ${check.excerpt}`);
      if (run.kind !== 'put-header' && check.bodyLength !== fixture.body.length) throw new Error(`validation GET returned ${check.bodyLength} bytes, expected ${fixture.body.length}`);
      return new SmallObjectScenario(run, requests);
    } catch (err) {
      return failed(run.targetName, run.scenario, 'ops/s', err);
    }
  }

  /** One more round, unless one has failed already (the scenario is then failed). */
  async round(): Promise<void> {
    if (this.rounds.some((r) => r.status === 'failed')) return;
    this.rounds.push(await this.measureRound());
  }

  measurement(): Measurement {
    return medianOfRounds(this.rounds);
  }

  private async measureRound(): Promise<Measurement> {
    const { config, targetName, scenario } = this.run;
    try {
      const base = { endpoint: this.run.access.endpoint, requests: this.requests, connections: config.wrk.connections, threads: config.wrk.threads, workDir: this.run.workDir };
      const name = `${targetName}-${scenario}-${this.rounds.length + 1}`;
      if (config.wrk.warmupSeconds > 0) await runWrk({ ...base, durationSeconds: config.wrk.warmupSeconds, name: `${name}-warmup` });
      const cpuStart = cpuSnapshot(this.run.serverPid);
      const r = await runWrk({ ...base, durationSeconds: config.wrk.durationSeconds, name });
      const cpu = cpuSince(cpuStart, this.run.serverPid);
      const errorShare = r.requests > 0 ? (r.statusErrors + r.socketErrors + r.timeouts) / r.requests : 1;
      return {
        target: targetName,
        scenario,
        unit: 'ops/s',
        value: r.okPerSecond,
        status: errorShare > 0.01 ? 'failed' : 'ok',
        ...(errorShare > 0 ? { note: `${r.statusErrors} HTTP >= 400, ${r.socketErrors} socket errors, ${r.timeouts} timeouts of ${r.requests}` } : {}),
        detail: {
          requests: r.requests,
          seconds: Number(r.seconds.toFixed(2)),
          p50_ms: r.latencyMs.p50,
          p90_ms: r.latencyMs.p90,
          p99_ms: r.latencyMs.p99,
          max_ms: r.latencyMs.max,
          status_errors: r.statusErrors,
          socket_errors: r.socketErrors,
          timeouts: r.timeouts,
          connections: config.wrk.connections,
          distinct_requests: this.requests.length,
          ...(cpu.processCores !== undefined ? { server_cpu_cores: cpu.processCores } : {}),
          ...(cpu.machineCores !== undefined ? { machine_busy_cores: cpu.machineCores } : {}),
        },
      };
    } catch (err) {
      return failed(targetName, scenario, 'ops/s', err);
    }
  }
}
