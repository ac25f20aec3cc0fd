import { ServiceError } from '../errors/service-error.js';
import type { PolicyDocument } from '../policy/policy-document.js';
import { toPolicyDocument } from '../policy/parse-policy.js';
import { PolicyRejection } from '../policy/policy-error.js';
import { readPolicySyntax, type RawDocument } from '../policy/policy-syntax.js';

/**
 * The policy documents the custom policy checks accept, parsed with the engine's parser.
 *
 * - the grammar (src/policy/policy-syntax.ts), an exact Effect, unique Sids, actions with a vendor;
 * - `identity`: no Principal, and a Resource or NotResource in every statement;
 * - `resource` (bucket policies, role trust policies, key policies, ...): a Principal or NotPrincipal in
 *   every statement. The Resource element may be left out: a trust policy has none, and the AWS CLI's
 *   own CheckNoPublicAccess example passes a bucket policy without one.
 * Resource ARNs are not held to IAM's per-service formats: AWS's custom policy check samples pass
 * `arn:aws:s3:*:*:*sensitive*`, which IAM's CreatePolicy refuses.
 *
 * A document that is not a policy of its type is answered with InvalidParameterException (400), the
 * error botocore's model lists for the three operations.
 * https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckNoNewAccess.html
 * Deviation from AWS: AWS does not document the messages; ours are IAM's validation messages.
 */

const NO_VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';

export type CheckPolicyKind = 'identity' | 'resource';

export function invalidParameter(message: string): ServiceError {
  return new ServiceError('InvalidParameterException', message, 400);
}

export function readCheckDocument(text: string, kind: CheckPolicyKind): PolicyDocument {
  let raw: RawDocument;
  try {
    raw = readPolicySyntax(text, 'identity');
  } catch (e) {
    if (e instanceof PolicyRejection) throw invalidParameter(e.error.message);
    throw e;
  }
  const problem = statementProblem(raw, kind);
  if (problem !== undefined) throw invalidParameter(problem);
  return toPolicyDocument(raw);
}

/** IAM's checks after the grammar that every service's policies share, with IAM's messages. */
function statementProblem(raw: RawDocument, kind: CheckPolicyKind): string | undefined {
  const sids = new Set<string>();
  for (const s of raw.statements) {
    if (s.effect !== 'Allow' && s.effect !== 'Deny') return 'The policy failed legacy parsing';
    if (s.sid !== undefined) {
      if (sids.has(s.sid)) return 'Statement IDs (SID) in a single policy must be unique.';
      sids.add(s.sid);
    }
    const actions = s.action ?? s.notAction;
    if (!actions || actions.length === 0) return 'Policy statement must contain actions.';
    for (const a of actions) {
      const parts = a.split(':');
      if (parts.length === 1 && parts[0] !== '*') return NO_VENDOR;
      if (parts.length > 2) return 'Actions/Condition can contain only one colon.';
    }
    if (kind === 'identity') {
      if (s.principal || s.notPrincipal) return 'Policy document should not specify a principal.';
      if (!s.resource?.length && !s.notResource?.length) return 'Policy statement must contain resources.';
    } else if (!s.principal && !s.notPrincipal) return 'Policy statement must contain a principal.';
  }
  return undefined;
}
