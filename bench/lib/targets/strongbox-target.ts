import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort, startServerProcess } from '../server-process.js';
import type { Credentials } from '../signer.js';
import { buildBaseline } from './baseline-build.js';
import type { RunningTarget, TargetContext, TargetDefinition } from './target.js';

export interface StrongboxTargetOptions {
  /** Extra `server` flags, e.g. ['--log-level', 'warn'] or ['--durability', 'strict']. */
  readonly extraArgs?: readonly string[];
  readonly region?: string;
  /** Run this git commit instead of the checkout's build (the `baseline` target). */
  readonly baselineRef?: string;
}

/**
 * Strongbox itself: `node dist/src/cli.js server --data-dir DIR --address 127.0.0.1:PORT`, root key
 * from STRONGBOX_ROOT_ACCESS_KEY_ID / STRONGBOX_ROOT_SECRET_ACCESS_KEY on first start, ready when
 * GET /health/ready answers 200.
 */
export function strongboxTarget(options: StrongboxTargetOptions = {}): TargetDefinition {
  const region = options.region ?? 'us-east-1';
  const extraArgs = options.extraArgs ?? [];
  const baseline = options.baselineRef;
  const name = baseline === undefined ? 'strongbox' : 'baseline';
  return {
    name,
    unavailableReason: (ctx) =>
      baseline !== undefined || existsSync(cli(ctx))
        ? undefined
        : `${cli(ctx)} does not exist yet (the server is not built)`,
    async start(ctx: TargetContext): Promise<RunningTarget> {
      const home = join(ctx.benchDir, name);
      const cliPath =
        baseline === undefined ? cli(ctx) : buildBaseline(ctx.repoRoot, baseline, join(ctx.benchDir, 'baseline-build'));
      const dataDir = join(home, 'data');
      mkdirSync(dataDir, { recursive: true });
      const removeHome = ctx.cleanup.removeDirLater(home);
      const port = await findFreePort();
      const root = newRootCredentials();
      const proc = await startServerProcess(
        {
          name,
          command: process.execPath,
          args: [
            cliPath,
            'server',
            '--data-dir',
            dataDir,
            '--address',
            `127.0.0.1:${port}`,
            '--region',
            region,
            ...extraArgs,
          ],
          env: {
            STRONGBOX_ROOT_ACCESS_KEY_ID: root.accessKeyId,
            STRONGBOX_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey,
          },
          logFile: join(home, 'server.log'),
          port,
          readyPath: '/health/ready',
          isReady: (status) => status === 200,
        },
        ctx.cleanup,
      );
      return {
        name,
        endpoint: { host: '127.0.0.1', port },
        region,
        credentials: root,
        // The baseline runs every scenario Strongbox runs (a commit without IAM fails those, and says so),
        // so both servers have done the same work, and hold the same data, when a ratio compares them.
        supportsIam: true,
        durability: `fsync before ack${extraArgs.length ? ` (flags: ${extraArgs.join(' ')})` : ''}${baseline === undefined ? '' : ` (commit ${baseline})`}`,
        pid: proc.pid,
        // cli.js is <buildRoot>/dist/src/cli.js.
        storage: { dataDir, buildRoot: join(cliPath, '../../..') },
        logTail: proc.logTail,
        async stop() {
          await proc.stop();
          await removeHome();
        },
      };
    },
  };
}

function cli(ctx: TargetContext): string {
  return join(ctx.repoRoot, 'dist/src/cli.js');
}

/** A root key shaped like AWS's (AKIA + 16 base32 characters; 40-character secret). */
function newRootCredentials(): Credentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AKIA';
  for (const b of randomBytes(16)) id += alphabet[b % 32];
  return { accessKeyId: id, secretAccessKey: randomBytes(30).toString('base64') };
}
