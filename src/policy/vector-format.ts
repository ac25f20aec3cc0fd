import type { AclGrant, Decision, PolicyType, RequestPrincipal, ResourcePolicyType } from './authorization-types.js';
import type { JsonValue } from './json-source.js';
import type { PolicyKind } from './policy-document.js';

/**
 * The JSON shapes of test/vectors/policy-eval, policy-validation and policy-corpus (documented in
 * test/vectors/policy-eval/README.md). Used by the vector runner and the benchmark only.
 */

/** A policy document: a name from the file's `policies`, or the document itself. */
export type PolicyRef = string | { readonly [k: string]: JsonValue };

export interface EvalCaseFields {
  readonly principal?: string | RequestPrincipal;
  readonly action?: string;
  readonly resource?: string;
  readonly resourceAccount?: string | null;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  readonly identity?: readonly PolicyRef[];
  readonly boundary?: PolicyRef;
  readonly session?: readonly PolicyRef[];
  readonly scps?: readonly (readonly PolicyRef[])[];
  readonly rcps?: readonly (readonly PolicyRef[])[];
  readonly resourcePolicy?: PolicyRef;
  readonly resourcePolicyType?: ResourcePolicyType;
  readonly acl?: AclGrant;
}

export interface EvalCase extends EvalCaseFields {
  readonly name: string;
  readonly expect: Decision;
  readonly expectDecidedBy?: PolicyType | 'root';
  /** Sids of `matchedStatements`, in order. */
  readonly expectSids?: readonly string[];
  readonly expectMissing?: readonly string[];
  readonly expectMessage?: string;
}

export interface EvalFile {
  readonly description: string;
  readonly source?: string;
  readonly format?: 'evaluation';
  readonly principals?: Readonly<Record<string, RequestPrincipal>>;
  readonly policies?: Readonly<Record<string, { readonly [k: string]: JsonValue }>>;
  readonly defaults?: EvalCaseFields;
  readonly cases: readonly EvalCase[];
}

export interface ConditionCheck {
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly expect: boolean;
  readonly principal?: string;
  readonly note?: string;
}

export interface ConditionCase {
  readonly name: string;
  readonly condition: { readonly [k: string]: JsonValue };
  readonly version?: '2012-10-17' | '2008-10-17';
  readonly checks: readonly ConditionCheck[];
}

export interface ConditionFile {
  readonly description: string;
  readonly source?: string;
  readonly format: 'conditions';
  readonly principal?: string;
  readonly cases: readonly ConditionCase[];
}

export interface ValidationCase {
  readonly name: string;
  readonly kind: PolicyKind;
  readonly managed?: boolean;
  readonly bucket?: string;
  readonly resourceDialect?: 's3' | 'iam';
  /** ARNs that exist, for principal checks. */
  readonly existingPrincipals?: readonly string[];
  readonly document?: JsonValue;
  /** Raw text, when the case is about JSON syntax. */
  readonly text?: string;
  readonly expectError: { readonly code: string; readonly message: string } | null;
}

export interface ValidationFile {
  readonly description: string;
  readonly source?: string;
  readonly cases: readonly ValidationCase[];
}
