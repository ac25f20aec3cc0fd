import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort, startServerProcess } from '../server-process.js';
import type { RunningTarget, TargetContext, TargetDefinition } from './target.js';

/** The node:http file server (bench/lib/bare-file-server.ts): the single-process ceiling. No auth checks. */
export const bareTarget: TargetDefinition = {
  name: 'bare',
  unavailableReason: (ctx) => (existsSync(script(ctx)) ? undefined : `${script(ctx)} is missing (run npm run build)`),
  async start(ctx: TargetContext): Promise<RunningTarget> {
    const home = join(ctx.benchDir, 'bare');
    const dataDir = join(home, 'data');
    mkdirSync(dataDir, { recursive: true });
    const removeHome = ctx.cleanup.removeDirLater(home);
    const port = await findFreePort();
    const proc = await startServerProcess(
      { name: 'bare', command: process.execPath, args: [script(ctx), '--dir', dataDir, '--port', String(port)], logFile: join(home, 'server.log'), port, readyPath: '/' },
      ctx.cleanup,
    );
    return {
      name: 'bare',
      endpoint: { host: '127.0.0.1', port },
      region: 'us-east-1',
      // Any credentials: the bare server ignores the signature (it is the cost floor of the byte work).
      credentials: { accessKeyId: 'AKIABAREBAREBAREBARE', secretAccessKey: 'bare-secret' },
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
  return join(ctx.repoRoot, 'dist/bench/lib/bare-file-server.js');
}
