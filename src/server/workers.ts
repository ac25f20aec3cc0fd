/**
 * `--workers N` (N > 1): the server as one primary process and N worker processes (node:cluster), so
 * that requests are served by N event loops instead of one.
 *
 * - The primary prepares the data directory alone, under an exclusive DataDirLock: sweeps what a crash
 *   left, creates the management account on the first start. Then it holds the directory (RESERVED),
 *   forks the workers, and answers no request itself.
 * - Each worker is a whole server (main.ts, role `worker`): it joins the lock, opens the storage and
 *   the IAM store `shared` (normal SQLite locking; caches dropped when another process commits;
 *   retained blobs held by hard links) and listens on the one port, which the primary shares out:
 *   the cluster module hands each new connection to the next worker in turn.
 * - The primary says `listening` once every worker listens; a worker that exits before that fails the
 *   start. Later, a worker that dies is replaced; dying too often (CRASH_LOOP) stops the server. The
 *   hard links by which an exited worker held blobs are removed when it exits.
 * - SIGTERM/SIGINT: every worker shuts down gracefully (in-flight requests finish), then the primary
 *   releases the directory. A primary that is killed takes its workers with it: a worker exits as
 *   soon as it loses its primary (cluster's disconnect), and the next server waits for them (lock).
 *
 * Every worker writes its own request log lines to the stdout they share; LogDestination keeps each
 * write below PIPE_BUF, so lines never interleave.
 */
import cluster, { type Worker } from 'node:cluster';
import { primaryMetricsBroker } from '../metrics/cluster-metrics.js';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config.js';
import { openIamStore } from '../iam/index.js';
import { removeHeldLinks } from '../storage/file-blob-store.js';
import { bootstrapRootUser, openAndSweep, startupLog, TAKEOVER_WAIT_MS, type RunningStrongbox } from '../main.js';
import { DataDirLock } from './data-dir-lock.js';
import { withServerV8Flags } from './v8-flags.js';

/** More than this many unexpected worker exits within CRASH_WINDOW_MS stop the server. */
const CRASH_LOOP = 5;
const CRASH_WINDOW_MS = 60_000;

export async function runPrimary(config: ServerConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<RunningStrongbox> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lock = DataDirLock.acquire(dataDir, TAKEOVER_WAIT_MS);
  let accountId: string;
  try {
    const storage = await openAndSweep(config, logger, true);
    await storage.close();
    const iamStore = openIamStore({ dataDir, shared: true });
    try {
      ({ accountId } = await bootstrapRootUser(dataDir, iamStore, env, logger));
    } finally {
      await iamStore.close();
    }
    lock.hold(dataDir);
  } catch (e) {
    lock.release();
    throw e;
  }

  let stopping = false;
  let onFatal: (e: Error) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (onFatal = reject));
  fatal.catch(() => undefined);
  const crashes: number[] = [];
  const running = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  /** Workers listening now; `endpoint` is where the first one said it listens (they share the port). */
  const listening = new Set<number>();
  let endpoint = '';
  /** Listens each worker made: the plain listener's, the TLS one's, the website's (main.ts opens them in that order). */
  const listens = new Map<number, number>();
  const listensPerWorker = (config.tls ? 2 : 1) + (config.websiteAddress ? 1 : 0);
  let tlsEndpoint: string | undefined;
  let started = false;
  let allListening: () => void = () => undefined;
  const ready = new Promise<void>((r) => (allListening = r));

  // Workers run with the server's V8 flags even when the primary was started without them.
  cluster.setupPrimary({ execArgv: withServerV8Flags(process.execArgv) });
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('listening', (address) => {
      const host = address.addressType === 6 ? `[${address.address}]` : address.address;
      const made = (listens.get(worker.id) ?? 0) + 1;
      listens.set(worker.id, made);
      if (made === 1) endpoint ||= `http://${host ?? config.host}:${address.port}`;
      else if (made === 2 && config.tls) tlsEndpoint ??= `https://${host ?? config.tls?.host}:${address.port}`;
      if (made < listensPerWorker) return;
      listening.add(worker.id);
      if (listening.size === config.workers) allListening();
    });
    worker.on('exit', (code, signal) => {
      listening.delete(worker.id);
      listens.delete(worker.id);
      const pid = worker.process.pid;
      // Whatever it held (a SIGKILL, a crash) nobody else reads: its disk space is free again.
      if (pid !== undefined) {
        removeHeldLinks(dataDir, pid).catch((e: unknown) => logger.warn({ worker: pid, err: e }, 'could not remove the blob links of an exited worker'));
      }
      if (stopping) return;
      // One that cannot start (the port is taken, the directory unreadable) would not start again.
      if (!started) return onFatal(new Error(`a worker process exited (${signal ?? `code ${code}`}) before it listened; its error is above`));
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
      logger.error({ worker: pid, code, signal }, 'worker process exited; starting another');
      if (crashes.length > CRASH_LOOP) onFatal(new Error(`${crashes.length} worker processes exited within ${CRASH_WINDOW_MS / 1000} s`));
      else fork();
    });
    return worker;
  };

  // A scrape of /metrics answers for every worker (metrics/cluster-metrics.ts).
  const metricsBroker = primaryMetricsBroker({ workers: () => running().filter((w) => listening.has(w.id)) });
  cluster.on('message', (worker, message) => metricsBroker.onMessage(worker, message));
  for (let i = 0; i < config.workers; i++) fork();
  try {
    await Promise.race([ready, fatal]);
    started = true;
  } catch (e) {
    await stopWorkers();
    lock.release();
    throw e;
  }
  const tlsLog = tlsEndpoint ? { tlsEndpoint } : {};
  startupLog(logger).info({ endpoint, ...tlsLog, accountId, dataDir, region: config.region, workers: config.workers }, 'listening');
  logger.flush();

  async function stopWorkers(): Promise<void> {
    stopping = true;
    await Promise.all(
      running().map(
        (w) =>
          new Promise<void>((resolveExit) => {
            w.once('exit', () => resolveExit());
            w.process.kill('SIGTERM');
          }),
      ),
    );
  }

  return {
    endpoint,
    tlsEndpoint,
    accountId,
    // Each worker re-reads the files itself (its SIGHUP handler, cli.ts); one still starting reads the new files anyway.
    async reloadTls() {
      for (const w of running()) if (listening.has(w.id)) w.process.kill('SIGHUP');
    },
    async shutdown() {
      await stopWorkers();
      lock.release();
      logger.info('stopped');
      await new Promise<void>((r) => logger.flush(() => r()));
    },
    failed: fatal,
  };
}
