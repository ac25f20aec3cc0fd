import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort, startServerProcess } from '../server-process.js';
import type { Credentials } from '../signer.js';
import type { RunningTarget, TargetContext, TargetDefinition } from './target.js';

/**
 * A reference server run from one of our scripts (`node <script> --dir DATA --port PORT`), ready when
 * `GET /` answers, keeping PUT bodies in the page cache only (no fsync).
 */
export function pageCacheTarget(
  name: string,
  scriptPath: string,
  credentials: Credentials,
  nodeArgs: readonly string[] = [],
): TargetDefinition {
  const script = (ctx: TargetContext): string => join(ctx.repoRoot, scriptPath);
  return {
    name,
    unavailableReason: (ctx) => (existsSync(script(ctx)) ? undefined : `${script(ctx)} is missing (run npm run build)`),
    async start(ctx: TargetContext): Promise<RunningTarget> {
      const home = join(ctx.benchDir, name);
      const dataDir = join(home, 'data');
      mkdirSync(dataDir, { recursive: true });
      const removeHome = ctx.cleanup.removeDirLater(home);
      const port = await findFreePort();
      const proc = await startServerProcess(
        {
          name,
          command: process.execPath,
          args: [...nodeArgs, script(ctx), '--dir', dataDir, '--port', String(port)],
          logFile: join(home, 'server.log'),
          port,
          readyPath: '/',
        },
        ctx.cleanup,
      );
      return {
        name,
        endpoint: { host: '127.0.0.1', port },
        region: 'us-east-1',
        credentials,
        supportsIam: false,
        durability: 'page cache only (no fsync)',
        pid: proc.pid,
        logTail: proc.logTail,
        async stop() {
          await proc.stop();
          await removeHome();
        },
      };
    },
  };
}
