import { Agent, request } from 'node:http';
import type { Endpoint, PreparedRequest } from './signer.js';

export interface SimpleResponse {
  readonly status: number;
  readonly bodyLength: number;
  /** The first bytes of the body as text, for error messages. */
  readonly excerpt: string;
}

/** Sends one prepared request with node:http (setup and validation; load comes from wrk). */
export function send(endpoint: Endpoint, req: PreparedRequest, options: { agent?: Agent; timeoutMs?: number } = {}): Promise<SimpleResponse> {
  return new Promise((resolvePromise, reject) => {
    const r = request(
      {
        host: endpoint.host,
        port: endpoint.port,
        method: req.method,
        path: req.target,
        headers: req.headers,
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        let length = 0;
        const head: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          if (length < 512) head.push(chunk);
          length += chunk.length;
        });
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, bodyLength: length, excerpt: Buffer.concat(head).subarray(0, 512).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.target} timed out`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends requests with bounded concurrency over keep-alive connections; throws on the first non-2xx. */
export async function sendAll(endpoint: Endpoint, requests: readonly PreparedRequest[], concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      const res = await send(endpoint, req, { agent });
      if (res.status < 200 || res.status > 299) throw new Error(`${req.method} ${req.target.split('?')[0]} → ${res.status}: ${res.excerpt}`);
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
