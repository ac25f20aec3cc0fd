/**
 * The S3 Control API (REST-XML, `/v20180820/...`, AccountId in `x-amz-account-id`), recognised by
 * `isS3ControlRequest` before S3 routing (with-s3-control.ts). Strongbox implements the
 * account-level Block Public Access operations and the tagging of general purpose buckets
 * (TagResource, UntagResource, ListTagsForResource); any other S3 Control request is refused.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_AWS_S3_Control.html
 *
 * The SDKs put the account id in front of the endpoint's host (`<account>.<endpoint host>`), which
 * does not resolve for a local endpoint; they reach Strongbox through it as an HTTP proxy (the
 * server accepts absolute-form request targets: server/pipeline.ts) — see the README.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { OperationResult, ProtocolAdapter, RequestInfo, RoutedOperation } from '../server/protocol.js';
import { publicAccessBlockOperations, type PublicAccessBlockDeps } from './public-access-block-ops.js';
import { resultResponse, s3ControlErrorResponse } from './render.js';
import { resourceTaggingOperations, type ResourceTaggingDeps } from './resource-tagging-ops.js';
import { refuseUnserved, s3ControlError } from './s3control-errors.js';
import type { S3ControlContext, S3ControlOperation } from './s3control-operation.js';

export type S3ControlDeps = PublicAccessBlockDeps & ResourceTaggingDeps;

function headerOf(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function createS3ControlProtocol(deps: S3ControlDeps): ProtocolAdapter {
  const operations = [...publicAccessBlockOperations(deps), ...resourceTaggingOperations(deps)];
  return {
    service: 's3control',
    route: async (raw, _req: IncomingMessage, auth, info) => route(operations, raw, auth, info),
    errorResponse: (err, info, raw) => s3ControlErrorResponse(err, { requestId: info.requestId, method: raw.method }),
  };
}

/**
 * Matches a request path against an operation's request URI: exactly, or — for a URI ending in a
 * greedy label (`{resourceArn+}`) — by its literal prefix followed by a non-empty rest, which is the
 * label's value (still percent-encoded). undefined: no match.
 */
export function matchRequestUri(uri: string, rawPath: string): string | undefined {
  if (!uri.endsWith('+}')) return uri === rawPath ? '' : undefined;
  const prefix = uri.slice(0, uri.lastIndexOf('{'));
  return rawPath.startsWith(prefix) && rawPath.length > prefix.length ? rawPath.slice(prefix.length) : undefined;
}

/** A greedy label's value: the SDKs percent-encode everything in it but `/` (botocore: safe='/~'). */
function decodeLabel(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw s3ControlError('InvalidRequest', { message: 'The request path is not correctly percent-encoded' });
  }
}

async function route(
  operations: readonly S3ControlOperation[],
  raw: RawRequest,
  auth: AuthenticationResult,
  info: RequestInfo,
): Promise<RoutedOperation> {
  const accountId = headerOf(raw, 'x-amz-account-id') ?? '';
  const atPath: { op: S3ControlOperation; label: string }[] = [];
  for (const op of operations) {
    const label = matchRequestUri(op.path, raw.rawPath);
    if (label !== undefined) atPath.push({ op, label });
  }
  const found = atPath.find((m) => m.op.method === raw.method);
  if (found === undefined) {
    return refuseUnserved({ auth, accountId }, atPath.length > 0 ? 'MethodNotAllowed' : 'NotImplemented');
  }
  const { op, label } = found;
  const ctx: S3ControlContext = {
    raw,
    auth,
    info,
    accountId,
    pathLabel: label === '' ? '' : decodeLabel(label),
    header: (n) => headerOf(raw, n),
  };
  const prep = await op.prepare(ctx);
  return {
    name: op.name,
    checks: prep.checks,
    async execute(): Promise<OperationResult> {
      return { response: resultResponse(await prep.run(), info.requestId) };
    },
  };
}
