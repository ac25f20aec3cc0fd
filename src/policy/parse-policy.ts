import { compilePolicy, type CompiledPolicy } from './compiled-policy.js';
import { applyIamRules } from './iam-policy-rules.js';
import type { Effect, PolicyDocument, PolicyKind } from './policy-document.js';
import { malformed, PolicyRejection, type PolicyError } from './policy-error.js';
import { readPolicySyntax, type RawDocument } from './policy-syntax.js';
import { applyS3Rules } from './s3-policy-rules.js';

/**
 * Parse and validate a policy document at write time. Evaluation never sees an invalid document:
 * callers store the text, and cache `compilePolicy(document)` by policy id + version.
 */

export interface ParsePolicyOptions {
  readonly kind: PolicyKind;
  /** CreatePolicy / CreatePolicyVersion (and so permissions boundaries): Version must be 2012-10-17. */
  readonly managed?: boolean;
  /** Bucket policies: the bucket the policy is attached to. */
  readonly bucket?: string;
  /** Bucket and trust policies: whether an IAM user or role ARN named as principal exists. */
  readonly principalExists?: (arn: string) => boolean;
  /**
   * Resource policies: `s3` (default) applies PutBucketPolicy's rules and messages (`MalformedPolicy`);
   * `iam` applies IAM's grammar with `MalformedPolicyDocument`, as SimulateCustomPolicy does for its
   * ResourcePolicy parameter, which may belong to any service.
   */
  readonly resourceDialect?: 's3' | 'iam';
}

export type ParsePolicyResult =
  | { readonly ok: true; readonly document: PolicyDocument }
  | { readonly ok: false; readonly error: PolicyError };

/** Organizations answers every invalid SCP or RCP with one message. */
const SCP_INVALID = 'The provided policy document does not meet the requirements of the specified policy type.';

export function parsePolicy(text: string, options: ParsePolicyOptions): ParsePolicyResult {
  const iamResource = options.kind === 'resource' && options.resourceDialect === 'iam';
  try {
    const raw = readPolicySyntax(text, iamResource ? 'identity' : options.kind);
    if (iamResource) {
      applyIamRules(raw, { kind: 'resource', managed: false, principalExists: options.principalExists });
    } else if (options.kind === 'resource') {
      applyS3Rules(raw, { bucket: options.bucket, principalExists: options.principalExists });
    } else {
      applyIamRules(raw, {
        kind: options.kind,
        // Boundaries and RCPs must be Version 2012-10-17 (Organizations user guide, "RCP syntax").
        managed: options.managed === true || options.kind === 'boundary' || options.kind === 'rcp',
        principalExists: options.principalExists,
      });
    }
    return { ok: true, document: toPolicyDocument(raw) };
  } catch (e) {
    if (!(e instanceof PolicyRejection)) throw e;
    if (options.kind === 'scp' || options.kind === 'rcp') return { ok: false, error: malformed(options.kind, SCP_INVALID) };
    if (iamResource) return { ok: false, error: { ...e.error, code: 'MalformedPolicyDocument' } };
    return { ok: false, error: e.error };
  }
}

/** A document that passed validation, as the engine's model (Access Analyzer's checks read it too). */
export function toPolicyDocument(raw: RawDocument): PolicyDocument {
  return {
    version: raw.version === '2012-10-17' ? '2012-10-17' : '2008-10-17',
    versionGiven: raw.version !== undefined,
    id: raw.id,
    statements: raw.statements.map((s) => ({
      sid: s.sid,
      // Validation has checked the exact case.
      effect: s.effect as Effect,
      principal: s.principal,
      notPrincipal: s.notPrincipal,
      action: s.action,
      notAction: s.notAction,
      resource: s.resource,
      notResource: s.notResource,
      conditions: s.conditions,
      span: s.span,
    })),
  };
}

export type CompilePolicyTextResult =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly error: PolicyError };

/** parsePolicy + compilePolicy in one call; `id` names the policy in matched statements. */
export function parseAndCompilePolicy(text: string, options: ParsePolicyOptions & { readonly id: string }): CompilePolicyTextResult {
  const parsed = parsePolicy(text, options);
  if (!parsed.ok) return parsed;
  return { ok: true, policy: compilePolicy(parsed.document, { id: options.id, kind: options.kind }) };
}
