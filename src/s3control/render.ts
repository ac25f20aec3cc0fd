/**
 * S3 Control's responses as values (server/http-response.ts writes them). Results are XML documents in the S3 Control
 * namespace; errors are wrapped as the REST-XML protocol wraps them unless a service opts out (S3 does,
 * S3 Control does not): `<ErrorResponse><Error><Code/><Message/></Error><RequestId/><HostId/></ErrorResponse>`.
 * Every response carries `x-amz-request-id` and `x-amz-id-2`, as S3's do.
 */
import { ServiceError, isServiceError } from '../errors/service-error.js';
import type { HttpResponse } from '../server/protocol.js';
import { toXml, type XmlNode } from '../protocol/xml.js';
import { hostId } from '../s3/render.js';
import { s3ControlError } from './s3control-errors.js';

export const S3CONTROL_XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

/** A handler's answer: a status and, for operations with output, the payload document. */
export interface S3ControlResult {
  readonly status: number;
  readonly document?: { readonly root: string; readonly body: XmlNode };
}

function answer(status: number, requestId: string, body: string | undefined, extra: Readonly<Record<string, string>> = {}): HttpResponse {
  const headers = { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(requestId), ...extra };
  return body === undefined ? { status, headers } : { status, headers: { ...headers, 'content-type': 'application/xml' }, body };
}

export function resultResponse(result: S3ControlResult, requestId: string): HttpResponse {
  const doc = result.document;
  return answer(result.status, requestId, doc && toXml(doc.root, doc.body, S3CONTROL_XMLNS));
}

/** Renders any failure; anything that is not a ServiceError is an InternalError. */
export function s3ControlErrorResponse(err: unknown, opts: { requestId: string; method: string }): HttpResponse {
  const e: ServiceError = isServiceError(err) ? err : s3ControlError('InternalError');
  const error: Record<string, string> = { Code: e.code, Message: e.message };
  for (const [k, v] of Object.entries(e.fields)) if (!(k in error)) error[k] = v;
  const body = toXml('ErrorResponse', { Error: error, RequestId: opts.requestId, HostId: hostId(opts.requestId) });
  return answer(e.status, opts.requestId, opts.method === 'HEAD' ? undefined : body, e.headers);
}
