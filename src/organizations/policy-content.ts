import type { OrgPolicyType } from '../iam/store/types.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { checkPolicySize } from '../policy/size-limits.js';
import { constraintViolation, orgError } from './errors.js';
import { parseS3Policy } from './s3-policy.js';

/**
 * Validates an SCP or RCP (an S3 policy: s3-policy.ts) where it is written (CreatePolicy, UpdatePolicy): the size quota (5,120
 * characters, white space included: ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED), then
 * the policy grammar of the type (MalformedPolicyDocumentException). Customer RCPs may only Deny:
 * "The effect of Allow is only supported for the RCPFullAWSAccess policy".
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
 */
export function validatePolicyContent(type: OrgPolicyType, content: string): void {
  if (type === 'S3_POLICY') {
    parseS3Policy(content);
    return;
  }
  const rcp = type === 'RESOURCE_CONTROL_POLICY';
  const tooLarge = checkPolicySize(rcp ? 'ResourceControlPolicy' : 'ServiceControlPolicy', [content]);
  if (tooLarge) throw constraintViolation('POLICY_CONTENT_LIMIT_EXCEEDED', tooLarge.message);
  const parsed = parsePolicy(content, { kind: rcp ? 'rcp' : 'scp' });
  if (!parsed.ok) throw orgError('MalformedPolicyDocumentException', { message: parsed.error.message });
  if (rcp && parsed.document.statements.some((s) => s.effect === 'Allow'))
    throw orgError('MalformedPolicyDocumentException');
}
