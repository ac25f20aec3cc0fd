#!/usr/bin/env node
/**
 * `strongbox server [--data-dir DIR] [--address HOST:PORT] [--region R] [--base-domain D]
 *                   [--durability normal|strict] [--log-level L]`
 */
import { ConfigError, parseServerConfig } from './config.js';
import { createLogger, runServer } from './main.js';

const USAGE = `usage: strongbox server [--data-dir DIR] [--address HOST:PORT] [--region REGION]
                        [--base-domain DOMAIN] [--durability normal|strict] [--log-level LEVEL]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
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
  const logger = createLogger(config);
  const server = await runServer(config, process.env, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.shutdown().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`strongbox: failed to start: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
