import type { AuthenticationResult, RawRequest } from '../auth/types.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import type { S3ControlResult } from './render.js';

/** What an S3 Control operation sees of its request. */
export interface S3ControlContext {
  readonly raw: RawRequest;
  readonly auth: AuthenticationResult;
  readonly info: RequestInfo;
  /** `x-amz-account-id`: the account the request is about (every S3 Control operation names one). */
  readonly accountId: string;
  /** A request header (lower-case name); repeated headers joined with ','. */
  header(name: string): string | undefined;
}

/**
 * One S3 Control operation as data: its name, its HTTP binding (botocore `s3control/2018-08-20`),
 * its authorization checks, and a handler that returns data for render.ts. Handlers never authorize.
 */
export interface S3ControlOperation {
  readonly name: string;
  readonly method: string;
  /** The exact request path. */
  readonly path: string;
  checks(ctx: S3ControlContext): readonly AuthzCheck[];
  handler(ctx: S3ControlContext): Promise<S3ControlResult>;
}
