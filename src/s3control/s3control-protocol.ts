/**
 * The S3 Control API (REST-XML, `/v20180820/...`, AccountId in `x-amz-account-id`), recognised by
 * `isS3ControlRequest` before S3 routing (with-s3-control.ts). Strongbox implements the
 * account-level Block Public Access operations; any other S3 Control request is refused.
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
import { s3ControlError } from './s3control-errors.js';
import type { S3ControlContext, S3ControlOperation } from './s3control-operation.js';

export type S3ControlDeps = PublicAccessBlockDeps;

function headerOf(raw: RawRequest, name: string): string | undefined {
  const v = raw.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function createS3ControlProtocol(deps: S3ControlDeps): ProtocolAdapter {
  const operations = publicAccessBlockOperations(deps);
  return {
    service: 's3control',
    route: async (raw, _req: IncomingMessage, auth, info) => route(operations, raw, auth, info),
    errorResponse: (err, info, raw) => s3ControlErrorResponse(err, { requestId: info.requestId, method: raw.method }),
  };
}

function route(
  operations: readonly S3ControlOperation[],
  raw: RawRequest,
  auth: AuthenticationResult,
  info: RequestInfo,
): RoutedOperation {
  const accountId = headerOf(raw, 'x-amz-account-id') ?? '';
  const ctx: S3ControlContext = { raw, auth, info, accountId, header: (n) => headerOf(raw, n) };
  const atPath = operations.filter((o) => o.path === raw.rawPath);
  const op = atPath.find((o) => o.method === raw.method);
  if (op === undefined) return refused(ctx, atPath.length > 0 ? 'MethodNotAllowed' : 'NotImplemented');
  return {
    name: op.name,
    checks: op.checks(ctx),
    async execute(): Promise<OperationResult> {
      return { response: resultResponse(await op.handler(ctx), info.requestId) };
    },
  };
}

/**
 * An S3 Control request Strongbox does not serve. Only a caller acting on its own account learns
 * that: anyone else gets AccessDenied, which is what AWS would answer them for any operation here.
 */
function refused(ctx: S3ControlContext, code: 'MethodNotAllowed' | 'NotImplemented'): never {
  const caller = ctx.auth.caller;
  if (caller.kind === 'Anonymous' || caller.accountId !== ctx.accountId) throw s3ControlError('AccessDenied');
  if (code === 'MethodNotAllowed') throw s3ControlError(code);
  throw s3ControlError(code, { message: 'This S3 Control operation is not implemented' });
}
