#!/usr/bin/env node
/**
 * `strongbox server [--data-dir DIR] [--address HOST:PORT] [--region R] [--base-domain D]
 *                   [--durability normal|strict] [--log-level L] [--workers N|auto]
 *                   [--trusted-proxy CIDR]... [--forwarded-header x-forwarded-for|forwarded]
 *                   [--network-endpoint CIDR=vpce-ID[,vpc-ID]]...
 *                   [--tls-address HOST:PORT --tls-cert FILE --tls-key FILE] [--lifecycle-day-seconds N]`
 */
import { ConfigError, parseServerConfig } from './config.js';
import cluster from 'node:cluster';
import { createLogger, runServer } from './main.js';
import { DataDirInUseError } from './server/data-dir-lock.js';
import { runPrimary } from './server/workers.js';
import { readTlsCredentials, TlsCredentialsError } from './server/tls-credentials.js';
import { runWorkloadTokenCommand } from './cli/workload-token-command.js';
import { runValidateLogsCommand } from './cli/validate-logs-command.js';

const USAGE = `usage: strongbox server [--data-dir DIR] [--address HOST:PORT] [--region REGION]
                        [--base-domain DOMAIN] [--durability normal|strict] [--log-level LEVEL]
                        [--workers N|auto]
                        [--trusted-proxy CIDR]... [--forwarded-header x-forwarded-for|forwarded]
                        [--network-endpoint CIDR=vpce-ID[,vpc-ID]]...
                        [--tls-address HOST:PORT --tls-cert FILE --tls-key FILE]
                        [--lifecycle-day-seconds N] [--sse-key-file FILE]
       strongbox workload-token create|list|revoke ...   (strongbox workload-token --help)
       strongbox validate-logs --trail-arn ARN --start-time TIME ...   (strongbox validate-logs --help)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'workload-token' || command === 'validate-logs') {
    const io = { env: process.env, stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
    return command === 'workload-token' ? runWorkloadTokenCommand(rest, io) : runValidateLogsCommand(rest, io);
  }
  if (command !== 'server') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  let config;
  try {
    config = parseServerConfig(rest, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`strongbox: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  // A certificate that cannot serve fails the start before the data directory is touched (and, with
  // workers, once, before any worker exists); the listeners read the files again when they start.
  if (config.tls && !cluster.isWorker) await readTlsCredentials(config.tls);
  const logger = createLogger(config);
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
  // SIGHUP re-reads the TLS certificate and key (a renewed certificate needs no restart). Only with a
  // TLS listener: otherwise SIGHUP keeps its default meaning (the terminal went away: exit).
  if (config.tls) process.on('SIGHUP', () => void server.reloadTls?.());
  server.failed?.catch((e: unknown) => {
    logger.error({ err: e }, 'stopping: the server cannot go on');
    stop('failure');
    process.exitCode = 1;
  });
  return -1;
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
