import { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { AuthzCheck, ProtocolAdapter, RequestInfo } from '../server/protocol.js';
import { routeAndRender } from '../server/testing/route-and-render.js';

/**
 * Drives a Query ProtocolAdapter in-process for unit tests: builds the request the pipeline would
 * pass (already authenticated as `caller`), routes, executes, and captures the rendered response.
 * No authorization runs here; the checks are returned for assertions.
 */
export interface QueryCallResult {
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly body: string;
  /** Parsed XML (fast-xml-parser, attributes ignored). */
  readonly xml: Record<string, unknown>;
  readonly checks: readonly AuthzCheck[];
  /** `Error.Code` for errors, undefined for success. */
  readonly errorCode: string | undefined;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'member' || name === 'entry' });

export async function callQuery(adapter: ProtocolAdapter, caller: Caller, params: Record<string, string>, options: { method?: 'GET' | 'POST' } = {}): Promise<QueryCallResult> {
  const form = new URLSearchParams(params).toString();
  const get = options.method === 'GET';
  const raw: RawRequest = {
    method: get ? 'GET' : 'POST',
    rawPath: '/',
    rawQuery: get ? form : '',
    headers: get ? {} : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    rawHeaders: [],
  };
  const auth: AuthenticationResult = {
    caller,
    service: adapter.service,
    region: 'us-east-1',
    facts: { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signatureAgeMs: 0, multiFactorAuthPresent: false, multiFactorAuthAgeSeconds: undefined, tokenIssueTime: undefined },
    body: Readable.from(get ? [] : [Buffer.from(form)]),
    trailers: () => ({}),
    decodedContentLength: get ? 0 : form.length,
  };
  const info: RequestInfo = { requestId: 'REQ-1', receivedAt: new Date(), sourceIp: '127.0.0.1', secureTransport: false, userAgent: undefined, referer: undefined, region: 'us-east-1' };
  const res = await routeAndRender(adapter, raw, auth, info);
  const xml = parser.parse(res.body) as Record<string, unknown>;
  const err = xml.ErrorResponse as { Error?: { Code?: string } } | undefined;
  return { status: res.status, headers: res.headers, body: res.body, xml, checks: res.checks, errorCode: err?.Error?.Code };
}
