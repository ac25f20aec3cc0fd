import {
  authorize,
  compilePolicy,
  parsePolicy,
  type CompiledPolicy,
  type ContextKeys,
  type RequestPrincipal,
} from '../policy/index.js';
import { principalProblem } from '../policy/principal-rules.js';
import type { ResourcePolicyRef } from '../server/protocol.js';
import { kmsError } from './kms-errors.js';
import type { KeyRecord } from './key-types.js';

/**
 * Key policies: every KMS key has exactly one (policy name `default`), and it is the primary control
 * of access: no IAM policy grants anything unless the key policy allows it or delegates to the
 * account (`"Principal": {"AWS": "arn:aws:iam::<account>:root"}`). Checks carry it as a `KeyPolicy`
 * resource policy, which the engine evaluates like a trust policy (it must allow even within the
 * account).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
 */

/** The only policy name a key has. */
export const KEY_POLICY_NAME = 'default';
/** Key policy document size quota (32 KB). */
export const KEY_POLICY_MAX_BYTES = 32_768;

/**
 * The default key policy (CreateKey without Policy), as GetKeyPolicy prints it: it gives the account
 * — and so the IAM policies of its users and roles — full access to the key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function defaultKeyPolicy(accountId: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${accountId}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

/**
 * The key policy of the AWS managed key `aws/s3`, as AWS writes it: any principal of the account may
 * use the key through S3 (kms:ViaService, kms:CallerAccount), and the account may read its metadata.
 * No one can change it, delete it or use it directly.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-cmk
 */
export function awsS3KeyPolicy(accountId: string, region: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "auto-s3-2",
  "Statement" : [ {
    "Sid" : "Allow access through S3 for all principals in the account that are authorized to use S3",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "*"
    },
    "Action" : [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ],
    "Resource" : "*",
    "Condition" : {
      "StringEquals" : {
        "kms:CallerAccount" : "${accountId}",
        "kms:ViaService" : "s3.${region}.amazonaws.com"
      }
    }
  }, {
    "Sid" : "Allow direct access to key metadata to the account",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${accountId}:root"
    },
    "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*" ],
    "Resource" : "*"
  } ]
}`;
}

/** The key policy an authorization check of the key is evaluated against; its id names one revision. */
export function keyPolicyRef(key: Pick<KeyRecord, 'keyId' | 'policy' | 'policyRevision'>): ResourcePolicyRef {
  return { type: 'KeyPolicy', id: `kms:${key.keyId}#${key.policyRevision}`, document: key.policy };
}

export interface KeyPolicyValidation {
  readonly policy: string;
  /** The key the policy is for (for a new key, the ARN it will have). */
  readonly keyArn: string;
  readonly keyAccount: string;
  /** Who is setting the policy: the lockout safety check asks whether they could set it again. */
  readonly principal: RequestPrincipal;
  /** The request's condition keys, for the lockout safety check. */
  readonly context: ContextKeys;
  readonly bypassLockoutSafetyCheck: boolean;
  /** Whether an IAM user or role ARN the policy names exists. */
  readonly principalExists: (arn: string) => Promise<boolean>;
}

const MALFORMED_PRINCIPALS = 'Policy contains a statement with one or more invalid principals.';
const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';

/**
 * CreateKey's and PutKeyPolicy's checks: the size quota, IAM's policy grammar for resource-based
 * policies (every statement names a principal), principals that exist, and — unless
 * BypassPolicyLockoutSafetyCheck — that the caller could still call PutKeyPolicy afterwards.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-bypass-policy-lockout-safety-check
 */
export async function validateKeyPolicy(v: KeyPolicyValidation): Promise<void> {
  if (Buffer.byteLength(v.policy, 'utf8') > KEY_POLICY_MAX_BYTES) {
    throw kmsError('LimitExceededException', {
      message: `Policy exceeds the maximum size of ${KEY_POLICY_MAX_BYTES} bytes.`,
    });
  }
  const parsed = parsePolicy(v.policy, { kind: 'resource', resourceDialect: 'iam' });
  if (!parsed.ok) throw kmsError('MalformedPolicyDocumentException', { message: parsed.error.message });
  // The engine does no I/O: collect the user and role ARNs it asks about, then ask the store.
  const asked = new Set<string>();
  const collect = { principalExists: (arn: string) => (asked.add(arn), true), allowCanonicalUser: false };
  for (const s of parsed.document.statements) {
    for (const spec of [s.principal, s.notPrincipal]) {
      if (spec && principalProblem(spec, collect))
        throw kmsError('MalformedPolicyDocumentException', { message: MALFORMED_PRINCIPALS });
    }
  }
  for (const arn of asked) {
    if (!(await v.principalExists(arn)))
      throw kmsError('MalformedPolicyDocumentException', { message: MALFORMED_PRINCIPALS });
  }
  if (v.bypassLockoutSafetyCheck) return;
  const policy = compilePolicy(parsed.document, { id: 'kms:lockout-check', kind: 'resource' });
  if (!callerCouldUpdate(v, policy)) throw kmsError('MalformedPolicyDocumentException', { message: LOCKOUT });
}

/**
 * The lockout safety check: would the new policy let this principal call PutKeyPolicy? The caller's
 * IAM policies are assumed to allow it, so a policy that delegates to the account passes.
 * Deviation from AWS: AWS also consults the caller's IAM policies; a handler here does not see
 * them (authorization happens before it), so a delegating policy passes even for a caller whose
 * IAM policies would not allow kms:PutKeyPolicy.
 */
function callerCouldUpdate(v: KeyPolicyValidation, policy: CompiledPolicy): boolean {
  const result = authorize({
    principal: v.principal,
    action: 'kms:PutKeyPolicy',
    resource: v.keyArn,
    resourceAccount: v.keyAccount,
    context: v.context,
    policies: { identity: [allowAll()], resourcePolicy: policy, resourcePolicyType: 'KeyPolicy' },
  });
  return result.decision === 'Allow';
}

function allowAll(): CompiledPolicy {
  const parsed = parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}', {
    kind: 'identity',
  });
  if (!parsed.ok) throw new Error('allow-all policy does not parse');
  return compilePolicy(parsed.document, { id: 'kms:assumed-iam-allow', kind: 'identity' });
}
