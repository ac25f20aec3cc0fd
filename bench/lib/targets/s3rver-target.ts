import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { S3RVER_CREDENTIALS } from '../s3rver-process.js';
import { findFreePort, startServerProcess } from '../server-process.js';
import type { RunningTarget, TargetContext, TargetDefinition } from './target.js';

/** s3rver 3.x (npm devDependency): a Node S3 peer that verifies SigV4, in its own process. */
export const s3rverTarget: TargetDefinition = {
  name: 's3rver',
  unavailableReason: (ctx) => (existsSync(script(ctx)) ? undefined : `${script(ctx)} is missing (run npm run build)`),
  async start(ctx: TargetContext): Promise<RunningTarget> {
    const home = join(ctx.benchDir, 's3rver');
    const dataDir = join(home, 'data');
    mkdirSync(dataDir, { recursive: true });
    const removeHome = ctx.cleanup.removeDirLater(home);
    const port = await findFreePort();
    const proc = await startServerProcess(
      { name: 's3rver', command: process.execPath, args: [script(ctx), '--dir', dataDir, '--port', String(port)], logFile: join(home, 'server.log'), port, readyPath: '/' },
      ctx.cleanup,
    );
    return {
      name: 's3rver',
      endpoint: { host: '127.0.0.1', port },
      region: 'us-east-1',
      credentials: S3RVER_CREDENTIALS,
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

function script(ctx: TargetContext): string {
  return join(ctx.repoRoot, 'dist/bench/lib/s3rver-process.js');
}
