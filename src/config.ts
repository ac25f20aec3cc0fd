/**
 * Server configuration from command-line flags, then environment variables, then defaults
 * (DESIGN.md stable contract: `./data`, `127.0.0.1:9000`, `us-east-1`).
 */
import { availableParallelism } from 'node:os';

export interface ServerConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  /** Virtual-hosted-style base domain: requests to `<bucket>.<baseDomain>` address that bucket. */
  readonly baseDomain: string | undefined;
  /**
   * Both survive power loss: object bytes are fsynced before their metadata commits, and a write is
   * acknowledged only once the WAL is flushed. `normal` shares one WAL flush among concurrent commits
   * (group commit); `strict` has SQLite flush every commit itself (synchronous=FULL).
   */
  readonly durability: 'normal' | 'strict';
  readonly logLevel: string;
  /** How long SIGTERM waits for in-flight requests before closing connections. */
  readonly shutdownGraceMs: number;
  /**
   * Worker processes serving requests (one event loop each); 1: the server is one process. More
   * share the data directory (server/workers.ts). `auto`: one per CPU the machine offers.
   */
  readonly workers: number;
}

export class ConfigError extends Error {}

const FLAGS: Record<string, { env: string; key: keyof RawConfig }> = {
  '--data-dir': { env: 'STRONGBOX_DATA_DIR', key: 'dataDir' },
  '--address': { env: 'STRONGBOX_ADDRESS', key: 'address' },
  '--region': { env: 'STRONGBOX_REGION', key: 'region' },
  '--base-domain': { env: 'STRONGBOX_BASE_DOMAIN', key: 'baseDomain' },
  '--durability': { env: 'STRONGBOX_DURABILITY', key: 'durability' },
  '--log-level': { env: 'STRONGBOX_LOG_LEVEL', key: 'logLevel' },
  '--workers': { env: 'STRONGBOX_WORKERS', key: 'workers' },
};

interface RawConfig {
  dataDir?: string;
  address?: string;
  region?: string;
  baseDomain?: string;
  durability?: string;
  logLevel?: string;
  workers?: string;
}

export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const raw: RawConfig = {};
  for (const spec of Object.values(FLAGS)) {
    const v = env[spec.env];
    if (v) raw[spec.key] = v;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = FLAGS[flag];
    if (!spec) throw new ConfigError(`unknown option: ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    raw[spec.key] = value;
  }
  const { host, port } = parseAddress(raw.address ?? '127.0.0.1:9000');
  const durability = raw.durability ?? 'normal';
  if (durability !== 'normal' && durability !== 'strict') throw new ConfigError(`--durability must be normal or strict`);
  const region = raw.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`invalid region: ${region}`);
  return {
    dataDir: raw.dataDir ?? './data',
    host,
    port,
    region,
    baseDomain: raw.baseDomain,
    durability,
    logLevel: raw.logLevel ?? 'info',
    shutdownGraceMs: 30_000,
    workers: parseWorkers(raw.workers ?? '1'),
  };
}

/** Upper bound on `--workers`: each worker holds its own caches, buffers and hash threads. */
const MAX_WORKERS = 64;

function parseWorkers(value: string): number {
  if (value === 'auto') return Math.min(availableParallelism(), MAX_WORKERS);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new ConfigError(`--workers must be auto or a whole number from 1 to ${MAX_WORKERS}, got ${value}`);
  }
  return Number(value);
}

function parseAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw new ConfigError(`--address must be HOST:PORT, got ${address}`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(`invalid port: ${m[3]}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
