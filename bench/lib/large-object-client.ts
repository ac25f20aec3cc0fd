/**
 * The large-object client, run as its own process so that generating and discarding a gigabyte does
 * not share an event loop with the bench driver:
 *   node dist/bench/lib/large-object-client.js '<LargeTransferSpec as JSON>'
 * PUT streams zeros from one reused 1 MiB buffer (a /dev/zero that costs no syscalls); GET counts and
 * discards the body. Prints one JSON line (LargeTransferResult) and exits 0, even when the transfer failed.
 */
import { request } from 'node:http';
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

export function transfer(spec: LargeTransferSpec): Promise<LargeTransferResult> {
  return new Promise((resolvePromise) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    let sent = 0;
    let received = 0;
    let status = 0;
    let excerpt = '';
    let settled = false;
    const finish = (complete: boolean, error?: string, timedOut = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const bytes = spec.method === 'PUT' ? sent : received;
      resolvePromise({ status, bytes, seconds: elapsed(), complete, timedOut, ...(error ? { error } : {}), ...(excerpt ? { excerpt } : {}) });
    };
    const req = request({ host: spec.host, port: spec.port, method: spec.method, path: spec.target, headers: spec.headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!ok && excerpt.length < 500) excerpt += chunk.toString('utf8');
      });
      res.on('end', () => {
        const complete = ok && (spec.method === 'PUT' ? sent === spec.bytes : received === spec.bytes);
        finish(complete, ok ? (complete ? undefined : `short transfer`) : `HTTP ${status}`);
      });
      res.on('error', (err) => finish(false, err.message));
    });
    const deadline = setTimeout(() => {
      finish(false, `deadline of ${spec.timeoutMs} ms reached`, true);
      req.destroy();
    }, spec.timeoutMs);
    req.on('error', (err) => finish(false, err.message));
    if (spec.method === 'GET') {
      req.end();
      return;
    }
    const pump = () => {
      while (sent < spec.bytes && !settled) {
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
  const spec = JSON.parse(process.argv[2] ?? '{}') as LargeTransferSpec;
  transfer(spec).then((r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  });
}
