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
  /**
   * The value of the path's greedy label (`{resourceArn+}`), percent-decoded; '' for an operation
   * whose path has none.
   */
  readonly pathLabel: string;
  /** A request header (lower-case name); repeated headers joined with ','. */
  header(name: string): string | undefined;
}

/** An operation once it has read what its checks need: the checks, and the handler to run if allowed. */
export interface PreparedS3ControlOperation {
  readonly checks: readonly AuthzCheck[];
  run(): Promise<S3ControlResult>;
}

/**
 * One S3 Control operation as data: its name, its HTTP binding (botocore `s3control/2018-08-20`), and
 * `prepare`, which reads what authorization needs (the resource a request names, the tags a request
 * sets) and returns the checks with the handler. The pipeline authorizes the checks before `run`;
 * handlers never authorize.
 */
export interface S3ControlOperation {
  readonly name: string;
  readonly method: string;
  /**
   * The model's request URI: an exact path, or one ending in a greedy label (`/v20180820/tags/{resourceArn+}`)
   * that matches any non-empty rest of the path (its value is `S3ControlContext.pathLabel`).
   */
  readonly path: string;
  prepare(ctx: S3ControlContext): Promise<PreparedS3ControlOperation>;
}

export function prepared(
  checks: readonly AuthzCheck[],
  run: () => Promise<S3ControlResult>,
): PreparedS3ControlOperation {
  return { checks, run };
}
