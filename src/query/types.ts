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
  /** Signed (the default): anonymous callers are refused before the operation runs. */
  readonly authentication?: 'signed';
  /**
   * Authorization checks; runs before the handler (lookups allowed, e.g. an existing user's path for
   * its ARN). Returns [] only for operations anyone may call (sts:GetCallerIdentity).
   */
  readonly checks: (ctx: QueryContext) => Promise<readonly AuthzCheck[]>;
  readonly handler: (ctx: QueryContext) => Promise<XmlNode | undefined>;
}

/** What an operation AWS lets anyone call unsigned sees (STS AssumeRoleWithWebIdentity): any caller. */
export interface UnsignedQueryContext extends Omit<QueryContext, 'caller' | 'accountId'> {
  readonly caller: Caller;
}

/**
 * An operation that authenticates itself instead of through a signature (a web identity token in
 * its parameters): it may be called unsigned, and its checks name the principal they established
 * (`AuthzCheck.principal`).
 */
export interface UnsignedQueryOperation {
  readonly name: string;
  readonly authentication: 'unsigned';
  readonly checks: (ctx: UnsignedQueryContext) => Promise<readonly AuthzCheck[]>;
  readonly handler: (ctx: UnsignedQueryContext) => Promise<XmlNode | undefined>;
}

export interface QueryServiceDefinition {
  /** SigV4 service name: `iam`, `sts`. */
  readonly service: string;
  /** API version: `2010-05-08` (IAM), `2011-06-15` (STS). */
  readonly version: string;
  /** Response namespace: `https://iam.amazonaws.com/doc/2010-05-08/`. */
  readonly xmlns: string;
  readonly operations: readonly (QueryOperation | UnsignedQueryOperation)[];
  /** Largest accepted form body; default 1 MiB. */
  readonly maxBodyBytes?: number;
}
