import type { ServerResponse } from 'node:http';
import { isServiceError, ServiceError } from '../errors/service-error.js';
import type { ErrorRename, JsonResult } from './types.js';

/**
 * One renderer for every JSON-protocol response. Success: 200 with the output structure (an empty
 * body for operations without output). Errors: `{"__type":"<Code>","Message":"..."}` plus the
 * error's own members (`Reason`), at the error's HTTP status, with `x-amzn-RequestId` either way.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */

export interface JsonRenderOptions {
  readonly contentType: string;
  readonly requestId: string;
}

export function renderJsonResult(res: ServerResponse, result: JsonResult | undefined, o: JsonRenderOptions): void {
  send(res, 200, result === undefined ? '' : toJsonText(result), o, {});
}

export function renderJsonError(
  res: ServerResponse,
  err: unknown,
  o: JsonRenderOptions & {
    readonly renames: Readonly<Record<string, ErrorRename>>;
    readonly internalErrorCode: string;
  },
): void {
  const e = isServiceError(err)
    ? err
    : new ServiceError(o.internalErrorCode, 'An internal error has occurred.', 500, { cause: err });
  const rename = o.renames[e.code];
  const code = rename?.code ?? e.code;
  const status = rename?.status ?? e.status;
  const body = JSON.stringify({ __type: code, Message: e.message, ...e.fields });
  send(res, status, body, o, e.headers);
}

/** JSON text of a result; timestamps (`Date`) as epoch seconds, the JSON protocol's default format. */
export function toJsonText(result: JsonResult): string {
  return JSON.stringify(result, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = key === '' ? value : this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}

function send(
  res: ServerResponse,
  status: number,
  text: string,
  o: JsonRenderOptions,
  headers: Readonly<Record<string, string>>,
): void {
  const body = Buffer.from(text, 'utf8');
  res.statusCode = status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('x-amzn-RequestId', o.requestId);
  res.setHeader('Content-Type', o.contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
