/**
 * A small closed-loop HTTP/1.1 load generator for what wrk cannot measure: HEAD. wrk's response parser
 * is not told which method a response answers, so a HEAD response with `Content-Length: 4096` leaves it
 * waiting for 4096 body bytes that never come (checked with wrk 4.1.0: `wrk.method = "HEAD"` completes
 * no request at all). This one knows: a request marked `noBody` ends with its header block.
 *
 * Like wrk with the bench's Lua script: `connections` keep-alive connections, each with one request in
 * flight, the pre-signed raw requests replayed round-robin, for `durationSeconds`; it prints wrk's
 * result line (the `WRK_RESULT_JSON` marker, parsed by wrk.ts's `parseWrkOutput`). It reads each socket
 * into one reused buffer (`onread`) and never builds a body, so it costs little; the HEAD and the GET
 * figures a ratio compares both come from it.
 *   node dist/bench/lib/http-load.js <spec.json>
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { isMain } from './is-main.js';

export interface HttpLoadSpec {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** A request unanswered for this long counts as a timeout; its connection is replaced. */
  readonly timeoutMs: number;
  /** The raw requests, back to back (http-client.ts rawRequestBytes), sliced by `lengths`. */
  readonly blobPath: string;
  readonly lengths: readonly number[];
  /** Per request: its response has no body whatever its Content-Length says (HEAD). */
  readonly noBody: readonly boolean[];
}

export const RESULT_MARKER = 'WRK_RESULT_JSON ';

const HEADER_END = Buffer.from('\r\n\r\n');

/** What the header block of a response says about the response's framing. */
export interface ResponseHead {
  readonly status: number;
  /** Body bytes to read (0 for a response without a body). */
  readonly bodyBytes: number;
  readonly close: boolean;
}

