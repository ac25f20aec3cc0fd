import { isServiceError, ServiceError } from '../errors/service-error.js';
import type { HttpResponse } from '../server/protocol.js';
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

export function jsonResultResponse(result: JsonResult | undefined, o: JsonRenderOptions): HttpResponse {
  return answer(200, result === undefined ? '' : toJsonText(result), o, {});
}

export function jsonErrorResponse(
  err: unknown,
  o: JsonRenderOptions & {
    readonly renames: Readonly<Record<string, ErrorRename>>;
    readonly internalErrorCode: string;
  },
): HttpResponse {
  const e = isServiceError(err)
    ? err
    : new ServiceError(o.internalErrorCode, 'An internal error has occurred.', 500, { cause: err });
  const rename = o.renames[e.code];
  const code = rename?.code ?? e.code;
  const status = rename?.status ?? e.status;
  const body = JSON.stringify({ __type: code, Message: e.message, ...e.fields });
  return answer(status, body, o, e.headers);
}

/** JSON text of a result; timestamps (`Date`) as epoch seconds, the JSON protocol's default format. */
export function toJsonText(result: JsonResult): string {
  return JSON.stringify(result, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = key === '' ? value : this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}

function answer(status: number, text: string, o: JsonRenderOptions, headers: Readonly<Record<string, string>>): HttpResponse {
  return { status, headers: { ...headers, 'x-amzn-RequestId': o.requestId, 'Content-Type': o.contentType }, body: text };
}
