/**
 * S3's responses as values (server/http-response.ts writes them): status, headers (always
 * `x-amz-request-id` and `x-amz-id-2`), and an XML document, bytes or a stream of object bytes. Errors become S3's `<Error>` document
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses); a HEAD
 * response never has a body, so a HEAD error is only its status and headers, as with AWS.
 */
import { ServiceError, isServiceError } from '../errors/service-error.js';
import { toXml, toXmlBody, type XmlNode } from '../protocol/xml.js';
import type { HttpResponse } from '../server/protocol.js';
import type { S3Response } from './context.js';
import { BareHttpError, s3Error } from './errors.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A 200 (or `status`) response whose body is an S3 XML document in the S3 namespace. */
export function xmlResponse(root: string, body: XmlNode, opts: { status?: number; headers?: S3Response['headers'] } = {}): S3Response {
  return {
    status: opts.status ?? 200,
    headers: { 'content-type': 'application/xml', ...opts.headers },
    body: toXmlBody(root, body, S3_XMLNS),
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

/** The headers every S3 response carries first: the request id and the host id. */
export function requestIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': hostId(requestId) };
}

/**
 * Renders any failure as S3 does; anything that is not a ServiceError is an InternalError. A HEAD
 * answer, a 304 and a bare HTTP error are only a status and headers.
 */
export function s3ErrorResponse(err: unknown, opts: { requestId: string; method: string }): HttpResponse {
  const e: ServiceError = isServiceError(err) ? err : s3Error('InternalError');
  const headers = { ...requestIdHeaders(opts.requestId), ...e.headers };
  if (opts.method === 'HEAD' || e.status === 304 || e instanceof BareHttpError) {
    return { status: e.status, headers: e instanceof BareHttpError ? { ...headers, 'content-length': '0' } : headers };
  }
  return { status: e.status, headers: { ...headers, 'content-type': 'application/xml' }, body: errorDocument(e, opts.requestId) };
}

export function errorDocument(e: ServiceError, requestId: string): string {
  const node: Record<string, string> = { Code: e.code, Message: e.message };
  for (const [k, v] of Object.entries(e.fields)) if (!(k in node)) node[k] = v;
  node.RequestId = requestId;
  node.HostId = hostId(requestId);
  return toXml('Error', node);
}
