import type { PolicyDocument } from '../policy/policy-document.js';
import { toPolicyDocument } from '../policy/parse-policy.js';
import { PolicyRejection } from '../policy/policy-error.js';
import { readPolicySyntax } from '../policy/policy-syntax.js';

/**
 * A policy as stored (a bucket policy, trust policy or key policy, validated when it was written), in the
 * engine's model; an error message when it no longer reads (the analysis reports it on the finding).
 */
export function readStoredPolicy(text: string): { document: PolicyDocument } | { error: string } {
  try {
    return { document: toPolicyDocument(readPolicySyntax(text, 'identity')) };
  } catch (e) {
    if (e instanceof PolicyRejection) return { error: e.error.message };
    throw e;
  }
}
