import { isServiceError, ServiceError } from '../errors/service-error.js';
import { toXml, type XmlNode } from '../protocol/xml.js';
import type { HttpResponse } from '../server/protocol.js';

/**
 * `<NameResponse xmlns=...><NameResult>...</NameResult><ResponseMetadata><RequestId/></ResponseMetadata></NameResponse>`
 * (no Result element when the operation has no output, as AWS does for DeleteUser etc.).
 */
export function queryResultResponse(op: string, xmlns: string, result: XmlNode | undefined, requestId: string): HttpResponse {
  const body: Record<string, XmlNode | undefined> = {};
  if (result !== undefined) body[`${op}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return xmlAnswer(200, toXml(`${op}Response`, body, xmlns), requestId, {});
}

/** `<ErrorResponse xmlns=...><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function queryErrorResponse(err: unknown, xmlns: string, requestId: string): HttpResponse {
  const e = isServiceError(err) ? err : new ServiceError('InternalFailure', 'An internal error has occurred.', 500, { cause: err });
  const xml = toXml('ErrorResponse', { Error: { Type: e.faultType, Code: e.code, Message: e.message, ...e.fields }, RequestId: requestId }, xmlns);
  return xmlAnswer(e.status, xml, requestId, e.headers);
}

function xmlAnswer(status: number, xml: string, requestId: string, headers: Readonly<Record<string, string>>): HttpResponse {
  return { status, headers: { ...headers, 'x-amzn-RequestId': requestId, 'Content-Type': 'text/xml' }, body: xml };
}

/** AWS IAM renders timestamps to the second: `2012-09-21T23:03:13Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Query XML lists: `<Users><member>...</member>...</Users>`. */
export function members<T extends XmlNode | string>(items: readonly T[]): XmlNode {
  return { member: items as readonly (XmlNode | string)[] };
}
