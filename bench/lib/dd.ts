import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { failed, MB, type Measurement } from './measurement.js';

/**
 * The disk's own sequential throughput with dd, measured on the same filesystem as the servers' data
 * directories, so large-object PUT/GET can be read as a fraction of what the disk gives:
 *  - write-fdatasync: dd if=/dev/zero of=F bs=1M count=N conv=fdatasync — includes flushing to the device,
 *    like a durable PUT (write + fsync) does;
 *  - read-direct: dd if=F of=/dev/null bs=1M iflag=direct — O_DIRECT bypasses the page cache, so this is
 *    the device (or the hypervisor's cache behind it); `directReads` times;
 *  - read-cached: dd if=F of=/dev/null bs=1M — the same file straight after, served from the page cache,
 *    which is where a server's GET of a just-written object is served from too.
 */
export async function runDd(dir: string, bytes: number, timeoutSeconds: number, directReads = 1): Promise<Measurement[]> {
  const file = join(dir, 'dd-test.bin');
  const count = String(Math.ceil(bytes / (1024 * 1024)));
  const steps: [string, string[]][] = [
    ['write-fdatasync', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${count}`, 'conv=fdatasync']],
    // Repeated as the targets' GETs are (large-object.ts): one read of this virtual disk can be a third
    // faster or slower than the next.
    ...Array.from({ length: directReads }, (): [string, string[]] => ['read-direct', [`if=${file}`, 'of=/dev/null', 'bs=1M', 'iflag=direct']]),
    ['read-cached', [`if=${file}`, 'of=/dev/null', 'bs=1M']],
  ];
  const out: Measurement[] = [];
  try {
    spawnSync('sync'); // a clean start, as each target's large PUT gets (large-object.ts)
    for (const [scenario, args] of steps) out.push(await ddStep(scenario, args, timeoutSeconds));
  } catch (err) {
    for (const [scenario] of steps.slice(out.length)) out.push(failed('dd', scenario, 'MB/s', err));
  } finally {
    rmSync(file, { force: true });
  }
  return out;
}

async function ddStep(scenario: string, args: readonly string[], timeoutSeconds: number): Promise<Measurement> {
  const stderr = await runDdProcess(args, timeoutSeconds);
  const parsed = parseDdOutput(stderr);
  return {
    target: 'dd',
    scenario,
    unit: 'MB/s',
    value: parsed.bytes / MB / parsed.seconds,
    status: 'ok',
    detail: { bytes: parsed.bytes, seconds: parsed.seconds, command: `dd ${args.join(' ')}` },
  };
}

/** dd's summary line: "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.2345 s, 870 MB/s" (C locale). */
export function parseDdOutput(stderr: string): { bytes: number; seconds: number } {
  const m = /(\d+) bytes[^\n]*copied, ([\d.]+) s/.exec(stderr);
  if (!m) throw new Error(`cannot parse dd output: ${stderr.slice(-300)}`);
  return { bytes: Number(m[1]), seconds: Number(m[2]) };
}

function runDdProcess(args: readonly string[], timeoutSeconds: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('dd', [...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(err);
      else reject(new Error(`dd ${args.join(' ')} exited with ${code ?? signal}: ${err.slice(-300)}`));
    });
  });
}