/** Status, body length and `Connection: close` of a response header block (without the final CRLFCRLF). */
export function parseResponseHead(head: string, noBody: boolean): ResponseHead {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP/1.x response: ${JSON.stringify(head.slice(0, 40))}`);
  const close = /\r\nconnection:\s*close/i.test(head);
  // No body: HEAD, 1xx, 204, 304 (RFC 9112 §6.3).
  if (noBody || status < 200 || status === 204 || status === 304) return { status, bodyBytes: 0, close };
  if (/\r\ntransfer-encoding:/i.test(head)) throw new Error('chunked responses are not supported');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!length) throw new Error('response without Content-Length');
  return { status, bodyBytes: Number(length[1]), close };
}

/** Percentile of sorted values (nearest rank), as wrk reports it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

interface Counters {
  completed: number;
  status: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

export async function runLoad(spec: HttpLoadSpec): Promise<string> {
  const blob = readFileSync(spec.blobPath);
  const raws: Buffer[] = [];
  let pos = 0;
  for (const len of spec.lengths) {
    raws.push(blob.subarray(pos, pos + len));
    pos += len;
  }
  if (raws.length === 0) throw new Error('no requests');
  const counters: Counters = { completed: 0, status: 0, connect: 0, read: 0, write: 0, timeout: 0 };
  const latencies: number[] = [];
  let next = 0;
  let stopping = false;
  const started = performance.now();

  const open = (): Connection => new Connection();

  class Connection {
    private socket!: Socket;
    private sentAt = 0;
    private busy = false;
    private noBody = false;
    /** Header bytes of a response split across reads. */
    private pendingHead: Buffer | undefined;
    private inHead = true;
    private bodyLeft = 0;
    private status = 0;
    private closeAfter = false;

    constructor() {
      this.connect();
    }

    overdue(now: number): boolean {
      return this.busy && now - this.sentAt > spec.timeoutMs;
    }

    replace(): void {
      this.busy = false;
      this.socket.destroy();
      if (!stopping) this.connect();
    }

    end(): void {
      this.socket.destroy();
    }

    private connect(): void {
      this.inHead = true;
      this.pendingHead = undefined;
      const socket = connect({
        host: spec.host,
        port: spec.port,
        noDelay: true,
        onread: {
          buffer: Buffer.allocUnsafe(64 * 1024),
          callback: (n: number, buf: Uint8Array) => this.onRead(n, buf),
        },
      });
      this.socket = socket;
      let connected = false;
      socket.on('connect', () => {
        connected = true;
        this.send();
      });
      socket.on('error', () => {
        if (connected) counters.read++;
        else counters.connect++;
      });
      socket.on('close', () => {
        if (this.socket !== socket || stopping) return;
        // The server closed (or the connection failed): a fresh one, after a breath if it never connected.
        this.busy = false;
        setTimeout(() => this.connect(), connected ? 0 : 100);
      });
    }

    private send(): void {
      if (stopping) return;
      const i = next++ % raws.length;
      this.noBody = spec.noBody[i] === true;
      this.inHead = true;
      this.busy = true;
      this.sentAt = performance.now();
      this.socket.write(raws[i], (err) => {
        if (err) counters.write++;
      });
    }

    private onRead(n: number, buf: Uint8Array): boolean {
      let chunk = Buffer.from(buf.buffer, buf.byteOffset, n);
      try {
        while (chunk.length > 0) {
          if (!this.busy) throw new Error('bytes without a request in flight');
          if (this.inHead) {
            const head = this.pendingHead === undefined ? chunk : Buffer.concat([this.pendingHead, chunk]);
            const at = head.indexOf(HEADER_END);
            if (at < 0) {
              this.pendingHead = Buffer.from(head); // copy: the read buffer is reused
              return true;
            }
            const consumedOfChunk = at + HEADER_END.length - (this.pendingHead?.length ?? 0);
            const parsed = parseResponseHead(head.toString('latin1', 0, at), this.noBody);
            this.pendingHead = undefined;
            this.inHead = false;
            this.status = parsed.status;
            this.bodyLeft = parsed.bodyBytes;
            this.closeAfter = parsed.close;
            chunk = chunk.subarray(consumedOfChunk);
          }
          const take = Math.min(this.bodyLeft, chunk.length);
          this.bodyLeft -= take;
          chunk = chunk.subarray(take);
          if (this.bodyLeft === 0) this.complete();
        }
      } catch {
        counters.read++;
        this.replace();
      }
      return true;
    }

    private complete(): void {
      const now = performance.now();
      this.busy = false;
      if (stopping) return;
      counters.completed++;
      if (this.status > 399) counters.status++;
      latencies.push((now - this.sentAt) * 1000);
      if (this.closeAfter) this.replace();
      else this.send();
    }
  }

  const connections = Array.from({ length: spec.connections }, open);
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const c of connections) {
      if (!c.overdue(now)) continue;
      counters.timeout++;
      c.replace();
    }
  }, 250);
  await new Promise((r) => setTimeout(r, spec.durationSeconds * 1000));
  stopping = true;
  const durationUs = (performance.now() - started) * 1000;
  clearInterval(watchdog);
  for (const c of connections) c.end();
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const result = {
    requests: counters.completed,
    duration_us: Math.round(durationUs),
    errors: {
      connect: counters.connect,
      read: counters.read,
      write: counters.write,
      status: counters.status,
      timeout: counters.timeout,
    },
    latency_us: {
      mean: Math.round(mean * 1000) / 1000,
      p50: Math.round(percentile(sorted, 50)),
      p90: Math.round(percentile(sorted, 90)),
      p99: Math.round(percentile(sorted, 99)),
      max: Math.round(sorted.length === 0 ? 0 : sorted[sorted.length - 1]),
    },
  };
  return `${RESULT_MARKER}${JSON.stringify(result)}\n`;
}

if (isMain(import.meta.url)) {
  const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as HttpLoadSpec;
  runLoad(spec).then(
    (line) => {
      process.stdout.write(line);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
