import { parsePolicy, policySize as enginePolicySize, toServiceError } from '../../policy/index.js';
import type { PolicyValidator } from './deps.js';

/**
 * The policy engine's validator for identity policies: AWS's MalformedPolicyDocument codes and
 * messages; managed policies (CreatePolicy/CreatePolicyVersion) must use Version 2012-10-17.
 */
export const enginePolicyValidator: PolicyValidator = (document, { managed }) => {
  const r = parsePolicy(document, { kind: 'identity', managed });
  if (!r.ok) throw toServiceError(r.error);
};

/** Policy size as IAM counts it against its quotas: white space outside JSON strings is free. */
export function policySize(document: string): number {
  return enginePolicySize(document);
}
