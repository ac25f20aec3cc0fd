import type { SourceSpan } from './json-source.js';

/**
 * The policy document after parsing and validation: the IAM JSON policy grammar with every
 * "string or list" element normalised to a list. A `PolicyDocument` is always valid for its kind.
 */

/**
 * Where a policy is attached, which decides what the grammar allows:
 * - `identity`: user/group/role inline or managed policy (no Principal, Resource required)
 * - `resource`: S3 bucket policy (Principal required)
 * - `trust`: a role's trust policy (Principal required, no Resource)
 * - `boundary`: a permissions boundary (a managed policy used as boundary)
 * - `session`: a session policy passed to AssumeRole* / GetFederationToken
 * - `scp`: an AWS Organizations service control policy (no Principal)
 * - `rcp`: an AWS Organizations resource control policy (`Principal: "*"` only, Deny only)
 */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'boundary' | 'session' | 'scp' | 'rcp';

export const POLICY_KINDS: readonly PolicyKind[] = ['identity', 'resource', 'trust', 'boundary', 'session', 'scp', 'rcp'];

/** `2008-10-17` is also what a document without `Version` means; it has no policy variables. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

export type Effect = 'Allow' | 'Deny';

/** `Principal` / `NotPrincipal`. `"*"` and `{"AWS": "*"}` both set `wildcard`. */
export interface PrincipalSpec {
  readonly wildcard: boolean;
  /** Account ids and IAM/STS ARNs as written (minus a `"*"`, which sets `wildcard`). */
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

/** One `operator → key → values` triple of a `Condition` block. */
export interface ConditionEntry {
  /** The operator exactly as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operator: string;
  /** The key as written (key names compare case-insensitively). */
  readonly key: string;
  /** Scalars converted to strings; a single value becomes a one-element list. */
  readonly values: readonly string[];
}

export interface PolicyStatement {
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly principal: PrincipalSpec | undefined;
  readonly notPrincipal: PrincipalSpec | undefined;
  readonly action: readonly string[] | undefined;
  readonly notAction: readonly string[] | undefined;
  readonly resource: readonly string[] | undefined;
  readonly notResource: readonly string[] | undefined;
  readonly conditions: readonly ConditionEntry[];
  /** Where the statement object sits in the source text (for SimulatePolicy's MatchedStatements). */
  readonly span: SourceSpan | undefined;
}

export interface PolicyDocument {
  readonly version: PolicyVersion;
  /** False when the document had no `Version` element. */
  readonly versionGiven: boolean;
  readonly id: string | undefined;
  readonly statements: readonly PolicyStatement[];
}
