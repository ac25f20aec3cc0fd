import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { ServiceError } from '../errors/service-error.js';
import type { HttpResponse, OperationResult, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { missingAuthenticationToken, requestTooLarge, toJsonProtocolAuthError } from './json-auth-errors.js';
import { isObject, JsonInput, serializationError, validationException, type InputProblem } from './json-input.js';
import { jsonErrorResponse, jsonResultResponse } from './render.js';
import { structuredElements } from '../audit/audit-parameters.js';
import { recordsResponseElements } from '../audit/cloudtrail-classification.js';
import type { ErrorRename, JsonContext, JsonOperation, JsonResult, JsonServiceDefinition } from './types.js';

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Shared layers throw codes in their own terms: the pipeline denies with `AccessDenied` (403), which
 * AWS JSON services answer as `AccessDeniedException` with HTTP 400.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/CommonErrors.html
 */
const DEFAULT_RENAMES: Readonly<Record<string, ErrorRename>> = {
  AccessDenied: { code: 'AccessDeniedException', status: 400 },
};

/**
 * The AWS JSON protocol (1.0 / 1.1): `POST /` with `X-Amz-Target: <TargetPrefix>.<Operation>` and a
 * JSON body; JSON out. Used by Organizations, and later KMS and CloudTrail. The body comes from the
 * authenticator, which buffered and verified it (it is part of what is signed).
 */
export function createJsonProtocol(def: JsonServiceDefinition): ProtocolAdapter {
  const byName = new Map<string, JsonOperation>(def.operations.map((op) => [op.name, op]));
  const maxBody = def.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const contentType = `application/x-amz-json-${def.jsonVersion ?? '1.1'}`;
  const renames = { ...DEFAULT_RENAMES, ...def.renames };
  const internalErrorCode = def.internalErrorCode ?? 'InternalFailure';
  const problems = def.invalidInput ?? validationException;

  return {
    service: def.service,
    authError: toJsonProtocolAuthError,
    async route(
      raw: RawRequest,
      _req: IncomingMessage,
      auth: AuthenticationResult,
      info: RequestInfo,
    ): Promise<RoutedOperation> {
      if (auth.caller.kind === 'Anonymous') throw missingAuthenticationToken();
      const op = operationOf(raw, def.targetPrefix, byName);
      const body = await readJsonBody(auth.body, maxBody);
      return routeJsonOperation(op, body, {
        auth,
        info,
        problems,
        render: (result) => jsonResultResponse(result, { contentType, requestId: info.requestId }),
      });
    },
    errorResponse: (err, info) => jsonErrorResponse(err, { contentType, requestId: info.requestId, renames, internalErrorCode }),
  };
}

function unknownOperation(): ServiceError {
  return new ServiceError('UnknownOperationException', '', 400);
}

function operationOf(raw: RawRequest, prefix: string, byName: ReadonlyMap<string, JsonOperation>): JsonOperation {
  if (raw.method !== 'POST') throw unknownOperation();
  const header = raw.headers['x-amz-target'];
  const target = Array.isArray(header) ? header.join(',') : header;
  if (target === undefined) throw unknownOperation();
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== prefix) throw unknownOperation();
  const op = byName.get(target.slice(dot + 1));
  if (op === undefined) throw unknownOperation();
  return op;
}

/** The JSON object of a request body (empty: `{}`), at most `maxBody` bytes. */
export async function readJsonBody(body: Readable, maxBody: number): Promise<Readonly<Record<string, unknown>>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > maxBody) throw requestTooLarge(`Request body larger than ${maxBody} bytes`);
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // An operation without input may be sent with no body at all.
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw serializationError('Start of structure or map found where not expected.');
  }
  if (!isObject(parsed)) throw serializationError('Start of structure or map found where not expected.');
  return parsed;
}

/**
 * The routed operation of a request whose members were read into `input` (the JSON and REST-JSON
 * protocols): the operation's checks run now, its handler on execute, its result rendered by `render`;
 * the audit record gets the input and, where CloudTrail records one, the result.
 */
export async function routeJsonOperation(
  op: Pick<JsonOperation, 'name' | 'checks' | 'handler'>,
  input: Readonly<Record<string, unknown>>,
  o: {
    readonly auth: AuthenticationResult;
    readonly info: RequestInfo;
    readonly problems: (problem: InputProblem) => ServiceError;
    readonly render: (result: JsonResult | undefined) => HttpResponse;
  },
): Promise<RoutedOperation> {
  const caller = o.auth.caller;
  if (caller.kind === 'Anonymous') throw missingAuthenticationToken();
  const ctx: JsonContext = { input: new JsonInput(input, o.problems), caller, accountId: caller.accountId, info: o.info, auth: o.auth };
  const checks = await op.checks(ctx);
  const withResponse = recordsResponseElements(op.name);
  return {
    name: op.name,
    checks,
    audit: { get requestParameters() { return structuredElements(input); } },
    async execute(): Promise<OperationResult> {
      const result = await op.handler(ctx);
      return {
        response: o.render(result),
        audit: withResponse ? { responseElements: structuredElements(result) } : undefined,
      };
    },
  };
}
