/**
 * Integration-test harness: starts the real Strongbox server (the built `dist/src/cli.js`) as a child
 * process on an ephemeral port with a fresh data directory, and builds real clients for it: the AWS
 * SDK v3, the `aws` CLI and python boto3. No mocks of our own server.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'dist/src/cli.js');

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface TestServer {
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
  readonly root: Credentials;
  /** Everything the server printed (JSON log lines). */
  logs(): string;
  /** SIGTERM, wait for exit; removes the data dir unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL (crash), wait for exit; keeps the data dir. */
  kill(): Promise<void>;
  readonly process: ChildProcess;
}

export interface StartOptions {
  /** Reuse a data directory (restart after a crash). */
  readonly dataDir?: string;
  readonly root?: Credentials;
  readonly region?: string;
  readonly extraArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The live child processes of `pid` (a server's workers). */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

export function newAccessKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AKIA';
  for (const b of randomBytes(16)) id += alphabet[b % 32];
  return id;
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'strongbox-it-'));
  const root = opts.root ?? { accessKeyId: newAccessKeyId(), secretAccessKey: randomBytes(30).toString('base64') };
  const region = opts.region ?? 'us-east-1';
  const child = spawn(process.execPath, [CLI, 'server', '--data-dir', dataDir, '--address', '127.0.0.1:0', '--region', region, ...(opts.extraArgs ?? [])], {
    env: {
      ...process.env,
      STRONGBOX_ROOT_ACCESS_KEY_ID: root.accessKeyId,
      STRONGBOX_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Never outlive the test process, even when a failing test skipped its stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      res(code);
    }),
  );
  const endpoint = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /"msg":"listening"[^\n]*"endpoint":"([^"]+)"|"endpoint":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (m) {
        clearTimeout(timer);
        res(m[1] ?? m[2]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  // Once serving, the server must not keep the test process alive: a failing test that skipped its
  // stop() would otherwise hang the run. The exit handler above then kills it.
  child.unref();
  (child.stdout as unknown as { unref(): void }).unref();
  (child.stderr as unknown as { unref(): void }).unref();
  const port = Number(new URL(endpoint).port);
  return {
    endpoint,
    port,
    dataDir,
    region,
    root,
    process: child,
    logs: () => output,
    async stop({ keepData = false } = {}) {
      child.ref();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (!keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async kill() {
      child.ref();
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

function sdkConfig(server: TestServer, creds: Credentials) {
  return { endpoint: server.endpoint, region: server.region, credentials: creds, maxAttempts: 1 };
}

export function s3Client(server: TestServer, creds: Credentials = server.root): S3Client {
  return new S3Client({ ...sdkConfig(server, creds), forcePathStyle: true });
}

export function iamClient(server: TestServer, creds: Credentials = server.root): IAMClient {
  return new IAMClient(sdkConfig(server, creds));
}

export function stsClient(server: TestServer, creds: Credentials = server.root): STSClient {
  return new STSClient(sdkConfig(server, creds));
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment that points the aws CLI / boto3 at the server and away from any real AWS config. */
export function clientEnv(server: TestServer, creds: Credentials = server.root): NodeJS.ProcessEnv {
  const configFile = join(server.dataDir, '..', `aws-config-${server.port}`);
  writeFileSync(configFile, `[default]\nregion = ${server.region}\ns3 =\n    addressing_style = path\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_REGION: server.region,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(server.dataDir, '..', 'no-such-credentials-file'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
    STRONGBOX_ENDPOINT: server.endpoint,
  };
  delete env.AWS_PROFILE;
  if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
  else delete env.AWS_SESSION_TOKEN;
  return env;
}

export function run(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', rej);
    child.once('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** `aws --endpoint-url  (STRONGBOX_TEST_AWS overrides which binary; .ci/run sets it when it installs one) <server> ...args` with the given credentials (root by default). */
export function awsCli(server: TestServer, args: readonly string[], opts: { creds?: Credentials; cwd?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--endpoint-url', server.endpoint, ...args], { env: clientEnv(server, opts.creds), cwd: opts.cwd, timeoutMs: opts.timeoutMs });
}

/**
 * clientEnv with the server as the HTTP proxy too: S3 Control requests go to `http://<account>.<host>`,
 * a name that does not resolve; a proxy is sent the whole URL instead. NO_PROXY must not exempt it.
 */
export function proxiedClientEnv(server: TestServer, creds?: Credentials): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...clientEnv(server, creds), HTTP_PROXY: server.endpoint };
  delete env.NO_PROXY;
  delete env.no_proxy;
  return env;
}

/**
 * The aws CLI for S3 Control, through the server as its proxy (proxiedClientEnv). `json` expects success and parses the output; `fails` expects an
 * error and returns its code. `server` is read at each call (a suite starts it in `before`).
 */
export function s3ControlCli(server: () => TestServer): {
  aws(args: readonly string[], creds?: Credentials): Promise<ProcessResult>;
  json(args: readonly string[], creds?: Credentials): Promise<Record<string, unknown>>;
  fails(args: readonly string[], creds?: Credentials): Promise<string>;
} {
  const aws = (args: readonly string[], creds?: Credentials): Promise<ProcessResult> =>
    run(process.env.STRONGBOX_TEST_AWS ?? 'aws', ['--endpoint-url', server().endpoint, ...args], { env: proxiedClientEnv(server(), creds) });
  return {
    aws,
    async json(args, creds) {
      const r = await aws([...args, '--output', 'json'], creds);
      assert.equal(r.code, 0, `aws ${args.join(' ')}\n${r.stderr}`);
      return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, unknown>);
    },
    async fails(args, creds) {
      const r = await aws(args, creds);
      assert.notEqual(r.code, 0, `expected aws ${args.join(' ')} to fail`);
      return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
    },
  };
}

/**
 * Runs a python3 script with boto3 available; the script reads the endpoint from
 * `os.environ["STRONGBOX_ENDPOINT"]` and credentials from the standard AWS_* variables.
 */
export function python(server: TestServer, script: string, opts: { creds?: Credentials; args?: readonly string[]; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return run(process.env.STRONGBOX_TEST_PYTHON ?? 'python3', ['-c', script, ...(opts.args ?? [])], { env: clientEnv(server, opts.creds), timeoutMs: opts.timeoutMs });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
