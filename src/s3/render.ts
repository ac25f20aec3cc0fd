/**
 * The one place that writes S3 responses: status, headers (always `x-amz-request-id` and `x-amz-id-2`),
 * and an XML document, bytes or a stream of object bytes. Errors become S3's `<Error>` document
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses); a HEAD
 * response never has a body, so a HEAD error is only its status and headers, as with AWS.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServiceError, isServiceError } from '../errors/service-error.js';
import { toXml, type XmlNode } from '../protocol/xml.js';
import { isSendableBody, type SendableBody } from '../storage/sendable-body.js';
import type { S3Response } from './context.js';
import { BareHttpError, s3Error } from './errors.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A 200 (or `status`) response whose body is an S3 XML document in the S3 namespace. */
export function xmlResponse(root: string, body: XmlNode, opts: { status?: number; headers?: S3Response['headers'] } = {}): S3Response {
  return {
    status: opts.status ?? 200,
    headers: { 'content-type': 'application/xml', ...opts.headers },
    body: toXml(root, body, S3_XMLNS),
  };
}

export function emptyResponse(status: number, headers: S3Response['headers'] = {}): S3Response {
  return { status, headers };
}

/**
 * `x-amz-id-2`: an opaque, stable token derived from the request id (AWS uses it as the "host id").
 * Base64 of the id's characters: as opaque to clients as a digest, without hashing per response.
 */
export function hostId(requestId: string): string {
  return Buffer.from(requestId, 'latin1').toString('base64');
}

function setRequestIds(res: ServerResponse, requestId: string): void {
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', hostId(requestId));
}

/**
 * Writes a handler's response. Headers go out in one `writeHead` with a flat list (no per-header
 * `setHeader` bookkeeping); bytes with `end(bytes)`. Streams are piped with backpressure; when the
 * client goes away the source is destroyed (no reading of gigabytes nobody will receive) and the
 * promise resolves.
 */
export async function writeResponse(res: ServerResponse, response: S3Response, opts: { requestId: string; method: string }): Promise<void> {
  const body = response.body;
  const noBody = opts.method === 'HEAD' || response.status === 204 || response.status === 304;
  const bytes = noBody || body === undefined || body instanceof Readable ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head: (string | readonly string[])[] = ['x-amz-request-id', opts.requestId, 'x-amz-id-2', hostId(opts.requestId)];
  let hasLength = false;
  const headers = response.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'content-length') {
      // A body of bytes is sent with its own length; otherwise the handler's length stands.
      if (bytes !== undefined) continue;
      hasLength = true;
    }
    head.push(name, typeof value === 'number' ? String(value) : (value as string | readonly string[]));
  }
  if (bytes !== undefined) head.push('content-length', String(bytes.length));
  else if (body === undefined && !noBody && !hasLength && !res.hasHeader('content-length')) head.push('content-length', '0');
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

/** Renders any failure as S3 does; anything that is not a ServiceError is an InternalError. */
export function writeError(err: unknown, res: ServerResponse, opts: { requestId: string; method: string }): void {
  const e: ServiceError = isServiceError(err) ? err : s3Error('InternalError');
  setRequestIds(res, opts.requestId);
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  res.statusCode = e.status;
  if (opts.method === 'HEAD' || e.status === 304 || e instanceof BareHttpError) {
    if (e instanceof BareHttpError) res.setHeader('content-length', '0');
    res.end();
    return;
  }
  const bytes = Buffer.from(errorDocument(e, opts.requestId), 'utf8');
  res.setHeader('content-type', 'application/xml');
  res.setHeader('content-length', String(bytes.length));
  res.end(bytes);
}

export function errorDocument(e: ServiceError, requestId: string): string {
  const node: Record<string, string> = { Code: e.code, Message: e.message };
  for (const [k, v] of Object.entries(e.fields)) if (!(k in node)) node[k] = v;
  node.RequestId = requestId;
  node.HostId = hostId(requestId);
  return toXml('Error', node);
}
