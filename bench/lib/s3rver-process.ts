/**
 * Runs s3rver (the Node S3 peer used as a reference) in its own process, so it is measured like the
 * other servers: node dist/bench/lib/s3rver-process.js --dir DIR --port PORT
 * s3rver accepts SigV4 with the credentials S3RVER / S3RVER.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { isMain } from './is-main.js';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  vhostBuckets: boolean;
  resetOnClose: boolean;
}) => S3rverInstance;

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

async function main(argv: readonly string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dir = arg('--dir');
  if (!dir) throw new Error('usage: s3rver-process --dir DIR [--port PORT]');
  // s3rver is CommonJS without type declarations.
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const instance = new S3rver({
    address: '127.0.0.1',
    port: Number(arg('--port') ?? '0'),
    silent: true,
    directory: resolve(dir),
    vhostBuckets: false,
    resetOnClose: false,
  });
  const address = await instance.run();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: address.port })}\n`);
  process.on('SIGTERM', () => {
    instance.close().then(() => process.exit(0), () => process.exit(1));
  });
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
