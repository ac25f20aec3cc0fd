import { parsePolicy, policySize, toServiceError } from '../../policy/index.js';
import { iamError } from '../errors.js';
import type { IamApiDeps } from './deps.js';

const USER_OR_ROLE_ARN = /^arn:aws:iam::(\d{12}):(user|role)((?:\/[^/]+)*\/)([^/]+)$/;

/**
 * Validates a role trust policy as CreateRole and UpdateAssumeRolePolicy do: the ACLSizePerRole
 * quota (white space outside strings is free), then the policy engine's trust-policy rules with
 * IAM's MalformedPolicyDocument messages. A user or role named as principal must exist ("Invalid
 * principal in policy"), in any account of this server; account ids, `:root` ARNs, services,
 * federated providers and session ARNs are accepted as IAM accepts them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
export async function validateTrustPolicy(deps: IamApiDeps, document: string): Promise<void> {
  const quota = deps.limits.trustPolicySize;
  if (policySize(document) > quota) {
    throw iamError('LimitExceeded', { message: `Cannot exceed quota for ACLSizePerRole: ${quota}` });
  }
  // The engine does no I/O: a first pass collects the user and role ARNs it asks about (assuming they
  // exist, so any other fault is reported first), the store answers, and a second pass decides.
  const asked = new Set<string>();
  const first = parsePolicy(document, { kind: 'trust', principalExists: (arn) => (asked.add(arn), true) });
  if (!first.ok) throw toServiceError(first.error);
  if (asked.size === 0) return;
  const existing = new Set<string>();
  for (const arn of asked) if (await principalExists(deps, arn)) existing.add(arn);
  const second = parsePolicy(document, { kind: 'trust', principalExists: (arn) => existing.has(arn) });
  if (!second.ok) throw toServiceError(second.error);
}

async function principalExists(deps: IamApiDeps, arn: string): Promise<boolean> {
  const m = USER_OR_ROLE_ARN.exec(arn);
  if (!m) return false;
  const [, accountId, kind, path, name] = m;
  const found = kind === 'user'
    ? await deps.store.users.getByName(accountId, name)
    : await deps.store.roles.getByName(accountId, name);
  return found !== undefined && found.path === path;
}
