/**
 * Thread side of Checkpointer (checkpointer.ts): one connection per file, a PASSIVE checkpoint of each
 * every interval, a RESTART one when the WAL has grown past the limit; 'close' closes them and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { CheckpointThreadData, CheckpointThreadMessage } from './checkpointer.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-thread must run in a worker thread');
const { paths, intervalMs, restartFrames } = workerData as CheckpointThreadData;

function report(path: string, e: unknown): void {
  port!.postMessage({
    kind: 'error',
    path,
    message: e instanceof Error ? e.message : String(e),
  } satisfies CheckpointThreadMessage);
}

const dbs: { readonly path: string; readonly db: Database }[] = [];
for (const path of paths) {
  try {
    const db = new BetterSqlite3(path, { fileMustExist: true });
    // The fsyncs a checkpoint makes follow the connection's setting; NORMAL is what the writers use.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    dbs.push({ path, db });
  } catch (e) {
    report(path, e);
  }
}

function checkpoint(): void {
  for (const { path, db } of dbs) {
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (result !== undefined && result.log > restartFrames) db.pragma('wal_checkpoint(RESTART)');
    } catch (e) {
      report(path, e);
    }
  }
}

const timer = setInterval(checkpoint, intervalMs);
port.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  for (const { db } of dbs) db.close();
  port.close();
});
