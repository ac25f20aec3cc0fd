import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawRequestBytes } from './http-client.js';
import type { HttpLoadSpec } from './http-load.js';
import { onCpu } from './pinning.js';
import type { Endpoint, PreparedRequest } from './signer.js';

export const WRK_INSTALL_HINT =
  'wrk is not installed. Install it with: apt-get update && apt-get install -y wrk   (Debian/Ubuntu package "wrk")';

/** `wrk`'s version line, or undefined when wrk is not on PATH. */
export function detectWrk(): string | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) return undefined;
  // wrk prints its version and usage on stdout and exits 1 for --version.
  const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.startsWith('wrk '));
  return line?.trim() ?? 'wrk (unknown version)';
}

export interface WrkOptions {
  readonly endpoint: Endpoint;
  readonly requests: readonly PreparedRequest[];
  readonly durationSeconds: number;
  readonly connections: number;
  readonly threads: number;
  /** A directory for the request blob and the Lua script. */
  readonly workDir: string;
  readonly name: string;
  /** Run the load generator on this CPU only (taskset), e.g. while the server is pinned to the other. */
  readonly cpu?: number;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  /** Responses with a status below 400 per second (wrk counts >= 400 as status errors). */
  readonly okPerSecond: number;
  readonly statusErrors: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  readonly latencyMs: {
    readonly mean: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  /** The end of the generator's output, to tell what happened when it completed nothing. */
  readonly outputTail?: string;
}

const MARKER = 'WRK_RESULT_JSON ';

/**
 * Runs wrk against a fixed set of pre-signed raw requests, cycled round-robin by a Lua script.
 * The requests are written to one binary blob (CRLFs and bodies intact) that the script slices by length.
 */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const raws = options.requests.map(rawRequestBytes);
  const blobPath = join(options.workDir, `${options.name}.requests`);
  const scriptPath = join(options.workDir, `${options.name}.lua`);
  writeFileSync(blobPath, Buffer.concat(raws));
  writeFileSync(
    scriptPath,
    luaScript(
      blobPath,
      raws.map((r) => r.length),
    ),
  );
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--timeout',
    '5s',
    '-s',
    scriptPath,
    `http://${options.endpoint.host}:${options.endpoint.port}/`,
  ];
  const output = await runBounded(...onCpu(options.cpu, 'wrk', args), (options.durationSeconds + 20) * 1000);
  return parseWrkOutput(output);
}

/**
 * The same run with http-load.ts instead of wrk (for HEAD, which wrk cannot measure): `noBody` marks
 * the requests whose responses carry no body. Same result shape, parsed from the same line.
 */
export async function runHttpLoad(options: WrkOptions & { readonly noBody: readonly boolean[] }): Promise<WrkResult> {
  const raws = options.requests.map(rawRequestBytes);
  const blobPath = join(options.workDir, `${options.name}.requests`);
  const specPath = join(options.workDir, `${options.name}.load.json`);
  writeFileSync(blobPath, Buffer.concat(raws));
  const spec: HttpLoadSpec = {
    host: options.endpoint.host,
    port: options.endpoint.port,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    timeoutMs: 5000,
    blobPath,
    lengths: raws.map((r) => r.length),
    noBody: options.noBody,
  };
  writeFileSync(specPath, JSON.stringify(spec));
  const script = join(dirname(fileURLToPath(import.meta.url)), 'http-load.js');
  const output = await runBounded(
    ...onCpu(options.cpu, process.execPath, [script, specPath]),
    (options.durationSeconds + 20) * 1000,
  );
  return parseWrkOutput(output);
}

export function parseWrkOutput(output: string): WrkResult {
  const line = output.split('\n').find((l) => l.startsWith(MARKER));
  if (!line) throw new Error(`wrk printed no result:\n${output.slice(-2000)}`);
  const j = JSON.parse(line.slice(MARKER.length)) as {
    requests: number;
    duration_us: number;
    errors: { connect: number; read: number; write: number; status: number; timeout: number };
    latency_us: { mean: number; p50: number; p90: number; p99: number; max: number };
  };
  const seconds = j.duration_us / 1e6;
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    requests: j.requests,
    seconds,
    okPerSecond: seconds > 0 ? (j.requests - j.errors.status) / seconds : 0,
    statusErrors: j.errors.status,
    socketErrors: j.errors.connect + j.errors.read + j.errors.write,
    timeouts: j.errors.timeout,
    latencyMs: {
      mean: ms(j.latency_us.mean),
      p50: ms(j.latency_us.p50),
      p90: ms(j.latency_us.p90),
      p99: ms(j.latency_us.p99),
      max: ms(j.latency_us.max),
    },
    ...(j.requests === 0 ? { outputTail: output.replace(/\s+/g, ' ').slice(-400) } : {}),
  };
}

export function luaScript(blobPath: string, lengths: readonly number[]): string {
  return `-- generated by bench/lib/wrk.ts: replays pre-signed requests round-robin
local blob_path = ${JSON.stringify(blobPath)}
local lengths = { ${lengths.join(', ')} }
local raw = {}
local n = 0
local i = 0

init = function(args)
  local f = assert(io.open(blob_path, "rb"))
  local blob = f:read("*a")
  f:close()
  local pos = 1
  for k, len in ipairs(lengths) do
    raw[k] = blob:sub(pos, pos + len - 1)
    pos = pos + len
  end
  n = #raw
end

request = function()
  i = i + 1
  if i > n then i = 1 end
  return raw[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARKER}{"requests":%.0f,"duration_us":%.0f,"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},"latency_us":{"mean":%.3f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;
}

/** Runs a command, killing it (by its own pid) if it outlives `timeoutMs`; resolves with stdout+stderr. */
export function runBounded(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${command} exited with ${code ?? signal}:\n${out.slice(-2000)}`));
    });
  });
}
