import type { AuthenticationResult } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import type { XmlNode } from '../protocol/xml.js';
import type { AuthzCheck, RequestInfo } from '../server/protocol.js';
import type { QueryParams } from './params.js';

/** Callers that may reach a Query service: anonymous requests are refused before any operation runs. */
export type AuthenticatedCaller = Exclude<Caller, { kind: 'Anonymous' }>;

export interface QueryContext {
  readonly params: QueryParams;
  readonly caller: AuthenticatedCaller;
  /** The account every call acts on: the caller's (IAM is per account; ROADMAP: Organizations). */
  readonly accountId: string;
  readonly info: RequestInfo;
  readonly auth: AuthenticationResult;
}

/**
 * One Query operation, declared as data: its name, how its authorization checks are built from the
 * request (action, resource ARN, condition keys), and a handler that returns the `<NameResult>` body
 * (undefined for operations whose response has only ResponseMetadata). The adapter parses, checks
 * `Version`, dispatches on `Action`, and renders; handlers never write to the socket.
 */
export interface QueryOperation {
  readonly name: string;
  /**
   * Authorization checks; runs before the handler (lookups allowed, e.g. an existing user's path for
   * its ARN). Returns [] only for operations anyone may call (sts:GetCallerIdentity).
   */
  readonly checks: (ctx: QueryContext) => Promise<readonly AuthzCheck[]>;
  readonly handler: (ctx: QueryContext) => Promise<XmlNode | undefined>;
}

export interface QueryServiceDefinition {
  /** SigV4 service name: `iam`, `sts`. */
  readonly service: string;
  /** API version: `2010-05-08` (IAM), `2011-06-15` (STS). */
  readonly version: string;
  /** Response namespace: `https://iam.amazonaws.com/doc/2010-05-08/`. */
  readonly xmlns: string;
  readonly operations: readonly QueryOperation[];
  /** Largest accepted form body; default 1 MiB. */
  readonly maxBodyBytes?: number;
}
