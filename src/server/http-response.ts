/**
 * The one place that writes a response to the socket, for every protocol: the status line and
 * headers in one `writeHead` with a flat list (no per-header `setHeader` bookkeeping), then text or
 * bytes with `end(bytes)`, or a stream piped with backpressure. Protocols render HttpResponse values
 * (server/protocol.ts); they never write.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSendableBody, type SendableBody } from '../storage/sendable-body.js';
import type { HttpResponse } from './protocol.js';

/**
 * Writes `response`. A HEAD answer and a 204/304 carry no body (a stream given for one is destroyed).
 * A body of bytes is sent with its own Content-Length; a stream keeps the handler's. When the client
 * goes away mid-stream the source is destroyed (nobody reads gigabytes nobody will receive) and the
 * promise resolves; any other failure rejects, after the status line is gone.
 */
export async function writeHttpResponse(res: ServerResponse, response: HttpResponse, method: string): Promise<void> {
  const body = response.body;
  const noBody = method === 'HEAD' || response.status === 204 || response.status === 304;
  const bytes = noBody || body === undefined || body instanceof Readable ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head: (string | readonly string[])[] = response.leadingHeaders ?? [];
  let hasLength = false;
  const headers = response.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'content-length') {
      if (bytes !== undefined) continue;
      hasLength = true;
    }
    head.push(name, typeof value === 'number' ? String(value) : (value as string | readonly string[]));
  }
  if (bytes !== undefined) head.push('content-length', String(bytes.length));
  else if (body === undefined && !noBody && !hasLength) head.push('content-length', '0');
  res.writeHead(response.status, head as string[]);
  if (body === undefined || noBody) {
    if (body instanceof Readable) body.destroy();
    res.end();
    return;
  }
  if (bytes !== undefined) {
    res.end(bytes);
    return;
  }
  try {
    if (isSendableBody(body as Readable)) {
      // A blob file writes itself with reused buffers (no per-chunk allocation for big objects).
      await (body as SendableBody).sendTo(res);
      res.end();
    } else {
      await pipeline(body as Readable, res);
    }
  } catch (e) {
    // The client closed the connection: nothing left to tell it. Any other failure (a blob that cannot
    // be read) reaches the pipeline, which cuts the connection because the status line is already gone.
    if (res.destroyed && !res.writableFinished && isClientAbort(e)) return;
    throw e;
  }
}

function isClientAbort(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** The body's length when it is text or bytes (what the response will send); undefined for a stream. */
export function fixedBodyLength(response: HttpResponse): number | undefined {
  const body = response.body;
  if (body === undefined) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.length;
  return undefined;
}
