import type { ServerResponse } from 'node:http';
import { isServiceError, ServiceError } from '../errors/service-error.js';
import { toXml, type XmlNode } from '../protocol/xml.js';

/**
 * `<NameResponse xmlns=...><NameResult>...</NameResult><ResponseMetadata><RequestId/></ResponseMetadata></NameResponse>`
 * (no Result element when the operation has no output, as AWS does for DeleteUser etc.).
 */
export function renderQueryResult(res: ServerResponse, op: string, xmlns: string, result: XmlNode | undefined, requestId: string): void {
  const body: Record<string, XmlNode | undefined> = {};
  if (result !== undefined) body[`${op}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  send(res, 200, toXml(`${op}Response`, body, xmlns), requestId, {});
}

/** `<ErrorResponse xmlns=...><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` */
export function renderQueryError(res: ServerResponse, err: unknown, xmlns: string, requestId: string): void {
  const e = isServiceError(err) ? err : new ServiceError('InternalFailure', 'An internal error has occurred.', 500, { cause: err });
  const xml = toXml('ErrorResponse', { Error: { Type: e.faultType, Code: e.code, Message: e.message, ...e.fields }, RequestId: requestId }, xmlns);
  send(res, e.status, xml, requestId, e.headers);
}

function send(res: ServerResponse, status: number, xml: string, requestId: string, headers: Readonly<Record<string, string>>): void {
  const body = Buffer.from(xml, 'utf8');
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('x-amzn-RequestId', requestId);
  res.setHeader('Content-Type', 'text/xml');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** AWS IAM renders timestamps to the second: `2012-09-21T23:03:13Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Query XML lists: `<Users><member>...</member>...</Users>`. */
export function members<T extends XmlNode | string>(items: readonly T[]): XmlNode {
  return { member: items as readonly (XmlNode | string)[] };
}
