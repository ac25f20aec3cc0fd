import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import { toQueryProtocolAuthError } from '../auth/query-auth-errors.js';
import { ServiceError } from '../errors/service-error.js';
import type { XmlNode } from '../protocol/xml.js';
import type { AuthzCheck, OperationResult, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { QueryParams } from './params.js';
import { queryErrorResponse, queryResultResponse } from './render.js';
import { queryRequestParameters, structuredElements } from '../audit/audit-parameters.js';
import { recordsResponseElements } from '../audit/cloudtrail-classification.js';
import type { QueryContext, QueryOperation, QueryServiceDefinition, UnsignedQueryOperation } from './types.js';

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * The AWS Query protocol (IAM, STS): `Action=...&Version=...` in a form-encoded POST body or in the
 * query string of a GET. The body comes from the authenticator's verified stream.
 */
export function createQueryProtocol(def: QueryServiceDefinition): ProtocolAdapter {
  const byName = new Map<string, QueryOperation | UnsignedQueryOperation>(def.operations.map((op) => [op.name, op]));
  const maxBody = def.maxBodyBytes ?? DEFAULT_MAX_BODY;

  return {
    service: def.service,
    authError: toQueryProtocolAuthError,
    async route(raw: RawRequest, _req: IncomingMessage, auth: AuthenticationResult, info: RequestInfo): Promise<RoutedOperation> {
      const params = await readParams(raw, auth.body, maxBody);
      const action = params.get('Action');
      if (action === undefined || action === '') throw new ServiceError('MissingAction', 'Missing Action', 400);
      const version = params.get('Version');
      const op = byName.get(action);
      if (op === undefined || (version !== undefined && version !== def.version)) {
        throw new ServiceError('InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`, 400);
      }
      if (version === undefined) {
        throw new ServiceError('MissingParameter', 'The request must contain the parameter Version', 400);
      }
      const caller = auth.caller;
      let run: { checks: () => Promise<readonly AuthzCheck[]>; handler: () => Promise<XmlNode | undefined> };
      if (op.authentication === 'unsigned') {
        const ctx = { params, caller, info, auth };
        run = { checks: () => op.checks(ctx), handler: () => op.handler(ctx) };
      } else {
        if (caller.kind === 'Anonymous') {
          throw new ServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
        }
        const ctx: QueryContext = { params, caller, accountId: caller.accountId, info, auth };
        run = { checks: () => op.checks(ctx), handler: () => op.handler(ctx) };
      }
      const checks = await run.checks();
      const withResponse = recordsResponseElements(op.name);
      return {
        name: op.name,
        checks,
        audit: { get requestParameters() { return queryRequestParameters(params.entries()); } },
        async execute(): Promise<OperationResult> {
          const result = await run.handler();
          return {
            response: queryResultResponse(op.name, def.xmlns, result, info.requestId),
            audit: withResponse ? { responseElements: structuredElements(result) } : undefined,
          };
        },
      };
    },
    errorResponse: (err, info) => queryErrorResponse(err, def.xmlns, info.requestId),
  };
}

async function readParams(raw: RawRequest, body: Readable, maxBody: number): Promise<QueryParams> {
  const entries: Array<[string, string]> = [...new URLSearchParams(raw.rawQuery)];
  const text = await readBody(body, maxBody);
  if (text.length > 0) {
    const type = String(raw.headers['content-type'] ?? 'application/x-www-form-urlencoded').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new ServiceError('InvalidParameterValue', `Unsupported content type: ${type}`, 400);
    }
    // Body parameters win over query-string ones of the same name.
    entries.unshift(...new URLSearchParams(text));
  }
  return QueryParams.fromEntries(entries);
}

async function readBody(body: Readable, maxBody: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > maxBody) throw new ServiceError('RequestEntityTooLarge', `Request body larger than ${maxBody} bytes`, 413);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
