import type { AuthenticationResult } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { ServiceError } from '../errors/service-error.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import type { JsonInput, InputProblem } from './json-input.js';

/** Callers that may reach a JSON service: anonymous requests are refused before any operation runs. */
export type AuthenticatedCaller = Exclude<Caller, { kind: 'Anonymous' }>;

export interface JsonContext {
  /** The request's JSON object, read through the model's constraints. */
  readonly input: JsonInput;
  readonly caller: AuthenticatedCaller;
  readonly accountId: string;
  readonly info: RequestInfo;
  readonly auth: AuthenticationResult;
}

/**
 * A JSON result: plain data. `Date` values are rendered as epoch seconds (the JSON protocol's
 * timestamp format); `undefined` members are left out.
 */
export type JsonResult = { readonly [member: string]: unknown };

/**
 * One operation of an AWS JSON-protocol service, declared as data like a Query operation: its name
 * (the part of `X-Amz-Target` after the dot), its authorization checks, and a handler that returns
 * the output structure (undefined for operations without output). Handlers never write to the socket.
 */
export interface JsonOperation {
  readonly name: string;
  /** Runs before the handler (lookups allowed); [] only for operations AWS lets anyone call. */
  readonly checks: (ctx: JsonContext) => Promise<readonly AuthzCheck[]>;
  readonly handler: (ctx: JsonContext) => Promise<JsonResult | undefined>;
}

/** How an error is rendered instead of the code it was thrown with (`AccessDenied` → `AccessDeniedException`). */
export interface ErrorRename {
  readonly code: string;
  readonly status: number;
}

export interface JsonServiceDefinition {
  /** SigV4 service name: `organizations`, `kms`. */
  readonly service: string;
  /** `X-Amz-Target` prefix: `AWSOrganizationsV20161128`, `TrentService`. */
  readonly targetPrefix: string;
  /** The model's `jsonVersion` (Content-Type `application/x-amz-json-<v>`); default 1.1. */
  readonly jsonVersion?: '1.0' | '1.1';
  readonly operations: readonly JsonOperation[];
  /** Largest accepted body; default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * How a member that breaks the model's constraints is reported. Default: the `ValidationException`
   * most JSON services return; Organizations answers `InvalidInputException` with a `Reason`.
   */
  readonly invalidInput?: (problem: InputProblem) => ServiceError;
  /** Codes thrown by shared layers that this service names differently (merged over the defaults). */
  readonly renames?: Readonly<Record<string, ErrorRename>>;
  /** What an unexpected failure is reported as; default `InternalFailure` (Organizations: `ServiceException`). */
  readonly internalErrorCode?: string;
}
