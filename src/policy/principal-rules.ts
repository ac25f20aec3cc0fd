import type { PrincipalSpec } from './policy-document.js';

/**
 * Which values a Principal / NotPrincipal may name. Wildcards are only allowed as the whole value
 * `"*"`; ARNs must be complete IAM/STS principal ARNs. Whether the user or role exists is asked of
 * the caller (`principalExists`), since the engine does no I/O.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */

export interface PrincipalCheck {
  /** Asked for user and role ARNs; false makes the policy invalid, as IAM and S3 refuse unknown principals. */
  readonly principalExists: ((arn: string) => boolean) | undefined;
  readonly allowCanonicalUser: boolean;
}

export interface PrincipalProblem {
  /** As IAM prints it in "Invalid principal in policy: "AWS":"…"". */
  readonly type: 'AWS' | 'SERVICE' | 'FEDERATED' | 'CANONICAL_USER';
  readonly value: string;
}

const ACCOUNT = /^\d{12}$/;
const PARTITION = 'arn:aws(?:-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?';
const ROOT = new RegExp(`^${PARTITION}:iam::\\d{12}:root$`);
const USER_OR_ROLE = new RegExp(`^${PARTITION}:iam::\\d{12}:(?:user|role)(?:/[\\w+=,.@-]+)*/[\\w+=,.@-]+$`);
const STS_SESSION = new RegExp(
  `^${PARTITION}:sts::\\d{12}:(?:assumed-role/[\\w+=,.@-]+/[\\w+=,.@-]+|federated-user/[\\w+=,.@-]+)$`,
);
const SERVICE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?$|^[a-z0-9][a-z0-9.-]*\.amazon\.com$/;
const FEDERATED = new RegExp(`^(?:${PARTITION}:iam::\\d{12}:(?:saml-provider|oidc-provider)/\\S+|[a-z0-9][a-z0-9.-]*\\.[a-z]{2,}(?:/\\S*)?)$`);
const CANONICAL = /^[0-9a-fA-F]{64}$/;

export function principalProblem(spec: PrincipalSpec, check: PrincipalCheck): PrincipalProblem | undefined {
  for (const v of spec.aws) {
    if (ACCOUNT.test(v) || ROOT.test(v) || STS_SESSION.test(v)) continue;
    if (USER_OR_ROLE.test(v) && (check.principalExists === undefined || check.principalExists(v))) continue;
    return { type: 'AWS', value: v };
  }
  for (const v of spec.service) if (!SERVICE.test(v)) return { type: 'SERVICE', value: v };
  for (const v of spec.federated) if (!FEDERATED.test(v)) return { type: 'FEDERATED', value: v };
  for (const v of spec.canonicalUser) if (!check.allowCanonicalUser || !CANONICAL.test(v)) return { type: 'CANONICAL_USER', value: v };
  return undefined;
}
