#!/usr/bin/env node
/**
 * `strongbox server [OPTION]...`, `strongbox workload-token ...`, `strongbox validate-logs ...`, `strongbox audit ...`,
 * `strongbox --help`, `strongbox --version`. The server's options and their help come from the option
 * table of src/config.ts (src/cli/server-usage.ts renders it).
 */
import { ConfigError, parseServerConfig, UnknownOptionError, type ServerConfig } from './config.js';
import cluster from 'node:cluster';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { createLogger, runServer } from './main.js';
import { DataDirInUseError } from './server/data-dir-lock.js';
import { runPrimary } from './server/workers.js';
import { readTlsCredentials, TlsCredentialsError } from './server/tls-credentials.js';
import { runWorkloadTokenCommand } from './cli/workload-token-command.js';
import { runValidateLogsCommand } from './cli/validate-logs-command.js';
import { runAuditCommand } from './cli/audit-command.js';
import { mainUsage, serverUsage, unknownCommandMessage, unknownOptionMessage } from './cli/server-usage.js';
import { watchLauncher } from './cli/launcher-watch.js';

const HELP = new Set(['--help', '-h', 'help']);
const VERSION = new Set(['--version', '-V', 'version']);

/** package.json's version (this file runs as dist/src/cli.js). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (t: string) => process.stdout.write(t);
  const err = (t: string) => process.stderr.write(t);
  if (command === 'audit') return runAuditCommand(rest, { stdout: out, stderr: err });
  if (command === 'workload-token' || command === 'validate-logs') {
    const io = { env: process.env, stdout: out, stderr: err };
    return command === 'workload-token' ? runWorkloadTokenCommand(rest, io) : runValidateLogsCommand(rest, io);
  }
  if (command === undefined || HELP.has(command)) {
    out(rest[0] === 'server' ? serverUsage() : mainUsage(version()));
    return 0;
  }
  if (VERSION.has(command) || (command === 'server' && rest.includes('--version'))) {
    out(`strongbox ${version()}\n`);
    return 0;
  }
  if (command !== 'server') {
    err(`strongbox: ${unknownCommandMessage(command)}\n`);
    return 2;
  }
  if (rest.some((a) => a === '--help' || a === '-h')) {
    out(serverUsage());
    return 0;
  }
  let config;
  try {
    config = parseServerConfig(rest, process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const message = e instanceof UnknownOptionError ? unknownOptionMessage(e.option) : e.message;
    err(`strongbox: ${message}\n`);
    if (!(e instanceof UnknownOptionError)) err(`Run 'strongbox server --help' for every option.\n`);
    return 2;
  }
  await serve(config);
  return -1;
}

/** Runs the server until SIGTERM, SIGINT, a failure, or (started by npm) the end of its launcher. */
async function serve(config: ServerConfig): Promise<void> {
  // Every file and directory this process creates is private, whatever the data directory's mode
  // (the stores also create theirs 0600/0700): object bytes, password hashes and keys live there.
  process.umask(0o077);
  // A certificate that cannot serve fails the start before the data directory is touched (and, with
  // workers, once, before any worker exists); the listeners read the files again when they start.
  if (config.tls && !cluster.isWorker) await readTlsCredentials(config.tls);
  const logger = createLogger(config);
  if (!cluster.isWorker) warnIfDataDirIsOpen(config.dataDir, logger);
  const server = cluster.isWorker
    ? await runServer(config, process.env, logger, 'worker')
    : config.workers > 1
      ? await runPrimary(config, process.env, logger)
      : await runServer(config, process.env, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.shutdown().then(
      () => process.exit(process.exitCode ?? 0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // npm's script shell swallows the signals npm forwards (src/cli/launcher-watch.ts): follow npm instead.
  if (!cluster.isWorker) {
    watchLauncher({ env: process.env, parentPid: () => process.ppid, onLauncherGone: () => stop('launcher exited') });
  }
  // SIGHUP re-reads the TLS certificate and key (a renewed certificate needs no restart). Only with a
  // TLS listener: otherwise SIGHUP keeps its default meaning (the terminal went away: exit).
  if (config.tls) process.on('SIGHUP', () => void server.reloadTls?.());
  server.failed?.catch((e: unknown) => {
    logger.error({ err: e }, 'stopping: the server cannot go on');
    stop('failure');
    process.exitCode = 1;
  });
}

/**
 * The server creates its own files private, but a data directory made beforehand (`mkdir data`: 0755,
 * a container volume) stays as its owner made it: say so, once, at start.
 */
function warnIfDataDirIsOpen(dataDir: string, logger: Logger): void {
  let mode: number;
  try {
    mode = statSync(dataDir).mode & 0o777;
  } catch {
    return; // not there yet: the server creates it 0700
  }
  if ((mode & 0o077) === 0) return;
  const octal = mode.toString(8).padStart(4, '0');
  logger.warn({ dataDir: resolve(dataDir), mode: octal },
    `the data directory is open to other local users (mode ${octal}): chmod 700 it`);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    // An expected refusal says what is wrong; anything else comes with its stack.
    const expected = e instanceof DataDirInUseError || e instanceof TlsCredentialsError;
    const detail = expected ? e.message : e instanceof Error ? e.stack ?? e.message : String(e);
    process.stderr.write(`strongbox: failed to start: ${detail}\n`);
    process.exit(1);
  },
);
