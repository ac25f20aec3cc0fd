/**
 * Tests only: a call to a Query or JSON protocol adapter, in-process and without authorization (as
 * the protocols' own test clients do), turned into the CloudTrail event the server would record for
 * it, by the server's own builder (audit/cloudtrail-event.ts): the requestParameters,
 * responseElements, resources and userIdentity the configuration history reads are the real ones.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { cloudTrailEvent, type CloudTrailEvent } from '../../../audit/cloudtrail-event.js';
import { resourcesOf } from '../../../audit/recorded-resources.js';
import type { RequestRecord } from '../../../audit/request-record.js';
import type { AuthenticationResult, RawRequest } from '../../../auth/types.js';
import { isServiceError } from '../../../errors/service-error.js';
import type { Caller } from '../../../identity/caller.js';
import type { OperationResult, ProtocolAdapter, RequestInfo } from '../../../server/protocol.js';

/** An IAM-style Query call (`Action` and its parameters). */
export function queryCallEvent(
  adapter: ProtocolAdapter,
  caller: Caller,
  params: Record<string, string>,
): Promise<CloudTrailEvent> {
  const form = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const raw: RawRequest = {
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    rawHeaders: [],
  };
  return callEvent(adapter, caller, raw, form);
}

/** A JSON 1.1 call; `target` is the whole X-Amz-Target (`TrentService.CreateKey`). */
export function jsonCallEvent(
  adapter: ProtocolAdapter,
  caller: Caller,
  target: string,
  input: Record<string, unknown> = {},
): Promise<CloudTrailEvent> {
  const raw: RawRequest = {
    method: 'POST',
    rawPath: '/',
    rawQuery: '',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    rawHeaders: [],
  };
  return callEvent(adapter, caller, raw, JSON.stringify(input));
}

async function callEvent(
  adapter: ProtocolAdapter,
  caller: Caller,
  raw: RawRequest,
  body: string,
): Promise<CloudTrailEvent> {
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
    body: Readable.from([Buffer.from(body)]),
    trailers: () => ({}),
    decodedContentLength: Buffer.byteLength(body),
  };
  const info: RequestInfo = {
    requestId: 'REQ-1',
    receivedAt: new Date('2026-03-01T12:00:00Z'),
    sourceIp: '127.0.0.1',
    secureTransport: false,
    userAgent: 'test',
    referer: undefined,
    region: 'us-east-1',
  };
  const op = await adapter.route(raw, {} as IncomingMessage, auth, info);
  let result: OperationResult | undefined;
  let errorCode: string | undefined;
  try {
    result = await op.execute([]);
  } catch (e) {
    if (!isServiceError(e)) throw e;
    errorCode = e.code;
  }
  const record: RequestRecord = {
    requestId: info.requestId,
    eventTime: info.receivedAt,
    service: adapter.service,
    region: info.region,
    operation: op.name,
    caller,
    authenticationType: 'AuthHeader',
    signatureVersion: 'SigV4',
    sourceIp: info.sourceIp,
    http: { method: 'POST', uri: '/', version: 'HTTP/1.1' },
    requestParameters: op.audit?.requestParameters,
    responseElements: result?.audit?.responseElements,
    resources: resourcesOf(op.checks),
    status: errorCode === undefined ? 200 : 400,
    errorCode,
    bytesIn: Buffer.byteLength(body),
    bytesOut: 0,
    totalTimeMs: 1,
    completed: true,
  };
  const event = cloudTrailEvent(record, { eventId: `event-${++eventCount}` });
  if (event === undefined) throw new Error(`no event for ${op.name}`);
  return event;
}

let eventCount = 0;
