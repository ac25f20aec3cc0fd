/**
 * Strongbox's AWS IAM policy engine: pure functions over plain data (no I/O, no clock, no logger).
 *
 * Write time:
 *   parsePolicy(text, { kind, managed?, bucket?, principalExists? }) → { ok, document } | { ok: false, error }
 *     validates with AWS's error code and message (IAM `MalformedPolicyDocument`, S3 `MalformedPolicy`,
 *     Organizations `MalformedPolicyDocumentException`); `toServiceError(error)` makes it throwable.
 *   checkPolicySize(scope, documents, entityName) → PolicyError | undefined  (quotas in POLICY_SIZE_LIMITS;
 *     IAM answers `LimitExceeded`, HTTP 409)
 *   compilePolicy(document, { id, kind }) → CompiledPolicy  — immutable; cache it by policy id + version.
 *   parseAndCompilePolicy(text, { kind, id, ... }) does both.
 *
 * Request time:
 *   authorize({ principal, action, resource, resourceAccount?, context?, policies }) → AuthorizationResult
 *     decision 'Allow' | 'ExplicitDeny' | 'ImplicitDeny', the policy type that decided, the matched
 *     statements (with source positions), a per-type verdict, the full trace and missing context keys.
 *   buildRequestContext({ caller, request, auth, ... }) → the global condition keys (a lower-cased Map,
 *     RequestContextKeys), merged with the operation's AuthzCheck.context; build it once per request
 *     and reuse it for every check; principalFromCaller(caller) → RequestPrincipal.
 *   s3ActionFor(operationName, options?) → the IAM action checks of an S3 operation.
 *   accessDeniedMessage({ principal, action, resource, result }) → AWS's AccessDenied text.
 *
 * The same authorize() serves enforcement, SimulatePrincipalPolicy / SimulateCustomPolicy and the auditor:
 * `matchedStatements[].span` gives the statement's Line/Column for EvaluationResult.MatchedStatements,
 * `missingContextKeys` is MissingContextValues, `byType` gives PermissionsBoundaryDecisionDetail and
 * OrganizationsDecisionDetail. The explanation is computed on first read, so enforcement does not pay
 * for it.
 */

export type { PolicyDocument, PolicyStatement, PolicyKind, PolicyVersion, Effect, PrincipalSpec, ConditionEntry } from './policy-document.js';
export { POLICY_KINDS } from './policy-document.js';
export type { SourcePosition, SourceSpan } from './json-source.js';
export type { PolicyError } from './policy-error.js';
export { toServiceError } from './policy-error.js';
export type { ParsePolicyOptions, ParsePolicyResult, CompilePolicyTextResult } from './parse-policy.js';
export { parsePolicy, parseAndCompilePolicy } from './parse-policy.js';
export type { CompiledPolicy, CompiledStatement, CompileOptions } from './compiled-policy.js';
export { compilePolicy } from './compiled-policy.js';
export type { PolicySizeScope, PolicySizeLimit } from './size-limits.js';
export { POLICY_SIZE_LIMITS, checkPolicySize, policySize } from './size-limits.js';
export type {
  AclGrant,
  AuthorizationRequest,
  AuthorizationResult,
  ContextKeys,
  Decision,
  MatchedStatement,
  PolicySets,
  PolicyType,
  PrincipalKind,
  RequestPrincipal,
  ResourcePolicyType,
  TypeDecision,
} from './authorization-types.js';
export { authorize } from './authorize.js';
export type { ContextValue, NetworkEndpoint, RequestContextInput, RequestFactsInput } from './request-context.js';
export { buildRequestContext, principalFromCaller, RequestContextKeys } from './request-context.js';
export type { S3ActionCheck, S3ActionOptions, S3ResourceKind } from './s3-actions.js';
export { S3_IAM_ACTIONS, S3_OPERATIONS, s3ActionFor } from './s3-actions.js';
export type { AccessDeniedMessageInput } from './access-denied-message.js';
export { GENERIC_ACCESS_DENIED, accessDeniedMessage } from './access-denied-message.js';
