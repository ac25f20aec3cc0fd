import { Readable } from 'node:stream';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { AuthzCheck, ProtocolAdapter, RequestInfo } from '../server/protocol.js';
import { routeAndRender } from '../server/testing/route-and-render.js';

/**
 * Drives a JSON-protocol ProtocolAdapter in-process for unit tests: builds the request the pipeline
 * would pass (already authenticated as `caller`), routes, executes, and captures the rendered
 * response. No authorization runs here; the checks are returned for assertions.
 */
export interface JsonCallResult {
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly body: string;
  /** The parsed body ({} for an empty one). */
  readonly json: Record<string, unknown>;
  readonly checks: readonly AuthzCheck[];
  /** `__type` (or REST-JSON's `x-amzn-ErrorType`) for errors, undefined for success. */
  readonly errorCode: string | undefined;
}

export interface JsonCallOptions {
  /** A raw body instead of `JSON.stringify(input)`. */
  readonly body?: string;
  readonly method?: string;
  /** REST-JSON: the URI (still percent-encoded) and query string; default `/` and none. */
  readonly rawPath?: string;
  readonly rawQuery?: string;
}

/** `target` is the whole `X-Amz-Target` header: `AWSOrganizationsV20161128.ListAccounts`. */
export async function callJson(
  adapter: ProtocolAdapter,
  caller: Caller,
  target: string,
  input: Record<string, unknown> = {},
  options: JsonCallOptions = {},
): Promise<JsonCallResult> {
  const text = options.body ?? JSON.stringify(input);
  const raw: RawRequest = {
    method: options.method ?? 'POST',
    rawPath: options.rawPath ?? '/',
    rawQuery: options.rawQuery ?? '',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    rawHeaders: [],
  };
  const auth: AuthenticationResult = {
    caller,
    service: adapter.service,
    region: 'us-east-1',
    facts: {
      authType: 'REST-HEADER',
      signatureVersion: 'AWS4-HMAC-SHA256',
      signatureAgeMs: 0,
      multiFactorAuthPresent: false,
      multiFactorAuthAgeSeconds: undefined,
      tokenIssueTime: undefined,
    },
    body: Readable.from([Buffer.from(text)]),
    trailers: () => ({}),
    decodedContentLength: Buffer.byteLength(text),
  };
  const info: RequestInfo = {
    requestId: 'REQ-1',
    receivedAt: new Date(),
    sourceIp: '127.0.0.1',
    secureTransport: false,
    userAgent: undefined,
    referer: undefined,
    region: 'us-east-1',
  };
  const res = await routeAndRender(adapter, raw, auth, info);
  const json = res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>);
  // JSON 1.1 names the error in the body; REST-JSON in the x-amzn-ErrorType header.
  const errorCode = res.status === 200 ? undefined : ((json.__type as string | undefined) ?? (res.headers['x-amzn-errortype'] as string | undefined));
  return { status: res.status, headers: res.headers, body: res.body, json, checks: res.checks, errorCode };
}
