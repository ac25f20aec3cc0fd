import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchConfig } from './config.js';
import { cpuSince, cpuSnapshot, type CpuUsage } from './cpu-usage.js';
import type { LargeTransferResult, LargeTransferSpec } from './large-object-client.js';
import { failed, MB, type Measurement } from './measurement.js';
import { largeLabel } from './ratios.js';
import { objectPath, RequestSigner } from './signer.js';
import { createBucket, type TargetAccess } from './small-object.js';

export interface LargeObjectRun {
  readonly access: TargetAccess;
  readonly targetName: string;
  readonly config: BenchConfig;
  readonly repoRoot: string;
  readonly serverPid?: number;
}

/**
 * PUT then GETs of one large object (1 GiB, 256 MiB with --quick) from a separate node process.
 * Header-signed with x-amz-content-sha256: UNSIGNED-PAYLOAD, as SDKs do for streamed bodies, so the
 * client spends nothing on hashing. Returns [PUT, GET × config.largeObject.readsPerRound].
 */
export async function runLargeObjectScenarios(run: LargeObjectRun): Promise<Measurement[]> {
  const { access, config } = run;
  const bytes = config.largeObject.bytes;
  const label = largeLabel(bytes);
  const putName = `put-${label}`;
  const getName = `get-${label}`;
  const signer = new RequestSigner(access);
  const path = objectPath(config.largeObject.bucket, `large/object-${label}`);
  const timeoutMs = config.largeObject.timeoutSeconds * 1000;
  let put: Measurement;
  try {
    await createBucket(access, signer, config.largeObject.bucket);
    const req = await signer.headerSigned('PUT', path, { unsignedPayload: true, contentLength: bytes });
    // Every target (and dd) starts its large write with no dirty pages left by the one before, so no
    // target's fsyncs pay for another's writeback.
    spawnSync('sync');
    put = await measured(run, putName, { ...access.endpoint, method: 'PUT', target: req.target, headers: req.headers, bytes, timeoutMs });
  } catch (err) {
    return [failed(run.targetName, putName, 'MB/s', err), failed(run.targetName, getName, 'MB/s', 'PUT failed')];
  }
  if (put.status !== 'ok') return [put, failed(run.targetName, getName, 'MB/s', 'PUT did not complete')];
  const out = [put];
  try {
    for (let i = 0; i < config.largeObject.readsPerRound; i++) {
      const req = await signer.headerSigned('GET', path);
      out.push(await measured(run, getName, { ...access.endpoint, method: 'GET', target: req.target, headers: req.headers, bytes, timeoutMs }));
    }
  } catch (err) {
    out.push(failed(run.targetName, getName, 'MB/s', err));
  }
  return out;
}

async function measured(run: LargeObjectRun, scenario: string, spec: LargeTransferSpec): Promise<Measurement> {
  const start = cpuSnapshot(run.serverPid);
  const result = await runClient(run.repoRoot, spec);
  return toMeasurement(run.targetName, scenario, result, cpuSince(start, run.serverPid));
}

function toMeasurement(target: string, scenario: string, r: LargeTransferResult, cpu: CpuUsage): Measurement {
  const rate = r.seconds > 0 ? r.bytes / MB / r.seconds : 0;
  const detail = {
    bytes: r.bytes,
    seconds: Number(r.seconds.toFixed(3)),
    http_status: r.status,
    ...(cpu.processCores !== undefined ? { server_cpu_cores: cpu.processCores } : {}),
    ...(cpu.machineCores !== undefined ? { machine_busy_cores: cpu.machineCores } : {}),
  };
  if (r.complete) return { target, scenario, unit: 'MB/s', value: rate, status: 'ok', detail };
  const note = `${r.error ?? 'incomplete'}${r.excerpt ? `: ${r.excerpt.slice(0, 300)}` : ''}`;
  // A deadline hit mid-transfer still says something about throughput; an HTTP error does not.
  if (r.timedOut && r.bytes > 0) return { target, scenario, unit: 'MB/s', value: rate, status: 'partial', note, detail };
  return { target, scenario, unit: 'MB/s', value: null, status: 'failed', note, detail };
}

function runClient(repoRoot: string, spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return new Promise((resolvePromise, reject) => {
    const script = join(repoRoot, 'dist/bench/lib/large-object-client.js');
    const child = spawn(process.execPath, [script, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // The client has its own deadline; this one only guards against a wedged client.
    const guard = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs + 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(line) as LargeTransferResult);
      } catch {
        reject(new Error(`large-object client exited with ${code}: ${err.slice(-500)}`));
      }
    });
  });
}
