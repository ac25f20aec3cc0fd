/**
 * The one place that writes S3 Control responses. Results are XML documents in the S3 Control
 * namespace; errors are wrapped as the REST-XML protocol wraps them unless a service opts out (S3 does,
 * S3 Control does not): `<ErrorResponse><Error><Code/><Message/></Error><RequestId/><HostId/></ErrorResponse>`.
 * Every response carries `x-amz-request-id` and `x-amz-id-2`, as S3's do.
 */
import type { ServerResponse } from 'node:http';
import { ServiceError, isServiceError } from '../errors/service-error.js';
import { toXml, type XmlNode } from '../protocol/xml.js';
import { hostId } from '../s3/render.js';
import { s3ControlError } from './s3control-errors.js';

export const S3CONTROL_XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

/** A handler's answer: a status and, for operations with output, the payload document. */
export interface S3ControlResult {
  readonly status: number;
  readonly document?: { readonly root: string; readonly body: XmlNode };
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  body: string | undefined,
  extra: Readonly<Record<string, string>> = {},
): void {
  const head: string[] = ['x-amz-request-id', requestId, 'x-amz-id-2', hostId(requestId)];
  for (const [name, value] of Object.entries(extra)) head.push(name, value);
  const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
  if (bytes !== undefined) head.push('content-type', 'application/xml');
  head.push('content-length', String(bytes?.length ?? 0));
  res.writeHead(status, head);
  res.end(bytes);
}

export function writeResult(res: ServerResponse, result: S3ControlResult, requestId: string): void {
  const doc = result.document;
  send(res, result.status, requestId, doc && toXml(doc.root, doc.body, S3CONTROL_XMLNS));
}

/** Renders any failure; anything that is not a ServiceError is an InternalError. */
export function writeS3ControlError(
  err: unknown,
  res: ServerResponse,
  opts: { requestId: string; method: string },
): void {
  const e: ServiceError = isServiceError(err) ? err : s3ControlError('InternalError');
  const error: Record<string, string> = { Code: e.code, Message: e.message };
  for (const [k, v] of Object.entries(e.fields)) if (!(k in error)) error[k] = v;
  const body = toXml('ErrorResponse', { Error: error, RequestId: opts.requestId, HostId: hostId(opts.requestId) });
  send(res, e.status, opts.requestId, opts.method === 'HEAD' ? undefined : body, { ...e.headers });
}
