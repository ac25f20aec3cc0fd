/**
 * A friendlier start (#17), the way the README starts the server: `npx strongbox ...` from the checkout.
 * --help, server --help, --version and unknown options; SIGTERM sent to npx (npm, which runs the server
 * through `sh -c`: src/cli/launcher-watch.ts) as `kill` or a process manager sends it, and SIGINT as
 * Ctrl-C sends it (to the terminal's whole process group), stop the server gracefully, and its port and
 * data-directory lock are free for the next server.
 *
 * npx runs with a cache of its own, offline, without install scripts. npm 10+ runs a package's own bin
 * by linking the package into the npx cache, which runs its `prepare` script: a full build of the
 * checkout, which the test must not do (it runs what was built), and which, when it fails, leaves that
 * cache entry broken for every later npx ("Could not read package.json"). What a machine's shared npx
 * cache holds is not what is tested here.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serverOptionDocs } from '../../src/config.js';
import { REPO_ROOT, run, startServer } from './harness.js';

let scratch: string;
let npxEnv: NodeJS.ProcessEnv;

const npx = (args: readonly string[]) => run('npx', ['strongbox', ...args], { env: npxEnv, cwd: REPO_ROOT });

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'strongbox-cli-'));
  npxEnv = {
    ...process.env,
    npm_config_cache: join(scratch, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_ignore_scripts: 'true',
    npm_config_update_notifier: 'false',
  };
  delete npxEnv.STRONGBOX_ROOT_ACCESS_KEY_ID;
  delete npxEnv.STRONGBOX_ROOT_SECRET_ACCESS_KEY;
  // The first npx run links the package into the cache; later runs start at once.
  const warm = await npx(['--version']);
  assert.equal(warm.code, 0, warm.stderr);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('strongbox --help, --version, unknown options', () => {
  test('strongbox --help lists the commands; strongbox --version is the package version', async () => {
    const help = await npx(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const c of ['server', 'workload-token', 'validate-logs', '--version']) {
      assert.ok(help.stdout.includes(`strongbox ${c}`), c);
    }
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    for (const flag of ['--version', '-V']) {
      const r = await npx([flag]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `strongbox ${version}\n`);
    }
  });

  test('strongbox server --help shows every option with its variable', async () => {
    const r = await npx(['server', '--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const o of serverOptionDocs()) {
      assert.ok(r.stdout.includes(`  ${o.flag}`), o.flag);
      assert.ok(r.stdout.includes(o.env), o.env);
    }
  });

  test('an unknown option exits 2 naming the option meant and the help; nothing is started', async () => {
    const r = await npx(['server', '--data-dri', join(scratch, 'never')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --data-dri \(did you mean --data-dir\?\)/);
    assert.match(r.stderr, /strongbox server --help/);
    assert.equal(r.stdout, '');
    const bad = await npx(['server', '--workers', 'many']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--workers/);
    const command = await npx(['serve']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /did you mean strongbox server\?/);
  });
});

interface NpxServer {
  readonly npx: ChildProcess;
  readonly endpoint: string;
  /** Every line the server (and npm) wrote. */
  output(): string;
  /** Resolves once npm, its shell and the server have all exited (their stdout closed). */
  readonly closed: Promise<void>;
}

async function startWithNpx(dataDir: string): Promise<NpxServer> {
  // A process group of its own, as a terminal gives a foreground command (Ctrl-C signals the group).
  const child = spawn('npx', ['strongbox', 'server', '--data-dir', dataDir, '--address', '127.0.0.1:0'], {
    cwd: REPO_ROOT, env: npxEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const closed = new Promise<void>((res) => child.once('close', () => res()));
  const endpoint = await new Promise<string>((res, rej) => {
    const look = () => {
      const m = /"endpoint":"([^"]+)"[^\n]*"msg":"listening"/.exec(output);
      if (m) res(m[1]);
    };
    child.stdout!.on('data', look);
    void closed.then(() => rej(new Error(`npx strongbox server exited before listening:\n${output}`)));
  });
  return { npx: child, endpoint, output: () => output, closed };
}

/** Processes whose command line mentions `text` (a unique data directory): the server, if it still runs. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Waits for `closed`; a server that does not stop fails the test (bounded only so a broken run ends). */
async function stoppedOrKilled(server: NpxServer, dataDir: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'running'>((res) => (timer = setTimeout(() => res('running'), 120_000)));
  const outcome = await Promise.race([server.closed.then(() => 'stopped' as const), limit]);
  clearTimeout(timer);
  if (outcome === 'running') {
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    assert.fail(`the server kept running after npx was signalled:\n${server.output()}`);
  }
}

describe('signals to `npx strongbox server`', () => {
  // SIGTERM to npm alone, as `kill`, `docker stop` or a process manager send it; SIGINT as Ctrl-C.
  const cases = [
    { signal: 'SIGTERM', to: 'npm', send: (npx: ChildProcess) => npx.kill('SIGTERM') },
    { signal: 'SIGINT', to: 'its process group', send: (npx: ChildProcess) => process.kill(-npx.pid!, 'SIGINT') },
  ] as const;
  for (const { signal, to, send } of cases) {
    test(`${signal} to ${to} stops the server gracefully; its port and data directory are free again`, async () => {
      const dataDir = join(scratch, `data-${signal}`);
      const server = await startWithNpx(dataDir);
      assert.equal((await fetch(`${server.endpoint}/health/ready`)).status, 200);
      const credentials = JSON.parse(readFileSync(join(dataDir, 'root-credentials.json'), 'utf8'));
      assert.equal(statSync(join(dataDir, 'root-credentials.json')).mode & 0o777, 0o600);

      send(server.npx);
      await stoppedOrKilled(server, dataDir);
      assert.match(server.output(), /"msg":"shutting down: finishing in-flight requests"/);
      assert.match(server.output(), /"msg":"stopped"/);
      assert.deepEqual(processesMentioning(dataDir), []);

      // The same port and the same data directory: a second server takes both.
      const port = new URL(server.endpoint).port;
      const root = { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
      const next = await startServer({ dataDir, root, extraArgs: ['--address', `127.0.0.1:${port}`] });
      try {
        assert.equal(next.endpoint, server.endpoint);
      } finally {
        await next.stop();
      }
    });
  }
});
