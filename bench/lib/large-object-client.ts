/**
 * The large-object client, run as its own process so that generating and discarding a gigabyte does
 * not share an event loop with the bench driver:
 *   node dist/bench/lib/large-object-client.js '<LargeTransferSpec as JSON>'
 * PUT streams zeros from one reused 1 MiB buffer (a /dev/zero that costs no syscalls); GET counts and
 * discards the body. Prints one JSON line (LargeTransferResult) and exits 0, even when the transfer failed.
 *
 * GET reads the response off a plain TCP socket into one reused 1 MiB buffer (`onread`) rather than
 * through node:http, which hands over every 64 KiB as a new Buffer and a stream event: on a 2-core
 * machine the client shares the cores with the server it measures, and node:http's client cost more
 * CPU per GiB than the server's GET itself. Like wrk for the small objects, the load generator should
 * cost as little as it can.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { isMain } from './is-main.js';

export interface LargeTransferSpec {
  readonly host: string;
  readonly port: number;
  readonly method: 'PUT' | 'GET';
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  /** PUT: bytes to send. GET: bytes expected. */
  readonly bytes: number;
  readonly timeoutMs: number;
}

export interface LargeTransferResult {
  readonly status: number;
  /** Body bytes sent (PUT) or received (GET) before the end or the deadline. */
  readonly bytes: number;
  readonly seconds: number;
  readonly complete: boolean;
  /** The deadline cut the transfer short (bytes/seconds still give a throughput). */
  readonly timedOut: boolean;
  readonly error?: string;
  /** Response body excerpt when the status is not 2xx. */
  readonly excerpt?: string;
}

const CHUNK = Buffer.alloc(1024 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');

export function transfer(spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return spec.method === 'GET' ? get(spec) : put(spec);
}

export interface ConcurrentTransfers {
  readonly results: readonly LargeTransferResult[];
  /** From the start of the first transfer to the end of the last. */
  readonly seconds: number;
}

/** Every transfer at once. */
export async function transferAll(specs: readonly LargeTransferSpec[]): Promise<ConcurrentTransfers> {
  const started = process.hrtime.bigint();
  const results = await Promise.all(specs.map(transfer));
  return { results, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * The one way a transfer ends: the first call resolves with the time since this was made and runs
 * `cleanup`; later calls (a deadline after an error, an error after the end) do nothing.
 */
function settleOnce(resolve: (r: LargeTransferResult) => void, cleanup: () => void) {
  const started = process.hrtime.bigint();
  const state = {
    settled: false,
    finish(
      soFar: { status: number; bytes: number; excerpt: string },
      complete: boolean,
      error?: string,
      timedOut = false,
    ): void {
      if (state.settled) return;
      state.settled = true;
      cleanup();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { status, bytes, excerpt } = soFar;
      resolve({
        status,
        bytes,
        seconds,
        complete,
        timedOut,
        ...(error ? { error } : {}),
        ...(excerpt ? { excerpt } : {}),
      });
    },
  };
  return state;
}

/** One GET over HTTP/1.1 (Connection: close), the body counted as it arrives into one reused buffer. */
function get(spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return new Promise((resolvePromise) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let status = 0;
    let expected: number | undefined;
    let received = 0;
    let excerpt = '';
    const outcome = settleOnce(resolvePromise, () => {
      clearTimeout(deadline);
      socket.destroy();
    });
    const done = (complete: boolean, error?: string, timedOut = false) =>
      outcome.finish({ status, bytes: received, excerpt }, complete, error, timedOut);
    const ok = () => status >= 200 && status < 300;
    const end = () => {
      const complete = ok() && received === spec.bytes && (expected === undefined || received === expected);
      done(complete, ok() ? (complete ? undefined : 'short transfer') : `HTTP ${status}`);
    };
    const body = (chunk: Buffer) => {
      received += chunk.length;
      if (!ok() && excerpt.length < 500) excerpt += chunk.toString('utf8');
      if (expected !== undefined && received >= expected) end();
    };
    const socket = connect({
      host: spec.host,
      port: spec.port,
      onread: {
        buffer: Buffer.allocUnsafe(1024 * 1024),
        callback: (n: number, buffer: Uint8Array): boolean => {
          const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, n);
          if (head === undefined) {
            body(chunk);
            return true;
          }
          head = Buffer.concat([head, chunk]);
          const at = head.indexOf(HEADER_END);
          if (at < 0) return true;
          const lines = head.subarray(0, at).toString('latin1').split('\r\n');
          status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
          const length = lines.find((l) => /^content-length:/i.test(l));
          if (length !== undefined) expected = Number(length.slice(length.indexOf(':') + 1).trim());
          const rest = head.subarray(at + HEADER_END.length);
          head = undefined;
          body(rest);
          return true;
        },
      },
    });
    const deadline = setTimeout(() => done(false, `deadline of ${spec.timeoutMs} ms reached`, true), spec.timeoutMs);
    socket.on('error', (err) => done(false, err.message));
    socket.on('end', () => (head === undefined ? end() : done(false, 'connection closed before the response headers')));
    const headers = Object.entries(spec.headers);
    if (!headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['host', `${spec.host}:${spec.port}`]);
    socket.write(
      `GET ${spec.target} HTTP/1.1\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}connection: close\r\n\r\n`,
    );
  });
}

function put(spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return new Promise((resolvePromise) => {
    let sent = 0;
    let status = 0;
    let excerpt = '';
    const outcome = settleOnce(resolvePromise, () => clearTimeout(deadline));
    const done = (complete: boolean, error?: string, timedOut = false) =>
      outcome.finish({ status, bytes: sent, excerpt }, complete, error, timedOut);
    const req = request(
      { host: spec.host, port: spec.port, method: spec.method, path: spec.target, headers: spec.headers, agent: false },
      (res) => {
        status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        res.on('data', (chunk: Buffer) => {
          if (!ok && excerpt.length < 500) excerpt += chunk.toString('utf8');
        });
        res.on('end', () => {
          const complete = ok && sent === spec.bytes;
          done(complete, ok ? (complete ? undefined : `short transfer`) : `HTTP ${status}`);
        });
        res.on('error', (err) => done(false, err.message));
      },
    );
    const deadline = setTimeout(() => {
      done(false, `deadline of ${spec.timeoutMs} ms reached`, true);
      req.destroy();
    }, spec.timeoutMs);
    req.on('error', (err) => done(false, err.message));
    const pump = () => {
      while (sent < spec.bytes && !outcome.settled) {
        const n = Math.min(CHUNK.length, spec.bytes - sent);
        sent += n;
        const more = req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
        if (!more) {
          req.once('drain', pump);
          return;
        }
      }
      if (sent >= spec.bytes) req.end();
    };
    pump();
  });
}

if (isMain(import.meta.url)) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LargeTransferSpec | LargeTransferSpec[];
  (Array.isArray(spec) ? transferAll(spec) : transfer(spec)).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  });
}
