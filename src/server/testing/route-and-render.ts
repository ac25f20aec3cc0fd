import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { AuthenticationResult, RawRequest } from '../../auth/types.js';
import type { AuthzCheck, HttpResponse, ProtocolAdapter, RequestInfo } from '../protocol.js';

export interface RenderedCall {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string | number>;
  readonly body: string;
  readonly checks: readonly AuthzCheck[];
  readonly response: HttpResponse;
}

/**
 * Unit-test support: what the pipeline does with a protocol, minus authentication and authorization
 * (the checks are returned for assertions): route, execute, or render the failure.
 */
export async function routeAndRender(adapter: ProtocolAdapter, raw: RawRequest, auth: AuthenticationResult, info: RequestInfo): Promise<RenderedCall> {
  let checks: readonly AuthzCheck[] = [];
  let response: HttpResponse;
  try {
    const op = await adapter.route(raw, {} as IncomingMessage, auth, info);
    checks = op.checks;
    response = (await op.execute([])).response;
  } catch (e) {
    response = adapter.errorResponse(e, info, raw);
  }
  const headers: Record<string, string | number> = {};
  const leading = response.leadingHeaders ?? [];
  for (let i = 0; i + 1 < leading.length; i += 2) headers[leading[i]!.toLowerCase()] = leading[i + 1]!;
  for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : (v as string | number);
  return { status: response.status, headers, body: await bodyText(response.body), checks, response };
}

async function bodyText(body: HttpResponse['body']): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }
  return Buffer.from(body).toString('utf8');
}
