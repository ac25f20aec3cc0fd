import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { Cleanup } from './cleanup.js';

export interface ServerProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** stdout and stderr go to this file, not to a pipe: a pipe nobody drains would stall the server. */
  readonly logFile: string;
  readonly port: number;
  /** Path polled until `isReady(status)`; any HTTP answer means "listening" unless told otherwise. */
  readonly readyPath: string;
  readonly isReady?: (status: number) => boolean;
  readonly readyTimeoutMs?: number;
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** The last lines of the server's log (for error messages). */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** An unused 127.0.0.1 port (bound then released; a small race the bench accepts). */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

export async function startServerProcess(options: ServerProcessOptions, cleanup: Cleanup): Promise<ServerProcess> {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(options.command, [...options.args], { env: { ...process.env, ...options.env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  const logTail = (lines = 30) => {
    try {
      return readFileSync(options.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = cleanup.add(`stop ${options.name} (pid ${child.pid})`, () => stopChild(child, exited));
  try {
    await waitUntilReady(options, child);
  } catch (err) {
    await stop();
    throw new Error(`${options.name} did not become ready: ${(err as Error).message}\n--- log tail ---\n${logTail()}`);
  }
  return { pid: child.pid ?? -1, port: options.port, logTail, stop };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitUntilReady(options: ServerProcessOptions, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  const isReady = options.isReady ?? (() => true);
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    const status = await probe(options.port, options.readyPath);
    if (status !== undefined && isReady(status)) return;
    last = status === undefined ? 'no answer' : `HTTP ${status}`;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out (last probe: ${last})`);
}

function probe(port: number, path: string): Promise<number | undefined> {
  return new Promise((resolvePromise) => {
    const r = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode));
    });
    r.on('timeout', () => r.destroy());
    r.on('error', () => resolvePromise(undefined));
    r.end();
  });
}
