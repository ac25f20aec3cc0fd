import { Agent, request } from 'node:http';
import type { Endpoint, PreparedRequest } from './signer.js';

export interface SimpleResponse {
  readonly status: number;
  readonly bodyLength: number;
  /** The first bytes of the body as text, for error messages. */
  readonly excerpt: string;
}

/** Sends one prepared request with node:http (setup and validation; load comes from wrk). */
export async function send(
  endpoint: Endpoint,
  req: PreparedRequest,
  options: { agent?: Agent; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  let length = 0;
  const head: Buffer[] = [];
  const status = await exchange(endpoint, req, { agent: options.agent, timeoutMs: options.timeoutMs ?? 30_000 }, (chunk) => {
    if (length < 512) head.push(chunk);
    length += chunk.length;
  });
  return { status, bodyLength: length, excerpt: Buffer.concat(head).subarray(0, 512).toString('utf8') };
}

/** Sends one request, hands each body chunk to `onData`, and resolves with the status at the body's end. */
function exchange(
  endpoint: Endpoint,
  req: PreparedRequest,
  options: { agent: Agent | undefined; timeoutMs: number },
  onData: (chunk: Buffer) => void,
): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const r = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        method: req.method,
        path: req.target,
        headers: req.headers,
        agent: options.agent ?? false,
        timeout: options.timeoutMs,
      },
      (res) => {
        res.on('data', onData);
        res.on('end', () => resolvePromise(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.target} timed out`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends requests with bounded concurrency over keep-alive connections; throws on the first non-2xx. */
export async function sendAll(
  endpoint: Endpoint,
  requests: readonly PreparedRequest[],
  concurrency: number,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      const res = await send(endpoint, req, { agent });
      if (res.status < 200 || res.status > 299)
        throw new Error(`${req.method} ${req.target.split('?')[0]} → ${res.status}: ${res.excerpt}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  } finally {
    agent.destroy();
  }
}

/** The exact bytes of an HTTP/1.1 request, as wrk will replay them (keep-alive, no Connection header). */
export function rawRequestBytes(req: PreparedRequest): Buffer {
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(req.headers)) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  return req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1');
}

/** Sends one request and returns its whole body (listing pages, for validation and the bare server's copy). */
export async function fetchBody(
  endpoint: Endpoint,
  req: PreparedRequest,
  options: { timeoutMs?: number } = {},
): Promise<{ status: number; body: Buffer }> {
  const chunks: Buffer[] = [];
  const status = await exchange(endpoint, req, { agent: undefined, timeoutMs: options.timeoutMs ?? 60_000 }, (chunk) => chunks.push(chunk));
  return { status, body: Buffer.concat(chunks) };
}

export interface SendManyResult {
  /** Requests answered 2xx before the deadline. */
  readonly done: number;
  readonly seconds: number;
  /** All `count` were sent before the deadline. */
  readonly complete: boolean;
}

/**
 * Sends `count` requests, each made (signed) by `make(i)` just before it goes, with bounded concurrency
 * over keep-alive connections, until all are answered or `deadline` (epoch ms) passes; throws on the
 * first non-2xx. For seeding through HTTP: 20,000 PUTs are signed as they go, not all up front.
 */
export async function sendMany(
  endpoint: Endpoint,
  count: number,
  make: (i: number) => Promise<PreparedRequest>,
  options: { concurrency: number; deadline?: number },
): Promise<SendManyResult> {
  const started = performance.now();
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  let next = 0;
  let done = 0;
  const deadline = options.deadline ?? Infinity;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      const req = await make(next++);
      const res = await send(endpoint, req, { agent });
      if (res.status < 200 || res.status > 299)
        throw new Error(`${req.method} ${req.target.split('?')[0]} → ${res.status}: ${res.excerpt}`);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  } finally {
    agent.destroy();
  }
  return { done, seconds: (performance.now() - started) / 1000, complete: done === count };
}
