/**
 * Large PUT per core (issue #21): `count` concurrent PUTs of `bytes` each (8 × 128 MiB), presigned as
 * `@aws-sdk/s3-request-presigner` makes them (query auth, X-Amz-Content-Sha256=UNSIGNED-PAYLOAD), from
 * one large-object-client.ts process on the load CPU while the server's processes are pinned to the
 * other (the suite pins them). MB/s = count × bytes / the wall time from the first byte sent to the
 * last response.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { cpuSince, cpuSnapshot } from './cpu-usage.js';
import type { ConcurrentTransfers, LargeTransferSpec } from './large-object-client.js';
import { failed, MB, type Measurement } from './measurement.js';
import { onCpu } from './pinning.js';
import { SCENARIO } from './ratios.js';
import { objectPath, RequestSigner } from './signer.js';
import { createBucket, type TargetAccess } from './small-object.js';

export interface OneCorePutRun {
  readonly access: TargetAccess;
  readonly targetName: string;
  readonly config: BenchConfig;
  readonly repoRoot: string;
  readonly serverPid: number;
  /** The client's CPU (the server is pinned to the other), or undefined when not pinned. */
  readonly clientCpu: number | undefined;
}

export async function runOneCorePut(run: OneCorePutRun): Promise<Measurement> {
  const { access, config } = run;
  const { count, bytes, timeoutSeconds } = config.oneCorePut;
  const scenario = SCENARIO.putOneCore;
  try {
    const signer = new RequestSigner(access);
    const bucket = config.largeObject.bucket;
    await createBucket(access, signer, bucket);
    const specs: LargeTransferSpec[] = [];
    for (let i = 0; i < count; i++) {
      const req = await signer.presigned('PUT', objectPath(bucket, `one-core/object-${i}`), 900);
      specs.push({
        ...access.endpoint,
        method: 'PUT',
        target: req.target,
        headers: { ...req.headers, 'content-length': String(bytes) },
        bytes,
        timeoutMs: timeoutSeconds * 1000,
      });
    }
    // No target's writes pay for the dirty pages another left (as large-object.ts).
    spawnSync('sync');
    const cpuStart = cpuSnapshot(run.serverPid);
    const r = await runClients(run.repoRoot, specs, run.clientCpu, timeoutSeconds * 1000 + 15_000);
    const cpu = cpuSince(cpuStart, run.serverPid);
    const sent = r.results.reduce((a, x) => a + x.bytes, 0);
    const bad = r.results.find((x) => !x.complete);
    const detail = {
      transfers: count,
      bytes_each: bytes,
      bytes: sent,
      seconds: Number(r.seconds.toFixed(3)),
      auth: 'presigned (query), UNSIGNED-PAYLOAD',
      pinned:
        run.clientCpu === undefined ? 'no' : `server on CPU ${config.pin.serverCpu}, client on CPU ${run.clientCpu}`,
      ...(cpu.processCores !== undefined ? { server_cpu_cores: cpu.processCores } : {}),
      ...(cpu.machineCores !== undefined ? { machine_busy_cores: cpu.machineCores } : {}),
    };
    const value = r.seconds > 0 ? sent / MB / r.seconds : 0;
    if (!bad) return { target: run.targetName, scenario, unit: 'MB/s', value, status: 'ok', detail };
    const note = `${bad.error ?? 'incomplete'}${bad.excerpt ? `: ${bad.excerpt.slice(0, 300)}` : ''}`;
    if (r.results.every((x) => x.complete || (x.timedOut && x.bytes > 0)))
      return { target: run.targetName, scenario, unit: 'MB/s', value, status: 'partial', note, detail };
    return { target: run.targetName, scenario, unit: 'MB/s', value: null, status: 'failed', note, detail };
  } catch (err) {
    return failed(run.targetName, scenario, 'MB/s', err);
  }
}

function runClients(
  repoRoot: string,
  specs: readonly LargeTransferSpec[],
  cpu: number | undefined,
  guardMs: number,
): Promise<ConcurrentTransfers> {
  return new Promise((resolvePromise, reject) => {
    const script = join(repoRoot, 'dist/bench/lib/large-object-client.js');
    const [command, args] = onCpu(cpu, process.execPath, [script, JSON.stringify(specs)]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), guardMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      try {
        resolvePromise(JSON.parse(out.trim().split('\n').pop() ?? '') as ConcurrentTransfers);
      } catch {
        reject(new Error(`large-object client exited with ${code}: ${err.slice(-500)}`));
      }
    });
  });
}
