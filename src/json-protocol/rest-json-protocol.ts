import type { IncomingMessage } from 'node:http';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { isServiceError, ServiceError } from '../errors/service-error.js';
import type { AuthzCheck, HttpResponse, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { missingAuthenticationToken, toJsonProtocolAuthError } from './json-auth-errors.js';
import { serializationError, type InputProblem } from './json-input.js';
import { readJsonBody, routeJsonOperation } from './json-protocol.js';
import type { ErrorRename, JsonContext, JsonResult } from './types.js';

/**
 * The AWS REST-JSON protocol (IAM Access Analyzer, and most newer services): the operation is named by
 * the HTTP method and the URI (`POST /policy/validation`, `GET /analyzer/{analyzerName}`), members come
 * from the URI's labels, the query string and a JSON body; JSON out with ISO 8601 timestamps. Errors:
 * the code in the `x-amzn-ErrorType` header, `{"message": ...}` plus the error's members in the body,
 * at the status the model gives the error shape.
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
 */

/** Where a query-string member goes: `maxResults` → the member `maxResults`, read as `type`. */
export interface QueryMember {
  readonly member: string;
  readonly type: 'string' | 'integer' | 'list';
}

export interface RestJsonOperation {
  readonly name: string;
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The model's requestUri: `/analyzer/{analyzerName}`; a label names the member it fills. */
  readonly uri: string;
  /** The model's querystring members, by their location name. */
  readonly query?: Readonly<Record<string, QueryMember>>;
  readonly checks: (ctx: JsonContext) => Promise<readonly AuthzCheck[]>;
  readonly handler: (ctx: JsonContext) => Promise<JsonResult | undefined>;
}

export interface RestJsonServiceDefinition {
  /** SigV4 service name: `access-analyzer`. */
  readonly service: string;
  readonly operations: readonly RestJsonOperation[];
  /** The model's error shapes that shared layers throw by another code (`AccessDenied`). */
  readonly renames?: Readonly<Record<string, ErrorRename>>;
  /** How a member that breaks the model's constraints is reported. */
  readonly invalidInput: (problem: InputProblem) => ServiceError;
  /** What an unexpected failure is reported as (Access Analyzer: `InternalServerException`). */
  readonly internalErrorCode: string;
  /** Answer to a method and URI no operation has. */
  readonly unknownOperation: () => ServiceError;
  readonly maxBodyBytes?: number;
}

const CONTENT_TYPE = 'application/json';

interface CompiledRoute {
  readonly op: RestJsonOperation;
  readonly pattern: RegExp;
  readonly labels: readonly string[];
}

export function createRestJsonProtocol(def: RestJsonServiceDefinition): ProtocolAdapter {
  const routes = def.operations.map(compileRoute);
  const renames = { AccessDenied: { code: 'AccessDeniedException', status: 403 }, ...def.renames };
  return {
    service: def.service,
    authError: restJsonAuthError,
    async route(
      raw: RawRequest,
      _req: IncomingMessage,
      auth: AuthenticationResult,
      info: RequestInfo,
    ): Promise<RoutedOperation> {
      if (auth.caller.kind === 'Anonymous') throw missingAuthenticationToken();
      const { op, members } = matchRoute(routes, raw, def.unknownOperation);
      const body = await readJsonBody(auth.body, def.maxBodyBytes ?? 1024 * 1024);
      return routeJsonOperation(op, { ...body, ...queryMembers(raw.rawQuery, op.query), ...members }, {
        auth,
        info,
        problems: def.invalidInput,
        render: (result) => answer(200, result === undefined ? '' : restJsonText(result), info.requestId, {}),
      });
    },
    errorResponse: (err, info) =>
      restJsonErrorResponse(err, { requestId: info.requestId, renames, internalErrorCode: def.internalErrorCode }),
  };
}

function compileRoute(op: RestJsonOperation): CompiledRoute {
  const labels: string[] = [];
  const source = op.uri.split('/').map((segment) => {
    const label = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
    if (label === null) return segment.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&');
    labels.push(label[1]!);
    return '([^/]+)';
  });
  return { op, pattern: new RegExp(`^${source.join('/')}$`), labels };
}

function matchRoute(
  routes: readonly CompiledRoute[],
  raw: RawRequest,
  unknown: () => ServiceError,
): { op: RestJsonOperation; members: Record<string, string> } {
  for (const r of routes) {
    if (r.op.method !== raw.method) continue;
    const m = r.pattern.exec(raw.rawPath);
    if (m === null) continue;
    const members: Record<string, string> = {};
    r.labels.forEach((label, i) => {
      members[label] = decodeLabel(m[i + 1]!);
    });
    return { op: r.op, members };
  }
  throw unknown();
}

function decodeLabel(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw serializationError('A URI label is not valid percent-encoding.');
  }
}

function queryMembers(
  rawQuery: string,
  spec: Readonly<Record<string, QueryMember>> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (spec === undefined || rawQuery === '') return out;
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const q = spec[name];
    if (q === undefined) continue;
    if (q.type === 'list') out[q.member] = [...((out[q.member] as string[] | undefined) ?? []), value];
    else if (q.type === 'integer') {
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n))
        throw serializationError(`Expected an integer for ${name}`);
      out[q.member] = n;
    } else out[q.member] = value;
  }
  return out;
}

/** JSON text of a result; timestamps (`Date`) as ISO 8601 strings, REST-JSON's default format. */
export function restJsonText(result: JsonResult): string {
  return JSON.stringify(result, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = key === '' ? value : this[key];
    return original instanceof Date ? original.toISOString() : value;
  });
}

/**
 * Authentication failures as the REST-JSON front end answers them: the JSON protocol's codes
 * (UnrecognizedClientException, InvalidSignatureException ...), at 403.
 */
function restJsonAuthError(err: ServiceError): ServiceError {
  const mapped = toJsonProtocolAuthError(err);
  if (mapped === err || mapped.status !== 400) return mapped;
  return new ServiceError(mapped.code, mapped.message, 403, {
    fields: mapped.fields,
    headers: mapped.headers,
    cause: err,
  });
}

function restJsonErrorResponse(
  err: unknown,
  o: {
    readonly requestId: string;
    readonly renames: Readonly<Record<string, ErrorRename>>;
    readonly internalErrorCode: string;
  },
): HttpResponse {
  const e = isServiceError(err) ? err : new ServiceError(o.internalErrorCode, 'Internal Failure', 500, { cause: err });
  const rename = o.renames[e.code];
  const code = rename?.code ?? e.code;
  const status = rename?.status ?? e.status;
  return answer(status, JSON.stringify({ message: e.message, ...e.fields }), o.requestId, {
    ...e.headers,
    'x-amzn-ErrorType': code,
  });
}

function answer(
  status: number,
  text: string,
  requestId: string,
  headers: Readonly<Record<string, string>>,
): HttpResponse {
  return { status, headers: { ...headers, 'x-amzn-RequestId': requestId, 'Content-Type': CONTENT_TYPE }, body: text };
}
