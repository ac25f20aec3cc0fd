/**
 * The ceiling reference: a bare node:http server doing the same byte work as an object store, nothing
 * else. PUT writes the body to a file named by the SHA-256 of the request path (no fsync, no rename, no
 * metadata, no auth, no request parsing beyond the path); GET sends that file back with its length (one
 * read for small files, a 1 MiB-chunk stream for large ones). One Node process, one event loop, async fs
 * on libuv's thread pool: the cost floor of the byte work for any single-process Node server.
 *
 * Run as a process: node dist/bench/lib/bare-file-server.js --dir DIR --port PORT
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isMain } from './is-main.js';

export function createBareFileServer(dir: string): Server {
  mkdirSync(dir, { recursive: true });
  const fileFor = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0];
    return join(dir, createHash('sha256').update(path).digest('hex'));
  };
  return createServer((req, res) => {
    handle(req, res, fileFor(req.url)).catch((err: unknown) => {
      // A client that closes as soon as it has the last byte can beat 'finish': nothing was lost.
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      process.stderr.write(`${req.method} ${req.url}: ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-length': '0' });
      res.end();
      req.resume();
    });
  });
}

/** Bodies up to this size are read with one read() into one buffer; larger ones are streamed. */
const SMALL_FILE = 64 * 1024;
/** Large transfers move 1 MiB at a time (the 64 KiB default halves large-object throughput). */
const CHUNK = 1024 * 1024;

async function handle(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  if (req.method === 'PUT') {
    await pipeline(req, createWriteStream(file, { highWaterMark: CHUNK }));
    res.writeHead(200, { 'content-length': '0' });
    res.end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume();
    res.writeHead(405, { 'content-length': '0' });
    res.end();
    return;
  }
  // open → fstat → read → close on one descriptor: the fewest thread-pool round trips node allows.
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) {
    res.writeHead(404, { 'content-length': '0' });
    res.end();
    return;
  }
  let closeHere = true;
  try {
    const { size } = await handle.stat();
    res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') return void res.end();
    if (size <= SMALL_FILE) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await handle.read(buf, 0, size, 0);
      return void res.end(bytesRead === size ? buf : buf.subarray(0, bytesRead));
    }
    closeHere = false; // the stream owns the descriptor now (autoClose)
    await pipeline(handle.createReadStream({ highWaterMark: CHUNK }), res);
  } finally {
    if (closeHere) await handle.close();
  }
}

function main(argv: readonly string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dir = arg('--dir');
  const port = Number(arg('--port') ?? '0');
  if (!dir) throw new Error('usage: bare-file-server --dir DIR [--port PORT]');
  const server = createBareFileServer(resolve(dir));
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : port })}\n`);
  });
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

if (isMain(import.meta.url)) main(process.argv.slice(2));
